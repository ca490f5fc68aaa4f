//! Request routing: which host and organization a request is for, who is calling, which
//! endpoint it is, and the answer (§9.2).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use base64::Engine as _;
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::api;
use crate::faults;
use crate::fixture::{BadTokenBody, Faults, Fixture, Org, SignIn, Token, UnknownOrgResponse, User};
use crate::respond::{self, Ctx};
use crate::server::{RecordedRequest, Shared};

/// Characters kept as-is in path segments of the URLs the fake hands out.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

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

    fn has_api_version(&self) -> bool {
        self.query("api-version").is_some_and(|v| !v.is_empty())
            || self
                .headers
                .get_all(header::ACCEPT)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| v.to_ascii_lowercase().contains("api-version="))
    }

    /// The URL the client called, for `reply_to` in the sign-in redirect.
    fn original_url(&self) -> String {
        format!("https://{}{}", self.host, self.path)
    }
}

/// Where in Azure DevOps a request landed.
pub(crate) struct Target<'f> {
    pub(crate) service: Service,
    pub(crate) org: Option<&'f Org>,
    /// `https://{host}[/{org}]` as called: every URL in answers starts with it (§9.1).
    pub(crate) base_url: String,
    /// Whether the legacy `{org}.visualstudio.com` form was used.
    pub(crate) legacy: bool,
    /// The organization name as the client spelled it.
    pub(crate) org_as_called: String,
    /// Decoded path segments after the organization.
    pub(crate) rest: Vec<String>,
}

impl Target<'_> {
    /// Host name used in `X-TFS-FedAuthIssuer`.
    fn issuer_host(&self) -> String {
        match self.org {
            Some(org) => format!("{}.visualstudio.com", org.name),
            None => "app.vssps.visualstudio.com".into(),
        }
    }

    fn tenant(&self) -> &str {
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

/// Who is calling, once authenticated.
#[derive(Clone, Copy)]
pub(crate) enum Caller<'f> {
    /// A valid, unexpired, unrevoked token of this organization.
    User(&'f Token, &'f User),
    /// No or bad credentials on an organization with public projects.
    Anonymous,
}

/// What the `Authorization` header amounts to.
enum Credential<'f> {
    Missing,
    Bad,
    Expired(&'f Token),
    Valid(&'f Token, &'f User),
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
    WitFields,
    Hooks,
    Profile,
    GlobalProfile,
    Entitlements,
    Pats,
    NotFound,
}

impl Route {
    /// Scopes of which one is required; `None` means any valid token (connectionData).
    fn scopes(&self) -> Option<&'static [&'static str]> {
        match self {
            Route::ConnectionData | Route::GlobalProfile | Route::Pats | Route::NotFound => None,
            Route::Projects | Route::Project(_) => Some(&["vso.project", "vso.profile"]),
            Route::Repos(_) | Route::Repo(..) | Route::TfvcItems(_) | Route::TfvcBranches(_) => {
                Some(&["vso.code"])
            }
            Route::WitFields => Some(&["vso.work"]),
            Route::Hooks => Some(&["vso.work", "vso.build", "vso.code"]),
            Route::Profile => Some(&["vso.profile"]),
            Route::Entitlements => Some(&["vso.memberentitlementmanagement"]),
        }
    }

    /// Whether the anonymous user of a public organization may call it.
    fn anonymous_ok(&self) -> bool {
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

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, _body) = request.into_parts();
    let raw = parts.uri.path().trim_start_matches('/');
    let (host, path) = match raw.split_once('/') {
        Some((host, rest)) => (host.to_owned(), format!("/{rest}")),
        None => (raw.to_owned(), "/".to_owned()),
    };
    let suppress = parts
        .headers
        .get("x-tfs-fedauthredirect")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("suppress"));
    let had_authorization = parts.headers.contains_key(header::AUTHORIZATION);
    shared.record(RecordedRequest {
        method: parts.method.to_string(),
        host: host.clone(),
        path: path.clone(),
        query: parts.uri.query().map(str::to_owned),
        had_authorization,
        had_suppress: suppress,
    });
    // Only the shape of the credential is logged, never the header.
    tracing::debug!(method = %parts.method, %host, %path, query = parts.uri.query(), had_authorization, suppress, "request");
    let req = Req {
        method: parts.method,
        host,
        path,
        query: parse_query(parts.uri.query().unwrap_or("")),
        ctx: Ctx::new(&parts.headers),
        headers: parts.headers,
        suppress,
    };
    let response = dispatch(&shared, &req).await;
    tracing::debug!(status = response.status().as_u16(), host = %req.host, path = %req.path, "answer");
    response
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

