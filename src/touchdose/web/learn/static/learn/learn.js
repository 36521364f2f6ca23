// Learn page controls: show the slider's value as it moves, and redraw when a control is let go.
// The form is a plain GET form with a "Show" button, so everything works without this script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosubmit]");
  if (!form) { return; }
  var range = form.querySelector("input[type=range]");
  var out = form.querySelector("output");
  if (range && out) {
    range.addEventListener("input", function () { out.value = range.value; });
  }
  form.addEventListener("change", function () { form.submit(); });
})();
