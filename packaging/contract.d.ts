// Generated from the Rust contract types (crates/core/src/contract.rs, error.rs, org.rs) by ts-rs.
// Do not edit: change the Rust types, then run
//   UPDATE=1 cargo test -p azdo-connect-core --test typescript
// Field names are camelCase as on the wire; optional fields are absent, never null.

/**
 * The `error` member of every failure body.
 */
export type AzdoApiError = {
/**
 * The contract error code.
 */
code: AzdoErrorCode,
/**
 * A sentence a person can act on.
 */
message: string,
/**
 * Seconds to wait before trying again (`rate_limited`).
 */
retryAfter?: number,
/**
 * The required scopes the token lacks (`missing_scopes`).
 */
missingScopes?: Array<string>,
/**
 * The status of every requested scope (`missing_scopes`), for the checklist.
 */
scopes?: Array<AzdoScopeStatus>, };

/**
 * `POST {base}/check` request body.
 */
export type AzdoCheckRequest = {
/**
 * A stored credential, of either kind.
 */
credential: string, };

/**
 * `POST {base}/check` 200 body.
 */
export type AzdoCheckResponse = {
/**
 * Always `ok`; failures use the error shape.
 */
status: AzdoCheckStatus,
/**
 * When the proxy checked, RFC 3339.
 */
checkedAt: string,
/**
 * Who the connection acts as now.
 */
user: AzdoUser,
/**
 * The originally required scopes with what was observed now.
 */
scopes: Array<AzdoScopeStatus>,
/**
 * For `entra` credentials: the credential re-sealed with the rotated refresh token. Store
 * it in place of the old one.
 */
credential?: string, };

/**
 * The `status` of a healthy `check`.
 */
export type AzdoCheckStatus = "ok";

/**
 * `GET {base}/oauth/result` 200 body when no organization was given: pick one, then
 * `POST {base}/verify` with `organization` and `session`.
 */
export type AzdoChooseOrganization = {
/**
 * Always `choose_organization`.
 */
status: AzdoFlowStatus,
/**
 * The person's organizations (possibly empty).
 */
organizations: Array<AzdoOrganizationChoice>,
/**
 * Opaque and short-lived; finishes the flow with `POST {base}/verify`.
 */
session: string, };

/**
 * `GET {base}/config` body: what the widget may know about the proxy.
 */
export type AzdoConfigResponse = {
/**
 * The proxy's version.
 */
version: string,
/**
 * Azure DevOps Server hosts (`host[:port]`) the proxy will contact.
 */
allowedServers: Array<string>,
/**
 * The scope catalogue.
 */
scopes: Array<AzdoScopeInfo>,
/**
 * Limits.
 */
limits: AzdoLimits,
/**
 * Whether "Sign in with Microsoft" is configured (`POST {base}/oauth/start` works).
 */
entra: boolean, };

/**
 * `azdo-connected` detail: the verify answer, plus the picker's selection when it is on.
 */
export type AzdoConnectedDetail = {
/**
 * What the person picked, when `select` is not `none`.
 */
selection?: AzdoSelection,
/**
 * The canonical organization name, as typed.
 */
organization: string,
/**
 * The canonical organization URL, e.g. `https://dev.azure.com/contoso`.
 */
organizationUrl: string,
/**
 * Azure DevOps Services or Server.
 */
deploymentType: AzdoDeploymentType,
/**
 * Who the token belongs to.
 */
user: AzdoUser,
/**
 * Every requested scope with what was observed.
 */
scopes: Array<AzdoScopeStatus>,
/**
 * The verified token sealed as a JWE compact token for the vendor's backend.
 */
credential: string,
/**
 * When the proxy verified the token, RFC 3339.
 */
verifiedAt: string,
/**
 * Non-fatal remarks.
 */
warnings: Array<AzdoWarning>,
/**
 * How the connection was made.
 */
method: AzdoMethod,
/**
 * The PAT's expiry date the person gave (`expiresAt` of the request), when they gave one.
 */
expiresAt?: string, };

/**
 * The payload sealed inside the credential (JWE `dir` / `A256GCM`).
 */
