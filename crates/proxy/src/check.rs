//! `POST {base}/check` and `azdo-connect-proxy check-credential`: is a stored connection still
//! healthy? Tokens expire, are revoked or lose scopes after the customer connected; a vendor's
//! backend asks here on a schedule instead of learning it from a failed job.
//!
//! Both open the credential the way the vendor's backend does ([`open_credential`], no age
//! limit: the check is how a months-old connection is judged), then ask Azure DevOps again who
//! the token is and whether the scopes required when it was connected still work, with the same
//! identity-and-probes step as verify. A Microsoft sign-in credential is first redeemed for a fresh
//! access token, and the answer carries it re-sealed with the rotated refresh token.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::Json;
use azdo_connect_core::contract::{CheckRequest, CheckResponse, CheckStatus, ErrorBody, Method};
use azdo_connect_core::{normalize_organization, AllowedServers};

use crate::credential::{open_credential, Keyring, Sealer};
use crate::entra::Entra;
use crate::extract::ApiJson;
use crate::refresh::refresh_with;
use crate::upstream::{Auth, Target, Upstream};
use crate::verify::{inspect, requested_scopes, rfc3339_now, Inspection};
use crate::{AppState, Error, ProxyConfig};

/// Checks stored credentials against Azure DevOps: what `POST {base}/check` runs, for a vendor's
/// backend that checks outside an HTTP server (a scheduled job, `azdo-connect-proxy
/// check-credential`). Build one and reuse it: it holds the HTTP client's connection pool.
#[derive(Debug)]
pub struct Checker {
    upstream: Upstream,
    keyring: Keyring,
    sealer: Sealer,
    sign_in: Option<Entra>,
    allowed_servers: AllowedServers,
    deadline: Duration,
}

impl Checker {
    /// A checker with `config`'s upstream, keys, on-prem allowlist, Entra app (for sign-in
    /// credentials) and deadline (`verify_timeout` per credential).
    ///
    /// # Errors
    /// [`Error::Config`] when the configuration is invalid, as for [`crate::router`].
    pub fn new(config: &ProxyConfig) -> Result<Checker, Error> {
        config.validate()?;
        Ok(Checker {
            upstream: Upstream::new(config)?,
            keyring: Keyring::new(&config.seal_key, &config.previous_keys),
            sealer: Sealer::new(*config.seal_key.key(), config.seal_key.kid())?,
            sign_in: config
                .entra
                .as_ref()
                .map(|entra| Entra::new(entra, config.connect_timeout, config.verify_timeout))
                .transpose()?,
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
/// the other upstream failures. An `entra` credential answers with `credential` re-sealed (store
/// it); a lapsed or revoked sign-in is `token_expired` (the person must sign in again), and
/// without an Entra app configured it is [`Error::EntraNotConfigured`], never a guessed `ok`.
pub async fn check_credential(checker: &Checker, credential: &str) -> Result<CheckResponse, Error> {
    let parts = Parts {
        upstream: &checker.upstream,
        keyring: &checker.keyring,
        sealer: &checker.sealer,
        sign_in: checker.sign_in.as_ref(),
        allowed_servers: &checker.allowed_servers,
    };
    let run = check_sealed(&parts, credential);
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
    check_sealed(&Parts::of(&state), &request.credential)
        .await
        .map(Json)
}

/// What one check uses, borrowed from the router's state or a [`Checker`].
pub(crate) struct Parts<'a> {
    pub(crate) upstream: &'a Upstream,
    pub(crate) keyring: &'a Keyring,
    pub(crate) sealer: &'a Sealer,
    pub(crate) sign_in: Option<&'a Entra>,
    pub(crate) allowed_servers: &'a AllowedServers,
}

impl<'a> Parts<'a> {
    /// The router's.
    pub(crate) fn of(state: &'a AppState) -> Parts<'a> {
        Parts {
            upstream: &state.upstream,
            keyring: &state.keyring,
            sealer: &state.sealer,
            sign_in: state.sign_in.as_ref(),
            allowed_servers: &state.allowed_servers,
        }
    }
}

/// The check of one sealed credential, shared by the endpoint, [`check_credential`] and the
/// demo backend.
pub(crate) async fn check_sealed(
    parts: &Parts<'_>,
    credential: &str,
) -> Result<CheckResponse, Error> {
    let claims = open_credential(credential, parts.keyring)?;
    // The allowlist may have shrunk since the credential was sealed.
    let org = normalize_organization(&claims.org_url, parts.allowed_servers)?;
    let target = Target::new(&org, parts.allowed_servers)?;
    let required = if claims.required_scopes.is_empty() {
        &claims.scopes
    } else {
        &claims.required_scopes
    };
    let requested = requested_scopes(required)?;
    let (Inspection { user, scopes, .. }, resealed) = match claims.kind {
        Method::Pat => {
            let pat = claims.pat.as_ref().ok_or(Error::CredentialTampered)?;
            let inspection = inspect(parts.upstream, &target, Auth::Pat(pat), &requested).await?;
            (inspection, None)
        }
        Method::Entra => {
            let entra = parts.sign_in.ok_or(Error::EntraNotConfigured)?;
            let refreshed = refresh_with(entra, parts.sealer, &claims).await?;
            let auth = Auth::Bearer(&refreshed.access_token);
            let inspection = inspect(parts.upstream, &target, auth, &requested).await?;
            (inspection, Some(refreshed.credential))
        }
    };
    tracing::info!(org = %org.organization, user = %user.id, kind = claims.kind.as_str(), "check: connection healthy");
    Ok(CheckResponse {
        status: CheckStatus::Ok,
        checked_at: rfc3339_now(),
        user,
        scopes,
        credential: resealed,
    })
}
