// The test host page's own script (an external file, so strict CSP pages can run it):
// - records every azdo-* event that reaches the document, and CSP violations, for the tests;
// - applies `?name=value` query parameters as attributes of every <azdo-connect>;
// - cancels `azdo-disconnected` while `window.azdoCancelDisconnect` is true.
const EVENTS = [
  "azdo-ready",
  "azdo-verifying",
  "azdo-connected",
  "azdo-error",
  "azdo-disconnected",
  "azdo-selection-changed",
];

window.azdoEvents = [];
window.cspViolations = [];
window.azdoCancelDisconnect = false;

for (const type of EVENTS) {
  document.addEventListener(type, (event) => {
    if (type === "azdo-disconnected" && window.azdoCancelDisconnect) event.preventDefault();
    window.azdoEvents.push({
      type,
      // A copy, so later mutation by anyone cannot change what the test reads.
      detail: JSON.parse(JSON.stringify(event.detail ?? null)),
      target: event.target.id || event.target.localName,
      bubbles: event.bubbles,
      composed: event.composed,
      cancelable: event.cancelable,
    });
  });
}

document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push({
    blockedURI: event.blockedURI,
    effectiveDirective: event.effectiveDirective,
  });
});

for (const [name, value] of new URLSearchParams(location.search)) {
  for (const element of document.querySelectorAll("azdo-connect")) element.setAttribute(name, value);
}