export type AzdoCredentialClaims = {
/**
 * What the credential holds: `pat` (a personal access token in `pat`) or `entra` (a
 * Microsoft refresh token in `refreshToken`, and the `tenant`). Absent in credentials sealed
 * before sign-in existed, which are `pat`.
 */
kind: AzdoMethod,
/**
 * The canonical organization name.
 */
org: string,
/**
 * The canonical organization URL.
 */
orgUrl: string,
/**
 * The verified token (`kind: "pat"`). Redacted in `Debug`.
 */
pat?: string,
/**
 * The Microsoft Entra tenant id the refresh token is redeemed at (`kind: "entra"`).
 */
tenant?: string,
/**
 * The Microsoft refresh token (`kind: "entra"`). Redacted in `Debug`. Each redemption
 * returns a new one: store the re-sealed credential.
 */
refreshToken?: string,
/**
 * The PAT's expiry date the person gave when connecting, RFC 3339.
 */
expiresAt?: string,
/**
 * Azure DevOps' id for the token's owner.
 */
userId: string,
/**
 * Scope ids observed as granted.
 */
scopes: Array<string>,
/**
 * The scope ids the vendor required when the connection was made: what `POST {base}/check`
 * checks again. Absent in credentials sealed before it existed (their `scopes` are checked).
 */
requiredScopes?: Array<string>,
/**
 * When the credential was issued, seconds since the Unix epoch.
 */
iat: number,
/**
 * When the proxy stops accepting the credential back, seconds since the Unix epoch.
 */
exp?: number, };

/**
 * Azure DevOps Services (hosted) or Azure DevOps Server (on-premises).
 */
export type AzdoDeploymentType = "hosted" | "onPremises";

/**
 * `azdo-disconnected` detail.
 */
export type AzdoDisconnectedDetail = {
/**
 * The organization that was disconnected.
 */
organization: string, };

/**
 * Every failure body: `{"error": {...}}`.
 */
export type AzdoErrorBody = {
/**
 * The error.
 */
error: AzdoApiError, };

/**
 * Every error code of the public contract, as it appears in the proxy's `{"error":{"code"}}`
 * bodies and the widget's `azdo-error` events. `docs/architecture.md` lists when each occurs.
 *
 * New codes may be added in minor versions: handle a code you don't know (in Rust, with a
 * wildcard arm).
 */
export type AzdoErrorCode = "invalid_request" | "invalid_organization" | "host_not_allowed" | "token_format" | "token_invalid" | "token_expired" | "organization_not_found" | "missing_scopes" | "rate_limited" | "upstream_unavailable" | "upstream_timeout" | "forbidden_origin" | "payload_too_large" | "csp_blocked" | "entra_not_configured" | "sign_in_cancelled" | "consent_required" | "sign_in_failed" | "personal_account_organization" | "not_a_member" | "flow_expired" | "popup_blocked" | "proxy_unreachable" | "internal";

/**
 * `azdo-error` detail.
 */
export type AzdoErrorDetail = {
/**
 * The contract error code.
 */
code: AzdoErrorCode,
/**
 * A sentence a person can act on.
 */
message: string,
/**
 * Seconds to wait before trying again.
 */
retryAfter?: number,
/**
 * The required scopes the token lacks.
 */
missingScopes?: Array<string>, };

/**
 * The `status` of a sign-in result that is not (yet) a connection.
 */
export type AzdoFlowStatus = "pending" | "choose_organization";

/**
 * The limits a client should respect, published by `GET {base}/config`.
 */
export type AzdoLimits = {
/**
 * The largest request body accepted, in bytes.
 */
maxBodyBytes: number,
/**
 * The total deadline for one verify, in milliseconds.
 */
verifyTimeoutMs: number,
/**
 * Requests allowed per client per minute.
 */
requestsPerMinute: number, };

/**
 * How a connection was made: a personal access token or Microsoft sign-in (Entra ID). The
 * `method` of a verify answer and the `kind` of a sealed credential.
 */
export type AzdoMethod = "pat" | "entra";

