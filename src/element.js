// The `<azdo-connect>` class. Rust cannot extend HTMLElement (wasm-bindgen#210), so this small
// snippet owns the class and forwards the lifecycle to the Rust handle returned by `mount`.
// It is plain ES2020: no eval, no inline script, so it runs under a strict CSP.

const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

export function defineElement(tag, attributes, mount) {
  if (customElements.get(tag)) return false;

  class AzdoConnectElement extends HTMLElement {
    static get observedAttributes() {
      return attributes;
    }

    constructor() {
      super();
      // Open, so the host's test tools can reach inside; created here per the platform guidance.
      this.attachShadow({ mode: "open" });
      this._handle = undefined;
      this._strings = undefined;
      this._requirements = undefined;
    }

    connectedCallback() {
      // A property set before the element was defined shadows our accessor: replay it.
      for (const name of [...attributes.map(camel), "strings", "requirements"]) {
        if (Object.prototype.hasOwnProperty.call(this, name)) {
          const value = this[name];
          delete this[name];
          this[name] = value;
        }
      }
      if (!this._handle) this._handle = mount(this, this.shadowRoot);
    }

    disconnectedCallback() {
      // Moving the element disconnects and reconnects it in one task: keep its state unless it
      // really left the document.
      queueMicrotask(() => {
        if (!this.isConnected && this._handle) {
          const handle = this._handle;
          this._handle = undefined;
          handle.free();
        }
      });
    }

    attributeChangedCallback(name, oldValue, newValue) {
      if (oldValue !== newValue && this._handle) this._handle.attributeChanged(name, newValue);
    }

    get strings() {
      return this._strings;
    }

    set strings(value) {
      this._strings = value;
      if (this._handle) this._handle.setStrings(value);
    }

    get requirements() {
      return this._requirements;
    }

    set requirements(value) {
      this._requirements = value;
      if (this._handle) this._handle.setRequirements(value);
    }
  }

  for (const attribute of attributes) {
    const property = camel(attribute);
    // `lang` already reflects its attribute on every HTMLElement.
    if (property in HTMLElement.prototype) continue;
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

  customElements.define(tag, AzdoConnectElement);
  return true;
}
