//! `POST {base}/check` and `azdo-connect-proxy check-credential`: is a stored connection still
//! healthy? Tokens expire, are revoked or lose scopes after the customer connected; a vendor's
//! backend asks here on a schedule instead of learning it from a failed job.
//!
//! Both open the credential the way the vendor's backend does ([`open_credential`], no age
//! limit: the check is how a months-old connection is judged), then ask Azure DevOps again who
//! the token is and whether the scopes required when it was connected still work, with the same
//! identity-and-probes step as verify.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::Json;
use azdo_connect_core::contract::{CheckRequest, CheckResponse, CheckStatus, ErrorBody, Method};
use azdo_connect_core::{normalize_organization, AllowedServers};

use crate::credential::{open_credential, Keyring};
use crate::extract::ApiJson;
use crate::upstream::{Auth, Target, Upstream};
use crate::verify::{inspect, requested_scopes, rfc3339_now, Inspection};
use crate::{AppState, Error, ProxyConfig};

/// Checks stored credentials against Azure DevOps: what `POST {base}/check` runs, for a vendor's
/// backend that checks outside an HTTP server (a scheduled job, `azdo-connect-proxy
/// check-credential`). Build one and reuse it: it holds the HTTP client's connection pool.
#[derive(Debug, Clone)]
pub struct Checker {
    upstream: Upstream,
    keyring: Keyring,
    allowed_servers: AllowedServers,
    deadline: Duration,
}

impl Checker {
    /// A checker with `config`'s upstream, keys, on-prem allowlist and deadline
    /// (`verify_timeout` per credential).
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid, as for [`crate::router`].
    pub fn new(config: &ProxyConfig) -> Result<Checker, Error> {
        config.validate()?;
        Ok(Checker {
            upstream: Upstream::new(config)?,
            keyring: Keyring::new(&config.seal_key, &config.previous_keys),
            allowed_servers: config.allowed_servers.clone(),
            deadline: config.verify_timeout,
        })
    }
}

/// Checks one stored credential: opens it (any age), asks Azure DevOps who the token is now and
/// probes the scopes required when it was connected (for credentials sealed before those were
/// recorded, the scopes it was granted then).
///
/// # Errors
/// The contract errors of `POST {base}/check`: [`Error::CredentialTampered`] /
/// [`Error::CredentialUnknownKey`] (`token_invalid`) when the credential does not open,
/// [`Error::TokenExpired`], [`Error::TokenInvalid`] (revoked), [`Error::MissingScopes`] (with the
/// checklist), [`Error::OrganizationNotFound`], [`Error::UpstreamTimeout`] after the deadline, and
/// the other upstream failures. An `entra` credential is refused with
/// [`Error::EntraNotConfigured`]: this version cannot redeem its refresh token, and never guesses
/// that it works.
pub async fn check_credential(checker: &Checker, credential: &str) -> Result<CheckResponse, Error> {
    let run = check_sealed(
        &checker.upstream,
        &checker.keyring,
        &checker.allowed_servers,
        credential,
    );
    tokio::time::timeout(checker.deadline, run)
        .await
        .unwrap_or(Err(Error::UpstreamTimeout))
}

/// Check that a stored connection still works.
#[utoipa::path(
    post,
    path = "/check",
    tag = "azdo-connect",
    request_body = CheckRequest,
    params(("X-Azdo-Connect" = String, Header, description = "Must be `1` (CSRF guard). Server-to-server callers send no `Origin`.")),
    responses(
        (status = 200, description = "The token works and still has every originally required scope.", body = CheckResponse),
        (status = 400, description = "`invalid_request`.", body = ErrorBody),
        (status = 401, description = "`token_expired`, or `token_invalid` (revoked, or a credential that was altered or sealed with a key this proxy does not hold).", body = ErrorBody),
        (status = 403, description = "`missing_scopes` (with `missingScopes` and `scopes`), or `forbidden_origin`.", body = ErrorBody),
        (status = 404, description = "`organization_not_found`.", body = ErrorBody),
        (status = 429, description = "`rate_limited` (the check limit is separate from the browser endpoints').", body = ErrorBody),
        (status = 502, description = "`upstream_unavailable`.", body = ErrorBody),
        (status = 504, description = "`upstream_timeout`.", body = ErrorBody),
    )
)]
pub(crate) async fn check(
    State(state): State<Arc<AppState>>,
    ApiJson(request): ApiJson<CheckRequest>,
) -> Result<Json<CheckResponse>, Error> {
    check_sealed(
        &state.upstream,
        &state.keyring,
        &state.allowed_servers,
        &request.credential,
    )
    .await
    .map(Json)
}

/// The check of one sealed credential, shared by the endpoint, [`check_credential`] and the
/// demo backend.
pub(crate) async fn check_sealed(
    upstream: &Upstream,
    keyring: &Keyring,
    allowed_servers: &AllowedServers,
    credential: &str,
) -> Result<CheckResponse, Error> {
    let claims = open_credential(credential, keyring)?;
    let pat = match (claims.kind, claims.pat.as_ref()) {
        (Method::Pat, Some(pat)) => pat,
        (Method::Pat, None) => return Err(Error::CredentialTampered),
        // TODO(merge): redeem the refresh token (oauth's refresh_credential) and re-seal.
        (Method::Entra, _) => return Err(Error::EntraNotConfigured),
    };
    // The allowlist may have shrunk since the credential was sealed.
    let org = normalize_organization(&claims.org_url, allowed_servers)?;
    let target = Target::new(&org, allowed_servers)?;
    let required = if claims.required_scopes.is_empty() {
        &claims.scopes
    } else {
        &claims.required_scopes
    };
    let requested = requested_scopes(required)?;
    let Inspection { user, scopes, .. } =
        inspect(upstream, &target, Auth::Pat(pat), &requested).await?;
    tracing::info!(org = %org.organization, user = %user.id, "check: connection healthy");
    Ok(CheckResponse {
        status: CheckStatus::Ok,
        checked_at: rfc3339_now(),
        user,
        scopes,
        credential: None,
    })
}
