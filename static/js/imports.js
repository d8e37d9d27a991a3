// The upload page's drop zone: dropping a file fills the plain file input (which works without this script).
(function () {
  "use strict";

  function bind(zone) {
    var input = zone.querySelector("input[type=file]");
    var name = zone.querySelector("[data-drop-name]");
    if (!input || zone.dataset.bound) { return; }
    zone.dataset.bound = "1";
    function show() { if (name) { name.textContent = input.files.length ? input.files[0].name : ""; } }
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("border-primary"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("border-primary"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; show(); }
    });
    input.addEventListener("change", show);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-drop-zone]").forEach(bind);
  });
})();
