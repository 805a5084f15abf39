// Enhancements for the public site. Everything works without this file: the display options
// are a form the server answers, and "Back to top" is a plain link at the end of the page.

const root = document.documentElement;

// Display options. Same cookie format as dermadesk/website/accessibility.py.
const COOKIE = "a11y";
const TOGGLES = { contrast: "High contrast", underline: "Underline links", readable: "Readable font", motion: "Reduce motion" };
const PERCENT = { "-1": "87.5", 0: "100", 1: "112.5", 2: "125", 3: "150", 4: "175", 5: "200" };
const MIN_SIZE = -1;
const MAX_SIZE = 5;

function readCookie() {
  const entry = document.cookie.split("; ").find((part) => part.startsWith(`${COOKIE}=`));
  const tokens = entry ? entry.slice(COOKIE.length + 1).replaceAll('"', "").split(".") : [];
  const prefs = { size: 0 };
  for (const name in TOGGLES) prefs[name] = tokens.includes(name);
  const size = tokens.map((token) => /^size(-?\d)$/.exec(token)).find(Boolean);
  if (size) prefs.size = Math.min(MAX_SIZE, Math.max(MIN_SIZE, Number(size[1])));
  return prefs;
}

function writeCookie(prefs) {
  const tokens = Object.keys(TOGGLES).filter((name) => prefs[name]);
  if (prefs.size) tokens.push(`size${prefs.size}`);
  const secure = location.protocol === "https:" ? "; Secure" : "";
  const keep = tokens.length ? "max-age=31536000" : "max-age=0";
  document.cookie = `${COOKIE}=${tokens.join(".")}; path=/; ${keep}; SameSite=Lax${secure}`;
}

function setUpDisplayOptions(form) {
  const status = form.querySelector("[role=status]");
  const button = (action) => form.querySelector(`button[value="${action}"]`);
  let current = readCookie();

  function show(prefs) {
    for (const name in TOGGLES) {
      root.classList.toggle(`a11y-${name}`, prefs[name]);
      button(name)?.setAttribute("aria-pressed", String(prefs[name]));
    }
    if (!root.classList.length) root.removeAttribute("class");
    if (prefs.size) root.dataset.textSize = prefs.size;
    else delete root.dataset.textSize;
    for (const [action, limit] of [["smaller", MIN_SIZE], ["larger", MAX_SIZE]]) {
      if (prefs.size === limit) button(action)?.setAttribute("aria-disabled", "true");
      else button(action)?.removeAttribute("aria-disabled");
    }
  }

  let pending;
  function announce(message) {
    // Emptied first, so that saying the same thing twice is announced twice.
    status.textContent = "";
    clearTimeout(pending);
    pending = setTimeout(() => { status.textContent = message; }, 100);
  }

  function change(prefs, action) {
    if (action === "reset") return [{ size: 0 }, "Display options reset."];
    const next = { ...prefs };
    if (action === "larger" || action === "smaller") {
      next.size = Math.min(MAX_SIZE, Math.max(MIN_SIZE, prefs.size + (action === "larger" ? 1 : -1)));
      if (next.size === prefs.size) {
        return [next, `Text size is already the ${action === "larger" ? "largest" : "smallest"}, ${PERCENT[next.size]}%.`];
      }
      return [next, `Text size ${PERCENT[next.size]}%.`];
    }
    next[action] = !prefs[action];
    return [next, `${TOGGLES[action]} ${next[action] ? "on" : "off"}.`];
  }

  form.addEventListener("submit", (event) => {
    const action = event.submitter?.value;
    if (!(action in TOGGLES || ["larger", "smaller", "reset"].includes(action))) return;
    event.preventDefault();
    const [prefs, message] = change(current, action);
    current = prefs;
    writeCookie(prefs);
    show(prefs);
    announce(message);
    // The toolbar grows with the text; keep the pressed button in view.
    event.submitter.scrollIntoView({ block: "nearest" });
  });

  // The cookie is the truth: a page restored from the back-forward cache, or drawn from the
  // HTTP cache, may show older choices.
  show(current);
  addEventListener("pageshow", (event) => {
    if (event.persisted) show((current = readCookie()));
  });
}

// Back to top: floats once you have scrolled down a screen; hidden (so out of the tab order)
// until then. It moves focus to the top of the page, so Tab continues from the skip link.
function setUpBackToTop(link) {
  const target = document.getElementById("top");
  if (!target) return;
  link.classList.add("is-floating");

  function update() {
    const wanted = scrollY > innerHeight;
    // Never hide it under a keyboard user's focus; it hides when they move on.
    if (wanted || document.activeElement !== link) link.hidden = !wanted;
  }

  let queued = false;
  addEventListener("scroll", () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; update(); });
  }, { passive: true });
  link.addEventListener("blur", update);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const still = root.classList.contains("a11y-motion") || matchMedia("(prefers-reduced-motion: reduce)").matches;
    target.focus({ preventScroll: true });
    scrollTo({ top: 0, behavior: still ? "auto" : "smooth" });
  });
  update();
}

const displayOptions = document.querySelector("form[data-a11y]");
if (displayOptions) setUpDisplayOptions(displayOptions);
const toTop = document.querySelector("[data-to-top]");
if (toTop) setUpBackToTop(toTop);
