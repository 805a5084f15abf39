// The booking pages, enhanced. Without JavaScript every step is a plain page and form.
//
// With it, htmx (loaded before this module) replaces the main content in place; this module
// then moves focus to what changed (an error summary or a "taken" notice first, else the
// new heading) and says the new step in a live region, so screen-reader users hear where
// they are. It also counts down the held time and warns two minutes before it runs out.

import { announcer } from "./announce.js";

const WARN_AT_MINUTES = 2;

// One polite live region, outside the content that is replaced.
const announce = announcer("booking");

function focusNewContent() {
  const main = document.getElementById("main");
  if (!main) return;
  const urgent = main.querySelector("#error-summary, #problem");
  const heading = main.querySelector("h1");
  const target = urgent || heading || main;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
  target.scrollIntoView({ block: "start" });
  const step = main.querySelector(".booking-step");
  const title = heading ? heading.textContent.trim() : document.title;
  // An alert announces itself; otherwise say the step and its heading.
  if (!urgent) announce(step ? `${step.textContent.trim()}: ${title}` : title);
}

function startHoldCountdown(panel) {
  if (panel.dataset.countdown) return;
  panel.dataset.countdown = "on";
  const expires = Date.parse(panel.dataset.holdExpires);
  const minutesText = panel.querySelector("[data-hold-minutes]");
  const status = panel.querySelector("[data-hold-status]");
  if (Number.isNaN(expires) || !minutesText || !status) return;
  let warned = false;
  let ended = false;
  let timer = 0;

  const update = () => {
    if (!panel.isConnected) {
      window.clearInterval(timer);
      return;
    }
    const left = Math.max(0, Math.floor((expires - Date.now()) / 60000));
    minutesText.textContent = String(left);
    if (!warned && left <= WARN_AT_MINUTES && left > 0) {
      warned = true;
      status.textContent =
        `Your held time ends in about ${left} minute${left === 1 ? "" : "s"}. ` +
        'Choose "Give me more time" to keep it longer.';
    }
    if (!ended && Date.now() >= expires) {
      ended = true;
      status.textContent =
        "The hold has run out. You can still finish: if nobody else has taken the time, it is yours.";
    }
  };
  update();
  timer = window.setInterval(update, 15000);
}

function startCountdowns(root) {
  for (const panel of root.querySelectorAll("[data-hold-expires]")) {
    if (panel.dataset.holdExpires) startHoldCountdown(panel);
  }
}

startCountdowns(document);
document.body.addEventListener("htmx:afterSettle", () => {
  startCountdowns(document);
  focusNewContent();
});
document.body.addEventListener("htmx:sendError", () => {
  announce("We could not reach the clinic's website. Please check your connection and try again.");
});
