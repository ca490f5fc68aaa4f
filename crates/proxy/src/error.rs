//! The crate's one error type, and how each error becomes a contract response.

use std::fmt;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use azdo_connect_core::contract::{ApiError, ErrorBody, ScopeStatus};
use azdo_connect_core::{ErrorCode, OrgError};

/// Everything that can go wrong in the proxy, from bad configuration to Azure DevOps refusing a
/// token.
///
/// Every variant maps to a contract [`ErrorCode`] through [`Error::code`], and the `IntoResponse`
/// impl renders it as the contract's `{"error": {...}}` body with the code's HTTP status. Messages
/// never contain the token: it only ever lives in a redacted [`azdo_connect_core::Pat`].
///
/// New variants may be added, so match with a wildcard arm.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request is malformed: wrong content type, bad JSON, a missing header or field.
    InvalidRequest(String),
    /// The organization input could not be normalized (or names a host that is not allowed).
    Organization(OrgError),
    /// The token can't be a personal access token at all.
    TokenFormat(String),
    /// Azure DevOps does not accept the token.
    TokenInvalid(String),
    /// Azure DevOps says the token has expired.
    TokenExpired,
    /// Azure DevOps has no organization by that name.
    OrganizationNotFound,
    /// The token works but lacks required scopes.
    MissingScopes {
        /// The required scopes observed as missing.
        missing: Vec<String>,
        /// Every requested scope with its observed status.
        scopes: Vec<ScopeStatus>,
    },
    /// Too many requests, to the proxy or to Azure DevOps.
    RateLimited {
        /// Seconds to wait before trying again.
        retry_after: u64,
    },
    /// Azure DevOps answered with a server error, an unreadable answer, or could not be reached.
    UpstreamUnavailable(String),
    /// Azure DevOps did not answer within the deadline.
    UpstreamTimeout,
    /// The request's `Origin` is not allowed.
    ForbiddenOrigin(String),
    /// The request body is larger than the configured limit.
    PayloadTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A credential could not be decrypted: it was altered, truncated, or is not a credential.
    CredentialTampered,
    /// A credential was sealed with a key id the keyring does not hold.
    CredentialUnknownKey {
        /// The key id from the credential's header.
        kid: String,
    },
    /// A credential's `exp` has passed.
    CredentialExpired,
    /// Sealing a credential failed (a bug or a broken crypto library).
    Seal(String),
    /// The proxy's configuration is invalid.
    Config(String),
    /// The demo connection store (`serve --demo`) could not read or write its database.
    Storage(String),
    /// The shared store (`--store`) could not be reached or answered an error.
    StoreUnavailable(String),
    /// Microsoft sign-in was asked for, but the proxy has no Entra app configured.
    EntraNotConfigured,
    /// The person cancelled sign-in or declined consent. The message says so, with the AADSTS code
    /// when Microsoft gave one.
    SignInCancelled(String),
    /// An administrator must approve the app in the person's tenant.
    ConsentRequired(String),
    /// Any other Microsoft identity platform failure; the message carries the AADSTS code.
    SignInFailed(String),
    /// The organization is backed by personal Microsoft accounts: only a PAT works.
    PersonalAccountOrganization,
    /// The signed-in person cannot access the organization.
    NotAMember(String),
    /// The sign-in flow or session is unknown, already used, or expired.
    FlowExpired,
    /// The Microsoft sign-in behind an entra credential lapsed or was revoked (its refresh token
    /// was refused): the person must sign in again. Answered as `token_expired`; the message names
    /// the AADSTS code.
    SignInExpired(String),
}

impl Error {
    /// The contract error code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::InvalidRequest(_) => ErrorCode::InvalidRequest,
            Error::Organization(e) => e.code(),
            Error::TokenFormat(_) => ErrorCode::TokenFormat,
            Error::TokenInvalid(_)
            | Error::CredentialTampered
            | Error::CredentialUnknownKey { .. } => ErrorCode::TokenInvalid,
            Error::TokenExpired | Error::CredentialExpired | Error::SignInExpired(_) => {
                ErrorCode::TokenExpired
            }
            Error::OrganizationNotFound => ErrorCode::OrganizationNotFound,
            Error::MissingScopes { .. } => ErrorCode::MissingScopes,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::UpstreamUnavailable(_) => ErrorCode::UpstreamUnavailable,
            Error::UpstreamTimeout => ErrorCode::UpstreamTimeout,
            Error::ForbiddenOrigin(_) => ErrorCode::ForbiddenOrigin,
            Error::PayloadTooLarge { .. } => ErrorCode::PayloadTooLarge,
            Error::Seal(_) | Error::Config(_) | Error::Storage(_) => ErrorCode::Internal,
            Error::StoreUnavailable(_) => ErrorCode::UpstreamUnavailable,
            Error::EntraNotConfigured => ErrorCode::EntraNotConfigured,
            Error::SignInCancelled(_) => ErrorCode::SignInCancelled,
            Error::ConsentRequired(_) => ErrorCode::ConsentRequired,
            Error::SignInFailed(_) => ErrorCode::SignInFailed,
            Error::PersonalAccountOrganization => ErrorCode::PersonalAccountOrganization,
            Error::NotAMember(_) => ErrorCode::NotAMember,
            Error::FlowExpired => ErrorCode::FlowExpired,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.code().http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The contract body for this error.
    pub fn to_api_error(&self) -> ApiError {
        let mut api = ApiError::new(self.code(), self.public_message());
        match self {
            Error::RateLimited { retry_after } => api.retry_after = Some(*retry_after),
            Error::MissingScopes { missing, scopes } => {
                api.missing_scopes = Some(missing.clone());
                api.scopes = Some(scopes.clone());
            }
            _ => {}
        }
        api
    }

