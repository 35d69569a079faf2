// Progressive enhancement only: every page works without this file.
// Times in the browser's time zone, table labels for narrow screens, and
// the overview refreshing itself without a full reload.
"use strict";

function relative(epoch) {
  const delta = Date.now() / 1000 - epoch;
  const size = Math.abs(delta);
  const units = [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]];
  for (const [unit, length] of units) {
    if (size >= length || unit === "s") {
      const amount = Math.floor(size / length);
      return delta >= 0 ? `${amount} ${unit} ago` : `in ${amount} ${unit}`;
    }
  }
  return "";
}

function localiseTimes(root) {
  for (const element of root.querySelectorAll("time[data-epoch]")) {
    const epoch = Number(element.dataset.epoch);
    element.title = new Date(epoch * 1000).toLocaleString();
    element.textContent = relative(epoch);
  }
}

function labelCells(root) {
  for (const table of root.querySelectorAll("table")) {
    const headers = Array.from(table.querySelectorAll("thead th"), (th) => th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      Array.from(row.children).forEach((cell, index) => {
        if (headers[index]) cell.dataset.label = headers[index];
      });
    }
  }
}

function enhance(root) {
  localiseTimes(root);
  labelCells(root);
}

function refreshEvery(region) {
  const seconds = Number(region.dataset.refresh);
  if (!seconds) return;
  setInterval(async () => {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok || response.redirected) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById(region.id);
      if (fresh) {
        region.replaceChildren(...fresh.childNodes);
        enhance(region);
        region.dataset.refreshedAt = String(Date.now());
      }
    } catch (error) {
      // Offline for a moment: keep what is shown, try again next time.
    }
  }, seconds * 1000);
}

document.addEventListener("DOMContentLoaded", () => {
  enhance(document);
  for (const region of document.querySelectorAll("[data-refresh]")) refreshEvery(region);
  setInterval(() => localiseTimes(document), 30000);
});
