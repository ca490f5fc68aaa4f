// A host component that renders <azdo-connect> inside its own (open) shadow root, as design
// systems do; the widget's events are composed, so they still reach the document.
customElements.define(
  "settings-panel",
  class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: "open" });
      const heading = document.createElement("h2");
      heading.textContent = "Azure DevOps";
      const widget = document.createElement("azdo-connect");
      widget.id = "nested-widget";
      widget.setAttribute("proxy-url", this.dataset.proxyUrl);
      widget.setAttribute("scopes", "vso.code");
      root.append(heading, widget);
    }
  },
);
