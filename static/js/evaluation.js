// Evaluation pages: progress bars (CSP forbids style attributes, so widths are set here) and a citation counter.
(function () {
  "use strict";
  document.querySelectorAll("[data-progress]").forEach(function (bar) {
    var value = Math.max(0, Math.min(100, parseInt(bar.getAttribute("data-progress"), 10) || 0));
    bar.style.width = value + "%";
  });
  // A button may ask for confirmation of its own (the form's data-confirm covers the whole form).
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  var toPersian = function (text) {
    return String(text).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; });
  };
  document.querySelectorAll("[data-count-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-count-for"));
    var limit = parseInt(counter.getAttribute("data-limit"), 10);
    if (!field) { return; }
    var update = function () {
      counter.textContent = toPersian(field.value.length) + " / " + toPersian(limit);
      counter.classList.toggle("text-danger", field.value.length > limit);
    };
    field.addEventListener("input", update);
    update();
  });
})();
