//! Refreshing an entra credential: its refresh token redeemed for a fresh Azure DevOps access
//! token, and the credential re-sealed with the rotated refresh token. For vendors' backends
//! (`azdo-connect-proxy refresh-credential`, [`refresh_credential`]) and for the proxy's own
//! calls with an entra credential.

use std::time::Duration;

use azdo_connect_core::contract::{CredentialClaims, Method};
use azdo_connect_core::SecretToken;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::credential::{now, Sealer};
use crate::entra::Entra;
use crate::flow::Records;
use crate::{AppState, EntraConfig, Error};

/// How long one refresh may take.
const REFRESH_TIMEOUT: Duration = Duration::from_secs(10);

/// What [`refresh_credential`] returns. `Debug` never shows the access token.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RefreshedCredential {
    /// A fresh access token for Azure DevOps (`Authorization: Bearer …`), for the credential's
    /// tenant.
    pub access_token: SecretToken,
    /// When it expires, in Unix seconds (about an hour from now).
    pub expires_at: i64,
    /// The credential re-sealed with the rotated refresh token: store it in place of the old
    /// one (which Microsoft keeps valid, so a lost update does no harm).
    pub credential: String,
    /// The re-sealed credential's claims.
    pub claims: CredentialClaims,
}

/// Redeems an entra credential's refresh token at its tenant (sending `scope`, as Microsoft
/// requires) and re-seals the credential with the new refresh token, keeping every other claim.
///
/// `claims` come from [`crate::open_credential`]; `sealer` is the current seal key's.
///
/// # Errors
/// - [`Error::InvalidRequest`] for a PAT credential;
/// - [`Error::CredentialTampered`] for an entra credential without a tenant or refresh token;
/// - [`Error::SignInExpired`] (`token_expired`) when Microsoft refuses the refresh token: unused
///   for 90 days (AADSTS700082), revoked (50173), or a new interactive sign-in needed (50076…);
///   the person must sign in again;
/// - [`Error::ConsentRequired`], [`Error::SignInFailed`] for the other identity-platform
///   answers (the vendor's app secret refused is `sign_in_failed` and logged at ERROR).
pub async fn refresh_credential(
    entra: &EntraConfig,
    sealer: &Sealer,
    claims: &CredentialClaims,
) -> Result<RefreshedCredential, Error> {
    let client = Entra::new(entra, REFRESH_TIMEOUT, REFRESH_TIMEOUT)?;
    refresh_with(&client, sealer, claims).await
}

/// [`refresh_credential`] with the proxy's own client.
pub(crate) async fn refresh_with(
    entra: &Entra,
    sealer: &Sealer,
    claims: &CredentialClaims,
) -> Result<RefreshedCredential, Error> {
    let (tenant, refresh_token) = entra_parts(claims)?;
    let tokens = entra.refresh(tenant, refresh_token).await?;
    let mut renewed = claims.clone();
    if let Some(rotated) = tokens.refresh_token {
        renewed.refresh_token = Some(rotated);
    }
    let credential = sealer.seal(&renewed)?;
    Ok(RefreshedCredential {
        access_token: tokens.access_token,
        expires_at: now().saturating_add(i64::try_from(tokens.expires_in).unwrap_or(3599)),
        credential,
        claims: renewed,
    })
}

/// A cached access token: sealed in the shared store under a hash of the refresh token.
#[derive(Serialize, Deserialize)]
struct CachedAccess {
    access_token: SecretToken,
}

/// An access token for an entra credential, for calls to Azure DevOps. The refresh token stays
/// valid (the browser's copy of the credential keeps working); the access token is reused from
/// the shared store until five minutes before it expires, so a picker's pages cost one redemption.
pub(crate) async fn access_token(
    state: &AppState,
    claims: &CredentialClaims,
) -> Result<SecretToken, Error> {
    let entra = state.sign_in.as_ref().ok_or(Error::EntraNotConfigured)?;
    let (tenant, refresh_token) = entra_parts(claims)?;
    let records = Records {
        store: state.store.as_ref(),
        sealer: &state.sealer,
        keyring: &state.keyring,
    };
    // The key is a hash: the store never sees the refresh token, even in a key.
    let digest = Sha256::digest(format!("{tenant}\n{}", refresh_token.expose()).as_bytes());
    let key = format!("oauth:access:{}", URL_SAFE_NO_PAD.encode(digest));
    if let Some(cached) = records.get::<CachedAccess>(&key).await? {
        return Ok(cached.access_token);
    }
    let tokens = entra.refresh(tenant, refresh_token).await?;
    let ttl = tokens
        .expires_in
        .saturating_sub(ACCESS_TOKEN_MARGIN.as_secs());
    if ttl > 0 {
        let cached = CachedAccess {
            access_token: tokens.access_token.clone(),
        };
        records.put(&key, &cached, Duration::from_secs(ttl)).await?;
    }
    Ok(tokens.access_token)
}

/// How long before its expiry a cached access token is no longer handed out.
const ACCESS_TOKEN_MARGIN: Duration = Duration::from_secs(5 * 60);

fn entra_parts(claims: &CredentialClaims) -> Result<(&str, &SecretToken), Error> {
    if claims.kind != Method::Entra {
        return Err(Error::InvalidRequest(
            "This credential holds a personal access token: only credentials from Sign in with Microsoft are refreshed.".into(),
        ));
    }
    match (claims.tenant.as_deref(), claims.refresh_token.as_ref()) {
        (Some(tenant), Some(token)) if !tenant.is_empty() && !token.is_empty() => {
            Ok((tenant, token))
        }
        _ => Err(Error::CredentialTampered),
    }
}
