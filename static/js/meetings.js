// Meetings area: small enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // "Adresse kopieren" on the calendar page: copies the feed URL to the clipboard.
  document.querySelectorAll("[data-copy-target]").forEach((button) => {
    const field = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(field.value).then(() => {
        if (status) {
          status.textContent = button.dataset.copiedText;
        }
      });
    });
  });
});
