// Review pages (CSP: no inline script): live rule checks while choosing an adjustment, auto-submitting filters.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  // Re-check the change at once whenever the choice changes; the server renders the verdict.
  document.querySelectorAll("form.live-check").forEach((form) => {
    const panel = document.getElementById("check-panel");
    const target = form.querySelector("#target");
    if (!panel || !target) return;
    let seq = 0;
    const refresh = async () => {
      const params = new URLSearchParams(new FormData(form));
      const mine = ++seq;
      panel.classList.add("loading");
      try {
        const response = await fetch(form.dataset.checkUrl + "?" + params.toString(), { headers: { Accept: "text/html" } });
        const html = await response.text();
        if (mine !== seq) return;
        panel.innerHTML = html;
        const url = new URL(form.action, window.location.href);
        url.search = params.toString();
        window.history.replaceState(null, "", url);
      } catch (e) {
        panel.textContent = "Không kiểm tra được, hãy thử lại.";
      } finally {
        panel.classList.remove("loading");
      }
    };
    target.addEventListener("change", refresh);
    // a choice made before this script ran (a slow connection) has had no check yet: make it now
    const shown = Array.from(target.options).find((o) => o.defaultSelected) || target.options[0];
    if (shown && target.value !== shown.value) refresh();
  });
  // An override needs its reason: make the textarea required once the box is ticked.
  document.addEventListener("change", (event) => {
    const box = event.target;
    if (box && box.name === "override") {
      const reason = box.form && box.form.querySelector("textarea[name=reason]");
      if (reason) reason.required = box.checked;
    }
  });
  document.querySelectorAll("select.autosubmit").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  // A return needs a comment.
  const wf = document.getElementById("workflow-form");
  if (wf) {
    wf.querySelectorAll("button[data-action]").forEach((button) => {
      button.addEventListener("click", () => {
        const text = wf.querySelector("textarea");
        if (text) text.required = ["return", "comment"].includes(button.dataset.action);
      });
    });
  }
});
