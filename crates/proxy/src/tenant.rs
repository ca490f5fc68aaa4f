//! Which Microsoft Entra tenant an Azure DevOps organization belongs to, asked without
//! credentials: an unauthenticated `HEAD https://dev.azure.com/{org}` answers 401 with
//! `WWW-Authenticate: Bearer authorization_uri=https://login.microsoftonline.com/{tenant}` and
//! `X-VSS-ResourceTenant: {tenant}` (what Git Credential Manager's `GetAuthorityAsync` reads).
//! Signing in at that tenant is what lets guests (B2B) in.

use crate::upstream::{Challenge, Target, Upstream};
use crate::Error;

/// The tenant id Azure DevOps names for organizations backed by personal Microsoft accounts.
const PERSONAL_ACCOUNTS: &str = "00000000-0000-0000-0000-000000000000";

/// What the challenge says about an organization's tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OrgTenant {
    /// An Entra tenant id.
    Entra(String),
    /// Backed by personal Microsoft accounts: Entra apps cannot sign in to it.
    PersonalAccounts,
    /// Azure DevOps did not say: sign in at `organizations`.
    Unknown,
}

/// Asks Azure DevOps for `target`'s tenant.
pub(crate) async fn discover(upstream: &Upstream, target: &Target) -> Result<OrgTenant, Error> {
    let challenge = upstream.challenge(&target.api(&[], &[])).await?;
    if challenge.status == 404 {
        return Err(Error::OrganizationNotFound);
    }
    let tenant = read(&challenge);
    tracing::debug!(status = challenge.status, tenant = ?tenant, "organization tenant");
    Ok(tenant)
}

/// The `authorization_uri`'s last segment first, else `X-VSS-ResourceTenant`.
fn read(challenge: &Challenge) -> OrgTenant {
    let from_uri = challenge.www_authenticate.iter().find_map(|value| {
        let (_, rest) = value.split_once("authorization_uri=")?;
        let uri: String = rest
            .trim_start_matches('"')
            .chars()
            .take_while(|c| !matches!(c, '"' | ',' | ' '))
            .collect();
        let segment = uri.trim_end_matches('/').rsplit('/').next()?.to_owned();
        is_guid(&segment).then_some(segment)
    });
    let from_header = || {
        let ids: Vec<&str> = challenge
            .resource_tenant
            .as_deref()?
            .split(',')
            .map(str::trim)
            .filter(|id| is_guid(id))
            .collect();
        // A list may name several tenants; an all-zero one alone means personal accounts.
        ids.iter()
            .find(|id| **id != PERSONAL_ACCOUNTS)
            .or(ids.first())
            .map(|id| (*id).to_owned())
    };
    match from_uri.or_else(from_header) {
        Some(id) if id == PERSONAL_ACCOUNTS => OrgTenant::PersonalAccounts,
        Some(id) => OrgTenant::Entra(id.to_ascii_lowercase()),
        None => OrgTenant::Unknown,
    }
}

fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge(www: &[&str], header: Option<&str>) -> Challenge {
        Challenge {
            status: 401,
            www_authenticate: www.iter().map(|s| (*s).to_owned()).collect(),
            resource_tenant: header.map(str::to_owned),
        }
    }

    #[test]
    fn reads_the_authorization_uri_then_the_header() {
        let tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let both = challenge(
            &[
                &format!("Bearer authorization_uri=https://login.microsoftonline.com/{tid}"),
                "Basic realm=\"https://tfsprodcus3.visualstudio.com/\"",
            ],
            Some("5d2c8e7a-1b3f-4a6d-9e0c-7f8a2b4c6d13"),
        );
        assert_eq!(read(&both), OrgTenant::Entra(tid.into()));
        let header_only = challenge(&["Basic realm=\"x\""], Some(tid));
        assert_eq!(read(&header_only), OrgTenant::Entra(tid.into()));
        let personal = challenge(
            &["Bearer authorization_uri=https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000"],
            Some(PERSONAL_ACCOUNTS),
        );
        assert_eq!(read(&personal), OrgTenant::PersonalAccounts);
        assert_eq!(read(&challenge(&[], None)), OrgTenant::Unknown);
        assert_eq!(
            read(&challenge(
                &["Bearer authorization_uri=https://evil/not-a-guid"],
                None
            )),
            OrgTenant::Unknown
        );
    }
}
