//! "Sign in with Microsoft": `POST {base}/oauth/start`, `GET {base}/oauth/callback` and
//! `GET {base}/oauth/result`. The flow, and how each step may run on another instance, is in the
//! crate README ("Sign in with Microsoft") and in [`crate::flow`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use azdo_connect_core::contract::{
    ChooseOrganization, ErrorBody, FlowStatus, OAuthPending, OAuthStartRequest, OAuthStartResponse,
    VerifyResponse,
};
use azdo_connect_core::{normalize_organization, SecretToken};
use url::Url;

use crate::aadsts::{self, EntraErrorResponse, Stage};
use crate::callback_page::{self, Lang};
use crate::entra::{Tokens, ORGANIZATIONS};
use crate::entra_connect::{connect, organizations, require_hosted, SignedIn};
use crate::extract::ApiJson;
use crate::flow::{
    flow_key, is_id, random_id, session_key, state_key, Outcome, Records, Session, SignIn,
    FLOW_TTL, REDELIVERY_TTL, SESSION_TTL,
};
use crate::tenant::{discover, OrgTenant};
use crate::upstream::Target;
use crate::verify::requested_scopes;
use crate::{AppState, Error};

/// The longest `oauth/result` waits for an outcome.
const LONG_POLL: Duration = Duration::from_secs(25);
/// How often it looks at the store meanwhile.
const POLL_EVERY: Duration = Duration::from_millis(250);
/// The longest `loginHint` accepted (a UPN is at most 113 characters).
const MAX_LOGIN_HINT: usize = 256;
/// The longest `returnTo` accepted.
const MAX_RETURN_TO: usize = 2048;
/// The fragment parameter the full-page fallback returns with.
pub(crate) const RETURN_FRAGMENT: &str = "azdo-connect-flow";

fn records(state: &AppState) -> Records<'_> {
    Records {
        store: state.store.as_ref(),
        sealer: &state.sealer,
        keyring: &state.keyring,
    }
}

/// Start a Microsoft sign-in.
#[utoipa::path(
    post,
    path = "/oauth/start",
    tag = "azdo-connect",
    request_body = OAuthStartRequest,
    params(("X-Azdo-Connect" = String, Header, description = "Must be `1` (CSRF guard).")),
    responses(
        (status = 200, description = "Open `authorizeUrl` in the sign-in window, then poll `oauth/result` with `flow`.", body = OAuthStartResponse),
        (status = 400, description = "`invalid_request`, `invalid_organization`, `host_not_allowed` or `personal_account_organization`.", body = ErrorBody),
        (status = 403, description = "`forbidden_origin`.", body = ErrorBody),
        (status = 404, description = "`entra_not_configured` or `organization_not_found`.", body = ErrorBody),
        (status = 429, description = "`rate_limited`.", body = ErrorBody),
        (status = 502, description = "`upstream_unavailable`.", body = ErrorBody),
    )
)]
pub(crate) async fn start(
    State(state): State<Arc<AppState>>,
    ApiJson(request): ApiJson<OAuthStartRequest>,
) -> Result<Json<OAuthStartResponse>, Error> {
    let entra = state.sign_in.as_ref().ok_or(Error::EntraNotConfigured)?;
    requested_scopes(&request.required_scopes)?;
    let login_hint = login_hint(request.login_hint.as_deref())?;
    let return_to = request
        .return_to
        .as_deref()
        .map(|text| return_to(text, &state))
        .transpose()?;
    let (organization, tenant) = match request.organization.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => {
            let org = normalize_organization(text, &state.allowed_servers)?;
            require_hosted(&org)?;
            let target = Target::new(&org, &state.allowed_servers)?;
            let tenant = match discover(&state.upstream, &target).await? {
                OrgTenant::Entra(tenant) => tenant,
                OrgTenant::PersonalAccounts => return Err(Error::PersonalAccountOrganization),
                OrgTenant::Unknown => ORGANIZATIONS.to_owned(),
            };
            (Some(org.organization_url), tenant)
        }
        _ => (None, ORGANIZATIONS.to_owned()),
    };
    let authorization = entra.authorize(&tenant, login_hint)?;
    let flow = random_id();
    let records = records(&state);
    records
        .put(
            &state_key(&authorization.state),
            &SignIn {
                flow: flow.clone(),
                verifier: authorization.verifier,
                nonce: authorization.nonce,
                tenant: tenant.clone(),
                organization,
                required_scopes: request.required_scopes,
                return_to,
            },
            FLOW_TTL,
        )
        .await?;
    records
        .put(&flow_key(&flow), &Outcome::Pending, FLOW_TTL)
        .await?;
    tracing::info!(tenant = %tenant, "sign-in: started");
    Ok(Json(OAuthStartResponse {
        flow,
        authorize_url: authorization.url.to_string(),
        expires_in: FLOW_TTL.as_secs(),
    }))
}

