// The clerk's day (CSP: no inline script): "/" focuses the search of the top bar; selection helpers.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  const typing = target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  if (typing) return;
  const box = document.getElementById("global-search");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
document.addEventListener("DOMContentLoaded", () => {
  // "select all" boxes of the bulk-action tables
  document.querySelectorAll("input[data-select-all]").forEach((all) => {
    all.addEventListener("change", () => {
      document.querySelectorAll(`input[name="${all.dataset.selectAll}"]`).forEach((box) => {
        if (box.closest("tr") === null || box.closest("tr").style.display !== "none") box.checked = all.checked;
      });
    });
  });
});
