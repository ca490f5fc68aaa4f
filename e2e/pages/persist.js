// A host page's persistence, as static/demo.js does it for the demo: the `azdo-connected`
// credential goes to the backend (the proxy's `--demo` routes), a reload restores the connected
// state from what the backend stored, and `azdo-disconnected` deletes it. The status line's
// `data-state` (loading, saving, stored, empty, error) tells the tests where it is.
const widget = document.querySelector("azdo-connect");
const status = document.getElementById("demo-store-status");
const store = `${widget.getAttribute("proxy-url").replace(/\/+$/, "")}/demo/connections`;
const CSRF = { "X-Azdo-Connect": "1" };

function say(text, state) {
  status.textContent = text;
  status.dataset.state = state;
}

async function errorOf(response) {
  try {
    const body = await response.json();
    if (body?.error) return body.error;
  } catch {
    // Not JSON: the proxy has no demo routes.
  }
  return { code: "http", message: `HTTP ${response.status}` };
}

function show(row) {
  widget.setAttribute("organization", row.organization);
  widget.setAttribute("connected-as", row.displayName ?? row.userId);
  widget.setAttribute("verified-at", row.verifiedAt);
  say(`Stored in the demo database: ${row.organization} as ${row.displayName ?? row.userId}.`, "stored");
}

widget.addEventListener("azdo-connected", async (event) => {
  const { credential, user, selection } = event.detail;
  say("Saving…", "saving");
  const response = await fetch(store, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...CSRF },
    body: JSON.stringify({ credential, displayName: user?.displayName, selection }),
  });
  if (response.ok) show(await response.json());
  else say(`Not stored: ${(await errorOf(response)).message}`, "error");
});

widget.addEventListener("azdo-disconnected", async (event) => {
  if (event.defaultPrevented) return;
  for (const name of ["organization", "connected-as", "verified-at"]) widget.removeAttribute(name);
  // 204 whether or not anything was stored.
  const response = await fetch(`${store}/current`, { method: "DELETE", headers: CSRF });
  if (response.ok) say("Removed from the demo database.", "empty");
  else say(`Not removed: ${(await errorOf(response)).message}`, "error");
});

// 200 with the stored row, or 204 without a body when nothing is stored yet.
const response = await fetch(`${store}/current`);
if (response.status === 204) say("Nothing stored in the demo database yet.", "empty");
else if (response.ok) show(await response.json());
else say(`The demo database is not available: ${(await errorOf(response)).message}`, "error");