    // Internal failures answer with a generic sentence: their details are for the log only.
    fn public_message(&self) -> String {
        match self {
            Error::Seal(_) | Error::Config(_) | Error::Storage(_) => {
                "The connection service failed unexpectedly. Try again later.".to_owned()
            }
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest(m) | Error::TokenFormat(m) => f.write_str(m),
            Error::Organization(e) => e.fmt(f),
            Error::TokenInvalid(m) => f.write_str(m),
            Error::TokenExpired => f.write_str(
                "This personal access token has expired. Create a new one in Azure DevOps (User settings › Personal access tokens) and try again.",
            ),
            Error::OrganizationNotFound => f.write_str(
                "Azure DevOps has no organization by that name. Check the spelling, or copy the URL from your browser.",
            ),
            Error::MissingScopes { missing, .. } => write!(
                f,
                "The token works but lacks required scopes: {}. Edit the token in Azure DevOps to add them.",
                missing.join(", ")
            ),
            Error::RateLimited { retry_after } => write!(
                f,
                "Too many requests. Try again in {retry_after} second{}.",
                if *retry_after == 1 { "" } else { "s" }
            ),
            Error::UpstreamUnavailable(m) => write!(f, "Azure DevOps could not be reached: {m}."),
            Error::UpstreamTimeout => {
                f.write_str("Azure DevOps did not answer in time. Try again in a moment.")
            }
            Error::ForbiddenOrigin(origin) => write!(
                f,
                "Requests from {origin} are not allowed by this connection service."
            ),
            Error::PayloadTooLarge { limit } => {
                write!(f, "The request body is larger than {limit} bytes.")
            }
            Error::CredentialTampered => f.write_str(
                "The credential is not valid: it was altered or was not issued by this service. Connect again.",
            ),
            Error::CredentialUnknownKey { kid } => write!(
                f,
                "The credential was sealed with a key this service no longer holds (kid {kid:?}). Connect again."
            ),
            Error::CredentialExpired => {
                f.write_str("The credential has expired. Connect again to renew it.")
            }
            Error::Seal(m) => write!(f, "sealing the credential failed: {m}"),
            Error::Config(m) => write!(f, "invalid proxy configuration: {m}"),
            Error::Storage(m) => write!(f, "the demo connection store failed: {m}"),
            Error::StoreUnavailable(m) => write!(
                f,
                "The connection service's shared store cannot be reached ({m}). Try again in a moment."
            ),
            Error::EntraNotConfigured => f.write_str(
                "Sign in with Microsoft is not set up for this service. Use a personal access token.",
            ),
            Error::SignInCancelled(m)
            | Error::ConsentRequired(m)
            | Error::SignInFailed(m)
            | Error::SignInExpired(m)
            | Error::NotAMember(m) => f.write_str(m),
            Error::PersonalAccountOrganization => f.write_str(
                "This organization is backed by personal Microsoft accounts, which cannot sign in here. Use a personal access token instead.",
            ),
            Error::FlowExpired => f.write_str(
                "This sign-in has expired or was already used. Start again with Sign in with Microsoft.",
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Organization(e) => Some(e),
            _ => None,
        }
    }
}

impl From<OrgError> for Error {
    fn from(e: OrgError) -> Self {
        Error::Organization(e)
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(code = %self.code(), error = %self, "request failed");
        } else {
            tracing::debug!(code = %self.code(), "request refused");
        }
        let mut response = (
            status,
            axum::Json(ErrorBody {
                error: self.to_api_error(),
            }),
        )
            .into_response();
        if let Error::RateLimited { retry_after } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        response
    }
}
