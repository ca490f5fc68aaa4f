//! `POST {base}/verify` with a `session`: the person signed in without naming an organization,
//! picked one from the list, and now connects it.
//!
//! The session stays usable for its ten minutes until a connection succeeds, so a person who
//! picked an organization they cannot access (`not_a_member`) can pick another.

use azdo_connect_core::contract::VerifyResponse;
use azdo_connect_core::{Organization, SecretToken};

use crate::credential::now;
use crate::entra_connect::{connect, require_hosted, SignedIn};
use crate::flow::{is_id, session_key, Records, Session};
use crate::tenant::{discover, OrgTenant};
use crate::upstream::Target;
use crate::verify::requested_scopes;
use crate::{AppState, Error};

/// Seconds before expiry an access token is treated as expired (clock skew, request time).
const EXPIRY_MARGIN: i64 = 60;

/// Connects `org` for the person behind `session`.
pub(crate) async fn verify_session(
    state: &AppState,
    org: Organization,
    session: &str,
    required_scopes: &[String],
) -> Result<VerifyResponse, Error> {
    let entra = state.sign_in.as_ref().ok_or(Error::EntraNotConfigured)?;
    require_hosted(&org)?;
    let requested = requested_scopes(required_scopes)?;
    if !is_id(session) {
        return Err(Error::FlowExpired);
    }
    let records = Records {
        store: state.store.as_ref(),
        sealer: &state.sealer,
        keyring: &state.keyring,
    };
    let key = session_key(session);
    let stored: Session = records.get(&key).await?.ok_or(Error::FlowExpired)?;
    let target = Target::new(&org, &state.allowed_servers)?;
    let org_tenant = match discover(&state.upstream, &target).await? {
        OrgTenant::PersonalAccounts => return Err(Error::PersonalAccountOrganization),
        OrgTenant::Entra(tenant) => Some(tenant),
        OrgTenant::Unknown => None,
    };
    // The list only shows the token's tenant, but a typed name may be in another one the account
    // is a guest of: a refresh token redeemed there gives that tenant's access token.
    let other_tenant = org_tenant
        .as_deref()
        .filter(|t| !t.eq_ignore_ascii_case(&stored.tenant));
    let (access_token, refresh_token, tenant): (SecretToken, SecretToken, String) =
        match other_tenant {
            Some(tenant) => {
                let tokens = entra.refresh(tenant, &stored.refresh_token).await?;
                let refresh = tokens.refresh_token.unwrap_or(stored.refresh_token.clone());
                (tokens.access_token, refresh, tenant.to_owned())
            }
            None if stored.access_expires_at - EXPIRY_MARGIN <= now() => {
                let tokens = entra.refresh(&stored.tenant, &stored.refresh_token).await?;
                let refresh = tokens.refresh_token.unwrap_or(stored.refresh_token.clone());
                (tokens.access_token, refresh, stored.tenant.clone())
            }
            None => (
                stored.access_token.clone(),
                stored.refresh_token.clone(),
                stored.tenant.clone(),
            ),
        };
    let signed_in = SignedIn {
        access_token: &access_token,
        refresh_token: &refresh_token,
        tenant: &tenant,
        username: None,
    };
    let verified = connect(state, org, &signed_in, org_tenant.as_deref(), &requested).await?;
    // Used up on success; of two concurrent successes, only the one that takes it answers.
    records
        .take::<Session>(&key)
        .await?
        .ok_or(Error::FlowExpired)?;
    Ok(verified)
}
