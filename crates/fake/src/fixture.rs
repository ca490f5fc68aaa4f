//! The JSON fixture that drives the fake: organizations, users, tokens, projects and faults.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::directory::Identity;
use crate::Error;

/// Everything the fake knows: organizations with their tokens and projects, and the users.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Fixture {
    /// How an unknown organization is answered (no public source shows it, so it is a switch).
    #[serde(default)]
    pub unknown_org_response: UnknownOrgResponse,
    /// The users that tokens belong to.
    pub users: Vec<User>,
    /// The organizations: hosted ones, and Azure DevOps Server collections (those with a
    /// [`Org::server`]).
    pub organizations: Vec<Org>,
    /// The fake Microsoft identity platform: apps, tenants and accounts.
    #[serde(default)]
    pub identity: Identity,
}

/// A user identity.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct User {
    /// The VSID (a GUID).
    pub id: String,
    /// `providerDisplayName` / `displayName`.
    pub display_name: String,
    /// The sign-in address (`properties.Account.$value`, `emailAddress`).
    pub email: String,
    /// Whether the user may list user entitlements (otherwise 403 with the scope).
    #[serde(default = "yes")]
    pub is_admin: bool,
}

/// A hosted organization.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Org {
    /// The organization name (matched case-insensitively).
    pub name: String,
    /// The Entra tenant, or the empty GUID for an MSA-backed organization.
    pub tenant_id: String,
    /// `instanceId` in connectionData.
    pub instance_id: String,
    /// `deploymentId` in connectionData.
    pub deployment_id: String,
    /// Whether the organization has public projects: bad tokens then get the anonymous user.
    #[serde(default)]
    pub public_projects: bool,
    /// The body of a 401 for a bad token sent with the Suppress header.
    #[serde(default)]
    pub bad_token_body: BadTokenBody,
    /// How a bad token without the Suppress header is answered.
    #[serde(default)]
    pub sign_in: SignIn,
    /// Faults applied to every request for this organization.
    #[serde(default)]
    pub faults: Faults,
    /// The personal access tokens of this organization (PATs are organization-scoped).
    #[serde(default)]
    pub tokens: Vec<Token>,
    /// Ids of the users who belong to the organization, besides the owners of its tokens (who
    /// always do): what decides whether an Entra access token may call it.
    #[serde(default)]
    pub members: Vec<String>,
    /// The projects, in listing order.
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Set for an Azure DevOps Server collection (`name` is then the collection name), served at
    /// `{scheme}://{host}[/{virtualDirectory}]/{name}`; absent for a hosted organization.
    #[serde(default)]
    pub server: Option<Server>,
}

/// The Azure DevOps Server installation that hosts a collection.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Server {
    /// `host` or `host:port`, as the proxy's allowlist names it (matched case-insensitively).
    pub host: String,
    /// The IIS virtual directory before the collection, e.g. `tfs`; empty when there is none.
    #[serde(default)]
    pub virtual_directory: String,
    /// `http` or `https`, for the URLs in answers.
    #[serde(default = "https")]
    pub scheme: String,
    /// Which release it behaves like: it decides the newest REST api-version it accepts.
    pub release: ServerRelease,
}

/// An Azure DevOps Server release, by the newest REST api-version it supports. Source: the "API
/// and TFS version mapping" table of https://learn.microsoft.com/rest/api/azure/devops/ (Server
/// 2019 → 5.0, Server 2020 → 6.0, Server 2022 → 7.0; 7.1 arrived with Server 2022.1).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerRelease {
    /// Azure DevOps Server 2019: api-version 5.0 at most.
    #[serde(rename = "2019")]
    Server2019,
    /// Azure DevOps Server 2020: api-version 6.0 at most.
    #[serde(rename = "2020")]
    Server2020,
    /// Azure DevOps Server 2022 before 2022.1: api-version 7.0 at most.
    #[serde(rename = "2022")]
    Server2022,
}

