// The dependency graph page: fetches its JSON (data-graph-url) and draws it with the vendored cytoscape.
(function () {
  "use strict";

  function styles() {
    return [
      { selector: "node", style: { "label": "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 4, "background-color": "#6c757d", "width": 22, "height": 22 } },
      { selector: "node[type = 'application']", style: { "shape": "round-rectangle", "background-color": "#0d6efd", "width": 34, "height": 24 } },
      { selector: "node[?focus]", style: { "background-color": "#d63384", "width": 44, "height": 30, "font-weight": "bold" } },
      { selector: "node[?deleted]", style: { "opacity": 0.45 } },
      { selector: "edge", style: { "width": 2, "curve-style": "bezier", "target-arrow-shape": "triangle", "line-color": "#adb5bd", "target-arrow-color": "#adb5bd", "label": "data(label)", "font-size": 9, "text-rotation": "autorotate" } },
      { selector: "edge[type = 'dependency']", style: { "line-color": "#0d6efd", "target-arrow-color": "#0d6efd" } },
      { selector: "edge[?bidirectional]", style: { "source-arrow-shape": "triangle", "source-arrow-color": "#0d6efd" } },
      { selector: "edge[type = 'network']", style: { "line-style": "dashed", "line-color": "#fd7e14", "target-arrow-color": "#fd7e14" } },
      { selector: "edge[type = 'runs_on']", style: { "line-style": "dotted", "target-arrow-shape": "none", "label": "" } }
    ];
  }

  function draw(container, graph) {
    if (!graph.nodes.length || (graph.nodes.length === 1 && !graph.edges.length)) {
      var empty = container.parentElement.querySelector("[data-graph-empty]");
      if (empty) { empty.classList.remove("d-none"); }
    }
    var elements = graph.nodes.map(function (n) { return { group: "nodes", data: n }; })
      .concat(graph.edges.map(function (e) { return { group: "edges", data: e }; }));
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      style: styles(),
      layout: { name: "cose", animate: false, padding: 30 },
      wheelSensitivity: 0.3
    });
    cy.on("tap", "node", function (event) {
      var url = event.target.data("url");
      if (url) { window.location.assign(url); }
    });
    container.dataset.rendered = String(graph.nodes.length);
  }

  function init() {
    var container = document.getElementById("dependency-graph");
    if (!container || !window.cytoscape) { return; }
    fetch(container.getAttribute("data-graph-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (graph) { draw(container, graph); });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
