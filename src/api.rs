//! Calls to the vendor's proxy: `POST {proxy-url}/verify`, `POST {proxy-url}/projects`,
//! `GET {proxy-url}/config`, and Microsoft sign-in's `POST {proxy-url}/oauth/start` and
//! `GET {proxy-url}/oauth/result` (the contract is in `crates/proxy/README.md`).
//!
//! gloo-net makes every request. Each carries `X-Azdo-Connect: 1` (the proxy refuses POSTs
//! without it) and, when the host set `csrf-token`, `X-CSRF-Token`. Each takes an `AbortSignal`
//! so a superseded request is cancelled rather than raced. Bodies are the core's contract types
//! as JSON; answers are parsed by the browser and read with the core's serde derives, so an
//! answer off the contract's shape is [`Error::Protocol`], never half-read.

use azdo_connect_core::contract::{
    ChooseOrganization, ConfigResponse, ErrorBody, ErrorDetail, OAuthStartRequest,
    OAuthStartResponse, ProjectsRequest, ProjectsResponse, ScopeStatus, VerifyRequest,
    VerifyResponse,
};
use azdo_connect_core::ErrorCode;
use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Response};

use crate::config::Config;
use crate::js_value::{from_js, to_js};
use crate::{csp, Error};

/// `POST {proxy-url}/verify`.
///
/// # Errors
/// [`Error::Api`] with the proxy's contract error; [`Error::CspBlocked`] when the page's
/// Content-Security-Policy refused the request, [`Error::Network`] when the proxy is unreachable,
/// [`Error::Protocol`] when it answered off the contract; [`Error::Aborted`] when `signal` fired.
pub async fn verify(
    config: &Config,
    body: &VerifyRequest,
    signal: &AbortSignal,
) -> Result<VerifyResponse, Error> {
    post(config, "verify", body, signal).await
}

/// `POST {proxy-url}/projects`: one page of projects with their repositories.
///
/// # Errors
/// As [`verify`].
pub async fn projects(
    config: &Config,
    body: &ProjectsRequest,
    signal: &AbortSignal,
) -> Result<ProjectsResponse, Error> {
    post(config, "projects", body, signal).await
}

/// `GET {proxy-url}/config`: what the proxy lets the widget know (the on-prem allowlist and the
/// scope catalogue with its labels).
///
/// # Errors
/// As [`verify`]; a contract error body is [`Error::Protocol`] too, as `/config` has none.
pub async fn config(config: &Config, signal: &AbortSignal) -> Result<ConfigResponse, Error> {
    let response = send(
        config,
        "config",
        Request::get(&config.endpoint("config")),
        None,
        signal,
    )
    .await?;
    let status = response.status();
    if !response.ok() {
        return Err(Error::Protocol { status });
    }
    decode(read_json(&response).await?, status)
}

/// `POST {proxy-url}/verify` with the `session` of a sign-in that ended with a choice of
/// organizations: connects the signed-in account to `organization`.
///
/// # Errors
/// As [`verify`].
pub async fn verify_session(
    config: &Config,
    organization: &str,
    session: &str,
    signal: &AbortSignal,
) -> Result<VerifyResponse, Error> {
    let body = VerifyRequest {
        organization: organization.to_owned(),
        token: None,
        session: Some(session.to_owned()),
        required_scopes: config.scopes.clone(),
        expires_at: None,
    };
    verify(config, &body, signal).await
}

/// `POST {proxy-url}/oauth/start`: a sign-in flow and Microsoft's authorize URL.
///
/// # Errors
/// As [`verify`].
pub async fn oauth_start(
    config: &Config,
    body: &OAuthStartRequest,
    signal: &AbortSignal,
) -> Result<OAuthStartResponse, Error> {
    post(config, "oauth/start", body, signal).await
}

/// What `GET {proxy-url}/oauth/result` said.
#[derive(Debug)]
pub enum FlowResult {
    /// 202: the person has not finished yet; ask again.
    Pending,
    /// Signed in and verified against the organization given (`method: "entra"`).
    Connected(VerifyResponse),
    /// Signed in without an organization: pick one of theirs.
    ChooseOrganization(ChooseOrganization),
}

