// Swagger UI for the management API. "Try it out" runs with the console's session cookie; state-changing
// calls carry the page's CSRF token like the console's own.
'use strict';
window.addEventListener('DOMContentLoaded', () => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.yaml',
    dom_id: '#swagger-ui',
    deepLinking: true,
    requestInterceptor: request => {
      if (request.method && request.method.toUpperCase() !== 'GET') request.headers['X-CSRF-Token'] = token;
      return request;
    },
  });
});
