//! The fake Microsoft identity platform's directory, as the fixture describes it: registered apps,
//! tenants and accounts (Entra identities), and the scripted sign-in outcomes tests choose with
//! `login_hint`.

use serde::{Deserialize, Serialize};

/// The Azure DevOps resource (first-party application id). Tokens for it carry
/// `499b84ac-1321-427f-aa17-267ca6975798/{permission}` scopes
/// (https://learn.microsoft.com/azure/devops/integrate/get-started/authentication/entra-oauth).
pub const AZURE_DEVOPS_RESOURCE: &str = "499b84ac-1321-427f-aa17-267ca6975798";

/// The tenant Microsoft personal accounts (MSA) live in, as `tid` of their tokens
/// (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference, `tid`).
pub const CONSUMERS_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// The identity-platform side of a fixture.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Identity {
    /// Registered applications (confidential web clients).
    #[serde(default)]
    pub apps: Vec<App>,
    /// Entra tenants (directories).
    #[serde(default)]
    pub tenants: Vec<Tenant>,
    /// Accounts that can sign in.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// External OpenID Connect issuers whose tokens federated credentials accept, with the key
    /// Entra would fetch from each.
    #[serde(default)]
    pub workload_issuers: Vec<crate::identity_federation::WorkloadIssuer>,
}

/// A registered application: a multitenant confidential web client.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct App {
    /// The application (client) id, a GUID.
    pub client_id: String,
    /// The name shown on the consent page and in error messages.
    pub display_name: String,
    /// Client secrets; an expired one is refused with AADSTS7000222.
    #[serde(default)]
    pub secrets: Vec<ClientSecret>,
    /// Certificates (public part) whose key may sign a `client_assertion` instead of a secret.
    #[serde(default)]
    pub certificates: Vec<crate::identity_assertion::AppCertificate>,
    /// Federated identity credentials: tokens of these external issuers' workloads stand in for a
    /// secret or certificate.
    #[serde(default)]
    pub federated_credentials: Vec<crate::identity_federation::FederatedCredential>,
    /// Web redirect URIs. For `http://localhost` and `http://127.0.0.1` the port is ignored.
    pub redirect_uris: Vec<String>,
    /// Delegated Azure DevOps permissions the app registered (what `.default` grants), e.g.
    /// `user_impersonation`.
    #[serde(default = "user_impersonation")]
    pub permissions: Vec<String>,
    /// Whether an authorization request without an S256 `code_challenge` is refused.
    #[serde(default = "yes")]
    pub require_pkce: bool,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("client_id", &self.client_id)
            .field("display_name", &self.display_name)
            .field("secrets", &self.secrets.len())
            .field("certificates", &self.certificates.len())
            .field("federated_credentials", &self.federated_credentials)
            .field("redirect_uris", &self.redirect_uris)
            .finish_non_exhaustive()
    }
}

/// A client secret.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct ClientSecret {
    /// The secret value.
    pub value: String,
    /// Whether it is past its end date.
    #[serde(default)]
    pub expired: bool,
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSecret")
            .field("value", &"<redacted>")
            .field("expired", &self.expired)
            .finish()
    }
}

/// An Entra tenant.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Tenant {
    /// The tenant id (a GUID).
    pub id: String,
    /// The directory name used in error messages.
    pub display_name: String,
    /// Verified domains, usable as the `{tenant}` path segment.
    #[serde(default)]
    pub domains: Vec<String>,
}

/// An account that can sign in: an Entra identity (or a personal Microsoft account, whose home
/// tenant is [`CONSUMERS_TENANT_ID`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Account {
    /// The object id (`oid`), a GUID.
    pub oid: String,
    /// The home tenant id.
    pub home_tenant: String,
    /// Tenants the account is a B2B guest in.
    #[serde(default)]
    pub guest_in: Vec<String>,
    /// The sign-in name (`preferred_username`, what `login_hint` names).
    pub username: String,
    /// `name`.
    pub display_name: String,
    /// `email`, when the account has one.
    #[serde(default)]
    pub email: Option<String>,
    /// The Azure DevOps user (a fixture [`crate::User`] id) this identity became when it first
    /// signed in to Azure DevOps; `None` if it never did (TF401444).
    #[serde(default)]
    pub azure_devops_user: Option<String>,
    /// What signing in as this account does.
    #[serde(default)]
    pub script: Script,
}