async fn dispatch(shared: &Shared, req: &Req) -> Response {
    let fixture = &shared.fixture;
    let ctx = &req.ctx;
    let raw_segments: Vec<&str> = req.path.split('/').filter(|s| !s.is_empty()).collect();

    // IIS rejects these before any routing or authentication (§4.3, §9.2 row 19).
    if raw_segments
        .iter()
        .any(|s| s.contains(':') || s.to_ascii_lowercase().contains("%3a"))
    {
        let body = respond::wrapped(
            "A potentially dangerous Request.Path value was detected from the client (:).",
            "System.Web.HttpException, System.Web",
            "HttpException",
            0,
        );
        return ctx.json(StatusCode::BAD_REQUEST, &body);
    }

    let target = match resolve(fixture, req, &raw_segments) {
        Ok(target) => target,
        Err(response) => return *response,
    };

    if let Some(response) = api::resource_area(fixture, req, &target) {
        return response;
    }

    let route = route(&target);
    let credential = credential(fixture, req, &target);

    let token_faults = match &credential {
        Credential::Valid(t, _) | Credential::Expired(t) => Some(&t.faults),
        _ => None,
    };
    let org_faults = match target.service {
        Service::GlobalSps => match &credential {
            Credential::Valid(t, _) | Credential::Expired(t) => fixture
                .find_token(&t.token)
                .map(|(org, _)| org.faults.clone())
                .unwrap_or_default(),
            _ => Faults::default(),
        },
        _ => target.org.map(|o| o.faults.clone()).unwrap_or_default(),
    };
    let faults = org_faults.merged(token_faults.unwrap_or(&Faults::default()));
    if let Some(response) = faults::before(shared, req, &faults).await {
        return response;
    }

    let answer = authorize_and_serve(fixture, req, &target, &route, &credential);
    faults::after(shared, &faults, answer).await
}

fn authorize_and_serve(
    fixture: &Fixture,
    req: &Req,
    target: &Target<'_>,
    route: &Route,
    credential: &Credential<'_>,
) -> Response {
    let ctx = &req.ctx;
    let tenant = target.tenant();
    let issuer = target.issuer_host();

    // The token lifecycle API takes Entra tokens only: a PAT gets the sign-in treatment (§3.5).
    if *route == Route::Pats {
        return reject(req, target);
    }

    if req.method != Method::GET
        && req.method != Method::HEAD
        && req.method != Method::OPTIONS
        && !req.has_api_version()
    {
        let body = respond::wrapped(
            &format!(
                "No api-version was supplied for the \"{}\" request. The version must be supplied either as part of the Accept header (e.g. \"application/json; api-version=1.0\") or as a query parameter (e.g. \"?api-version=1.0\").",
                req.method
            ),
            "Microsoft.VisualStudio.Services.WebApi.VssVersionNotSpecifiedException, Microsoft.VisualStudio.Services.WebApi",
            "VssVersionNotSpecifiedException",
            3000,
        );
        return ctx.json(StatusCode::BAD_REQUEST, &body);
    }

    let caller = match credential {
        Credential::Valid(token, user) => Caller::User(token, user),
        Credential::Expired(_) => return ctx.expired(tenant, &issuer),
        Credential::Missing | Credential::Bad => {
            let public = target.org.is_some_and(|o| o.public_projects);
            if public && route.anonymous_ok() {
                Caller::Anonymous
            } else {
                return reject(req, target);
            }
        }
    };

    if let (Caller::User(token, user), Route::GlobalProfile) = (caller, route) {
        if !token.global {
            // Organization-scoped PATs are refused here, yet the user is still identified.
            let mut r = ctx.unauthorized(tenant, &issuer, None);
            respond::add_user_data(&mut r, user);
            return r;
        }
    }

    if let (Caller::User(token, _), Some(scopes)) = (caller, route.scopes()) {
        if !token.scopes.grants_any(scopes) {
            return ctx.unauthorized(tenant, &issuer, None);
        }
    }

    let mut response = api::serve(fixture, req, target, route, caller);
    if let Caller::User(_, user) = caller {
        respond::add_user_data(&mut response, user);
    }
    response
}

