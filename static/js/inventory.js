// Inventory pages: an inline edit that fails validation answers 422 with the field and its error; swap it in.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // After a swap, put the cursor in the field being edited.
  document.addEventListener("htmx:afterSwap", function (event) {
    var input = event.detail.target && event.detail.target.querySelector && event.detail.target.querySelector(".inline-field form .form-control, .inline-field form .form-select");
    if (input) { input.focus(); }
  });
})();
