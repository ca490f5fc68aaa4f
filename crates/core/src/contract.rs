//! The JSON types of the public contract (`docs/architecture.md`): the proxy's request and
//! response bodies, the sealed credential's payload, and the `detail` of every DOM event the widget
//! emits.
//!
//! Field names are camelCase on the wire. Optional fields are omitted, not `null`, when absent.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantArray};

use crate::{DeploymentType, ErrorCode, Pat, SecretToken};

/// `POST {base}/verify` request body: an organization with either a personal access `token`, or
/// the `session` of a Microsoft sign-in that ended with a choice of organizations.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoVerifyRequest"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct VerifyRequest {
    /// The organization as typed: a name or any Azure DevOps URL.
    pub organization: String,
    /// The personal access token. Redacted in `Debug`. Absent with `session`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub token: Option<Pat>,
    /// The `session` of a sign-in result that asked to choose an organization. Absent with
    /// `token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub session: Option<String>,
    /// Scope ids the vendor needs, e.g. `["vso.code", "vso.project"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_scopes: Vec<String>,
    /// The PAT's expiry date as the person read it on the Azure DevOps token page, RFC 3339 date
    /// (`2027-03-01`) or date-time. Carried into the answer and the credential, never checked
    /// against Azure DevOps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expires_at: Option<String>,
}

/// How a connection was made: a personal access token or Microsoft sign-in (Entra ID). The
/// `method` of a verify answer and the `kind` of a sealed credential.
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(rename_all = "lowercase")
)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoMethod", rename_all = "lowercase")
)]
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    IntoStaticStr,
    VariantArray,
    strum::VariantNames,
)]
#[strum(serialize_all = "lowercase")]
pub enum Method {
    /// A personal access token. Credentials sealed before sign-in existed have no `kind` and
    /// are this.
    #[default]
    Pat,
    /// Microsoft sign-in: the credential holds a refresh token, never an access token.
    Entra,
}

crate::wire_name::serde_by_wire_name!(Method);

impl Method {
    /// Both methods.
    pub const ALL: [Method; Method::VARIANTS.len()] = crate::variant_array(Method::VARIANTS);

    /// The wire name, `"pat"` or `"entra"`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The verified identity behind a token.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoUser"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Azure DevOps' id for the user (a GUID).
    pub id: String,
    /// The name Azure DevOps shows for the user.
    pub display_name: String,
    /// The user's e-mail address or UPN, when Azure DevOps discloses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub email: Option<String>,
}

/// What the proxy could observe about one scope.
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(rename_all = "camelCase")
)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoScopeState", rename_all = "camelCase")
)]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStaticStr, VariantArray, strum::VariantNames,
)]
#[strum(serialize_all = "camelCase")]
pub enum ScopeState {
    /// A read-only probe for this scope succeeded.
    Granted,
    /// Azure DevOps refused the probe for this scope.
    Missing,
    /// The scope can't be observed without writing, or the probe was inconclusive.
    Unknown,
}

crate::wire_name::serde_by_wire_name!(ScopeState);

impl ScopeState {
    /// Every state.
    pub const ALL: [ScopeState; ScopeState::VARIANTS.len()] =
        crate::variant_array(ScopeState::VARIANTS);

    /// The wire name, as serde writes it, e.g. `"granted"`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One scope in a verify answer.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoScopeStatus"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeStatus {
    /// The scope id, e.g. `vso.code`.
    pub id: String,
    /// The label in the Azure token UI, e.g. `Code (Read)`.
    pub label: String,
    /// What the proxy observed.
    pub status: ScopeState,
}

/// A non-fatal remark on a successful verify, such as an unusual token format.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoWarning"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// A stable machine-readable code, e.g. `token_format_unknown`.
    pub code: String,
    /// A sentence for a person.
    pub message: String,
}

/// `POST {base}/verify` 200 body, and the `detail` of `azdo-connected` (plus `selection`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoVerifyResponse"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyResponse {
    /// The canonical organization name, as typed.
    pub organization: String,
    /// The canonical organization URL, e.g. `https://dev.azure.com/contoso`.
    pub organization_url: String,
    /// Azure DevOps Services or Server.
    pub deployment_type: DeploymentType,
    /// Who the token belongs to.
    pub user: User,
    /// Every requested scope with what was observed.
    pub scopes: Vec<ScopeStatus>,
    /// The verified token sealed as a JWE compact token for the vendor's backend.
    pub credential: String,
    /// When the proxy verified the token, RFC 3339.
    pub verified_at: String,
    /// Non-fatal remarks.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    /// How the connection was made.
    #[serde(default)]
    pub method: Method,
    /// The PAT's expiry date the person gave (`expiresAt` of the request), when they gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expires_at: Option<String>,
}

