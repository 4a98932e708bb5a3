// The live view of a plan's commune (CSP: a static file, no inline script). Every few seconds it asks the
// server whether the commune changed and who else is looking; on a change it fetches the page again and
// swaps the chart, the head and the unplaced list in place, saying who changed it and when.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.getElementById("live");
  if (!box) return;
  const viewers = box.querySelector(".live-viewers");
  const changed = box.querySelector(".live-changed");
  const PARTS = ["live-head", "live-chart", "live-unplaced"];
  const EVERY_MS = 3000;
  let stamp = box.dataset.stamp;

  const refresh = async (state) => {
    const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    PARTS.forEach((id) => {
      const now = document.getElementById(id);
      const next = fresh.getElementById(id);
      if (now && next) now.replaceWith(document.importNode(next, true));
    });
    const next = fresh.getElementById("live");
    stamp = next ? next.dataset.stamp : state.stamp;
    if (state.changed_by && state.changed_at) {
      const at = new Date(state.changed_at).toLocaleTimeString("vi-VN");
      changed.textContent = box.dataset.tChanged.replace("{who}", state.changed_by).replace("{at}", at);
    }
  };

  const poll = async () => {
    if (!document.hidden) {
      try {
        const response = await fetch(box.dataset.liveUrl, { headers: { Accept: "application/json" } });
        if (response.ok) {
          const state = await response.json();
          viewers.textContent = state.viewers.length ? box.dataset.tViewers + " " + state.viewers.join(", ") : "";
          box.classList.toggle("has-viewers", state.viewers.length > 0);
          if (state.stamp !== stamp) await refresh(state);
        }
      } catch (e) { /* keep polling: the server may be restarting */ }
    }
    setTimeout(poll, EVERY_MS);
  };
  poll();
});