impl ServerRelease {
    /// The newest `(major, minor)` api-version this release accepts.
    pub fn max_api_version(self) -> (u32, u32) {
        match self {
            ServerRelease::Server2019 => (5, 0),
            ServerRelease::Server2020 => (6, 0),
            ServerRelease::Server2022 => (7, 0),
        }
    }
}

/// A personal access token.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Token {
    /// A name for humans (e.g. `FULL`); never sent anywhere.
    #[serde(default)]
    pub label: String,
    /// The PAT string.
    pub token: String,
    /// The id of the owning [`User`].
    pub user: String,
    /// The granted scopes.
    pub scopes: Scopes,
    /// An expired token gets the AccessCheckException 401.
    #[serde(default)]
    pub expired: bool,
    /// A revoked token is answered like garbage.
    #[serde(default)]
    pub revoked: bool,
    /// "All accessible organizations": only these work on `app.vssps.visualstudio.com`.
    #[serde(default)]
    pub global: bool,
    /// Faults applied to every request made with this token.
    #[serde(default)]
    pub faults: Faults,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Even fake tokens stay out of logs: users copy patterns from fixtures.
        f.debug_struct("Token")
            .field("label", &self.label)
            .field("token", &"<redacted>")
            .field("scopes", &self.scopes)
            .field("expired", &self.expired)
            .field("revoked", &self.revoked)
            .field("global", &self.global)
            .finish_non_exhaustive()
    }
}

/// The scopes of a token: `"app_token"` (full access) or a list of scope ids.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Scopes {
    /// Must be the string `"app_token"`: full access.
    Full(String),
    /// Scope ids such as `vso.code`.
    List(Vec<String>),
}

/// Scopes that include other families' scopes, by read-level scope (a stronger scope of the family
/// includes the same). Azure DevOps' scope definitions make Code, Work Items and Build (Read) include
/// User Profile (Read) and Service Hooks (Read & write), and Extensions and Extension data include
/// User Profile (Read); the "Scopes" table of
/// https://learn.microsoft.com/azure/devops/integrate/get-started/authentication/oauth#scopes lists
/// the `vso.hooks_write` and `vso.profile` inclusions. User Profile (Read) opens the projects list
/// (its `security` in vsts-rest-api-specs `specification/core/7.1/core.json` is `vso.profile`,
/// `vso.project`), so a Code-only token can list projects but not teams (`vso.project` only).
const INCLUDES: &[(&str, &[&str])] = &[
    ("vso.code", &["vso.profile", "vso.hooks_write"]),
    ("vso.work", &["vso.profile", "vso.hooks_write"]),
    ("vso.build", &["vso.profile", "vso.hooks_write"]),
    ("vso.extension", &["vso.profile"]),
    ("vso.extension.data", &["vso.profile"]),
];

/// The read-level scope of a family: `vso.code_write` → `vso.code`.
fn read_level(scope: &str) -> &str {
    ["_write", "_manage", "_full", "_execute"]
        .iter()
        .find_map(|suffix| scope.strip_suffix(suffix))
        .unwrap_or(scope)
}

impl Scopes {
    /// Whether these scopes grant `scope`: full access grants everything, a stronger scope of the
    /// same family (`_write`, `_manage`, `_full`, `_execute`) grants the read scope, and a family
    /// grants what its read scope includes (`vso.code` includes `vso.profile`).
    pub fn grants(&self, scope: &str) -> bool {
        match self {
            Scopes::Full(_) => true,
            Scopes::List(list) => list.iter().any(|have| {
                let family = read_level(have);
                have == scope
                    || family == scope
                    || INCLUDES
                        .iter()
                        .any(|(from, to)| *from == family && to.contains(&scope))
            }),
        }
    }

    /// Whether these scopes grant at least one of `scopes`.
    pub fn grants_any(&self, scopes: &[&str]) -> bool {
        scopes.iter().any(|s| self.grants(s))
    }
}

