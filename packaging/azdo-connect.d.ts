// Type declarations for `azdo-connect`: the <azdo-connect> element, its properties and events.
// The contract types (event details, the proxy's bodies, error codes) are generated from the Rust
// types into ./contract.d.ts; this file adds the element, its attributes and its event map.

import type {
  AzdoConnectedDetail,
  AzdoDisconnectedDetail,
  AzdoErrorDetail,
  AzdoReadyDetail,
  AzdoSelection,
  AzdoVerifyingDetail,
} from "./contract.js";

export * from "./contract.js";

/** The `select` attribute's values: which picker follows a successful verify. */
export type AzdoConnectSelect = "none" | "projects" | "repositories";

/** The `theme` attribute's values (`auto` follows `prefers-color-scheme`). */
export type AzdoConnectTheme = "light" | "dark" | "auto";

/** The `requirements` property: what the host adds to the token guidance. */
export interface AzdoConnectRequirements {
  /** The service needs a full-access token: the guidance says so instead of listing scopes. */
  fullAccess?: boolean;
  /** A note per scope id, shown beside its label, e.g. `{ "vso.code": "We publish docs from your repositories." }`. */
  notes?: Readonly<Record<string, string>>;
}

/** The events <azdo-connect> dispatches; all bubble and are composed. */
export interface AzdoConnectEventMap {
  "azdo-ready": CustomEvent<AzdoReadyDetail>;
  "azdo-verifying": CustomEvent<AzdoVerifyingDetail>;
  "azdo-connected": CustomEvent<AzdoConnectedDetail>;
  "azdo-error": CustomEvent<AzdoErrorDetail>;
  "azdo-disconnected": CustomEvent<AzdoDisconnectedDetail>;
  "azdo-selection-changed": CustomEvent<AzdoSelection>;
}

/**
 * `<azdo-connect>`. Every attribute has a property of the camelCase name that reads the attribute
 * (`null` when absent) and writes it (`null` removes it). The token is never exposed.
 */
export interface AzdoConnectElement extends HTMLElement {
  /** `proxy-url` (required): the base of your proxy endpoint, e.g. `/api/azdo`. */
  get proxyUrl(): string | null;
  set proxyUrl(value: string | null);
  /** `scopes`: the scope ids you need, space- or comma-separated, e.g. `vso.code vso.project`. */
  get scopes(): string | null;
  set scopes(value: string | null);
  /** `organization`: the organization you persisted, to render the connected state. */
  get organization(): string | null;
  set organization(value: string | null);
  /** `connected-as`: the display name you persisted. */
  get connectedAs(): string | null;
  set connectedAs(value: string | null);
  /** `verified-at`: when the persisted connection was verified (RFC 3339). */
  get verifiedAt(): string | null;
  set verifiedAt(value: string | null);
  /** `select`: `none` (default), `projects` or `repositories`. */
  get select(): string | null;
  set select(value: AzdoConnectSelect | null);
  /** `theme`: `light`, `dark` or `auto` (follows `prefers-color-scheme`); light when absent. */
  get theme(): string | null;
  set theme(value: AzdoConnectTheme | null);
  /** `csrf-token`: sent as `X-CSRF-Token` with every request to your proxy. */
  get csrfToken(): string | null;
  set csrfToken(value: string | null);
  /** `allowed-servers`: Azure DevOps Server hosts (`host[:port]`) the organization field accepts. */
  get allowedServers(): string | null;
  set allowedServers(value: string | null);
  /** `reconnect`: an error code from `POST {base}/check`; the connected state offers the fix. Removed after the next successful connect. */
  get reconnect(): string | null;
  set reconnect(value: string | null);
  /** `expires-at`: the token's expiry date you stored (RFC 3339); the connected state warns when it is near. */
  get expiresAt(): string | null;
  set expiresAt(value: string | null);
  /** `method`: how the stored connection was made, `"pat"` or `"entra"` (from `azdo-connected`); with `reconnect`, `entra` offers Sign in again. */
  get method(): string | null;
  set method(value: string | null);
  /** `lang` (the standard attribute): `en`, `de`, `fr`, …; other languages fall back to English. */
  lang: string;
  /** Text overrides by message key, e.g. `{ connect: "Link account" }`. */
  strings: Readonly<Record<string, string>> | undefined;
  /**
   * What you add to the token guidance: a note per scope id (why you need it), and `fullAccess`
   * when you need a full-access token, which replaces the scope list.
   */
  requirements: AzdoConnectRequirements | undefined;

  addEventListener<K extends keyof AzdoConnectEventMap>(
    type: K,
    listener: (this: AzdoConnectElement, event: AzdoConnectEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: AzdoConnectElement, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof AzdoConnectEventMap>(
    type: K,
    listener: (this: AzdoConnectElement, event: AzdoConnectEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener<K extends keyof HTMLElementEventMap>(
    type: K,
    listener: (this: AzdoConnectElement, event: HTMLElementEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | EventListenerOptions,
  ): void;
}

/** The class of `<azdo-connect>`, as `customElements.get("azdo-connect")` returns it. */
export interface AzdoConnectElementConstructor {
  new (): AzdoConnectElement;
  readonly prototype: AzdoConnectElement;
  /** The attributes the element reacts to. */
  readonly observedAttributes: string[];
}

/**
 * Resolves with the `<azdo-connect>` class once the WebAssembly has started (the class itself is
 * defined as soon as the package is imported, so properties can be set at once). Rejects if the
 * widget could not load; every `<azdo-connect>` on the page has then received an `azdo-error` event (`csp_blocked`
 * when the page's Content-Security-Policy lacks `'wasm-unsafe-eval'`).
 */
export declare const ready: Promise<AzdoConnectElementConstructor>;

declare global {
  interface HTMLElementTagNameMap {
    "azdo-connect": AzdoConnectElement;
  }
  // The events bubble and are composed, so listeners on ancestors and `document` see them too.
  interface GlobalEventHandlersEventMap extends AzdoConnectEventMap {}
}
