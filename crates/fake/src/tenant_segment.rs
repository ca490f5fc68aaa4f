//! The `{tenant}` path segment of the identity platform's endpoints: `common`, `organizations`,
//! `consumers`, a tenant id or a verified domain
//! (https://learn.microsoft.com/entra/identity-platform/v2-protocols#endpoints).

use crate::aadsts::AadError;
use crate::directory::{Account, Identity};

/// Who may sign in at an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Audience {
    /// Work or school and personal accounts.
    Common,
    /// Work or school accounts.
    Organizations,
    /// Personal Microsoft accounts.
    Consumers,
    /// Members and guests of this tenant (its id).
    Tenant(String),
}

/// Resolves a segment; an unknown tenant is AADSTS90002.
pub(crate) fn resolve(identity: &Identity, segment: &str) -> Result<Audience, AadError> {
    match segment.to_ascii_lowercase().as_str() {
        "common" => Ok(Audience::Common),
        "organizations" => Ok(Audience::Organizations),
        "consumers" => Ok(Audience::Consumers),
        _ => identity
            .tenant(segment)
            .map(|t| Audience::Tenant(t.id.clone()))
            .ok_or_else(|| {
                AadError::new(
                    "invalid_request",
                    90002,
                    format!("Tenant '{segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."),
                )
            }),
    }
}

impl Audience {
    /// The tenant an account's tokens are issued for when it signs in here, or AADSTS50020 when
    /// the account is not in the tenant, or is a personal account (this app is for work or school
    /// accounts only; next-auth#7447, MicrosoftDocs/azure-docs#114009).
    pub(crate) fn tenant_for(
        &self,
        identity: &Identity,
        account: &Account,
        client_id: &str,
        app_name: &str,
    ) -> Result<String, AadError> {
        let refuse = |tenant_name: &str| {
            let idp = if account.is_personal() {
                "live.com".to_owned()
            } else {
                format!("https://sts.windows.net/{}/", account.home_tenant)
            };
            AadError::new(
                "access_denied",
                50020,
                format!(
                    "User account '{}' from identity provider '{idp}' does not exist in tenant '{tenant_name}' and cannot access the application '{client_id}'({app_name}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.",
                    account.username
                ),
            )
        };
        match self {
            Audience::Tenant(tid) if account.in_tenant(tid) && !account.is_personal() => {
                Ok(tid.clone())
            }
            Audience::Tenant(tid) => Err(refuse(identity.tenant_name(tid))),
            _ if account.is_personal() => Err(refuse("Microsoft Services")),
            _ => Ok(account.home_tenant.clone()),
        }
    }

    /// Whether a code issued for tenant `tid` at segment `issued_at` may be redeemed here.
    pub(crate) fn accepts_code(&self, tid: &str, issued_at: &Audience) -> bool {
        match self {
            Audience::Tenant(here) => here.eq_ignore_ascii_case(tid),
            other => other == issued_at,
        }
    }

    /// Whether the app (work or school accounts only) is served here at all.
    pub(crate) fn serves_app(&self) -> bool {
        !matches!(self, Audience::Consumers)
    }
}