fn login_hint(hint: Option<&str>) -> Result<Option<&str>, Error> {
    match hint.map(str::trim) {
        None | Some("") => Ok(None),
        Some(hint) if hint.chars().count() > MAX_LOGIN_HINT || hint.chars().any(char::is_control) => {
            Err(Error::InvalidRequest(format!(
                "loginHint must be a sign-in name (an email address) of at most {MAX_LOGIN_HINT} characters."
            )))
        }
        Some(hint) => Ok(Some(hint)),
    }
}

/// A `returnTo` on an allowed origin or the proxy's own (`--public-url`), without its fragment:
/// never an open redirect.
fn return_to(text: &str, state: &AppState) -> Result<String, Error> {
    let refused = || {
        Error::InvalidRequest(
            "returnTo must be an http(s) URL on an allowed origin (--allowed-origin) or on this service's own."
                .into(),
        )
    };
    if text.len() > MAX_RETURN_TO {
        return Err(refused());
    }
    let mut url = Url::parse(text.trim()).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(refused());
    }
    let origin = url.origin().ascii_serialization();
    let own = state
        .sign_in
        .as_ref()
        .map(|e| e.public_origin())
        .unwrap_or_default();
    if origin != own && !state.origins.allows(&origin) {
        return Err(refused());
    }
    url.set_fragment(None);
    Ok(url.to_string())
}

/// Where Microsoft sends the sign-in window back.
#[utoipa::path(
    get,
    path = "/oauth/callback",
    tag = "azdo-connect",
    params(
        ("code" = Option<String>, Query, description = "The authorization code."),
        ("state" = String, Query, description = "The flow's state."),
        ("error" = Option<String>, Query, description = "Microsoft's error, instead of a code."),
        ("error_description" = Option<String>, Query, description = "With the AADSTS code."),
    ),
    responses(
        (status = 200, description = "A small page saying the window can be closed (it closes itself); the outcome waits on `oauth/result`.", content_type = "text/html"),
        (status = 302, description = "The full-page fallback: to `{returnTo}#azdo-connect-flow={flow}`."),
        (status = 410, description = "`flow_expired`: unknown, replayed or expired `state` (a page).", content_type = "text/html"),
        (status = 429, description = "`rate_limited` (the sign-in GETs' own per-client budget; a page).", content_type = "text/html"),
    )
)]
pub(crate) async fn callback(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let params = CallbackParams::parse(query.as_deref().unwrap_or_default());
    let records = records(&state);
    let sign_in = match params.state.as_deref().filter(|s| is_id(s)) {
        Some(s) => records.take::<SignIn>(&state_key(s)).await,
        None => Ok(None),
    };
    let sign_in = match sign_in {
        Ok(Some(sign_in)) => sign_in,
        Ok(None) => {
            tracing::info!("sign-in: callback for an unknown, used or expired state");
            return page::<()>(&Err(Error::FlowExpired), lang);
        }
        Err(error) => return page::<()>(&Err(error), lang),
    };
    let deadline = state.verify_timeout.saturating_mul(2);
    let outcome = match tokio::time::timeout(deadline, finish(&state, &sign_in, params)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(Error::UpstreamTimeout),
    };
    let recorded = match &outcome {
        Ok(outcome) => outcome_record(outcome),
        Err(error) => Outcome::Failed(error.to_api_error()),
    };
    if let Err(error) = records
        .put(&flow_key(&sign_in.flow), &recorded, FLOW_TTL)
        .await
    {
        return page::<()>(&Err(error), lang);
    }
    match &outcome {
        Ok(_) => tracing::info!("sign-in: outcome recorded"),
        Err(error) => tracing::info!(code = %error.code(), "sign-in: failed"),
    }
    match sign_in.return_to {
        Some(return_to) => {
            let location = format!("{return_to}#{RETURN_FRAGMENT}={}", sign_in.flow);
            match HeaderValue::from_str(&location) {
                Ok(location) => (
                    StatusCode::FOUND,
                    [
                        (header::LOCATION, location),
                        (
                            header::REFERRER_POLICY,
                            HeaderValue::from_static("no-referrer"),
                        ),
                    ],
                )
                    .into_response(),
                Err(_) => page(&outcome.map(|_| ()), lang),
            }
        }
        None => page(&outcome.map(|_| ()), lang),
    }
}