/// `GET {proxy-url}/oauth/result?flow=…`: one long poll (the proxy holds it up to 25 s).
///
/// # Errors
/// [`Error::Api`] with the sign-in's failure (`sign_in_cancelled`, `flow_expired`, …);
/// otherwise as [`verify`].
pub async fn oauth_result(
    config: &Config,
    flow: &str,
    signal: &AbortSignal,
) -> Result<FlowResult, Error> {
    // A simple GET like `/config`: no custom header, so no CORS preflight on every poll.
    let request = Request::get(&config.endpoint("oauth/result")).query([("flow", flow)]);
    let response = send(config, "oauth/result", request, None, signal).await?;
    let status = response.status();
    if status == 202 {
        return Ok(FlowResult::Pending);
    }
    let json = read_json(&response).await?;
    if !response.ok() {
        return Err(Error::Api(decode::<ErrorBody>(json, status)?.error));
    }
    // A connection has no `status`; a choice says `choose_organization`.
    let has_status = js_sys::Reflect::has(&json, &JsValue::from_str("status")).unwrap_or(false);
    if has_status {
        decode(json, status).map(FlowResult::ChooseOrganization)
    } else {
        decode(json, status).map(FlowResult::Connected)
    }
}

async fn post<T: DeserializeOwned>(
    config: &Config,
    path: &str,
    body: &impl Serialize,
    signal: &AbortSignal,
) -> Result<T, Error> {
    let (json, status) = post_json(config, path, to_js(body)?, signal).await?;
    decode(json, status)
}

/// `post` without the types: not generic, so one copy of this future serves every endpoint and
/// only the serializing and the decoding are per type.
async fn post_json(
    config: &Config,
    path: &str,
    body: JsValue,
    signal: &AbortSignal,
) -> Result<(JsValue, u16), Error> {
    // The browser's JSON.stringify of the serialized body: serde-wasm-bindgen is already in the
    // wasm for the events, and a second serializer (serde_json) would only add weight.
    let text = js_sys::JSON::stringify(&body)
        .map_err(|_| Error::Serialize("the request body is not JSON".to_owned()))?;
    let mut request = Request::post(&config.endpoint(path))
        .header("Content-Type", "application/json")
        .header("X-Azdo-Connect", "1");
    if let Some(token) = &config.csrf_token {
        request = request.header("X-CSRF-Token", token);
    }
    let response = send(config, path, request, Some(text.into()), signal).await?;
    let status = response.status();
    let json = read_json(&response).await?;
    if response.ok() {
        Ok((json, status))
    } else {
        Err(Error::Api(decode::<ErrorBody>(json, status)?.error))
    }
}

/// Sends one request (with `body` when given). Not generic: one copy serves every endpoint.
/// The answer is the browser's own `Response`, whose `json()` parses without serde_json.
async fn send(
    config: &Config,
    path: &str,
    request: RequestBuilder,
    body: Option<JsValue>,
    signal: &AbortSignal,
) -> Result<Response, Error> {
    csp::watch();
    let request = request
        .header("Accept", "application/json")
        .abort_signal(Some(signal));
    let request = match body {
        Some(body) => request.body(body),
        None => request.build(),
    }
    .map_err(|e| Error::Dom(describe(e)))?;
    match request.send().await {
        Ok(response) => Ok(response.into()),
        Err(gloo_net::Error::JsError(e)) if e.name == "AbortError" => Err(Error::Aborted),
        Err(e) => {
            // A refused `fetch` looks the same whether the network or the page's policy
            // refused it; only the browser's violation report tells them apart.
            let url = config.endpoint(path);
            Err(match csp::blocked_origin(&url).await {
                Some(origin) => Error::CspBlocked { origin },
                None => Error::Network(describe(e)),
            })
        }
    }
}

