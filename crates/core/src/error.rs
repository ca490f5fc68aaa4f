//! Error codes of the public contract, and the organization normalizer's error type.

use std::fmt;

use strum::{IntoStaticStr, VariantArray};

/// Every error code of the public contract, as it appears in the proxy's `{"error":{"code"}}`
/// bodies and the widget's `azdo-error` events. `docs/architecture.md` lists when each occurs.
///
/// New codes may be added in minor versions: handle a code you don't know (in Rust, with a
/// wildcard arm).
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(rename_all = "snake_case")
)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoErrorCode", rename_all = "snake_case")
)]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStaticStr, VariantArray, strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The request is malformed: bad JSON, wrong content type, a missing field or header.
    InvalidRequest,
    /// The organization input is empty, malformed, or breaks the naming rules.
    InvalidOrganization,
    /// The input names a host that is not Azure DevOps and not on the on-prem allowlist.
    HostNotAllowed,
    /// The token cannot be a personal access token (empty, or characters no PAT has).
    TokenFormat,
    /// Azure DevOps does not accept the token (unknown, revoked, or for another organization).
    TokenInvalid,
    /// The token was valid once and has expired.
    TokenExpired,
    /// Azure DevOps has no organization by that name.
    OrganizationNotFound,
    /// The token works but lacks at least one required scope.
    MissingScopes,
    /// Too many requests, to the proxy or to Azure DevOps; see `retryAfter`.
    RateLimited,
    /// Azure DevOps answered with a server error or could not be reached.
    UpstreamUnavailable,
    /// Azure DevOps did not answer within the proxy's deadline.
    UpstreamTimeout,
    /// The request came from a page origin the proxy does not allow.
    ForbiddenOrigin,
    /// The request body is larger than the proxy accepts.
    PayloadTooLarge,
    /// Widget only: the host page's Content-Security-Policy blocked the WebAssembly module.
    CspBlocked,
    /// "Sign in with Microsoft" was asked for, but this proxy has no Entra app configured.
    EntraNotConfigured,
    /// The person cancelled Microsoft sign-in or declined the consent prompt.
    SignInCancelled,
    /// An administrator of the person's Microsoft Entra tenant must approve the vendor's app first.
    ConsentRequired,
    /// Microsoft sign-in failed for another reason; the message carries the AADSTS code for support.
    SignInFailed,
    /// The organization is backed by personal Microsoft accounts, which third-party apps cannot
    /// sign in to Azure DevOps: use a personal access token.
    PersonalAccountOrganization,
    /// The signed-in person cannot access that organization.
    NotAMember,
    /// The sign-in flow is unknown, already used, or older than its lifetime (about 10 minutes).
    FlowExpired,
    /// Widget only: the browser blocked the sign-in window.
    PopupBlocked,
    /// Widget only: the proxy itself could not be reached, or answered with something that is not
    /// the contract.
    ProxyUnreachable,
    /// Widget only: an unexpected internal failure (a bug); the widget stays usable.
    Internal,
}

crate::wire_name::serde_by_wire_name!(ErrorCode);

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; ErrorCode::VARIANTS.len()] =
        crate::variant_array(ErrorCode::VARIANTS);

    /// The wire name, e.g. `"token_expired"`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The HTTP status the proxy answers with for this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidRequest
            | ErrorCode::InvalidOrganization
            | ErrorCode::HostNotAllowed
            | ErrorCode::TokenFormat => 400,
            ErrorCode::TokenInvalid | ErrorCode::TokenExpired => 401,
            ErrorCode::SignInCancelled
            | ErrorCode::PersonalAccountOrganization
            | ErrorCode::PopupBlocked => 400,
            ErrorCode::SignInFailed => 401,
            ErrorCode::MissingScopes
            | ErrorCode::ForbiddenOrigin
            | ErrorCode::CspBlocked
            | ErrorCode::ConsentRequired
            | ErrorCode::NotAMember => 403,
            ErrorCode::OrganizationNotFound | ErrorCode::EntraNotConfigured => 404,
            ErrorCode::FlowExpired => 410,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::UpstreamUnavailable | ErrorCode::ProxyUnreachable => 502,
            ErrorCode::UpstreamTimeout => 504,
            ErrorCode::Internal => 500,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which Azure DevOps organization naming rule an input breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameRule {
    /// Longer than 50 characters.
    TooLong,
    /// Contains a character other than English letters, digits and hyphens.
    InvalidCharacter,
    /// Starts with a hyphen.
    StartsWithHyphen,
    /// Ends with a hyphen.
    EndsWithHyphen,
    /// A name Azure DevOps reserves (`CON`, `DefaultCollection`, `SignalR`, …).
    Reserved,
    /// An Azure DevOps Server collection name that breaks the collection rules: at most 64
    /// letters, digits, hyphens, underscores and dots, not starting with `_` or `.`, not ending
    /// with `.`.
    CollectionName,
}

