//! Calls to the vendor's proxy (DESIGN.md "Proxy HTTP contract").
//!
//! Every request carries `X-Azdo-Connect: 1` (the proxy refuses POSTs without it) and, when the
//! host set `csrf-token`, `X-CSRF-Token`. Each takes an `AbortSignal` so a superseded request is
//! cancelled rather than raced.

use azdo_connect_core::contract::{
    ConfigResponse, ErrorBody, ErrorDetail, ProjectsRequest, ProjectsResponse, ScopeStatus,
    VerifyRequest, VerifyResponse,
};
use azdo_connect_core::ErrorCode;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

use crate::config::Config;
use crate::js_read::FromJs;
use crate::js_write::ToJs;
use crate::Error;

/// `POST {proxy-url}/verify`.
///
/// # Errors
/// [`Error::Api`] with the proxy's contract error, [`Error::Network`] / [`Error::Protocol`] when
/// the proxy is unreachable or off-contract, [`Error::Aborted`] when `signal` fired.
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

/// `GET {proxy-url}/config`: what the proxy lets the widget know (the on-prem allowlist).
///
/// # Errors
/// As [`verify`].
pub async fn config(config: &Config, signal: &AbortSignal) -> Result<ConfigResponse, Error> {
    let response = fetch(config, "config", None, signal).await?;
    let status = response.status();
    if !response.ok() {
        return Err(Error::Protocol { status });
    }
    contract(&read_json(&response).await?, status)
}

async fn post<T: FromJs>(
    config: &Config,
    path: &str,
    body: &dyn ToJs,
    signal: &AbortSignal,
) -> Result<T, Error> {
    // The browser's own JSON (js_write + JSON.stringify / Response.json) instead of serde_json:
    // the events already need JS objects, and a serializer and parser in Rust would be ~15 KB gzip
    // of dead weight.
    let text = js_sys::JSON::stringify(&body.to_js())
        .map_err(|_| Error::Serialize("the request body is not JSON".to_owned()))?;
    let response = fetch(config, path, Some(&text.into()), signal).await?;
    let status = response.status();
    let json = read_json(&response).await?;
    if response.ok() {
        contract(&json, status)
    } else {
        Err(Error::Api(contract::<ErrorBody>(&json, status)?.error))
    }
}

/// Sends one request: a `POST` of `json` when given, a `GET` otherwise.
async fn fetch(
    config: &Config,
    path: &str,
    json: Option<&JsValue>,
    signal: &AbortSignal,
) -> Result<Response, Error> {
    let headers = Headers::new()?;
    headers.append("Accept", "application/json")?;
    let init = RequestInit::new();
    if let Some(json) = json {
        init.set_method("POST");
        headers.append("Content-Type", "application/json")?;
        headers.append("X-Azdo-Connect", "1")?;
        if let Some(token) = &config.csrf_token {
            headers.append("X-CSRF-Token", token)?;
        }
        init.set_body(json);
    }
    init.set_headers(&headers);
    init.set_signal(Some(signal));
    let window = web_sys::window().ok_or_else(|| Error::Dom("no window".to_owned()))?;
    let promise = window.fetch_with_str_and_init(&config.endpoint(path), &init);
    let response = JsFuture::from(promise).await.map_err(network)?;
    response
        .dyn_into::<Response>()
        .map_err(|_| Error::Network("fetch did not return a Response".to_owned()))
}

/// The response's parsed JSON body. Not generic: one copy of this future serves every answer type.
/// A body that is not JSON (an HTML error page, a bare gateway error) means the proxy itself is in
/// trouble, not Azure DevOps.
async fn read_json(response: &Response) -> Result<JsValue, Error> {
    let status = response.status();
    let off_contract = |_| Error::Protocol { status };
    let promise = response.json().map_err(off_contract)?;
    JsFuture::from(promise).await.map_err(|e| match network(e) {
        Error::Aborted => Error::Aborted,
        _ => Error::Protocol { status },
    })
}

/// A JSON body as the contract type `T`; JSON of another shape is as off-contract as no JSON.
fn contract<T: FromJs>(json: &JsValue, status: u16) -> Result<T, Error> {
    T::from_js(json).ok_or(Error::Protocol { status })
}

/// What a rejected `fetch` means: a stale request that was aborted, or a network failure
/// (unreachable, CORS, blocked by CSP).
fn network(error: JsValue) -> Error {
    match error.dyn_ref::<js_sys::Error>() {
        Some(e) if e.name() == "AbortError" => Error::Aborted,
        Some(e) => Error::Network(format!(
            "{}: {}",
            String::from(e.name()),
            String::from(e.message())
        )),
        None => Error::Network("fetch failed".to_owned()),
    }
}

impl Error {
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
