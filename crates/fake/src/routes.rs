//! Request routing: which host and organization a request is for, who is calling, which
//! endpoint it is, and the answer. The request model lives in `request`.

use std::borrow::Cow;
use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use base64::Engine as _;
use percent_encoding::percent_decode_str;

use crate::fixture::{BadTokenBody, Faults, Fixture, Server, SignIn};
use crate::issued::PatOverride;
use crate::request::{Caller, Credential, Req, Route, Service, Target};
use crate::respond::{self, Ctx};
use crate::server::{RecordedRequest, Shared};
use crate::{api, authorize, bearer, control, faults, id_token, tenant_segment, token_endpoint};

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    const LOGIN: &str = "/login.microsoftonline.com/{tenant}";
    Router::new()
        .route(
            &format!("{LOGIN}/oauth2/v2.0/authorize"),
            get(authorize::authorize),
        )
        .route(
            &format!("{LOGIN}/oauth2/v2.0/token"),
            any(token_endpoint::token),
        )
        .route(&format!("{LOGIN}/login"), post(authorize::login))
        .route(&format!("{LOGIN}/Consent/Set"), post(authorize::consent))
        .route(&format!("{LOGIN}/discovery/v2.0/keys"), get(keys))
        .route(
            &format!("{LOGIN}/v2.0/.well-known/openid-configuration"),
            get(openid_configuration),
        )
        .merge(control::router())
        .fallback(handle)
        .layer(middleware::from_fn_with_state(shared.clone(), record))
        .with_state(shared)
}

/// Splits `/{host}/{path}`.
fn host_and_path(uri_path: &str) -> (String, String) {
    let raw = uri_path.trim_start_matches('/');
    match raw.split_once('/') {
        Some((host, rest)) => (host.to_owned(), format!("/{rest}")),
        None => (raw.to_owned(), "/".to_owned()),
    }
}

fn suppressed(headers: &HeaderMap) -> bool {
    headers
        .get("x-tfs-fedauthredirect")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("suppress"))
}

/// Counts and records every request to the fakes (not the test controls under `/_fake`).
async fn record(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let (host, path) = host_and_path(request.uri().path());
    if host != control::HOST {
        shared.record(RecordedRequest {
            method: request.method().to_string(),
            host,
            path,
            query: request.uri().query().map(str::to_owned),
            had_authorization: request.headers().contains_key(header::AUTHORIZATION),
            had_suppress: suppressed(request.headers()),
        });
    }
    next.run(request).await
}

/// `/{tenant}/discovery/v2.0/keys`: the key that signs id_tokens.
async fn keys(State(shared): State<Arc<Shared>>, Path(segment): Path<String>) -> Response {
    match tenant_segment::resolve(&shared.fixture.identity, &segment) {
        Ok(_) => axum::Json(id_token::jwks()).into_response(),
        Err(e) => e.json(shared.issued.now()),
    }
}