/// The `error` member of every failure body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoApiError"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    /// The contract error code.
    pub code: ErrorCode,
    /// A sentence a person can act on.
    pub message: String,
    /// Seconds to wait before trying again (`rate_limited`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub retry_after: Option<u64>,
    /// The required scopes the token lacks (`missing_scopes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub missing_scopes: Option<Vec<String>>,
    /// The status of every requested scope (`missing_scopes`), for the checklist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub scopes: Option<Vec<ScopeStatus>>,
}

impl ApiError {
    /// An error with just a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            retry_after: None,
            missing_scopes: None,
            scopes: None,
        }
    }
}

/// Every failure body: `{"error": {...}}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoErrorBody"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ApiError,
}

/// `POST {base}/projects` request body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoProjectsRequest"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProjectsRequest {
    /// The credential from a verify answer.
    pub credential: String,
    /// The token from the previous page, to get the next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub continuation_token: Option<String>,
    /// Case-insensitive text to filter project names by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub search: Option<String>,
}

/// Whether a repository is Git or TFVC.
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(rename_all = "lowercase")
)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoRepositoryKind", rename_all = "lowercase")
)]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStaticStr, VariantArray, strum::VariantNames,
)]
#[strum(serialize_all = "lowercase")]
pub enum RepositoryKind {
    /// An Azure Repos Git repository.
    Git,
    /// A Team Foundation Version Control repository (one per project at most).
    Tfvc,
}

crate::wire_name::serde_by_wire_name!(RepositoryKind);

impl RepositoryKind {
    /// Both kinds.
    pub const ALL: [RepositoryKind; RepositoryKind::VARIANTS.len()] =
        crate::variant_array(RepositoryKind::VARIANTS);

    /// The wire name, as serde writes it: `"git"` or `"tfvc"`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A repository in the picker.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoRepository"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Repository {
    /// Azure DevOps' id for the repository (for TFVC, the project id).
    pub id: String,
    /// The repository name (for TFVC, `$/{project}`).
    pub name: String,
    /// Git or TFVC.
    pub kind: RepositoryKind,
    /// The web URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub web_url: Option<String>,
    /// The default branch, e.g. `refs/heads/main`, for Git repositories that have one (an
    /// empty repository has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub default_branch: Option<String>,
    /// Whether an administrator disabled the repository: it is listed, but nothing in it can
    /// be read, so a picker shows it and doesn't let it be selected. Absent when `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub disabled: bool,
}

/// A project in the picker, with its repositories.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoProject"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// Azure DevOps' id for the project (a GUID).
    pub id: String,
    /// The project name.
    pub name: String,
    /// The project description, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub description: Option<String>,
    /// `private` or `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub visibility: Option<String>,
    /// The project's repositories.
    #[serde(default)]
    pub repositories: Vec<Repository>,
}

/// `POST {base}/projects` 200 body: one page of projects.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoProjectsResponse"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectsResponse {
    /// This page's projects.
    pub projects: Vec<Project>,
    /// Pass this back to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub continuation_token: Option<String>,
}

/// A scope in the catalogue, as `GET {base}/config` publishes it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoScopeInfo"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScopeInfo {
    /// The scope id, e.g. `vso.code`.
    pub id: String,
    /// The label in the Azure token UI.
    pub label: String,
    /// The area heading in the Azure token UI, e.g. `Code`.
    pub area: String,
    /// Whether the proxy can observe this scope with a read-only probe.
    pub observable: bool,
}

/// The limits a client should respect, published by `GET {base}/config`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoLimits"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: u64,
    /// The total deadline for one verify, in milliseconds.
    pub verify_timeout_ms: u64,
    /// Requests allowed per client per minute.
    pub requests_per_minute: u32,
}