/// gloo-net's error as text, without its `Display`: that one also covers the serde_json errors of
/// gloo-net's `json` feature (which Yew's `gloo` turns on), and would ship serde_json's and
/// `std::io`'s error messages (~1 KB gzip) for answers this widget never asks gloo-net to parse.
fn describe(error: gloo_net::Error) -> String {
    match error {
        gloo_net::Error::JsError(e) => e.to_string(),
        gloo_net::Error::GlooError(message) => message,
        _ => "gloo-net could not read the answer".to_owned(),
    }
}

/// The response's parsed JSON body. Not generic: one copy of this future serves every answer type.
/// A body that is not JSON (an HTML error page, a bare gateway error) means the proxy itself is in
/// trouble, not Azure DevOps.
async fn read_json(response: &Response) -> Result<JsValue, Error> {
    let status = response.status();
    let promise = response.json().map_err(|_| Error::Protocol { status })?;
    JsFuture::from(promise).await.map_err(|e| {
        let aborted = e
            .dyn_ref::<js_sys::Error>()
            .is_some_and(|e| e.name() == "AbortError");
        if aborted {
            Error::Aborted
        } else {
            Error::Protocol { status }
        }
    })
}

/// The proxy's origin (`proxy-url` resolved against the page), which the page's `connect-src`
/// must allow; empty when it has none.
pub fn origin(proxy_url: &str) -> String {
    csp::origin_of(proxy_url).unwrap_or_default()
}

/// A JSON body as the contract type `T`; JSON of another shape is as off-contract as no JSON.
///
/// # Errors
/// [`Error::Protocol`] with `status` when `json` is not `T`'s shape.
pub fn decode<T: DeserializeOwned>(json: JsValue, status: u16) -> Result<T, Error> {
    from_js(json).map_err(|_| Error::Protocol { status })
}

impl Error {
    /// Whether asking again may well succeed: the connection failed, or a gateway in front of the
    /// proxy answered for it (502, 503, 504) without the contract's error body.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::Network(_) | Error::Protocol { status: 502..=504 }
        )
    }

    /// What `azdo-error` reports for this failure, with the scope checklist when the proxy sent
    /// one; `None` for an aborted request, which is not a failure.
    pub fn to_detail(&self) -> Option<(ErrorDetail, Vec<ScopeStatus>)> {
        let widget = |code: ErrorCode, message: String| ErrorDetail {
            code,
            message,
            retry_after: None,
            missing_scopes: None,
        };
        Some(match self {
            Error::Aborted => return None,
            Error::Api(api) => (
                ErrorDetail::from(api.clone()),
                api.scopes.clone().unwrap_or_default(),
            ),
            Error::CspBlocked { origin } => (
                widget(
                    ErrorCode::CspBlocked,
                    format!(
                        "This page's Content-Security-Policy blocks requests to {origin}: \
                         add it to connect-src."
                    ),
                ),
                Vec::new(),
            ),
            Error::Network(_) => (
                widget(
                    ErrorCode::ProxyUnreachable,
                    "The proxy could not be reached.".to_owned(),
                ),
                Vec::new(),
            ),
            Error::Protocol { status } => (
                widget(
                    ErrorCode::ProxyUnreachable,
                    format!("The proxy answered with HTTP {status} and no contract error body."),
                ),
                Vec::new(),
            ),
            Error::Dom(_) | Error::Serialize(_) => (
                widget(
                    ErrorCode::Internal,
                    "An internal error occurred in the widget.".to_owned(),
                ),
                Vec::new(),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lost_connection_or_a_gateways_answer_is_worth_asking_again() {
        assert!(Error::Network("connection reset".into()).is_transient());
        for status in [502, 503, 504] {
            assert!(Error::Protocol { status }.is_transient(), "{status}");
        }
        for status in [200, 400, 404, 500] {
            assert!(!Error::Protocol { status }.is_transient(), "{status}");
        }
        assert!(!Error::Aborted.is_transient());
        let blocked = Error::CspBlocked {
            origin: "https://api.example.com".into(),
        };
        assert!(!blocked.is_transient());
    }
}
