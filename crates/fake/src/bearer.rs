//! Azure DevOps' side of an Entra access token (`Authorization: Bearer …`): bound to the tenant,
//! account and scopes it was issued for, it works in the organizations of that tenant the
//! account's Azure DevOps user belongs to. Observed refusals: another tenant's token, or a user
//! who is not a member, get 401 TF400813 (MSAL.NET#2394, github/app#3304); an identity that never
//! signed in to Azure DevOps gets TF400813 + TF401444 (MicrosoftDocs/azure-devops-docs#8900).

use std::borrow::Cow;

use crate::fixture::{Faults, Token};
use crate::request::{Credential, Target};
use crate::respond;
use crate::server::Shared;

/// What an Entra access token amounts to for `target`.
pub(crate) fn credential<'f>(
    shared: &'f Shared,
    value: &str,
    target: &Target<'f>,
) -> Credential<'f> {
    let Some(token) = shared.issued.access(value) else {
        return Credential::Bad;
    };
    let grant = &token.grant;
    let identity = &shared.fixture.identity;
    // Azure DevOps Server has no Entra sign-in; a token without Azure DevOps scopes (e.g. Graph's)
    // is not for this resource.
    if token.revoked || target.server().is_some() || grant.granted.is_empty() {
        return Credential::Bad;
    }
    let Some(account) = identity.account_by_oid(&grant.oid) else {
        return Credential::Bad;
    };
    let user = account
        .azure_devops_user
        .as_deref()
        .and_then(|id| shared.fixture.user(id));
    let principal = format!("{}\\{}", grant.tid, account.username);
    let as_token = |user: &str| Token {
        label: String::new(),
        // Never kept: nothing downstream needs the token value.
        token: String::new(),
        user: user.to_owned(),
        scopes: grant.azure_devops_scopes(),
        expired: false,
        revoked: false,
        // Entra tokens are not organization-scoped: they work on app.vssps.visualstudio.com.
        global: true,
        faults: Faults::default(),
    };
    if token.expires <= shared.issued.now() {
        return Credential::Expired(Cow::Owned(as_token(user.map_or("", |u| u.id.as_str()))));
    }
    let Some(user) = user else {
        return Credential::Refused(respond::tf401444(&principal));
    };
    if let Some(org) = target.org {
        if !org.tenant_id.eq_ignore_ascii_case(&grant.tid) || !org.is_member(&user.id) {
            return Credential::Refused(respond::tf400813(&principal));
        }
    }
    Credential::Valid(
        Cow::Owned(as_token(&user.id)),
        user,
        Some(grant.tid.clone()),
    )
}
