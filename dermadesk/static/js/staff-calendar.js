// The calendar's pages, enhanced. Without JavaScript every page is a plain page and form.
//
// With it, htmx (loaded before this module) replaces the main content in place (a day
// forward, a patient checked in, a visit moved); this module then moves focus to what
// changed (a problem or a form's errors first, then a message, else the new heading) and
// says it in a live region, so keyboard and screen-reader users carry on from there.

import { announcer } from "./announce.js";

const announce = announcer("calendar");

function focusNewContent() {
  const main = document.getElementById("main");
  if (!main) return;
  const urgent = main.querySelector("#problem, #form-errors");
  const message = main.querySelector(".messages");
  const results = main.querySelector("#results");
  const heading = main.querySelector("h1");
  const target = urgent || results || heading || main;
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
  target.scrollIntoView({ block: "start" });
  // An alert announces itself; otherwise say the message (if any) and where we are.
  if (urgent) return;
  const said = [message ? message.textContent.trim() : "", heading ? heading.textContent.trim() : ""];
  announce(said.filter(Boolean).join(" "));
}

document.body.addEventListener("htmx:afterSettle", focusNewContent);

document.body.addEventListener("htmx:sendError", () => {
  announce("The page could not be reached. Please check the connection and try again.");
});