/// A team project.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Project {
    /// The project GUID.
    pub id: String,
    /// The project name (matched case-insensitively).
    pub name: String,
    /// The description.
    #[serde(default)]
    pub description: String,
    /// `private` or `public`.
    #[serde(default = "private")]
    pub visibility: String,
    /// `lastUpdateTime` (RFC 3339).
    #[serde(default = "epoch")]
    pub last_update_time: String,
    /// Git repositories.
    #[serde(default)]
    pub git: Vec<Repo>,
    /// TFVC branch names under `$/{project}`; absent when the project has no TFVC.
    #[serde(default)]
    pub tfvc: Option<Vec<String>>,
}

impl Project {
    /// Whether anonymous callers of a public organization can see this project.
    pub fn is_public(&self) -> bool {
        self.visibility.eq_ignore_ascii_case("public")
    }
}

/// A Git repository.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Repo {
    /// The repository GUID.
    pub id: String,
    /// The repository name.
    pub name: String,
    /// Size in bytes.
    #[serde(default)]
    pub size: u64,
    /// A disabled repository is listed with `isDisabled: true`, and every call into it answers
    /// 404 (https://learn.microsoft.com/azure/devops/repos/git/repository-settings#disable-repository).
    #[serde(default)]
    pub is_disabled: bool,
    /// An empty repository (no commits) is listed without `defaultBranch`.
    #[serde(default)]
    pub empty: bool,
}

/// Misbehaviours the fake can be switched into, per organization or per token.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Faults {
    /// Extra delay before answering.
    #[serde(default)]
    pub latency_ms: u64,
    /// Answer 500 with an internal-error body.
    #[serde(default)]
    pub status500: bool,
    /// Drop the connection without sending a response.
    #[serde(default)]
    pub reset: bool,
    /// Never answer (bounded to 10 minutes, or until the fake shuts down).
    #[serde(default)]
    pub hang: bool,
    /// Send the (valid) body a few bytes every 200 ms.
    #[serde(default)]
    pub trickle: bool,
    /// Rate-limit headers, and with `blocked` a 429 TF400733.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// Answer 203 with the sign-in page even when the Suppress header is sent.
    #[serde(default, rename = "signIn203")]
    pub sign_in_203: bool,
    /// Answer 302 to the sign-in page even when the Suppress header is sent.
    #[serde(default, rename = "redirect302")]
    pub redirect_302: bool,
}

impl Faults {
    /// Combines organization and token faults: any switch on either side is on.
    pub fn merged(&self, other: &Faults) -> Faults {
        Faults {
            latency_ms: self.latency_ms.max(other.latency_ms),
            status500: self.status500 || other.status500,
            reset: self.reset || other.reset,
            hang: self.hang || other.hang,
            trickle: self.trickle || other.trickle,
            rate_limit: other.rate_limit.clone().or_else(|| self.rate_limit.clone()),
            sign_in_203: self.sign_in_203 || other.sign_in_203,
            redirect_302: self.redirect_302 || other.redirect_302,
        }
    }
}

/// Rate limiting (https://learn.microsoft.com/azure/devops/integrate/concepts/rate-limits):
/// throttled answers keep 200 and add headers; blocked ones are 429.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct RateLimit {
    /// `Retry-After` in seconds.
    pub retry_after_secs: u64,
    /// `true`: 429 TF400733; `false`: the normal answer plus `X-RateLimit-Delay`.
    #[serde(default = "yes")]
    pub blocked: bool,
    /// `X-RateLimit-Resource`.
    #[serde(default = "atcpu")]
    pub resource: String,
}

/// The 401 body for a bad token with the Suppress header: empty, or TF400813 (both seen, e.g.
/// renovatebot/config-help#971, microsoft/azure-devops-auth-samples#52).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BadTokenBody {
    /// An empty body (`Content-Length: 0`).
    #[default]
    Empty,
    /// The TF400813 UnauthorizedRequestException JSON naming the anonymous user.
    Tf400813,
}

