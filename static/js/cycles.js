// Jalali date picker on inputs marked data-jdp (timeline, ceremony and audit filter forms).
// app.js runs before the page's own scripts, so the picker, loaded after it, is started here.
(function () {
  "use strict";
  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  var ARABIC = "٠١٢٣٤٥٦٧٨٩";
  function toLatin(text) {
    return text.replace(/[۰-۹٠-٩]/g, function (d) {
      var i = PERSIAN.indexOf(d);
      return String(i >= 0 ? i : ARABIC.indexOf(d));
    });
  }
  function latinise(input) {
    if (input && input.matches && input.matches("input[data-jdp]")) {
      input.value = toLatin(input.value);
    }
  }
  // The picker reads and writes Latin digits only (the server accepts both): hand it Latin ones, on load and
  // before it opens on a value typed with Persian digits.
  Array.prototype.forEach.call(document.querySelectorAll("input[data-jdp]"), latinise);
  document.addEventListener("focusin", function (event) { latinise(event.target); }, true);
  document.addEventListener("pointerdown", function (event) { latinise(event.target); }, true);
  // The picker draws its year and month lists without a label: name them for screen readers as they appear.
  var fa = document.documentElement.lang === "fa";
  var names = [[".jdp-year select", fa ? "سال" : "Year"], [".jdp-month select", fa ? "ماه" : "Month"]];
  function nameLists() {
    names.forEach(function (pair) {
      Array.prototype.forEach.call(document.querySelectorAll(pair[0]), function (list) {
        if (!list.hasAttribute("aria-label")) { list.setAttribute("aria-label", pair[1]); }
      });
    });
  }
  if (window.MutationObserver) {
    new MutationObserver(nameLists).observe(document.body, { childList: true, subtree: true });
  }
  if (window.jalaliDatepicker) {
    window.jalaliDatepicker.startWatch({ persianDigits: true, autoShow: true, autoHide: true, hideAfterChange: true });
  }
})();
