// Starts Swagger UI on the schema URL the page names (a file, so no inline script is needed).
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: function (request) {
      var token = document.cookie.match(/csrftoken=([^;]+)/);
      if (token) { request.headers["X-CSRFToken"] = token[1]; }
      return request;
    },
  });
});