/// How a bad token without the Suppress header is answered: a 203 sign-in page
/// (MicrosoftDocs/vsts-rest-api-specs#97) or a 302 to it (Azure/azure-sdk-for-js#29854).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum SignIn {
    /// 203 with the `Azure DevOps Services | Sign In` HTML page.
    #[default]
    Page203,
    /// 302 "Object moved" to `spsprodcus3.vssps.visualstudio.com/_signin`.
    Redirect302,
}

/// The 404 answered for an organization that does not exist (no public source shows the body).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnknownOrgResponse {
    /// 404 with a JSON `HostNotFoundException`-style WrappedException.
    #[default]
    Json,
    /// 404 with an empty body.
    Empty,
    /// 404 with a `text/html` "page not found".
    Html,
}

fn yes() -> bool {
    true
}
fn private() -> String {
    "private".into()
}
fn epoch() -> String {
    "2026-01-01T00:00:00.000Z".into()
}
fn https() -> String {
    "https".into()
}
fn atcpu() -> String {
    "ATCPU".into()
}

const DEMO_JSON: &str = include_str!("../fixtures/demo.json");

impl Fixture {
    /// The demo fixture (`crates/fake/fixtures/demo.json`); its values are in [`crate::demo`].
    pub fn demo() -> Fixture {
        Fixture::from_json(DEMO_JSON, "<demo>").expect("the embedded demo fixture is valid")
    }