/**
 * `GET {base}/oauth/result` 202 body: `{"status":"pending"}`.
 */
export type AzdoOAuthPending = {
/**
 * Always `pending`.
 */
status: AzdoFlowStatus, };

/**
 * `POST {base}/oauth/start` request body.
 */
export type AzdoOAuthStartRequest = {
/**
 * The organization, when the person typed one; otherwise the proxy lists theirs after
 * sign-in.
 */
organization?: string,
/**
 * Scope ids the vendor needs.
 */
requiredScopes?: Array<string>,
/**
 * A username to pre-fill on Microsoft's sign-in page.
 */
loginHint?: string,
/**
 * The full-page redirect fallback (when no popup can open): after sign-in the browser is sent
 * to `{returnTo}#azdo-connect-flow={flow}`, and the page collects the result with
 * `GET {base}/oauth/result` as usual. Must be an http(s) URL on an allowed origin or on the
 * proxy's own.
 */
returnTo?: string, };

/**
 * `POST {base}/oauth/start` 200 body.
 */
export type AzdoOAuthStartResponse = {
/**
 * The flow id, for `GET {base}/oauth/result?flow=…`.
 */
flow: string,
/**
 * Microsoft's authorize URL, to open in the sign-in window.
 */
authorizeUrl: string,
/**
 * Seconds until the flow expires.
 */
expiresIn: number, };

/**
 * An organization the signed-in person belongs to.
 */
export type AzdoOrganizationChoice = {
/**
 * The organization name.
 */
name: string,
/**
 * Its canonical URL, `https://dev.azure.com/{name}`.
 */
url: string, };

/**
 * A project in the picker, with its repositories.
 */
export type AzdoProject = {
/**
 * Azure DevOps' id for the project (a GUID).
 */
id: string,
/**
 * The project name.
 */
name: string,
/**
 * The project description, when it has one.
 */
description?: string,
/**
 * `private` or `public`.
 */
visibility?: string,
/**
 * The project's repositories.
 */
repositories: Array<AzdoRepository>, };

/**
 * `POST {base}/projects` request body.
 */
export type AzdoProjectsRequest = {
/**
 * The credential from a verify answer.
 */
credential: string,
/**
 * The token from the previous page, to get the next one.
 */
continuationToken?: string,
/**
 * Case-insensitive text to filter project names by.
 */
search?: string, };

/**
 * `POST {base}/projects` 200 body: one page of projects.
 */
export type AzdoProjectsResponse = {
/**
 * This page's projects.
 */
projects: Array<AzdoProject>,
/**
 * Pass this back to get the next page; absent on the last page.
 */
continuationToken?: string, };

/**
 * `azdo-ready` detail.
 */
export type AzdoReadyDetail = {
/**
 * The widget's version.
 */
version: string, };

/**
 * A repository in the picker.
 */
export type AzdoRepository = {
/**
 * Azure DevOps' id for the repository (for TFVC, the project id).
 */
id: string,
/**
 * The repository name (for TFVC, `$/{project}`).
 */
name: string,
/**
 * Git or TFVC.
 */
kind: AzdoRepositoryKind,
/**
 * The web URL, when known.
 */
webUrl?: string,
/**
 * The default branch, e.g. `refs/heads/main`, for Git repositories that have one (an
 * empty repository has none).
 */
defaultBranch?: string,
/**
 * Whether an administrator disabled the repository: it is listed, but nothing in it can
 * be read, so a picker shows it and doesn't let it be selected. Absent when `false`.
 */
disabled?: boolean, };

/**
 * Whether a repository is Git or TFVC.
 */
export type AzdoRepositoryKind = "git" | "tfvc";

/**
 * A scope in the catalogue, as `GET {base}/config` publishes it.
 */
export type AzdoScopeInfo = {
/**
 * The scope id, e.g. `vso.code`.
 */
id: string,
/**
 * The label in the Azure token UI.
 */
label: string,
/**
 * The area heading in the Azure token UI, e.g. `Code`.
 */
area: string,
/**
 * Whether the proxy can observe this scope with a read-only probe.
 */
observable: boolean, };

