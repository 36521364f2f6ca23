// Progressive enhancement for the intake: before the first answers, suggest the browser's own
// time zone instead of UTC (the client can still pick another one; without JavaScript it stays UTC).
(function () {
  var select = document.querySelector("select[data-guess-zone]");
  if (!select || select.value !== "UTC" || !window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && select.querySelector('option[value="' + zone + '"]')) { select.value = zone; }
})();
