// The waves page: places the timeline's bars and ticks from their data- attributes (no inline style under CSP) and lets
// a person drag an application onto another wave; the drop fills the plain move form and submits it by htmx.
(function () {
  "use strict";

  function placeTimeline(root) {
    // Bars and ticks carry their place in percent of the plan's span.
    root.querySelectorAll(".gantt [data-left]").forEach(function (el) {
      el.style.left = el.getAttribute("data-left") + "%";
      var width = el.getAttribute("data-width");
      if (width) { el.style.width = width + "%"; }
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
