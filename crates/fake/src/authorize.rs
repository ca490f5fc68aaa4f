//! `GET /{tenant}/oauth2/v2.0/authorize` and its interactive pages: validation, the answer for a
//! scripted `login_hint`, the sign-in and consent pages, and the redirect back to the app
//! (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Form, Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::aadsts::AadError;
use crate::directory::{Account, App, Script};
use crate::issued::{Code, Grant};
use crate::scope_param::{self, Scope};
use crate::server::Shared;
use crate::tenant_segment::{self, Audience};
use crate::{pages, pkce};

/// How the result goes back to the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResponseMode {
    Query,
    Fragment,
    FormPost,
}

/// An authorization request that passed every check.
#[derive(Clone, Debug)]
pub(crate) struct Validated {
    segment: String,
    audience: Audience,
    client_id: String,
    redirect_uri: String,
    response_mode: ResponseMode,
    state: Option<String>,
    nonce: Option<String>,
    scope: Scope,
    challenge: Option<String>,
    prompt: Option<String>,
    login_hint: Option<String>,
}

/// Why a request was refused: on the service's own page, or back at the redirect URI.
enum Refusal {
    Page(AadError),
    Redirect(AadError, Box<Validated>),
}

fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// The request's checks, in the service's order: tenant, app and redirect URI first (their
/// failures never redirect), then what can be reported to the app.
fn validate(
    shared: &Shared,
    segment: &str,
    params: &HashMap<String, String>,
) -> Result<Validated, Refusal> {
    let identity = &shared.fixture.identity;
    let audience = tenant_segment::resolve(identity, segment).map_err(Refusal::Page)?;
    let client_id =
        param(params, "client_id").ok_or_else(|| Refusal::Page(AadError::missing("client_id")))?;
    let directory = match &audience {
        Audience::Tenant(tid) => identity.tenant_name(tid).to_owned(),
        Audience::Consumers => "Microsoft Accounts".to_owned(),
        _ => segment.to_owned(),
    };
    let app = identity
        .app(client_id)
        .filter(|_| audience.serves_app())
        .ok_or_else(|| {
            Refusal::Page(AadError::new(
                "unauthorized_client",
                700016,
                format!("Application with identifier '{client_id}' was not found in the directory '{directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."),
            ))
        })?;
    let redirect_uri = param(params, "redirect_uri")
        .ok_or_else(|| Refusal::Page(AadError::missing("redirect_uri")))?;
    if !app.redirect_uri_matches(redirect_uri) {
        return Err(Refusal::Page(AadError::new(
            "invalid_request",
            50011,
            format!("The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.", app.client_id),
        )));
    }
    let response_mode = match param(params, "response_mode") {
        Some("fragment") => ResponseMode::Fragment,
        Some("form_post") => ResponseMode::FormPost,
        _ => ResponseMode::Query,
    };
    let mut validated = Validated {
        segment: segment.to_owned(),
        audience,
        client_id: app.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        response_mode,
        state: params.get("state").cloned(),
        nonce: param(params, "nonce").map(str::to_owned),
        scope: Scope {
            requested: Vec::new(),
            granted: Vec::new(),
        },
        challenge: param(params, "code_challenge").map(str::to_owned),
        prompt: param(params, "prompt").map(str::to_owned),
        login_hint: param(params, "login_hint").map(str::to_owned),
    };
    let redirect = |e: AadError, v: &Validated| Refusal::Redirect(e, Box::new(v.clone()));
    match param(params, "response_type") {
        None => return Err(redirect(AadError::missing("response_type"), &validated)),
        Some("code") => {}
        Some(other) => {
            return Err(redirect(
                AadError::new(
                    "unsupported_response_type",
                    700054,
                    format!("response_type '{other}' is not enabled for the application."),
                ),
                &validated,
            ))
        }
    }
    validated.scope =
        scope_param::parse(app, param(params, "scope")).map_err(|e| redirect(e, &validated))?;
    if let Err(e) = pkce::check_challenge(
        app,
        validated.challenge.as_deref(),
        param(params, "code_challenge_method"),
    ) {
        return Err(redirect(e, &validated));
    }
    Ok(validated)
}

/// `GET /{tenant}/oauth2/v2.0/authorize`.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Path(segment): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let v = match validate(&shared, &segment, &params) {
        Ok(v) => v,
        Err(Refusal::Page(e)) => return e.page(shared.issued.now()),
        Err(Refusal::Redirect(e, v)) => return deliver(&v, e.redirect_params(shared.issued.now())),
    };
    let identity = &shared.fixture.identity;
    let hinted = v.login_hint.as_deref().and_then(|h| identity.account(h));
    if let Some(account) = hinted {
        return match precheck(&shared, &v, account) {
            Ok(_) if account.script == Script::Cancel => {
                deliver(&v, cancelled().redirect_params(shared.issued.now()))
            }
            Ok(tid) => issue_code(&shared, &v, account, tid),
            Err(e) => deliver(&v, e.redirect_params(shared.issued.now())),
        };
    }
    if v.prompt.as_deref() == Some("none") {
        let e = AadError::new(
            "login_required",
            50058,
            "A silent sign-in request was sent but no user is signed in.",
        );
        return deliver(&v, e.redirect_params(shared.issued.now()));
    }
    let flow = shared.issued.start_sign_in(v.clone());
    sign_in_page(&shared, &v, &flow, None)
}

fn app<'s>(shared: &'s Shared, v: &Validated) -> &'s App {
    shared
        .fixture
        .identity
        .app(&v.client_id)
        .expect("a validated request names a registered app")
}