/// `GET {base}/config` body: what the widget may know about the proxy.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoConfigResponse"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigResponse {
    /// The proxy's version.
    pub version: String,
    /// Azure DevOps Server hosts (`host[:port]`) the proxy will contact.
    pub allowed_servers: Vec<String>,
    /// The scope catalogue.
    pub scopes: Vec<ScopeInfo>,
    /// Limits.
    pub limits: Limits,
    /// Whether "Sign in with Microsoft" is configured (`POST {base}/oauth/start` works).
    #[serde(default)]
    pub entra: bool,
}

/// The payload sealed inside the credential (JWE `dir` / `A256GCM`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoCredentialClaims"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialClaims {
    /// What the credential holds: `pat` (a personal access token in `pat`) or `entra` (a
    /// Microsoft refresh token in `refreshToken`, and the `tenant`). Absent in credentials sealed
    /// before sign-in existed, which are `pat`.
    #[serde(default)]
    pub kind: Method,
    /// The canonical organization name.
    pub org: String,
    /// The canonical organization URL.
    pub org_url: String,
    /// The verified token (`kind: "pat"`). Redacted in `Debug`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub pat: Option<Pat>,
    /// The Microsoft Entra tenant id the refresh token is redeemed at (`kind: "entra"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tenant: Option<String>,
    /// The Microsoft refresh token (`kind: "entra"`). Redacted in `Debug`. Each redemption
    /// returns a new one: store the re-sealed credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub refresh_token: Option<SecretToken>,
    /// The PAT's expiry date the person gave when connecting, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub expires_at: Option<String>,
    /// Azure DevOps' id for the token's owner.
    pub user_id: String,
    /// Scope ids observed as granted.
    pub scopes: Vec<String>,
    /// The scope ids the vendor required when the connection was made: what `POST {base}/check`
    /// checks again. Absent in credentials sealed before it existed (their `scopes` are checked).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Vec<String>>"))]
    pub required_scopes: Vec<String>,
    /// When the credential was issued, seconds since the Unix epoch.
    pub iat: i64,
    /// When the proxy stops accepting the credential back, seconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub exp: Option<i64>,
}

/// `POST {base}/oauth/start` request body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoOAuthStartRequest")
)]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OAuthStartRequest {
    /// The organization, when the person typed one; otherwise the proxy lists theirs after
    /// sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub organization: Option<String>,
    /// Scope ids the vendor needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_scopes: Vec<String>,
    /// A username to pre-fill on Microsoft's sign-in page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub login_hint: Option<String>,
    /// The full-page redirect fallback (when no popup can open): after sign-in the browser is sent
    /// to `{returnTo}#azdo-connect-flow={flow}`, and the page collects the result with
    /// `GET {base}/oauth/result` as usual. Must be an http(s) URL on an allowed origin or on the
    /// proxy's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub return_to: Option<String>,
}

/// `POST {base}/oauth/start` 200 body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoOAuthStartResponse")
)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthStartResponse {
    /// The flow id, for `GET {base}/oauth/result?flow=…`.
    pub flow: String,
    /// Microsoft's authorize URL, to open in the sign-in window.
    pub authorize_url: String,
    /// Seconds until the flow expires.
    pub expires_in: u64,
}

/// The `status` of a sign-in result that is not (yet) a connection.
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(rename_all = "snake_case")
)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoFlowStatus", rename_all = "snake_case")
)]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStaticStr, VariantArray, strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum FlowStatus {
    /// The person has not finished signing in yet (202).
    Pending,
    /// Signed in without an organization: pick one of `organizations`.
    ChooseOrganization,
}

crate::wire_name::serde_by_wire_name!(FlowStatus);

/// `GET {base}/oauth/result` 202 body: `{"status":"pending"}`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoOAuthPending"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthPending {
    /// Always `pending`.
    pub status: FlowStatus,
}

/// An organization the signed-in person belongs to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoOrganizationChoice")
)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationChoice {
    /// The organization name.
    pub name: String,
    /// Its canonical URL, `https://dev.azure.com/{name}`.
    pub url: String,
}

/// `GET {base}/oauth/result` 200 body when no organization was given: pick one, then
/// `POST {base}/verify` with `organization` and `session`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoChooseOrganization")
)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChooseOrganization {
    /// Always `choose_organization`.
    pub status: FlowStatus,
    /// The person's organizations (possibly empty).
    pub organizations: Vec<OrganizationChoice>,
    /// Opaque and short-lived; finishes the flow with `POST {base}/verify`.
    pub session: String,
}