/// The answer for missing or bad credentials: 401 with Suppress, else the sign-in page/redirect.
fn reject(req: &Req, target: &Target<'_>) -> Response {
    let ctx = &req.ctx;
    let org = target.org;
    if req.suppress {
        let body = match org.map(|o| o.bad_token_body).unwrap_or_default() {
            BadTokenBody::Empty => None,
            BadTokenBody::Tf400813 => Some(respond::tf400813(crate::demo::ANONYMOUS_USER_ID)),
        };
        ctx.unauthorized(target.tenant(), &target.issuer_host(), body.as_ref())
    } else {
        match org.map(|o| o.sign_in).unwrap_or_default() {
            SignIn::Page203 => ctx.sign_in_page(),
            SignIn::Redirect302 => ctx.sign_in_redirect(&req.original_url()),
        }
    }
}

/// Maps `/{host}/{path}` to a service and organization, or answers 404.
fn resolve<'f>(
    fixture: &'f Fixture,
    req: &Req,
    segments: &[&str],
) -> Result<Target<'f>, Box<Response>> {
    let ctx = &req.ctx;
    let host = req.host.to_ascii_lowercase();
    let not_found = || ctx.plain(StatusCode::NOT_FOUND, "Not Found");
    let label_of = |suffix: &str| {
        host.strip_suffix(suffix)
            .filter(|l| !l.is_empty() && !l.contains('.'))
            .map(str::to_owned)
    };

    let (service, org_name, consumed, base, legacy) = match host.as_str() {
        "dev.azure.com" | "vssps.dev.azure.com" | "vsaex.dev.azure.com" => {
            let service = match host.as_str() {
                "dev.azure.com" => Service::Tfs,
                "vssps.dev.azure.com" => Service::Sps,
                _ => Service::Aex,
            };
            match segments.first() {
                None => return Err(Box::new(not_found())),
                Some(first) if first.eq_ignore_ascii_case("_apis") => {
                    if service != Service::Tfs {
                        return Err(Box::new(not_found()));
                    }
                    (
                        Service::DevRoot,
                        None,
                        0,
                        format!("https://{}", req.host),
                        false,
                    )
                }
                Some(first) => {
                    let name = decode(first);
                    let base = format!("https://{}/{}", req.host, first);
                    (service, Some(name), 1, base, false)
                }
            }
        }
        "app.vssps.visualstudio.com" => (
            Service::GlobalSps,
            None,
            0,
            format!("https://{}", req.host),
            false,
        ),
        _ => {
            if let Some(label) = label_of(".vssps.visualstudio.com") {
                (
                    Service::Sps,
                    Some(label),
                    0,
                    format!("https://{}", req.host),
                    true,
                )
            } else if let Some(label) = label_of(".vsaex.visualstudio.com") {
                (
                    Service::Aex,
                    Some(label),
                    0,
                    format!("https://{}", req.host),
                    true,
                )
            } else if let Some(label) = label_of(".visualstudio.com") {
                // The legacy host still accepts the old collection segment.
                match segments.first() {
                    Some(first) if first.eq_ignore_ascii_case("DefaultCollection") => (
                        Service::Tfs,
                        Some(label),
                        1,
                        format!("https://{}/{}", req.host, first),
                        true,
                    ),
                    _ => (
                        Service::Tfs,
                        Some(label),
                        0,
                        format!("https://{}", req.host),
                        true,
                    ),
                }
            } else {
                return Err(Box::new(not_found()));
            }
        }
    };

    let org = match &org_name {
        Some(name) => match fixture.organization(name) {
            Some(org) => Some(org),
            None => return Err(Box::new(unknown_org(fixture, ctx, name))),
        },
        None => None,
    };
    Ok(Target {
        service,
        org,
        base_url: base,
        legacy,
        org_as_called: org_name.unwrap_or_default(),
        rest: segments[consumed..].iter().map(|s| decode(s)).collect(),
    })
}