/// What signing in as an account does, chosen by `login_hint` (with a hint naming the account the
/// fake answers at once, without a page). Every variant is documented in the crate README.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "camelCase")]
#[non_exhaustive]
pub enum Script {
    /// Signs in and consents: a code.
    #[default]
    Approve,
    /// Declines the consent prompt: `access_denied`, AADSTS65004.
    Cancel,
    /// No consent and no prompt allowed: `consent_required`, AADSTS65001.
    ConsentRequired,
    /// The tenant lets only admins consent ("Need admin approval"): `access_denied`, AADSTS90094.
    AdminApprovalRequired,
    /// A Conditional Access policy blocks the sign-in: `access_denied`, AADSTS53003.
    ConditionalAccess,
    /// Signs in; later refreshes need MFA: `interaction_required`, AADSTS50076 on refresh.
    MfaOnRefresh,
    /// Signs in, but the tenant has no Azure DevOps service principal: redeeming the code is
    /// `invalid_resource`, AADSTS500011.
    AzureDevOpsNotInTenant,
}

fn yes() -> bool {
    true
}

fn user_impersonation() -> Vec<String> {
    vec!["user_impersonation".into()]
}

impl Identity {
    /// The app with this client id (GUIDs compare case-insensitively).
    pub fn app(&self, client_id: &str) -> Option<&App> {
        self.apps
            .iter()
            .find(|a| a.client_id.eq_ignore_ascii_case(client_id))
    }

    /// The tenant named by a path segment: its id or one of its verified domains.
    pub fn tenant(&self, id_or_domain: &str) -> Option<&Tenant> {
        self.tenants.iter().find(|t| {
            t.id.eq_ignore_ascii_case(id_or_domain)
                || t.domains
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(id_or_domain))
        })
    }

    /// The account signing in as `username` (case-insensitive).
    pub fn account(&self, username: &str) -> Option<&Account> {
        self.accounts
            .iter()
            .find(|a| a.username.eq_ignore_ascii_case(username))
    }

    /// The account with object id `oid`.
    pub fn account_by_oid(&self, oid: &str) -> Option<&Account> {
        self.accounts
            .iter()
            .find(|a| a.oid.eq_ignore_ascii_case(oid))
    }

    /// A tenant's display name, or its id when the fixture does not know it.
    pub(crate) fn tenant_name<'a>(&'a self, id: &'a str) -> &'a str {
        if id == CONSUMERS_TENANT_ID {
            return "Microsoft Accounts";
        }
        self.tenant(id).map_or(id, |t| t.display_name.as_str())
    }
}

impl Account {
    /// Whether the account is a personal Microsoft account.
    pub fn is_personal(&self) -> bool {
        self.home_tenant.eq_ignore_ascii_case(CONSUMERS_TENANT_ID)
    }

    /// Whether the account can sign in to tenant `tid` (as a member or a guest).
    pub fn in_tenant(&self, tid: &str) -> bool {
        self.home_tenant.eq_ignore_ascii_case(tid)
            || self.guest_in.iter().any(|t| t.eq_ignore_ascii_case(tid))
    }
}

impl App {
    /// The registered redirect URI `uri` matches, if any. Matching is exact (scheme, host, path,
    /// query; case-sensitive path) except that for `http://localhost` and `http://127.0.0.1` the
    /// port is ignored ("Localhost exceptions" in
    /// https://learn.microsoft.com/entra/identity-platform/reply-url).
    pub fn redirect_uri_matches(&self, uri: &str) -> bool {
        let Ok(asked) = url::Url::parse(uri) else {
            return false;
        };
        self.redirect_uris.iter().any(|registered| {
            let Ok(registered) = url::Url::parse(registered) else {
                return false;
            };
            let loopback = asked.scheme() == "http"
                && matches!(asked.host_str(), Some("localhost" | "127.0.0.1"));
            asked.scheme() == registered.scheme()
                && asked.host_str() == registered.host_str()
                && (loopback || asked.port_or_known_default() == registered.port_or_known_default())
                && asked.path() == registered.path()
                && asked.query() == registered.query()
                && asked.fragment().is_none()
        })
    }

    /// Whether `secret` is one of the app's secrets, and if so whether it expired.
    pub(crate) fn secret(&self, secret: &str) -> Option<&ClientSecret> {
        self.secrets.iter().find(|s| s.value == secret)
    }
}