fn sign_in_page(shared: &Shared, v: &Validated, flow: &str, problem: Option<&str>) -> Response {
    let action = format!("/login.microsoftonline.com/{}/login", v.segment);
    pages::sign_in(
        &action,
        flow,
        app(shared, v),
        &shared.fixture.identity.accounts,
        problem,
    )
}

/// A form field, empty when absent.
fn field<'a>(fields: &'a HashMap<String, String>, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or_default()
}

/// `POST /{tenant}/login`: the person picked an account on the sign-in page.
pub(crate) async fn login(
    State(shared): State<Arc<Shared>>,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    let flow = field(&fields, "flowToken");
    let Some(pending) = shared.issued.sign_in(flow) else {
        return flow_expired().page(shared.issued.now());
    };
    let v = &pending.request;
    let username = field(&fields, "login");
    let Some(account) = shared.fixture.identity.account(username) else {
        return sign_in_page(
            &shared,
            v,
            flow,
            Some("We couldn't find an account with that username."),
        );
    };
    match precheck(&shared, v, account) {
        Ok(_) => {
            shared.issued.choose_account(flow, &account.username);
            let action = format!("/login.microsoftonline.com/{}/Consent/Set", v.segment);
            pages::consent(&action, flow, app(&shared, v), account)
        }
        Err(e) => {
            shared.issued.finish_sign_in(flow);
            deliver(v, e.redirect_params(shared.issued.now()))
        }
    }
}

/// `POST /{tenant}/Consent/Set`: Accept or Cancel on the consent page.
pub(crate) async fn consent(
    State(shared): State<Arc<Shared>>,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    let flow = field(&fields, "flowToken");
    let pending = shared.issued.sign_in(flow);
    let account = pending
        .as_ref()
        .and_then(|p| p.account.as_deref())
        .and_then(|a| shared.fixture.identity.account(a));
    let (Some(pending), Some(account)) = (pending.as_ref(), account) else {
        return flow_expired().page(shared.issued.now());
    };
    shared.issued.finish_sign_in(flow);
    let v = &pending.request;
    if field(&fields, "decision") != "accept" {
        return deliver(v, cancelled().redirect_params(shared.issued.now()));
    }
    match precheck(&shared, v, account) {
        Ok(tid) => issue_code(&shared, v, account, tid),
        Err(e) => deliver(v, e.redirect_params(shared.issued.now())),
    }
}

/// "Authentication failed due to flow token expired" (AADSTS50089 in https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
fn flow_expired() -> AadError {
    AadError::new(
        "invalid_request",
        50089,
        "Authentication failed due to flow token expired. Sign in again.",
    )
}

/// The consent prompt was declined (MicrosoftDocs/azure-docs#114009).
fn cancelled() -> AadError {
    AadError::new(
        "access_denied",
        65004,
        "User declined to consent to access the app.",
    )
}

/// The tenant the account's tokens will be for, or the error signing in as it gives: not in the
/// tenant, or its scripted refusal (a declined consent is the person's choice, not checked here).
fn precheck(shared: &Shared, v: &Validated, account: &Account) -> Result<String, AadError> {
    let app = app(shared, v);
    let tid = v.audience.tenant_for(
        &shared.fixture.identity,
        account,
        &app.client_id,
        &app.display_name,
    )?;
    let refusal = match account.script {
        Script::Approve
        | Script::Cancel
        | Script::MfaOnRefresh
        | Script::AzureDevOpsNotInTenant => return Ok(tid),
        Script::ConsentRequired => AadError::new(
            "consent_required",
            65001,
            format!("The user or administrator has not consented to use the application with ID '{}' named '{}'. Send an interactive authorization request for this user and resource.", app.client_id, app.display_name),
        ),
        // The redirect after "Need admin approval" is not documented; the code is what the
        // sign-in page shows ("The grant requires admin permission", https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
        Script::AdminApprovalRequired => AadError::new("access_denied", 90094, "The grant requires admin permission."),
        Script::ConditionalAccess => AadError::new(
            "access_denied",
            53003,
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        ),
    };
    Err(refusal)
}

fn issue_code(shared: &Shared, v: &Validated, account: &Account, tid: String) -> Response {
    let code = shared.issued.issue_code(Code {
        grant: Grant {
            client_id: v.client_id.clone(),
            tid,
            oid: account.oid.clone(),
            requested: v.scope.requested.clone(),
            granted: v.scope.granted.clone(),
            nonce: v.nonce.clone(),
        },
        redirect_uri: v.redirect_uri.clone(),
        audience: v.audience.clone(),
        challenge: v.challenge.clone(),
        issued: shared.issued.now(),
        redeemed: false,
    });
    deliver(v, vec![("code", code)])
}

/// Sends `params` (plus `state`) to the redirect URI the way `response_mode` asks.
fn deliver(v: &Validated, mut params: Vec<(&'static str, String)>) -> Response {
    if let Some(state) = &v.state {
        params.push(("state", state.clone()));
    }
    let Ok(mut url) = url::Url::parse(&v.redirect_uri) else {
        // Validated redirect URIs always parse.
        return AadError::new("invalid_request", 50011, "The redirect URI is not valid.")
            .page(time::OffsetDateTime::now_utc());
    };
    match v.response_mode {
        ResponseMode::FormPost => return pages::form_post(url.as_str(), &params),
        ResponseMode::Query => {
            url.query_pairs_mut()
                .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
        }
        ResponseMode::Fragment => {
            let fragment = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())))
                .finish();
            url.set_fragment(Some(&fragment));
        }
    }
    let mut r = Response::new(axum::body::Body::empty());
    *r.status_mut() = StatusCode::FOUND;
    if let Ok(location) = HeaderValue::from_str(url.as_str()) {
        r.headers_mut().insert(header::LOCATION, location);
    }
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    r
}
