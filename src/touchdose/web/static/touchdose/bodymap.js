// Progressive enhancement for the body map: tapping an area ticks its checkbox (and back).
// Without JavaScript the checkboxes still work; the picture then only shows what is ticked.
(function () {
  document.querySelectorAll("[data-bodymap]").forEach(function (root) {
    var boxes = root.querySelectorAll("input[type=checkbox]");
    function paint() {
      boxes.forEach(function (box) {
        var shape = root.querySelector('[data-area="' + box.value + '"]');
        if (shape) { shape.classList.toggle("on", box.checked); }
      });
    }
    root.querySelectorAll("[data-area]").forEach(function (shape) {
      shape.addEventListener("click", function () {
        var box = root.querySelector('input[value="' + shape.dataset.area + '"]');
        if (box) { box.checked = !box.checked; paint(); }
      });
    });
    boxes.forEach(function (box) { box.addEventListener("change", paint); });
    paint();
  });
})();
