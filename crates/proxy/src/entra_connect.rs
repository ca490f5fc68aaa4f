//! The organization step of a Microsoft sign-in: with the access token, check the person in the
//! organization (or list their organizations) and seal an entra credential.

use azdo_connect_core::contract::{OrganizationChoice, VerifyResponse};
use azdo_connect_core::scopes::Scope;
use azdo_connect_core::{DeploymentType, Organization, SecretToken};
use serde::Deserialize;
use url::Url;

use crate::upstream::{Auth, Target, Upstream};
use crate::verify::{connected, inspect, Held};
use crate::{AppState, Error};

/// A signed-in person's tokens for one tenant.
pub(crate) struct SignedIn<'a> {
    /// For `Authorization: Bearer`.
    pub(crate) access_token: &'a SecretToken,
    /// Goes into the credential.
    pub(crate) refresh_token: &'a SecretToken,
    /// The tenant the access token is for.
    pub(crate) tenant: &'a str,
    /// The account's sign-in name, when known (for messages).
    pub(crate) username: Option<&'a str>,
}

/// Sign-in works with Azure DevOps Services only: Azure DevOps Server has no Entra sign-in for
/// third-party apps.
pub(crate) fn require_hosted(org: &Organization) -> Result<(), Error> {
    if org.deployment_type == DeploymentType::OnPremises {
        return Err(Error::InvalidRequest(
            "Sign in with Microsoft works with Azure DevOps Services organizations. For an Azure DevOps Server collection, use a personal access token."
                .into(),
        ));
    }
    Ok(())
}

/// Checks the person in `org` with the access token (identity and scope probes in one round
/// trip, as for a PAT) and seals an entra credential.
pub(crate) async fn connect(
    state: &AppState,
    org: Organization,
    signed_in: &SignedIn<'_>,
    org_tenant: Option<&str>,
    requested: &[&'static Scope],
) -> Result<VerifyResponse, Error> {
    let target = Target::new(&org, &state.allowed_servers)?;
    let auth = Auth::Bearer(signed_in.access_token);
    let inspection = match inspect(&state.upstream, &target, auth, requested).await {
        Err(Error::TokenInvalid(_)) => {
            return Err(refusal(state, &target, &org, signed_in, org_tenant).await)
        }
        other => other?,
    };
    connected(
        state,
        org,
        inspection,
        requested,
        Held::Entra {
            tenant: signed_in.tenant,
            refresh_token: signed_in.refresh_token,
        },
    )
}

/// Why Azure DevOps refused a valid Microsoft token: it answers 401 TF400813 for a non-member
/// or a token of another tenant, plus TF401444 for an identity that never opened Azure DevOps.
/// One more connectionData call reads the body (only on this failure path).
async fn refusal(
    state: &AppState,
    target: &Target,
    org: &Organization,
    signed_in: &SignedIn<'_>,
    org_tenant: Option<&str>,
) -> Error {
    let url = target.api(&["_apis", "connectionData"], &[]);
    let body = match state
        .upstream
        .get(&url, Auth::Bearer(signed_in.access_token))
        .await
    {
        Ok(reply) => String::from_utf8_lossy(&reply.body).into_owned(),
        Err(error) => return error,
    };
    let account = signed_in
        .username
        .map(|u| format!("The account {u}"))
        .unwrap_or_else(|| "The account you signed in with".to_owned());
    let name = &org.organization;
    if body.contains("TF401444") {
        return Error::NotAMember(format!(
            "{account} has never signed in to Azure DevOps (TF401444). Open https://dev.azure.com once with it, then try again."
        ));
    }
    match org_tenant {
        Some(tenant) if !tenant.eq_ignore_ascii_case(signed_in.tenant) => Error::NotAMember(format!(
            "{name} belongs to another Microsoft Entra tenant ({tenant}) than the one you signed in to ({}). Sign in with an account of that tenant, or ask its administrator to invite you.",
            signed_in.tenant
        )),
        _ => Error::NotAMember(format!(
            "{account} is not a member of the organization {name} (TF400813). Ask an administrator of {name} to add you, or sign in with another account."
        )),
    }
}

#[derive(Deserialize)]
struct Profile {
    id: String,
}

#[derive(Deserialize)]
struct Accounts {
    #[serde(default)]
    value: Vec<Account>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Account {
    account_name: String,
}

/// The person's organizations in the token's tenant: `profiles/me` for their id, then
/// `accounts?memberId=`.
pub(crate) async fn organizations(
    upstream: &Upstream,
    access_token: &SecretToken,
) -> Result<Vec<OrganizationChoice>, Error> {
    let auth = Auth::Bearer(access_token);
    let api = |path: &str, query: &[(&str, &str)]| {
        let mut url = Url::parse("https://app.vssps.visualstudio.com/").expect("static URL");
        url.set_path(path);
        url.query_pairs_mut()
            .extend_pairs(query)
            .append_pair("api-version", "7.1");
        url
    };
    let profile: Profile = read(
        upstream
            .get(&api("/_apis/profile/profiles/me", &[]), auth)
            .await?,
    )?;
    let accounts: Accounts = read(
        upstream
            .get(&api("/_apis/accounts", &[("memberId", &profile.id)]), auth)
            .await?,
    )?;
    let mut choices: Vec<OrganizationChoice> = accounts
        .value
        .into_iter()
        .filter(|a| valid_name(&a.account_name))
        .map(|a| OrganizationChoice {
            url: format!("https://dev.azure.com/{}", a.account_name),
            name: a.account_name,
        })
        .collect();
    choices.sort_by_key(|c| c.name.to_ascii_lowercase());
    choices.dedup_by(|a, b| a.name.eq_ignore_ascii_case(&b.name));
    Ok(choices)
}

fn read<T: serde::de::DeserializeOwned>(reply: crate::upstream::Reply) -> Result<T, Error> {
    match reply.status {
        200 if !reply.is_html() => reply.json(),
        401 => Err(Error::SignInFailed(
            "Azure DevOps did not accept this Microsoft sign-in when listing your organizations. Type your organization's name instead, or try again."
                .into(),
        )),
        429 => Err(Error::RateLimited {
            retry_after: reply.retry_after.unwrap_or(60),
        }),
        status => Err(Error::UpstreamUnavailable(format!(
            "it answered HTTP {status}"
        ))),
    }
}

// Names come from Azure DevOps, but end up in URLs the widget shows: keep to the naming rules.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 50
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}