/// `POST {base}/check` request body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoCheckRequest"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckRequest {
    /// A stored credential, of either kind.
    pub credential: String,
}

/// The `status` of a healthy `check`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoCheckStatus"))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, IntoStaticStr, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CheckStatus {
    /// The connection works and has every originally required scope.
    Ok,
}

/// `POST {base}/check` 200 body.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoCheckResponse"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResponse {
    /// Always `ok`; failures use the error shape.
    pub status: CheckStatus,
    /// When the proxy checked, RFC 3339.
    pub checked_at: String,
    /// Who the connection acts as now.
    pub user: User,
    /// The originally required scopes with what was observed now.
    pub scopes: Vec<ScopeStatus>,
    /// For `entra` credentials: the credential re-sealed with the rotated refresh token. Store
    /// it in place of the old one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub credential: Option<String>,
}

/// `azdo-ready` detail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoReadyDetail"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyDetail {
    /// The widget's version.
    pub version: String,
}

/// `azdo-verifying` detail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoVerifyingDetail"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyingDetail {
    /// The canonical organization name.
    pub organization: String,
    /// The canonical organization URL.
    pub organization_url: String,
}

/// `azdo-error` detail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoErrorDetail"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// The contract error code.
    pub code: ErrorCode,
    /// A sentence a person can act on.
    pub message: String,
    /// Seconds to wait before trying again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub retry_after: Option<u64>,
    /// The required scopes the token lacks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub missing_scopes: Option<Vec<String>>,
}

impl From<ApiError> for ErrorDetail {
    fn from(e: ApiError) -> Self {
        ErrorDetail {
            code: e.code,
            message: e.message,
            retry_after: e.retry_after,
            missing_scopes: e.missing_scopes,
        }
    }
}

/// `azdo-disconnected` detail.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoDisconnectedDetail")
)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisconnectedDetail {
    /// The organization that was disconnected.
    pub organization: String,
}

/// A project the person picked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoSelectedProject"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectedProject {
    /// The project id.
    pub id: String,
    /// The project name.
    pub name: String,
}

/// A repository the person picked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoSelectedRepository")
)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedRepository {
    /// The repository id.
    pub id: String,
    /// The repository name.
    pub name: String,
    /// Git or TFVC.
    pub kind: RepositoryKind,
    /// The id of the project it belongs to.
    pub project_id: String,
}

/// `azdo-selection-changed` detail, and `selection` in `azdo-connected`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoSelection"))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// Picked projects.
    pub projects: Vec<SelectedProject>,
    /// Picked repositories.
    pub repositories: Vec<SelectedRepository>,
}

/// `azdo-connected` detail: the verify answer, plus the picker's selection when it is on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AzdoConnectedDetail"))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectedDetail {
    /// The verify answer (never the raw token).
    #[serde(flatten)]
    pub verified: VerifyResponse,
    /// What the person picked, when `select` is not `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub selection: Option<Selection>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DeploymentType, ErrorCode};

    /// serde reads and writes these enums by strum's names (`wire_name.rs`), and the widget by
    /// `as_str`: every variant must go out as its name and come back from it. The names
    /// themselves are pinned by `tests/typescript.rs` against `packaging/contract.d.ts`.
    #[test]
    fn wire_names_are_what_serde_writes() {
        fn check<T>(all: &[T], name: fn(T) -> &'static str)
        where
            T: Serialize + serde::de::DeserializeOwned + Copy + PartialEq + std::fmt::Debug,
        {
            assert!(!all.is_empty());
            for &v in all {
                assert_eq!(serde_json::to_value(v).unwrap(), name(v), "{v:?}");
                assert_eq!(serde_json::from_value::<T>(name(v).into()).unwrap(), v);
            }
        }
        check(&ErrorCode::ALL, ErrorCode::as_str);
        check(&DeploymentType::ALL, DeploymentType::as_str);
        check(&ScopeState::ALL, ScopeState::as_str);
        check(&RepositoryKind::ALL, RepositoryKind::as_str);
        check(&Method::ALL, Method::as_str);
        check(FlowStatus::VARIANTS, |s| s.into());
        check(CheckStatus::VARIANTS, |s| s.into());
    }
}