/// Over the sign-in GETs' rate limit the callback, shown in the sign-in window, answers with the
/// same page as its other outcomes (in the browser's language, `Retry-After` kept) rather than
/// the JSON the widget reads from `oauth/result`.
pub(crate) async fn callback_rate_limit_page(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_callback = request.uri().path().ends_with("/oauth/callback");
    let lang = Lang::from_accept_language(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let response = next.run(request).await;
    if !is_callback || response.status() != StatusCode::TOO_MANY_REQUESTS {
        return response;
    }
    let wait = response.headers().get(header::RETRY_AFTER).cloned();
    let retry_after = wait
        .as_ref()
        .and_then(|v| v.to_str().ok()?.parse().ok())
        .unwrap_or(1);
    let mut page = page(&Err::<(), _>(Error::RateLimited { retry_after }), lang);
    if let Some(wait) = wait {
        page.headers_mut().insert(header::RETRY_AFTER, wait);
    }
    page
}

fn page<T>(outcome: &Result<T, Error>, lang: Lang) -> Response {
    match outcome {
        Ok(_) => callback_page::render(StatusCode::OK, Ok(()), lang),
        Err(error) => callback_page::render(
            error.status(),
            Err((error.code().as_str(), error.to_string())),
            lang,
        ),
    }
}

/// What a successful callback leads to.
enum Finished {
    Connected(Box<VerifyResponse>),
    Choose(ChooseOrganization),
}

fn outcome_record(finished: &Finished) -> Outcome {
    match finished {
        Finished::Connected(verified) => Outcome::Connected(verified.clone()),
        Finished::Choose(choose) => Outcome::ChooseOrganization(choose.clone()),
    }
}

/// The callback's query. The code is wrapped at once, so nothing prints it.
#[derive(Default)]
struct CallbackParams {
    code: Option<SecretToken>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    error_uri: Option<String>,
}

impl CallbackParams {
    fn parse(query: &str) -> Self {
        let mut params = CallbackParams::default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            // Bounded: these end up in messages and the store.
            let value: String = value.chars().take(4096).collect();
            match name.as_ref() {
                "code" => params.code = Some(SecretToken::new(value)),
                "state" => params.state = Some(value),
                "error" => params.error = Some(value.chars().take(64).collect()),
                "error_description" => params.error_description = Some(value),
                "error_uri" => params.error_uri = Some(value),
                _ => {}
            }
        }
        params
    }
}

/// Redeems the code and runs the organization step.
async fn finish(
    state: &AppState,
    sign_in: &SignIn,
    params: CallbackParams,
) -> Result<Finished, Error> {
    let entra = state.sign_in.as_ref().ok_or(Error::EntraNotConfigured)?;
    if let Some(error) = params.error {
        let response = EntraErrorResponse {
            error,
            error_description: params.error_description,
            error_uri: params.error_uri,
            ..EntraErrorResponse::default()
        };
        return Err(aadsts::to_error(&response, Stage::SignIn));
    }
    let code = params.code.filter(|c| !c.is_empty()).ok_or_else(|| {
        Error::SignInFailed(
            "Microsoft sent the sign-in window back without a code. Try again.".into(),
        )
    })?;
    let Tokens {
        access_token,
        refresh_token,
        expires_in,
        id,
    } = entra
        .redeem_code(&sign_in.tenant, &code, &sign_in.verifier, &sign_in.nonce)
        .await?;
    let id = id.ok_or_else(|| Error::SignInFailed("Microsoft's answer had no id_token.".into()))?;
    let refresh_token = refresh_token.ok_or_else(|| {
        Error::SignInFailed(
            "Microsoft issued no refresh token (offline_access was not granted). Try again.".into(),
        )
    })?;
    let signed_in = SignedIn {
        access_token: &access_token,
        refresh_token: &refresh_token,
        tenant: &id.tid,
        username: id.preferred_username.as_deref(),
    };
    match &sign_in.organization {
        Some(url) => {
            let org = normalize_organization(url, &state.allowed_servers)?;
            let requested = requested_scopes(&sign_in.required_scopes)?;
            let org_tenant = (sign_in.tenant != ORGANIZATIONS).then_some(sign_in.tenant.as_str());
            let verified = connect(state, org, &signed_in, org_tenant, &requested).await?;
            Ok(Finished::Connected(Box::new(verified)))
        }
        None => {
            let organizations = organizations(&state.upstream, &access_token).await?;
            let session = random_id();
            let expires_in = i64::try_from(expires_in).unwrap_or(3599);
            records(state)
                .put(
                    &session_key(&session),
                    &Session {
                        access_token: access_token.clone(),
                        refresh_token: refresh_token.clone(),
                        tenant: id.tid.clone(),
                        access_expires_at: crate::credential::now().saturating_add(expires_in),
                    },
                    SESSION_TTL,
                )
                .await?;
            Ok(Finished::Choose(ChooseOrganization {
                status: FlowStatus::ChooseOrganization,
                organizations,
                session,
            }))
        }
    }
}

