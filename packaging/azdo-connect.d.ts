// Type declarations for `azdo-connect`: the <azdo-connect> element, its properties and events.
// Event details mirror the contract types in crates/core/src/contract.rs (camelCase on the wire;
// optional fields are absent, never null).

/** Every `code` an `azdo-error` can carry. New codes may be added in minor versions. */
export type AzdoErrorCode =
  | "invalid_request"
  | "invalid_organization"
  | "host_not_allowed"
  | "token_format"
  | "token_invalid"
  | "token_expired"
  | "organization_not_found"
  | "missing_scopes"
  | "rate_limited"
  | "upstream_unavailable"
  | "upstream_timeout"
  | "forbidden_origin"
  | "payload_too_large"
  | "csp_blocked"
  | "proxy_unreachable"
  | "internal";

/** Azure DevOps Services (`https://dev.azure.com/{org}`) or Azure DevOps Server. */
export type AzdoDeploymentType = "hosted" | "onPremises";

/** What the proxy could observe about one scope; `unknown` is never reported as granted. */
export type AzdoScopeState = "granted" | "missing" | "unknown";

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

/** The verified identity behind a token. */
export interface AzdoUser {
  /** Azure DevOps' id for the user (a GUID). */
  id: string;
  /** The name Azure DevOps shows for the user. */
  displayName: string;
  /** The user's e-mail address or UPN, when Azure DevOps discloses it. */
  email?: string;
}

/** One required scope and what the proxy observed. */
export interface AzdoScopeStatus {
  /** The scope id, e.g. `vso.code`. */
  id: string;
  /** The label in the Azure DevOps token UI, e.g. `Code (Read)`. */
  label: string;
  /** What the proxy observed. */
  status: AzdoScopeState;
}

/** A non-fatal remark on a successful verify. */
export interface AzdoWarning {
  /** A stable machine-readable code, e.g. `token_format_unknown`. */
  code: string;
  /** A sentence for a person. */
  message: string;
}

/** A project picked in the picker. */
export interface AzdoSelectedProject {
  /** The project id. */
  id: string;
  /** The project name. */
  name: string;
}

/** A repository picked in the picker. */
export interface AzdoSelectedRepository {
  /** The repository id. */
  id: string;
  /** The repository name. */
  name: string;
  /** Git or TFVC. */
  kind: "git" | "tfvc";
  /** The id of the project it belongs to. */
  projectId: string;
}

/** `azdo-selection-changed` detail, and `selection` in `azdo-connected`. */
export interface AzdoSelection {
  /** Picked projects. */
  projects: AzdoSelectedProject[];
  /** Picked repositories. */
  repositories: AzdoSelectedRepository[];
}

/** `azdo-ready` detail: the element is interactive. */
export interface AzdoReadyDetail {
  /** The widget's version. */
  version: string;
}

/** `azdo-verifying` detail: a verify request started. */
export interface AzdoVerifyingDetail {
  /** The canonical organization name. */
  organization: string;
  /** The canonical organization URL, e.g. `https://dev.azure.com/contoso`. */
  organizationUrl: string;
}

/**
 * `azdo-connected` detail: the proxy's verify answer, never the raw token. Send `credential` to
 * your backend; it is the token sealed by your proxy (JWE `dir`/`A256GCM`).
 */
export interface AzdoConnectedDetail {
  /** The canonical organization name, as typed. */
  organization: string;
  /** The canonical organization URL. */
  organizationUrl: string;
  /** Azure DevOps Services or Server. */
  deploymentType: AzdoDeploymentType;
  /** Who the token belongs to. */
  user: AzdoUser;
  /** Every required scope with what was observed. */
  scopes: AzdoScopeStatus[];
  /** The verified token sealed as a JWE compact token, for your backend. */
  credential: string;
  /** When the proxy verified the token, RFC 3339. */
  verifiedAt: string;
  /** Non-fatal remarks. */
  warnings: AzdoWarning[];
  /** What the person picked, when `select` is not `none`. */
  selection?: AzdoSelection;
}

/** `azdo-error` detail: any failure, including CSP and load failures. */
export interface AzdoErrorDetail {
  /** The contract error code. */
  code: AzdoErrorCode;
  /** A sentence a person can act on. */
  message: string;
  /** Seconds to wait before trying again (`rate_limited`). */
  retryAfter?: number;
  /** The required scopes the token lacks (`missing_scopes`). */
  missingScopes?: string[];
}

/** `azdo-disconnected` detail. The event is cancelable: `preventDefault()` keeps the connection. */
export interface AzdoDisconnectedDetail {
  /** The organization that was disconnected. */
  organization: string;
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
