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
use gloo_net::http::Request;
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::AbortSignal;

use crate::config::Config;
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
    let response = Request::get(&config.endpoint("config"))
        .header("Accept", "application/json")
        .abort_signal(Some(signal))
        .send()
        .await?;
    let status = response.status();
    if !response.ok() {
        return Err(Error::Protocol { status });
    }
    response.json().await.map_err(|e| match Error::from(e) {
        Error::Aborted => Error::Aborted,
        _ => Error::Protocol { status },
    })
}

async fn post<B: Serialize, T: DeserializeOwned>(
    config: &Config,
    path: &str,
    body: &B,
    signal: &AbortSignal,
) -> Result<T, Error> {
    let mut request = Request::post(&config.endpoint(path))
        .header("X-Azdo-Connect", "1")
        .header("Accept", "application/json");
    if let Some(token) = &config.csrf_token {
        request = request.header("X-CSRF-Token", token);
    }
    let response = request
        .abort_signal(Some(signal))
        .json(body)?
        .send()
        .await?;
    let status = response.status();
    // A body that is not the contract (an HTML error page, a bare gateway error) means the proxy
    // itself is in trouble, not Azure DevOps.
    let off_contract = |e: gloo_net::Error| match Error::from(e) {
        Error::Aborted => Error::Aborted,
        _ => Error::Protocol { status },
    };
    if response.ok() {
        response.json::<T>().await.map_err(off_contract)
    } else {
        let body: ErrorBody = response.json().await.map_err(off_contract)?;
        Err(Error::Api(body.error))
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