/// Collect a sign-in's outcome.
#[utoipa::path(
    get,
    path = "/oauth/result",
    tag = "azdo-connect",
    params(
        ("flow" = String, Query, description = "The flow id from `oauth/start`."),
        ("wait" = Option<u64>, Query, description = "Seconds to wait for an outcome, 0 to 25 (default 25)."),
    ),
    responses(
        (status = 200, description = "Connected (the verify body with `method: entra`), or `choose_organization` with `organizations` and `session`. Asked again within a minute of the first answer, the same answer.", body = VerifyResponse),
        (status = 202, description = "Still pending: ask again.", body = OAuthPending),
        (status = 400, description = "`sign_in_cancelled`, `invalid_request`.", body = ErrorBody),
        (status = 401, description = "`sign_in_failed` (the message names the AADSTS code).", body = ErrorBody),
        (status = 403, description = "`consent_required`, `not_a_member` or `missing_scopes`.", body = ErrorBody),
        (status = 410, description = "`flow_expired`: unknown, expired, or collected more than a minute ago.", body = ErrorBody),
        (status = 429, description = "`rate_limited` (the sign-in GETs' own per-client budget).", body = ErrorBody),
    )
)]
pub(crate) async fn result(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
) -> Result<Response, Error> {
    let mut flow = None;
    let mut wait = LONG_POLL;
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "flow" => flow = Some(value.into_owned()),
            "wait" => {
                let secs: u64 = value.parse().map_err(|_| {
                    Error::InvalidRequest("wait must be a number of seconds, 0 to 25.".into())
                })?;
                wait = Duration::from_secs(secs).min(LONG_POLL);
            }
            _ => {}
        }
    }
    let flow = flow.ok_or_else(|| {
        Error::InvalidRequest("The request has no flow (the query parameter flow).".into())
    })?;
    if !is_id(&flow) {
        return Err(Error::FlowExpired);
    }
    let key = flow_key(&flow);
    let records = records(&state);
    let until = Instant::now() + wait;
    loop {
        match records.get::<Outcome>(&key).await? {
            None => return Err(Error::FlowExpired),
            Some(Outcome::Pending) if Instant::now() >= until => {
                return Ok((
                    StatusCode::ACCEPTED,
                    Json(OAuthPending {
                        status: FlowStatus::Pending,
                    }),
                )
                    .into_response())
            }
            Some(Outcome::Pending) => tokio::time::sleep(POLL_EVERY).await,
            Some(Outcome::Collected(outcome)) => return Ok(final_answer(*outcome)),
            Some(outcome) => {
                // Kept a minute more under the same flow, so a poll whose answer was lost on
                // the way gets it again (the flow id is the widget's secret; concurrent pollers
                // of one flow get the same answer). Only the first collection sets the minute.
                let outcome = Box::new(outcome);
                records
                    .put(&key, &Outcome::Collected(outcome.clone()), REDELIVERY_TTL)
                    .await?;
                return Ok(final_answer(*outcome));
            }
        }
    }
}

/// The HTTP answer for a final outcome.
fn final_answer(outcome: Outcome) -> Response {
    match outcome {
        Outcome::Connected(verified) => Json(*verified).into_response(),
        Outcome::ChooseOrganization(choose) => Json(choose).into_response(),
        Outcome::Failed(error) => {
            let status = StatusCode::from_u16(error.code.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json(ErrorBody { error })).into_response()
        }
        // Never stored nested or pending at this point; answer as for a flow that has run out.
        Outcome::Pending | Outcome::Collected(_) => Error::FlowExpired.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_params_wrap_the_code() {
        let params = CallbackParams::parse("code=abc%2Bdef&state=s1&session_state=x");
        assert_eq!(params.code.as_ref().unwrap().expose(), "abc+def");
        assert_eq!(params.state.as_deref(), Some("s1"));
        let error = CallbackParams::parse(
            "error=access_denied&error_description=AADSTS65004%3A+declined&state=s",
        );
        assert_eq!(error.error.as_deref(), Some("access_denied"));
        assert!(error.code.is_none());
    }

    #[test]
    fn login_hints_are_bounded() {
        assert_eq!(
            login_hint(Some(" dana@contoso.example ")).unwrap(),
            Some("dana@contoso.example")
        );
        assert_eq!(login_hint(Some("")).unwrap(), None);
        assert!(login_hint(Some("a\nb")).is_err());
        assert!(login_hint(Some(&"a".repeat(300))).is_err());
    }
}