/// §9.2 row 21: unverified against the live service, so the body is a fixture switch.
pub(crate) fn unknown_org(fixture: &Fixture, ctx: &Ctx, name: &str) -> Response {
    match fixture.unknown_org_response {
        UnknownOrgResponse::Json => ctx.json(
            StatusCode::NOT_FOUND,
            &respond::wrapped(
                &format!("The organization '{name}' does not exist."),
                "Microsoft.TeamFoundation.Framework.Server.HostDoesNotExistException, Microsoft.TeamFoundation.Framework.Server",
                "HostDoesNotExistException",
                3000,
            ),
        ),
        UnknownOrgResponse::Empty => ctx.empty(StatusCode::NOT_FOUND),
        UnknownOrgResponse::Html => ctx.answer(
            StatusCode::NOT_FOUND,
            Some(respond::HTML),
            Body::from(
                "<!DOCTYPE html><html><head><title>Azure DevOps Services | Page not found</title></head><body><h1>404 - Page not found</h1></body></html>",
            ),
        ),
    }
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn route(target: &Target<'_>) -> Route {
    let lower: Vec<String> = target.rest.iter().map(|s| s.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    let orig = &target.rest;
    match (target.service, l.as_slice()) {
        (Service::Tfs | Service::Sps | Service::Aex, ["_apis", "connectiondata"]) => {
            Route::ConnectionData
        }
        (Service::Tfs, ["_apis", "projects"]) => Route::Projects,
        (Service::Tfs, ["_apis", "projects", _]) => Route::Project(orig[2].clone()),
        (Service::Tfs, ["_apis", "git", "repositories"]) => Route::Repos(None),
        (Service::Tfs, [_, "_apis", "git", "repositories"]) => Route::Repos(Some(orig[0].clone())),
        (Service::Tfs, ["_apis", "git", "repositories", _]) => Route::Repo(None, orig[3].clone()),
        (Service::Tfs, [_, "_apis", "git", "repositories", _]) => {
            Route::Repo(Some(orig[0].clone()), orig[4].clone())
        }
        (Service::Tfs, ["_apis", "tfvc", "items"]) => Route::TfvcItems(None),
        (Service::Tfs, [_, "_apis", "tfvc", "items"]) => Route::TfvcItems(Some(orig[0].clone())),
        (Service::Tfs, ["_apis", "tfvc", "branches"]) => Route::TfvcBranches(None),
        (Service::Tfs, [_, "_apis", "tfvc", "branches"]) => {
            Route::TfvcBranches(Some(orig[0].clone()))
        }
        (Service::Tfs, ["_apis", "wit", "fields"] | [_, "_apis", "wit", "fields"]) => {
            Route::WitFields
        }
        (Service::Tfs, ["_apis", "hooks", "subscriptions"]) => Route::Hooks,
        (Service::Sps, ["_apis", "profile", "profiles", "me"]) => Route::Profile,
        (Service::Sps, ["_apis", "tokens", "pats"]) => Route::Pats,
        (Service::GlobalSps, ["_apis", "profile", "profiles", "me"]) => Route::GlobalProfile,
        (Service::Aex, ["_apis", "userentitlements"]) => Route::Entitlements,
        _ => Route::NotFound,
    }
}

/// Reads `Authorization: Basic base64(user:PAT)` and looks the PAT up.
fn credential<'f>(fixture: &'f Fixture, req: &Req, target: &Target<'f>) -> Credential<'f> {
    let Some(value) = req
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return if req.headers.contains_key(header::AUTHORIZATION) {
            Credential::Bad
        } else {
            Credential::Missing
        };
    };
    let Some(encoded) = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .map(|(_, rest)| rest.trim())
    else {
        return Credential::Bad;
    };
    let Some(decoded) = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return Credential::Bad;
    };
    // The service takes the PAT as the password with any user name, or alone as the user name.
    let pat = match decoded.split_once(':') {
        Some((user, "")) => user.to_owned(),
        Some((_, pass)) => pass.to_owned(),
        None => decoded,
    };
    let found = match target.org {
        Some(org) => org.token(&pat),
        None => fixture.find_token(&pat).map(|(_, t)| t),
    };
    match found {
        None => Credential::Bad,
        Some(t) if t.revoked => Credential::Bad,
        Some(t) if t.expired => Credential::Expired(t),
        Some(t) => match fixture.user(&t.user) {
            Some(user) => Credential::Valid(t, user),
            None => Credential::Bad,
        },
    }
}
