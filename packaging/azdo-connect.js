// azdo-connect: the package's main module and its script-tag loader.
//
//   <script type="module" src="https://cdn.example/azdo-connect@{{version}}/azdo-connect.js"></script>
//   import "azdo-connect";
//
// Importing it defines <azdo-connect> at once, with every property (the glue's static import of
// the element class does that), so frameworks and scripts can set `requirements` and `strings`
// before anything else has loaded. It then loads the WebAssembly module next to this file
// (resolved from import.meta.url, so any directory or CDN path works); the elements mount when it
// has started, with whatever was set meanwhile. When the wasm cannot load, every <azdo-connect>,
// present or added later, receives the contract's `azdo-error` instead, with code `csp_blocked`
// when the page's Content-Security-Policy is the cause. Plain ES2021: no eval, no inline code.

import init from "./azdo_connect.js";

const TAG = "azdo-connect";
// Shared by every copy of this loader on the page (two paths or versions of the package), so
// the wasm is fetched and compiled once.
const LOADER = Symbol.for("azdo-connect.loader");
// Where the element class (src/element.js in the repository) keeps its hand-over functions.
const HANDOFF = Symbol.for("azdo-connect.handoff");
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

function startLoader() {
  // Server-side rendering imports modules without a DOM: define nothing, fail quietly.
  if (typeof document === "undefined" || typeof customElements === "undefined") {
    const unavailable = Promise.reject(new Error(`<${TAG}> needs a browser`));
    unavailable.catch(() => {});
    return unavailable;
  }
  let failed = false;
  const fail = (code, message) => {
    if (failed) return;
    failed = true;
    document.removeEventListener("securitypolicyviolation", onViolation);
    // The class tells every element, present or added later.
    customElements.get(TAG)?.[HANDOFF]?.fail({ code, message });
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
 * Resolves with the `<azdo-connect>` class once the WebAssembly has started and the elements are
 * mounted (the class itself is defined as soon as this module is imported); rejects if the widget
 * could not load (every `<azdo-connect>` on the page has then received an `azdo-error` event).
 */
export const ready = (globalThis[LOADER] ??= startLoader());