/**
 * What the proxy could observe about one scope.
 */
export type AzdoScopeState = "granted" | "missing" | "unknown";

/**
 * One scope in a verify answer.
 */
export type AzdoScopeStatus = {
/**
 * The scope id, e.g. `vso.code`.
 */
id: string,
/**
 * The label in the Azure token UI, e.g. `Code (Read)`.
 */
label: string,
/**
 * What the proxy observed.
 */
status: AzdoScopeState, };

/**
 * A project the person picked.
 */
export type AzdoSelectedProject = {
/**
 * The project id.
 */
id: string,
/**
 * The project name.
 */
name: string, };

/**
 * A repository the person picked.
 */
export type AzdoSelectedRepository = {
/**
 * The repository id.
 */
id: string,
/**
 * The repository name.
 */
name: string,
/**
 * Git or TFVC.
 */
kind: AzdoRepositoryKind,
/**
 * The id of the project it belongs to.
 */
projectId: string, };

/**
 * `azdo-selection-changed` detail, and `selection` in `azdo-connected`.
 */
export type AzdoSelection = {
/**
 * Picked projects.
 */
projects: Array<AzdoSelectedProject>,
/**
 * Picked repositories.
 */
repositories: Array<AzdoSelectedRepository>, };

/**
 * The verified identity behind a token.
 */
export type AzdoUser = {
/**
 * Azure DevOps' id for the user (a GUID).
 */
id: string,
/**
 * The name Azure DevOps shows for the user.
 */
displayName: string,
/**
 * The user's e-mail address or UPN, when Azure DevOps discloses it.
 */
email?: string, };

/**
 * `POST {base}/verify` request body: an organization with either a personal access `token`, or
 * the `session` of a Microsoft sign-in that ended with a choice of organizations.
 */
export type AzdoVerifyRequest = {
/**
 * The organization as typed: a name or any Azure DevOps URL.
 */
organization: string,
/**
 * The personal access token. Redacted in `Debug`. Absent with `session`.
 */
token?: string,
/**
 * The `session` of a sign-in result that asked to choose an organization. Absent with
 * `token`.
 */
session?: string,
/**
 * Scope ids the vendor needs, e.g. `["vso.code", "vso.project"]`.
 */
requiredScopes?: Array<string>,
/**
 * The PAT's expiry date as the person read it on the Azure DevOps token page, RFC 3339 date
 * (`2027-03-01`) or date-time. Carried into the answer and the credential, never checked
 * against Azure DevOps.
 */
expiresAt?: string, };

/**
 * `POST {base}/verify` 200 body, and the `detail` of `azdo-connected` (plus `selection`).
 */
export type AzdoVerifyResponse = {
/**
 * The canonical organization name, as typed.
 */
organization: string,
/**
 * The canonical organization URL, e.g. `https://dev.azure.com/contoso`.
 */
organizationUrl: string,
/**
 * Azure DevOps Services or Server.
 */
deploymentType: AzdoDeploymentType,
/**
 * Who the token belongs to.
 */
user: AzdoUser,
/**
 * Every requested scope with what was observed.
 */
scopes: Array<AzdoScopeStatus>,
/**
 * The verified token sealed as a JWE compact token for the vendor's backend.
 */
credential: string,
/**
 * When the proxy verified the token, RFC 3339.
 */
verifiedAt: string,
/**
 * Non-fatal remarks.
 */
warnings: Array<AzdoWarning>,
/**
 * How the connection was made.
 */
method: AzdoMethod,
/**
 * The PAT's expiry date the person gave (`expiresAt` of the request), when they gave one.
 */
expiresAt?: string, };

/**
 * `azdo-verifying` detail.
 */
export type AzdoVerifyingDetail = {
/**
 * The canonical organization name.
 */
organization: string,
/**
 * The canonical organization URL.
 */
organizationUrl: string, };

/**
 * A non-fatal remark on a successful verify, such as an unusual token format.
 */
export type AzdoWarning = {
/**
 * A stable machine-readable code, e.g. `token_format_unknown`.
 */
code: string,
/**
 * A sentence for a person.
 */
message: string, };
