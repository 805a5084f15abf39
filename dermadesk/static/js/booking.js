// The booking pages without a reload where it helps: a live countdown of the held time
// that warns (politely, to screen readers too) two minutes before the hold runs out.
// Without JavaScript the page states the time the hold ends and offers more time.

const WARN_AT_MINUTES = 2;

function startHoldCountdown(panel) {
  const expires = Date.parse(panel.dataset.holdExpires);
  const minutesText = panel.querySelector("[data-hold-minutes]");
  const status = panel.querySelector("[data-hold-status]");
  if (Number.isNaN(expires) || !minutesText || !status) return;
  let warned = false;
  let ended = false;

  const update = () => {
    const left = Math.max(0, Math.floor((expires - Date.now()) / 60000));
    minutesText.textContent = String(left);
    if (!warned && left <= WARN_AT_MINUTES && left > 0) {
      warned = true;
      status.textContent =
        "Your held time ends in about " + left + " minute" + (left === 1 ? "" : "s") +
        '. Choose "Give me more time" to keep it longer.';
    }
    if (!ended && Date.now() >= expires) {
      ended = true;
      status.textContent =
        "The hold has run out. You can still finish: if nobody else has taken the time, it is yours.";
    }
  };
  update();
  window.setInterval(update, 15000);
}

for (const panel of document.querySelectorAll("[data-hold-expires]")) {
  if (panel.dataset.holdExpires) startHoldCountdown(panel);
}
