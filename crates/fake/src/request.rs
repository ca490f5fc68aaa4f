//! The request model: which service and organization a request is for, who is calling, and
//! which endpoint it names. `routes` builds these; `api` and `faults` only read them.

use axum::http::{header, HeaderMap, Method};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use std::borrow::Cow;

use crate::fixture::{Org, Server, Token, User};
use crate::respond::{Ctx, Wrapped};

/// Characters kept as-is in path segments of the URLs the fake hands out.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Which Azure DevOps service a host serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Service {
    /// `dev.azure.com/{org}`, `{org}.visualstudio.com`.
    Tfs,
    /// `vssps.dev.azure.com/{org}`, `{org}.vssps.visualstudio.com`.
    Sps,
    /// `vsaex.dev.azure.com/{org}`, `{org}.vsaex.visualstudio.com`.
    Aex,
    /// `app.vssps.visualstudio.com`: global, no organization.
    GlobalSps,
    /// `dev.azure.com/_apis/...`: organization-less lookups (resource areas).
    DevRoot,
}

/// A parsed request.
pub(crate) struct Req {
    pub(crate) method: Method,
    pub(crate) host: String,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) suppress: bool,
    pub(crate) ctx: Ctx,
}

impl Req {
    /// A query parameter, matched case-insensitively like the service does.
    pub(crate) fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn has_api_version(&self) -> bool {
        self.api_version().is_some()
    }

    /// The requested api-version, from the query or an `Accept: application/json;api-version=…`
    /// header, e.g. `7.1-preview.3`.
    pub(crate) fn api_version(&self) -> Option<String> {
        if let Some(v) = self.query("api-version").filter(|v| !v.is_empty()) {
            return Some(v.trim().to_owned());
        }
        self.headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split([';', ',']))
            .find_map(|part| {
                let (key, value) = part.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("api-version")
                    .then(|| value.trim().to_owned())
            })
            .filter(|v| !v.is_empty())
    }

    /// The URL the client called, for `reply_to` in the sign-in redirect.
    pub(crate) fn original_url(&self) -> String {
        format!("https://{}{}", self.host, self.path)
    }
}

/// Where in Azure DevOps a request landed.
pub(crate) struct Target<'f> {
    pub(crate) service: Service,
    pub(crate) org: Option<&'f Org>,
    /// `https://{host}[/{org}]` as called: every URL in answers starts with it ("URLs returned in
    /// REST APIs" in https://learn.microsoft.com/azure/devops/extend/develop/work-with-urls).
    pub(crate) base_url: String,
    /// Whether the legacy `{org}.visualstudio.com` form was used.
    pub(crate) legacy: bool,
    /// The organization name as the client spelled it.
    pub(crate) org_as_called: String,
    /// Decoded path segments after the organization.
    pub(crate) rest: Vec<String>,
}

impl<'f> Target<'f> {
    /// The Azure DevOps Server installation, when the request is for an on-premises collection.
    pub(crate) fn server(&self) -> Option<&'f Server> {
        self.org.and_then(|o| o.server.as_ref())
    }

    /// Host name used in `X-TFS-FedAuthIssuer`.
    pub(crate) fn issuer_host(&self) -> String {
        match self.org {
            Some(org) => format!("{}.visualstudio.com", org.name),
            None => "app.vssps.visualstudio.com".into(),
        }
    }

    pub(crate) fn tenant(&self) -> &str {
        self.org
            .map_or("00000000-0000-0000-0000-000000000000", |o| {
                o.tenant_id.as_str()
            })
    }

    /// Percent-encodes one path segment for URLs in answers.
    pub(crate) fn seg(s: &str) -> String {
        utf8_percent_encode(s, SEGMENT).to_string()
    }
}

/// What the `Authorization` header amounts to.
pub(crate) enum Credential<'f> {
    Missing,
    Bad,
    /// An expired PAT or Entra access token.
    Expired(Cow<'f, Token>),
    /// A usable token, its user, and for an Entra token the tenant it was issued for.
    Valid(Cow<'f, Token>, &'f User, Option<String>),
    /// A valid Entra token this organization refuses: 401 with this body.
    Refused(Wrapped),
}

/// Who is calling, once authenticated.
#[derive(Clone, Copy)]
pub(crate) enum Caller<'f> {
    /// A valid, unexpired, unrevoked token of this organization.
    User(&'f Token, &'f User),
    /// No or bad credentials on an organization with public projects.
    Anonymous,
}

/// The endpoints the fake implements.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    ConnectionData,
    Projects,
    Project(String),
    Repos(Option<String>),
    Repo(Option<String>, String),
    TfvcItems(Option<String>),
    TfvcBranches(Option<String>),
    Teams,
    WitFields,
    WitField(String),
    Hooks,
    Profile,
    GlobalProfile,
    /// `app.vssps.visualstudio.com/_apis/accounts`: the caller's organizations.
    Accounts,
    Entitlements,
    Pats,
    NotFound,
}

impl Route {
    /// Scopes of which one is required; `None` means any valid token (connectionData).
    pub(crate) fn scopes(&self) -> Option<&'static [&'static str]> {
        match self {
            Route::ConnectionData | Route::GlobalProfile | Route::Pats | Route::NotFound => None,
            Route::Projects | Route::Project(_) => Some(&["vso.project", "vso.profile"]),
            Route::Repos(_) | Route::Repo(..) | Route::TfvcItems(_) | Route::TfvcBranches(_) => {
                Some(&["vso.code"])
            }
            // "Get All Teams" lists `vso.project` alone (core.json in vsts-rest-api-specs).
            Route::Teams => Some(&["vso.project"]),
            Route::WitFields | Route::WitField(_) => Some(&["vso.work"]),
            Route::Hooks => Some(&["vso.work", "vso.build", "vso.code"]),
            Route::Profile | Route::Accounts => Some(&["vso.profile"]),
            Route::Entitlements => Some(&["vso.memberentitlementmanagement"]),
        }
    }

    /// Whether the anonymous user of a public organization may call it.
    pub(crate) fn anonymous_ok(&self) -> bool {
        matches!(
            self,
            Route::ConnectionData
                | Route::Projects
                | Route::Project(_)
                | Route::Repos(Some(_))
                | Route::Repo(Some(_), _)
        )
    }
}
