// The home page: widths of progress bars, and the organizer's charts (Chart.js, from static/vendor).
// No inline script (CSP): the figures come from the <script type="application/json" id="dashboard-charts">.
(function () {
  "use strict";
  document.querySelectorAll("[data-progress]").forEach(function (bar) {
    var value = Math.max(0, Math.min(100, parseInt(bar.getAttribute("data-progress"), 10) || 0));
    bar.style.width = value + "%";
  });

  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data;
  try { data = JSON.parse(source.textContent); } catch (error) { return; }
  var rtl = document.documentElement.getAttribute("dir") === "rtl";
  var locale = data.persian ? "fa-IR" : "en-US";
  var Chart = window.Chart;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily || "Vazirmatn, Tahoma, sans-serif";
  Chart.defaults.color = "#212529";
  Chart.defaults.locale = locale;
  var palette = ["#1f3b63", "#c9a227", "#2e7d32", "#6a1b9a", "#00838f", "#c62828", "#5d4037", "#455a64"];
  var format = new Intl.NumberFormat(locale);

  function bars(canvas, series, options) {
    options = options || {};
    var horizontal = !!options.horizontal;
    var valueAxis = {
      beginAtZero: true,
      ticks: {
        precision: 0,
        callback: function (value) { return format.format(value) + (options.percent ? "٪" : ""); }
      }
    };
    if (options.percent) { valueAxis.max = 100; }
    var labelAxis = { ticks: { autoSkip: false } };
    var scales = horizontal
      ? { x: Object.assign(valueAxis, { reverse: rtl }), y: Object.assign(labelAxis, { position: rtl ? "right" : "left" }) }
      : { x: Object.assign(labelAxis, { reverse: rtl }), y: Object.assign(valueAxis, { position: rtl ? "right" : "left" }) };
    return new Chart(canvas, {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [{
          data: series.values,
          backgroundColor: options.colours ? series.values.map(function (_v, i) { return palette[i % palette.length]; }) : palette[0],
          borderRadius: 3
        }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        locale: locale,
        plugins: {
          legend: { display: false },
          tooltip: {
            rtl: rtl,
            textDirection: rtl ? "rtl" : "ltr",
            callbacks: {
              label: function (item) { return format.format(item.raw) + (options.percent ? "٪" : ""); }
            }
          }
        },
        scales: scales
      }
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var kind = canvas.getAttribute("data-chart");
    if (kind === "provinces" && data.provinces) { bars(canvas, data.provinces, { horizontal: true }); }
    else if (kind === "states" && data.states) { bars(canvas, data.states, { colours: true }); }
    else if (kind === "committees" && data.committees) { bars(canvas, data.committees, { percent: true }); }
    else if (kind === "scores" && data.distributions) {
      var series = data.distributions[parseInt(canvas.getAttribute("data-index"), 10)];
      if (series) { bars(canvas, series, {}); }
    }
  });
})();
