// The waves page: places the timeline's bars from their data- attributes (no inline style under CSP) and lets
// a person drag an application onto another wave; the drop fills the plain move form and submits it by htmx.
(function () {
  "use strict";

  function placeTimeline(root) {
    root.querySelectorAll(".gantt[data-weeks]").forEach(function (grid) {
      grid.style.setProperty("--weeks", grid.getAttribute("data-weeks"));
    });
    root.querySelectorAll("[data-col-start]").forEach(function (cell) {
      var start = parseInt(cell.getAttribute("data-col-start"), 10) || 0;
      var span = parseInt(cell.getAttribute("data-col-span"), 10) || 1;
      // Column 1 holds the labels: week 0 is grid column 2.
      cell.style.gridColumn = (start + 2) + " / span " + span;
    });
    root.querySelectorAll("[data-row]").forEach(function (cell) {
      cell.style.gridRow = cell.getAttribute("data-row");
    });
  }

  function bindDrag(root) {
    root.querySelectorAll(".wave-app[data-app-id]").forEach(function (item) {
      if (item.dataset.dragBound) { return; }
      item.dataset.dragBound = "1";
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", item.getAttribute("data-app-id"));
        event.dataTransfer.effectAllowed = "move";
        item.classList.add("dragging");
      });
      item.addEventListener("dragend", function () { item.classList.remove("dragging"); });
    });
    root.querySelectorAll(".wave-column[data-wave-number]").forEach(function (column) {
      if (column.dataset.dropBound) { return; }
      column.dataset.dropBound = "1";
      column.addEventListener("dragover", function (event) { event.preventDefault(); column.classList.add("drop-target"); });
      column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        var appId = event.dataTransfer.getData("text/plain");
        var form = document.getElementById("wave-move-form");
        if (!appId || !form) { return; }
        form.querySelector("[name=application]").value = appId;
        form.querySelector("[name=wave_number]").value = column.getAttribute("data-wave-number");
        if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.submit(); }
      });
    });
  }

  function init(root) { placeTimeline(root); bindDrag(root); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
