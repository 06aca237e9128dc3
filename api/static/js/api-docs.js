/* /docs: Swagger UI over the OpenAPI document the page carries. Nothing is loaded from
   another host: no validator badge (validatorUrl null), the document is not fetched. */
(function () {
  "use strict";
  var spec = JSON.parse(document.getElementById("openapi-document").textContent);
  window.ui = SwaggerUIBundle({
    spec: spec,
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
})();
