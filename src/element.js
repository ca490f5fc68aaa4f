// The `<azdo-connect>` class. Rust cannot extend HTMLElement (wasm-bindgen#210), so this snippet
// owns the class and the element's lifecycle, and Rust mounts the Yew app into each instance.
//
// wasm-bindgen's glue imports this module statically, so importing the package (or the glue)
// defines the element at once, before the WebAssembly has even been fetched. Frameworks that
// choose between a property and an attribute by looking at the element (React 19) then see every
// accessor, and `requirements`/`strings` objects land on the property instead of becoming
// "[object Object]" attributes. Until Rust hands over its `mount` function (`handOver`, called
// when the wasm starts), connected elements wait; each is then mounted with the attributes and
// properties set meanwhile. If the wasm never loads, the package's loader calls `fail` and every
// element, present or future, receives `azdo-error` instead.
//
// Plain ES2020 with no imports, no eval and no inline script, so it runs under a strict CSP.

const TAG = "azdo-connect";

/** Every attribute the element observes; src/element.rs tests that it matches Rust's list. */
const ATTRIBUTES = [
  "proxy-url",
  "scopes",
  "organization",
  "connected-as",
  "verified-at",
  "select",
  "lang",
  "theme",
  "csrf-token",
  "allowed-servers",
  "reconnect",
  "expires-at",
  "method",
];

/** Properties that hold objects and have no attribute. */
const OBJECT_PROPERTIES = ["strings", "requirements"];

// Where the defined class keeps its hand-over functions. A registered symbol, so a second copy of
// this module (the package loaded from two paths) reaches the class the first copy defined.
const HANDOFF = Symbol.for("azdo-connect.handoff");

const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

function createClass() {
  let mount; // (host, shadowRoot) => handle, once the wasm is ready
  let failure; // {code, message}, once the wasm is known not to load
  const waiting = new Set(); // connected elements not mounted yet
  const handles = new WeakMap(); // element -> its Rust handle
  const told = new WeakSet(); // elements that received the load failure

  const start = (element) => {
    waiting.delete(element);
    if (!element.isConnected || handles.has(element)) return;
    const handle = mount(element, element.shadowRoot);
    if (handle) handles.set(element, handle);
  };

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

  // Properties with an accessor of ours; `lang` is HTMLElement's own, which already reflects.
  const accessors = [...ATTRIBUTES.map(camel).filter((p) => !(p in HTMLElement.prototype)), ...OBJECT_PROPERTIES];

  class AzdoConnectElement extends HTMLElement {
    static get observedAttributes() {
      return ATTRIBUTES.slice();
    }

    #strings = undefined;
    #requirements = undefined;

    constructor() {
      super();
      // Open, so the host's test tools can reach inside; created here per the platform guidance.
      this.attachShadow({ mode: "open" });
    }

    connectedCallback() {
      // A property set before the element was defined is an own property that shadows our
      // accessor: take it off and set it again through the accessor.
      for (const name of accessors) {
        if (Object.prototype.hasOwnProperty.call(this, name)) {
          const value = this[name];
          delete this[name];
          this[name] = value;
        }
      }
      if (handles.has(this)) return;
      if (mount) {
        start(this);
      } else if (failure) {
        // A microtask, so a host that adds the element and then its listener still hears it.
        queueMicrotask(() => this.isConnected && tell(this));
      } else {
        waiting.add(this);
      }
    }

    disconnectedCallback() {
      // Moving the element disconnects and reconnects it in one task: keep its state unless it
      // really left the document.
      queueMicrotask(() => {
        if (this.isConnected) return;
        waiting.delete(this);
        const handle = handles.get(this);
        if (handle) {
          handles.delete(this);
          handle.free();
        }
      });
    }

    attributeChangedCallback(name, oldValue, newValue) {
      // Before mounting there is nothing to tell: the mount reads every attribute.
      if (oldValue !== newValue) handles.get(this)?.attributeChanged(name, newValue);
    }

    get strings() {
      return this.#strings;
    }

    set strings(value) {
      this.#strings = value;
      handles.get(this)?.setStrings(value);
    }

    get requirements() {
      return this.#requirements;
    }

    set requirements(value) {
      this.#requirements = value;
      handles.get(this)?.setRequirements(value);
    }
  }

  for (const attribute of ATTRIBUTES) {
    const property = camel(attribute);
    if (!accessors.includes(property)) continue;
    Object.defineProperty(AzdoConnectElement.prototype, property, {
      configurable: true,
      enumerable: true,
      get() {
        return this.getAttribute(attribute);
      },
      set(value) {
        if (value === null || value === undefined) this.removeAttribute(attribute);
        else this.setAttribute(attribute, String(value));
      },
    });
  }

  Object.defineProperty(AzdoConnectElement, HANDOFF, {
    value: Object.freeze({
      /** Rust's `mount` is ready: mount every element waiting for it. False if it already was. */
      ready(fn) {
        if (mount) return false;
        mount = fn;
        failure = undefined;
        for (const element of [...waiting]) start(element);
        return true;
      },
      /** The wasm cannot load: every connected element, and each one added later, is told. */
      fail(detail) {
        if (mount || failure) return;
        failure = detail;
        for (const element of [...waiting]) tell(element);
        waiting.clear();
      },
    }),
  });
  return AzdoConnectElement;
}

/** The class registered for `<azdo-connect>`, defining it first if need be; undefined without a DOM. */
export function defineElement() {
  // Server-side rendering imports modules without a DOM: define nothing.
  if (typeof customElements === "undefined" || typeof HTMLElement === "undefined") return undefined;
  if (!customElements.get(TAG)) customElements.define(TAG, createClass());
  return customElements.get(TAG);
}

/**
 * Called by Rust when the wasm has started: elements mount through `mount` from now on. Returns
 * false if they already did; throws without custom elements or if another script owns the tag.
 */
export function handOver(mount) {
  const element = defineElement();
  if (!element) throw new Error(`<${TAG}> needs a browser with custom elements`);
  const handoff = element[HANDOFF];
  if (!handoff) throw new Error(`<${TAG}> is already defined by another script`);
  return handoff.ready(mount);
}

defineElement();