/// `/{tenant}/v2.0/.well-known/openid-configuration`.
async fn openid_configuration(
    State(shared): State<Arc<Shared>>,
    Path(segment): Path<String>,
) -> Response {
    match tenant_segment::resolve(&shared.fixture.identity, &segment) {
        Ok(audience) => axum::Json(id_token::openid_configuration(
            &shared.authority(),
            &segment,
            &audience,
        ))
        .into_response(),
        Err(e) => e.json(shared.issued.now()),
    }
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, _body) = request.into_parts();
    let (host, path) = host_and_path(parts.uri.path());
    let suppress = suppressed(&parts.headers);
    let had_authorization = parts.headers.contains_key(header::AUTHORIZATION);
    // Only the shape of the credential is logged, never the header.
    tracing::debug!(method = %parts.method, %host, %path, query = parts.uri.query(), had_authorization, suppress, "request");
    let req = Req {
        method: parts.method,
        host,
        path,
        query: parse_query(parts.uri.query().unwrap_or("")),
        ctx: Ctx::new(&parts.headers, shared.authority()),
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

    // IIS rejects these before any routing or authentication (github/gh-ado2gh#12).
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
    let credential = credential(shared, req, &target);

    let token_faults = match &credential {
        Credential::Valid(t, ..) | Credential::Expired(t) => Some(&t.faults),
        _ => None,
    };
    let org_faults = match target.service {
        Service::GlobalSps => match &credential {
            Credential::Valid(t, ..) | Credential::Expired(t) => fixture
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

    // The token lifecycle API takes Entra tokens only: a PAT gets the sign-in treatment
    // (https://learn.microsoft.com/rest/api/azure/devops/tokens; MicrosoftDocs/vsts-rest-api-specs#574).
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

    // An unauthenticated `HEAD` (or `GET`) of the organization URL is how clients discover its
    // tenant: 401 with the challenge whatever the Suppress header (GCM's
    // `AzureDevOpsRestApi.GetAuthorityAsync` reads these headers).
    if target.rest.is_empty()
        && target.service == Service::Tfs
        && target.server().is_none()
        && matches!(credential, Credential::Missing)
        && (req.method == Method::HEAD || req.method == Method::GET)
    {
        return ctx.unauthorized(tenant, &issuer, None);
    }

    let caller = match credential {
        Credential::Valid(token, user, _) => Caller::User(token, user),
        Credential::Refused(body) => return ctx.unauthorized(tenant, &issuer, Some(body)),
        Credential::Expired(_) if target.server().is_some() => {
            return challenge(req, target, Some(&respond::expired_body()))
        }
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

    if let (Caller::User(token, user), Route::GlobalProfile | Route::Accounts) = (caller, route) {
        if !token.global {
            // Organization-scoped PATs are refused here, yet the user is still identified.
            let mut r = ctx.unauthorized(tenant, &issuer, None);
            respond::add_user_data(&mut r, user);
            return r;
        }
    }

    if let Some(response) = version_out_of_range(req, target) {
        return response;
    }

    if let (Caller::User(token, _), Some(scopes)) = (caller, route.scopes()) {
        if !token.scopes.grants_any(scopes) {
            return challenge(req, target, None);
        }
    }

    let mut response = match (route, caller, credential) {
        (Route::Accounts, Caller::User(token, user), Credential::Valid(.., entra_tenant)) => {
            // A PAT lists the organizations of its own organization's tenant.
            let tid = entra_tenant.clone().or_else(|| {
                fixture
                    .find_token(&token.token)
                    .map(|(org, _)| org.tenant_id.clone())
            });
            api::accounts(fixture, req, user, tid.as_deref().unwrap_or_default())
        }
        _ => api::serve(fixture, req, target, route, caller),
    };
    if let Caller::User(_, user) = caller {
        respond::add_user_data(&mut response, user);
    }
    response
}

/// 400 `VssVersionOutOfRangeException` when the requested api-version is newer than the
/// deployment's newest: Azure DevOps Services accepts up to 7.2 (previews), a Server release what
/// [`crate::ServerRelease::max_api_version`] says. Message and type as Azure DevOps Server answers,
/// e.g. microsoft/azure-devops-extension-sample#161 ("The requested REST API version of 7.2 is out of
/// range for this server. The latest REST API version this server supports is 6.1."),
/// microsoft/azure-boards-estimate#73 and cribeiro84/azure-devops-pull-request-hub#118; the version
/// is named as `major.minor`, without any `-preview` stage.
fn version_out_of_range(req: &Req, target: &Target<'_>) -> Option<Response> {
    let requested = req.api_version()?;
    let number = requested.split('-').next().unwrap_or_default();
    let (major, minor) = number.split_once('.')?;
    let asked = (major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?);
    let max = target
        .server()
        .map_or((7, 2), |s| s.release.max_api_version());
    if asked <= max {
        return None;
    }
    let body = respond::wrapped(
        &format!(
            "The requested REST API version of {}.{} is out of range for this server. The latest REST API version this server supports is {}.{}.",
            asked.0, asked.1, max.0, max.1
        ),
        "Microsoft.VisualStudio.Services.WebApi.VssVersionOutOfRangeException, Microsoft.VisualStudio.Services.WebApi",
        "VssVersionOutOfRangeException",
        3000,
    );
    Some(req.ctx.json(StatusCode::BAD_REQUEST, &body))
}

/// A 401: the Azure DevOps Services challenge, or on Azure DevOps Server the IIS Windows
/// authentication challenge (PATs go in as Basic; https://learn.microsoft.com/azure/devops/integrate/get-started/authentication/iis-basic-auth).
fn challenge(req: &Req, target: &Target<'_>, body: Option<&respond::Wrapped>) -> Response {
    match target.server() {
        Some(server) => req.ctx.unauthorized_on_premises(&server.host, body),
        None => req
            .ctx
            .unauthorized(target.tenant(), &target.issuer_host(), body),
    }
}

/// The answer for missing or bad credentials: 401 with Suppress (always on Azure DevOps Server,
/// which has no federated sign-in page), else the sign-in page/redirect.
fn reject(req: &Req, target: &Target<'_>) -> Response {
    let ctx = &req.ctx;
    let org = target.org;
    if target.server().is_some() {
        return challenge(req, target, None);
    }
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

    if let Some(server) = fixture.server(&host) {
        return collection(fixture, req, server, segments);
    }

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
            None => return Err(Box::new(api::unknown_org(fixture, ctx, name))),
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

/// `{host}[/{virtualDirectory}]/{collection}/…` on an Azure DevOps Server installation: the
/// collection URL forms of https://learn.microsoft.com/azure/devops/integrate/how-to/call-rest-api.
fn collection<'f>(
    fixture: &'f Fixture,
    req: &Req,
    server: &Server,
    segments: &[&str],
) -> Result<Target<'f>, Box<Response>> {
    let ctx = &req.ctx;
    let not_found = || Box::new(ctx.plain(StatusCode::NOT_FOUND, "Not Found"));
    let mut consumed = 0;
    let mut base = format!("{}://{}", server.scheme, req.host);
    if !server.virtual_directory.is_empty() {
        match segments.first() {
            Some(dir) if dir.eq_ignore_ascii_case(&server.virtual_directory) => {
                base.push('/');
                base.push_str(dir);
                consumed = 1;
            }
            _ => return Err(not_found()),
        }
    }
    let Some(name) = segments.get(consumed) else {
        return Err(not_found());
    };
    let name = decode(name);
    let Some(org) = fixture.collection(&server.host, &name) else {
        return Err(Box::new(api::unknown_org(fixture, ctx, &name)));
    };
    base.push('/');
    base.push_str(segments[consumed]);
    Ok(Target {
        service: Service::Tfs,
        org: Some(org),
        base_url: base,
        legacy: false,
        org_as_called: name,
        rest: segments[consumed + 1..].iter().map(|s| decode(s)).collect(),
    })
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
        (Service::Tfs, ["_apis", "wit", "fields", _] | [_, "_apis", "wit", "fields", _]) => {
            Route::WitField(orig[orig.len() - 1].clone())
        }
        (Service::Tfs, ["_apis", "teams"]) => Route::Teams,
        (Service::Tfs, ["_apis", "hooks", "subscriptions"]) => Route::Hooks,
        (Service::Sps, ["_apis", "profile", "profiles", "me"]) => Route::Profile,
        (Service::Sps, ["_apis", "tokens", "pats"]) => Route::Pats,
        (Service::GlobalSps, ["_apis", "profile", "profiles", "me"]) => Route::GlobalProfile,
        (Service::GlobalSps, ["_apis", "accounts"]) => Route::Accounts,
        (Service::Aex, ["_apis", "userentitlements"]) => Route::Entitlements,
        _ => Route::NotFound,
    }
}

/// Reads `Authorization: Basic base64(user:PAT)` and looks the PAT up, or hands a Bearer token
/// to [`bearer`].
fn credential<'f>(shared: &'f Shared, req: &Req, target: &Target<'f>) -> Credential<'f> {
    let fixture = &shared.fixture;
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
    let Some((scheme, rest)) = value.split_once(' ') else {
        return Credential::Bad;
    };
    if scheme.eq_ignore_ascii_case("bearer") {
        return bearer::credential(shared, rest.trim(), target);
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return Credential::Bad;
    }
    let Some(decoded) = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
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
    let Some(t) = found else {
        return Credential::Bad;
    };
    match (t.revoked, t.expired, shared.issued.pat_override(&t.token)) {
        (true, ..) | (_, _, PatOverride::Revoked) => Credential::Bad,
        (_, true, _) | (_, _, PatOverride::Expired) => Credential::Expired(Cow::Borrowed(t)),
        _ => match fixture.user(&t.user) {
            Some(user) => Credential::Valid(Cow::Borrowed(t), user, None),
            None => Credential::Bad,
        },
    }
}
