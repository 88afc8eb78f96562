// Follow a background job (a bulk print, a large export): poll its status and move the progress bar;
// the page also refreshes itself without JS.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var bar = document.getElementById("job-progress");
  var count = document.getElementById("job-count");
  var total = document.getElementById("job-total");
  var state = document.getElementById("job-state");
  var link = document.getElementById("job-download");
  var digits = "۰۱۲۳۴۵۶۷۸۹";
  var persian = document.documentElement.lang === "fa";
  // As the fa_number filter writes it: thousands grouped, Persian digits and separator on Persian pages.
  function fa(n) {
    var grouped = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, persian ? "\u066c" : ",");
    return persian ? grouped.replace(/[0-9]/g, function (d) { return digits[d]; }) : grouped;
  }
  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.total) {
          bar.max = job.total;
          if (total) { total.textContent = fa(job.total); }
        }
        bar.value = job.done;
        count.textContent = fa(job.done);
        if (job.state === "done") {
          state.textContent = "پرونده آماده است.";
          link.classList.remove("d-none");
        } else if (job.state === "failed") {
          // Reload: the server-rendered page offers the retry button (with its CSRF token).
          if (!document.getElementById("job-retry")) { window.location.reload(); }
          else { state.textContent = "ساخت پرونده ناموفق بود: " + (job.error || ""); }
        } else {
          if (job.state === "running") { state.textContent = "در حال ساخت…"; }
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
