// Starts Swagger UI on /api/docs/ from the portal's own copy (static/vendor/swagger-ui/):
// the schema comes from the page's data attribute, nothing from another host
// (validatorUrl null: no badge from validator.swagger.io).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  if (!element || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    domNode: element,
    deepLinking: true,
    validatorUrl: null,
    persistAuthorization: false,
    withCredentials: false,
  });
});
