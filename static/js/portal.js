// Behaviour that cannot be written inline (the Content-Security-Policy forbids inline script).
document.addEventListener("DOMContentLoaded", () => {
  // htmx requests carry the CSRF token taken from the body's data attribute.
  document.body.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-CSRFToken"] = document.body.dataset.csrfToken;
  });
  // Buttons with data-confirm ask before submitting (cancel a meeting, delete an item).
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
});
