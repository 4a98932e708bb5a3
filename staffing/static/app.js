// Small progressive enhancements: table filters and the solve progress bar (CSP: no inline script).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.filter").forEach((input) => {
    const table = document.getElementById(input.dataset.target);
    if (!table) return;
    input.addEventListener("input", () => {
      const needle = input.value.trim().toLowerCase().normalize("NFC");
      table.querySelectorAll("tbody tr").forEach((row) => {
        row.style.display = !needle || row.textContent.toLowerCase().normalize("NFC").includes(needle) ? "" : "none";
      });
    });
  });
  const card = document.querySelector("[data-progress-url]");
  if (card) {
    const fill = card.querySelector(".fill");
    const message = card.querySelector(".progress-message");
    const poll = async () => {
      try {
        const response = await fetch(card.dataset.progressUrl, { headers: { Accept: "application/json" } });
        const state = await response.json();
        fill.style.width = Math.round(state.progress * 100) + "%";
        message.textContent = state.message;
        if (state.state === "done" || state.state === "failed") { window.location.reload(); return; }
      } catch (e) { /* keep polling: the server may be restarting */ }
      setTimeout(poll, 1000);
    };
    setTimeout(poll, 1000);
  }
});
