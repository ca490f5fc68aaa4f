// Host-page script for the demo: logs every azdo-* event and persists the connection the way a
// vendor's settings page would, by sending the event's sealed `credential` to its backend. Here
// the backend is the proxy's demo routes (`azdo-connect-proxy serve --demo`), which keep the
// connection in a SQLite file with the token only sealed. The raw token never reaches this page.

const EVENTS = [
  "azdo-ready",
  "azdo-verifying",
  "azdo-connected",
  "azdo-error",
  "azdo-disconnected",
  "azdo-selection-changed",
];

const log = document.getElementById("event-log");
const status = document.getElementById("demo-store-status");
const widget = document.querySelector("azdo-connect");
// Why this vendor needs each scope, shown in the widget's token guidance.
widget.requirements = {
  notes: {
    "vso.code": "to build your documentation from these repositories",
    "vso.project": "to list the projects you can pick from",
  },
};
// The demo backend lives next to the proxy's endpoints: {proxy-url}/demo/connections.
const store = `${widget.getAttribute("proxy-url").replace(/\/+$/, "")}/demo/connections`;
// Every state-changing request carries the proxy's CSRF header, like the widget's own POSTs.
const CSRF = { "X-Azdo-Connect": "1" };

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

function say(text, state) {
  status.textContent = text;
  status.dataset.state = state;
}

/** The `{"error":{code, message}}` of a failed answer, or a code and sentence for its status. */
async function failure(response) {
  try {
    const body = await response.json();
    if (body?.error?.message) return body.error;
  } catch {
    // Not JSON: a proxy started without --demo answers these routes with a plain 404.
  }
  return response.status === 404
    ? { code: "no_demo", message: "the demo routes are missing (start the proxy with --demo)" }
    : { code: "http", message: `HTTP ${response.status}` };
}

/** Renders the connected state from a stored row: the host's side of the element contract. */
function show(row) {
  widget.setAttribute("organization", row.organization);
  widget.setAttribute("connected-as", row.displayName ?? row.userId);
  widget.setAttribute("verified-at", row.verifiedAt);
  if (row.expiresAt) widget.setAttribute("expires-at", row.expiresAt);
  else widget.removeAttribute("expires-at");
  say(`Stored in the demo database: ${row.organization} as ${row.displayName ?? row.userId}.`, "stored");
}

function forget() {
  widget.removeAttribute("organization");
  widget.removeAttribute("connected-as");
  widget.removeAttribute("verified-at");
  widget.removeAttribute("expires-at");
  widget.removeAttribute("reconnect");
}

widget.addEventListener("azdo-connected", async (event) => {
  const { credential, user, selection } = event.detail;
  say("Saving the connection in the demo database…", "saving");
  try {
    const response = await fetch(store, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...CSRF },
      body: JSON.stringify({ credential, displayName: user?.displayName, selection }),
    });
    if (!response.ok) throw new Error((await failure(response)).message);
    show(await response.json());
  } catch (error) {
    say(`Not stored in the demo database: ${error.message}`, "error");
  }
});

widget.addEventListener("azdo-disconnected", async (event) => {
  if (event.defaultPrevented) return;
  forget();
  try {
    // 204 whether or not anything was stored: already gone is what was asked.
    const response = await fetch(`${store}/current`, { method: "DELETE", headers: CSRF });
    if (!response.ok) throw new Error((await failure(response)).message);
    say("Removed from the demo database.", "empty");
  } catch (error) {
    say(`Could not remove the connection from the demo database: ${error.message}`, "error");
  }
});

// What the backend has, so a reload shows the connected state.
async function load() {
  try {
    const response = await fetch(`${store}/current`, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error((await failure(response)).message);
    // 204 without a body: nothing stored yet, the normal first visit.
    if (response.status === 204) say("Nothing stored in the demo database yet.", "empty");
    else show(await response.json());
  } catch (error) {
    say(`The demo database is not available: ${error.message}`, "error");
  }
}

// Connection health: what a vendor's backend runs on a schedule. A broken connection becomes the
// element's `reconnect` attribute; the element removes it itself once the person fixed it.
const demo = `${widget.getAttribute("proxy-url").replace(/\/+$/, "")}/demo`;
const health = document.getElementById("health-status");

function report(text, state) {
  health.textContent = text;
  health.dataset.state = state;
}

async function post(path, body) {
  return fetch(`${demo}/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...CSRF },
    body: JSON.stringify(body),
  });
}

document.getElementById("check-health").addEventListener("click", async () => {
  report("Checking the stored connection…", "checking");
  try {
    const response = await post("check", {});
    if (response.ok) {
      const answer = await response.json();
      widget.removeAttribute("reconnect");
      const scopes = answer.scopes.map((s) => `${s.id} ${s.status}`).join(", ") || "none required";
      report(`Healthy at ${new Date(answer.checkedAt).toLocaleTimeString()}: ${answer.user.displayName}; ${scopes}.`, "ok");
      return;
    }
    const error = await failure(response);
    // "Connect first" is about this page, not the connection.
    if (error.code !== "invalid_request" && widget.hasAttribute("organization")) {
      widget.setAttribute("reconnect", error.code);
    }
    report(`Broken (${error.code}): ${error.message}`, "error");
  } catch (error) {
    report(`The check failed: ${error.message}`, "error");
  }
});

document.getElementById("break-token").addEventListener("click", async () => {
  const how = document.getElementById("break-how").value;
  try {
    const response = await post("break", { how });
    if (!response.ok) throw new Error((await failure(response)).message);
    report(`The fake Azure DevOps now treats the stored token as ${how === "expire" ? "expired" : "revoked"}. Check the connection's health to see it.`, "broken");
  } catch (error) {
    report(`Could not break the token: ${error.message}`, "error");
  }
});

load();