    /// Loads and checks a fixture file.
    pub fn from_path(path: &Path) -> Result<Fixture, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        Fixture::from_json(&text, &path.display().to_string())
    }

    /// Parses and checks a fixture from JSON text; `origin` names it in errors.
    pub fn from_json(text: &str, origin: &str) -> Result<Fixture, Error> {
        let fixture: Fixture = serde_json::from_str(text).map_err(|source| Error::Json {
            origin: origin.to_owned(),
            source,
        })?;
        fixture.validate()?;
        Ok(fixture)
    }

    fn validate(&self) -> Result<(), Error> {
        let users: HashSet<&str> = self.users.iter().map(|u| u.id.as_str()).collect();
        let mut orgs = HashSet::new();
        let mut tokens = HashSet::new();
        for org in &self.organizations {
            if let (Some(server), Some(first)) = (
                &org.server,
                org.server.as_ref().and_then(|s| self.server(&s.host)),
            ) {
                // One host is one installation: one release, one virtual directory.
                if server.release != first.release
                    || !server
                        .virtual_directory
                        .eq_ignore_ascii_case(&first.virtual_directory)
                {
                    return Err(Error::Invalid(format!(
                        "collection {} on {} disagrees with another collection of that server about its release or virtual directory",
                        org.name, server.host
                    )));
                }
            }
            let host = org.server.as_ref().map(|s| s.host.to_ascii_lowercase());
            if !orgs.insert((host, org.name.to_ascii_lowercase())) {
                return Err(Error::Invalid(format!(
                    "organization {} is listed twice",
                    org.name
                )));
            }
            for token in &org.tokens {
                if !tokens.insert(token.token.as_str()) {
                    return Err(Error::Invalid(format!(
                        "token {:?} is listed twice",
                        token.label
                    )));
                }
                if !users.contains(token.user.as_str()) {
                    return Err(Error::Invalid(format!(
                        "token {:?} belongs to unknown user {}",
                        token.label, token.user
                    )));
                }
                if let Scopes::Full(s) = &token.scopes {
                    if s != "app_token" {
                        return Err(Error::Invalid(format!(
                            "token {:?}: scopes must be \"app_token\" or a list, not {s:?}",
                            token.label
                        )));
                    }
                }
            }
        }
        self.validate_identity(&users)
    }

    fn validate_identity(&self, users: &HashSet<&str>) -> Result<(), Error> {
        let invalid = |why: String| Err(Error::Invalid(why));
        for org in &self.organizations {
            if let Some(unknown) = org.members.iter().find(|m| !users.contains(m.as_str())) {
                return invalid(format!(
                    "organization {} lists unknown member {unknown}",
                    org.name
                ));
            }
        }
        let mut names = HashSet::new();
        for account in &self.identity.accounts {
            if !names.insert(account.username.to_ascii_lowercase()) {
                return invalid(format!("account {} is listed twice", account.username));
            }
            if let Some(user) = &account.azure_devops_user {
                if !users.contains(user.as_str()) {
                    return invalid(format!(
                        "account {} maps to unknown user {user}",
                        account.username
                    ));
                }
            }
            let known = |t: &String| {
                self.identity.tenant(t).is_some()
                    || t.eq_ignore_ascii_case(crate::directory::CONSUMERS_TENANT_ID)
            };
            if let Some(t) = std::iter::once(&account.home_tenant)
                .chain(&account.guest_in)
                .find(|t| !known(t))
            {
                return invalid(format!(
                    "account {} names unknown tenant {t}",
                    account.username
                ));
            }
        }
        for app in &self.identity.apps {
            if let Some(bad) = app
                .redirect_uris
                .iter()
                .find(|u| url::Url::parse(u).is_err())
            {
                return invalid(format!(
                    "app {} has an invalid redirect URI {bad:?}",
                    app.client_id
                ));
            }
        }
        Ok(())
    }

    /// The hosted organization named `name` (case-insensitive).
    pub fn organization(&self, name: &str) -> Option<&Org> {
        self.organizations
            .iter()
            .find(|o| o.server.is_none() && o.name.eq_ignore_ascii_case(name))
    }

    /// The Azure DevOps Server installation at `host` (`host[:port]`, case-insensitive), if any
    /// collection of the fixture lives there.
    pub fn server(&self, host: &str) -> Option<&Server> {
        self.organizations
            .iter()
            .filter_map(|o| o.server.as_ref())
            .find(|s| s.host.eq_ignore_ascii_case(host))
    }

    /// The collection `name` of the server at `host` (both case-insensitive).
    pub fn collection(&self, host: &str, name: &str) -> Option<&Org> {
        self.organizations.iter().find(|o| {
            o.server
                .as_ref()
                .is_some_and(|s| s.host.eq_ignore_ascii_case(host))
                && o.name.eq_ignore_ascii_case(name)
        })
    }

    /// The organization named `name` (case-insensitive), to change switches in tests.
    pub fn organization_mut(&mut self, name: &str) -> Option<&mut Org> {
        self.organizations
            .iter_mut()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// The user with id `id`.
    pub fn user(&self, id: &str) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The token `pat` in any organization, with its organization.
    pub fn find_token(&self, pat: &str) -> Option<(&Org, &Token)> {
        self.organizations
            .iter()
            .find_map(|o| o.token(pat).map(|t| (o, t)))
    }
}

impl Org {
    /// Whether user `id` belongs to the organization: a listed member or a token owner.
    pub fn is_member(&self, id: &str) -> bool {
        self.members
            .iter()
            .chain(self.tokens.iter().map(|t| &t.user))
            .any(|m| m.eq_ignore_ascii_case(id))
    }

    /// This organization's token `pat`, if any.
    pub fn token(&self, pat: &str) -> Option<&Token> {
        self.tokens.iter().find(|t| t.token == pat)
    }

    /// A project by GUID or by name (case-insensitive).
    pub fn project(&self, id_or_name: &str) -> Option<&Project> {
        self.projects.iter().find(|p| {
            p.id.eq_ignore_ascii_case(id_or_name) || p.name.eq_ignore_ascii_case(id_or_name)
        })
    }
}
