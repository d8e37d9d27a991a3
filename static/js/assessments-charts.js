// The engagement dashboard's charts, drawn with the vendored Chart.js from the JSON the page carries
// (json_script #assessment-charts-data), so no inline script is needed.
(function () {
  "use strict";

  var STRATEGY_COLOURS = { rehost: "#0d6efd", replatform: "#6610f2", refactor: "#d63384", repurchase: "#fd7e14", retire: "#6c757d", retain: "#20c997" };
  var READINESS_COLOURS = { ready: "#198754", ready_with_conditions: "#ffc107", not_ready: "#dc3545", unknown: "#adb5bd" };

  function colours(keys, palette) { return keys.map(function (key) { return palette[key] || "#0dcaf0"; }); }

  function make(canvas, config) {
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    var chart = new window.Chart(canvas, config);
    canvas.setAttribute("data-drawn", "1");
    return chart;
  }

  var builders = {
    strategies: function (canvas, d) {
      return make(canvas, { type: "doughnut", data: { labels: d.labels, datasets: [{ data: d.values, backgroundColor: colours(d.keys, STRATEGY_COLOURS) }] },
        options: { plugins: { legend: { position: "right" } } } });
    },
    readiness: function (canvas, d) {
      return make(canvas, { type: "bar", data: { labels: d.labels, datasets: [{ label: "Servers", data: d.values, backgroundColor: colours(d.keys, READINESS_COLOURS) }] },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
    },
    debt: function (canvas, d) {
      return make(canvas, { type: "bar", data: { labels: d.labels, datasets: d.series.map(function (s) { return { label: s.label, data: s.values, backgroundColor: s.colour }; }) },
        options: { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } } });
    },
    cost: function (canvas, d) {
      return make(canvas, { type: "bar", data: { labels: d.labels, datasets: [{ label: "Monthly cost (" + d.currency + ")", data: d.values, backgroundColor: ["#6c757d", "#0d6efd"] }] },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } } });
    },
    waves: function (canvas, d) {
      return make(canvas, { type: "bar", data: { labels: d.labels, datasets: [
        { label: "Applications", data: d.applications, backgroundColor: "#0d6efd" },
        { label: "Servers", data: d.servers, backgroundColor: "#20c997" }
      ] }, options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
    }
  };

  function init() {
    var source = document.getElementById("assessment-charts-data");
    if (!source || !window.Chart) { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var name = canvas.getAttribute("data-chart");
      if (builders[name] && data[name]) { builders[name](canvas, data[name]); }
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
