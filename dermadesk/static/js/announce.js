// A polite live region for pages whose content htmx replaces in place: screen-reader users
// hear what changed. One region per page, outside the replaced content, marked
// data-<name>-announcer.

export function announcer(name) {
  const marker = `data-${name}-announcer`;
  return function announce(text) {
    let region = document.querySelector(`[${marker}]`);
    if (!region) {
      region = document.createElement("p");
      region.className = "visually-hidden";
      region.setAttribute("aria-live", "polite");
      region.setAttribute(marker, "");
      document.body.append(region);
    }
    region.textContent = "";
    // A fresh text node after a tick, so the same words are read again if they repeat.
    window.setTimeout(() => { region.textContent = text; }, 50);
  };
}