impl NameRule {
    /// A sentence a person can act on.
    pub fn message(self) -> &'static str {
        match self {
            NameRule::TooLong => "An organization name has at most 50 characters.",
            NameRule::InvalidCharacter => {
                "An organization name uses only English letters, digits and hyphens."
            }
            NameRule::StartsWithHyphen => {
                "An organization name starts with a letter or a digit, not a hyphen."
            }
            NameRule::EndsWithHyphen => {
                "An organization name ends with a letter or a digit, not a hyphen."
            }
            NameRule::Reserved => "That name is reserved by Azure DevOps and cannot be an organization.",
            NameRule::CollectionName => {
                "A collection name has at most 64 letters, digits, hyphens, underscores and dots, and does not start with _ or . or end with a dot."
            }
        }
    }
}

/// Why an organization input could not be normalized.
///
/// Every variant maps to a contract [`ErrorCode`] through [`OrgError::code`] and carries a message
/// a person can act on through `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrgError {
    /// Nothing was typed, or only whitespace.
    Empty,
    /// The input is not a name and not a URL we can read.
    Malformed {
        /// What is wrong, for a person.
        reason: &'static str,
    },
    /// A well-formed URL whose host is neither Azure DevOps nor an allowlisted server.
    NotAzureDevOps {
        /// The host as parsed (lowercase, punycode for IDNs).
        host: String,
    },
    /// A URL on an Azure DevOps host whose path does not name an organization.
    MissingOrganization,
    /// The organization name breaks a naming rule.
    InvalidName {
        /// The name as found in the input.
        name: String,
        /// The rule it breaks.
        rule: NameRule,
    },
    /// An Azure DevOps Server URL whose host is not on the on-prem allowlist.
    ServerNotAllowed {
        /// The host (and port, if any) as parsed.
        host: String,
    },
}

impl OrgError {
    /// The contract error code for this failure.
    pub fn code(&self) -> ErrorCode {
        match self {
            OrgError::NotAzureDevOps { .. } | OrgError::ServerNotAllowed { .. } => {
                ErrorCode::HostNotAllowed
            }
            _ => ErrorCode::InvalidOrganization,
        }
    }
}

impl fmt::Display for OrgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrgError::Empty => f.write_str(
                "Enter your Azure DevOps organization: its name, or any URL from it such as https://dev.azure.com/your-org.",
            ),
            OrgError::Malformed { reason } => f.write_str(reason),
            OrgError::NotAzureDevOps { host } => write!(
                f,
                "{host} is not an Azure DevOps address. Use https://dev.azure.com/your-org or https://your-org.visualstudio.com."
            ),
            OrgError::MissingOrganization => f.write_str(
                "That address does not include an organization. Add it after the host, like https://dev.azure.com/your-org.",
            ),
            OrgError::InvalidName { name, rule } => {
                let what = match rule {
                    NameRule::CollectionName => "collection",
                    _ => "organization",
                };
                write!(f, "\u{201c}{name}\u{201d} is not a valid {what} name. {}", rule.message())
            }
            OrgError::ServerNotAllowed { host } => write!(
                f,
                "{host} looks like an Azure DevOps Server, but this service is not set up to connect to it. Ask the service's administrator to allow it."
            ),
        }
    }
}

impl std::error::Error for OrgError {}
