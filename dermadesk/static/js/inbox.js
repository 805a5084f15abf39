// The back office's inbox and alerts, enhanced. Without JavaScript every form posts and the
// page comes back (post/redirect/get).
//
// With it, htmx (loaded before this module) sends the thread's forms and the alerts' buttons
// in place and replaces the page's main content; this module then moves focus to what
// changed (the form's problems first, else the confirmation, else the heading) and says it
// in a live region, so screen-reader users hear what happened.

import { announcer } from "./announce.js";

const announce = announcer("inbox");

document.body.addEventListener("htmx:afterSettle", () => {
  const main = document.getElementById("main");
  if (!main) return;
  const problems = main.querySelector("#form-errors");
  const news = main.querySelector(".messages");
  const target = problems || news || main.querySelector("h1") || main;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
  // An alert announces itself; otherwise say the confirmation (or the page's heading).
  if (!problems) announce(target.textContent.trim());
});
document.body.addEventListener("htmx:sendError", () => {
  announce("We could not reach the back office. Please check your connection and try again.");
});
