// azdo-connect: the package's main module and its script-tag loader.
//
//   <script type="module" src="https://cdn.example/azdo-connect@{{version}}/azdo-connect.js"></script>
//   import "azdo-connect";
//
// Importing it loads the WebAssembly module next to this file (resolved from import.meta.url, so
// any directory or CDN path works) and defines <azdo-connect>. When the wasm cannot load, the
// elements on the page cannot upgrade and so could never report anything themselves; this loader
// then dispatches the contract's `azdo-error` on each of them instead, with code `csp_blocked`
// when the page's Content-Security-Policy is the cause. Plain ES2021: no eval, no inline code.

import init from "./azdo_connect.js";

const TAG = "azdo-connect";
// Shared by every copy of this loader on the page (two paths or versions of the package), so
// the wasm is fetched and compiled once.
const LOADER = Symbol.for("azdo-connect.loader");
const WASM_URL = new URL("./azdo_connect_bg.wasm", import.meta.url);

const CSP_WASM_MESSAGE =
  "This page's Content-Security-Policy does not allow WebAssembly, so <azdo-connect> cannot start: " +
  "add script-src 'wasm-unsafe-eval' to the page's Content-Security-Policy.";
const CSP_FETCH_MESSAGE =
  "This page's Content-Security-Policy blocked downloading the <azdo-connect> WebAssembly module: " +
  `allow ${WASM_URL.origin} in the page's Content-Security-Policy (connect-src).`;
const INTERNAL_MESSAGE = "The <azdo-connect> widget could not load. Reload the page to try again.";

const CSP_TEXT = /content.security.policy|wasm-unsafe-eval|unsafe-eval|wasm-eval/i;

/** Whether a load failure is the page's CSP refusing to compile WebAssembly. */
function blockedByCsp(error) {
  if (!error || typeof error !== "object") return false;
  const compile =
    (typeof WebAssembly === "object" && error instanceof WebAssembly.CompileError) ||
    error.name === "CompileError" ||
    error.name === "EvalError";
  return compile && CSP_TEXT.test(String(error.message));
}

/** Every <azdo-connect> in `root`, including inside open shadow roots. */
function elementsIn(root) {
  const found = [];
  const walk = (node) => {
    if (node.nodeType === Node.ELEMENT_NODE && node.localName === TAG) found.push(node);
    if (node.shadowRoot) walk(node.shadowRoot);
    for (let child = node.firstElementChild; child; child = child.nextElementSibling) walk(child);
  };
  walk(root);
  return found;
}

function startLoader() {
  // Server-side rendering imports modules without a DOM: define nothing, fail quietly.
  if (typeof document === "undefined" || typeof customElements === "undefined") {
    const unavailable = Promise.reject(new Error(`<${TAG}> needs a browser`));
    unavailable.catch(() => {});
    return unavailable;
  }
  let failure; // {code, message} once the widget is known not to load
  const told = new WeakSet();

  const tell = (element) => {
    if (told.has(element)) return;
    told.add(element);
    element.dispatchEvent(
      new CustomEvent("azdo-error", {
        bubbles: true,
        composed: true,
        detail: { code: failure.code, message: failure.message },
      }),
    );
  };

  const fail = (code, message) => {
    if (failure || customElements.get(TAG)) return;
    failure = { code, message };
    document.removeEventListener("securitypolicyviolation", onViolation);
    for (const element of elementsIn(document)) tell(element);
    // Elements added later will not upgrade either; tell them as they arrive.
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType === Node.ELEMENT_NODE) elementsIn(node).forEach(tell);
        }
      }
    }).observe(document, { childList: true, subtree: true });
  };

  function onViolation(event) {
    if (event.blockedURI === "wasm-eval") {
      fail("csp_blocked", CSP_WASM_MESSAGE);
    } else if (event.blockedURI === WASM_URL.href) {
      fail("csp_blocked", CSP_FETCH_MESSAGE);
    }
  }
  document.addEventListener("securitypolicyviolation", onViolation);

  const ready = init({ module_or_path: WASM_URL })
    .then(() => {
      document.removeEventListener("securitypolicyviolation", onViolation);
      const element = customElements.get(TAG);
      if (!element) throw new Error(`<${TAG}> was not defined`);
      return element;
    })
    .catch((error) => {
      if (customElements.get(TAG)) return customElements.get(TAG);
      if (blockedByCsp(error)) {
        fail("csp_blocked", CSP_WASM_MESSAGE);
      } else {
        // The violation report is queued as a task of its own and may trail the rejection:
        // give it that task before calling the failure anything but CSP.
        setTimeout(() => fail("internal", INTERNAL_MESSAGE), 0);
      }
      throw error;
    });
  // Hosts learn about failures from `azdo-error`; an unawaited rejection would only add noise.
  ready.catch(() => {});
  return ready;
}

/**
 * Resolves with the `<azdo-connect>` class once it is defined; rejects if the widget could not
 * load (every `<azdo-connect>` on the page has then received an `azdo-error` event).
 */
export const ready = (globalThis[LOADER] ??= startLoader());
