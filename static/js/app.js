// Behaviour of our pages without inline scripts (the content security policy forbids them).
(function () {
  "use strict";

  // Progress bars carry their fill as data-fraction="value/max"; set through the CSSOM, which CSP allows.
  function fillBars(root) {
    root.querySelectorAll("[data-fraction]").forEach(function (bar) {
      var parts = bar.getAttribute("data-fraction").split("/");
      var max = parseFloat(parts[1]) || 100;
      var value = Math.max(0, Math.min(max, parseFloat(parts[0]) || 0));
      bar.style.width = (100 * value / max) + "%";
    });
  }

  // Range inputs show their value beside their label.
  function bindRanges(root) {
    root.querySelectorAll("output[data-range-for]").forEach(function (out) {
      var input = document.getElementById(out.getAttribute("data-range-for"));
      if (input && !input.dataset.bound) {
        input.dataset.bound = "1";
        input.addEventListener("input", function () { out.textContent = input.value; });
      }
    });
  }

  // Buttons that copy a value (API token keys).
  function bindCopy(root) {
    root.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.addEventListener("click", function () {
        var target = document.querySelector(button.getAttribute("data-copy-target"));
        if (target && navigator.clipboard) { navigator.clipboard.writeText(target.textContent.trim()); button.textContent = "Copied"; }
      });
    });
  }

  // Forms that ask before a destructive action (data-confirm="message").
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);

  // An engagement's socket carries the fragments of all its live pages (flow page, flow list, overview); each
  // page keeps those whose target it has, so htmx never reports the others as missing (oobErrorNoTarget).
  function targetOf(fragment) {
    var oob = fragment.getAttribute("hx-swap-oob") || "true";
    var colon = oob.indexOf(":");
    if (colon > 0) { return oob.slice(colon + 1); }
    return fragment.id ? "#" + CSS.escape(fragment.id) : null;
  }
  if (window.htmx) {
    window.htmx.defineExtension("live-targets", {
      transformResponse: function (text) {
        var template = document.createElement("template");
        template.innerHTML = text;
        return Array.prototype.filter.call(template.content.children, function (fragment) {
          var target = targetOf(fragment);
          return target !== null && document.querySelector(target) !== null;
        }).map(function (fragment) { return fragment.outerHTML; }).join("");
      }
    });
  }

  function init(root) { fillBars(root); bindRanges(root); bindCopy(root); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
  document.addEventListener("htmx:oobAfterSwap", function (event) { init(event.detail.target || document); });
})();
