// Host-page script for the demo: logs every azdo-* event and persists the connection the way a
// vendor's settings page would (here in sessionStorage; a real host sends `credential` to its
// backend). The raw token never reaches this page, so there is nothing secret to store.

const EVENTS = [
  "azdo-ready",
  "azdo-verifying",
  "azdo-connected",
  "azdo-error",
  "azdo-disconnected",
  "azdo-selection-changed",
];
const KEY = "northwind.azdo.connection";

const log = document.getElementById("event-log");
const widget = document.querySelector("azdo-connect");

function record(event) {
  const item = document.createElement("li");
  const head = document.createElement("div");
  const name = document.createElement("strong");
  name.textContent = event.type;
  const time = document.createElement("time");
  time.textContent = new Date().toLocaleTimeString();
  head.append(name, " ", time);
  const body = document.createElement("pre");
  // Shorten the sealed credential so the log stays readable.
  body.textContent = JSON.stringify(
    event.detail,
    (k, v) => (k === "credential" && typeof v === "string" ? `${v.slice(0, 24)}… (${v.length} chars)` : v),
    2,
  );
  item.append(head, body);
  log.prepend(item);
}

for (const name of EVENTS) document.addEventListener(name, record);

document.getElementById("clear-log").addEventListener("click", () => log.replaceChildren());

widget.addEventListener("azdo-connected", (event) => {
  const { organization, user, verifiedAt } = event.detail;
  sessionStorage.setItem(KEY, JSON.stringify({ organization, connectedAs: user.displayName, verifiedAt }));
  widget.setAttribute("organization", organization);
  widget.setAttribute("connected-as", user.displayName);
  widget.setAttribute("verified-at", verifiedAt);
});

widget.addEventListener("azdo-disconnected", () => {
  sessionStorage.removeItem(KEY);
  widget.removeAttribute("organization");
  widget.removeAttribute("connected-as");
  widget.removeAttribute("verified-at");
});

const saved = sessionStorage.getItem(KEY);
if (saved) {
  try {
    const { organization, connectedAs, verifiedAt } = JSON.parse(saved);
    widget.setAttribute("organization", organization);
    widget.setAttribute("connected-as", connectedAs);
    if (verifiedAt) widget.setAttribute("verified-at", verifiedAt);
  } catch {
    sessionStorage.removeItem(KEY);
  }
}
