//! The router and the small read-only handlers.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json, Router};
use azdo_connect_core::contract::{ConfigResponse, Limits};
use azdo_connect_core::scopes;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::credential::{Keyring, Sealer};
use crate::extract::BodyLimit;
use crate::origin::Origins;
use crate::security;
use crate::upstream::Upstream;
use crate::{AppState, Error, ProxyConfig, RateLimit};

/// Builds the proxy's router: `POST {base}/verify`, `POST {base}/projects`, `POST {base}/check`,
/// the sign-in endpoints `{base}/oauth/…`, `GET {base}/config`, `GET {base}/openapi.json`,
/// `GET /healthz` and `GET /readyz`.
///
/// Mount it in your own axum app with `Router::merge` (it already carries its base path), or serve
/// it alone. The `POST` endpoints, and apart from them the sign-in `GET`s (`oauth/callback`,
/// `oauth/result`, with four times the rate), are rate limited per client IP address, which axum
/// only knows when the app is served with connect info:
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use std::net::SocketAddr;
/// let proxy = azdo_connect_proxy::router(azdo_connect_proxy::ProxyConfig::default())?;
/// let app = axum::Router::new().merge(proxy); // plus the vendor's own routes
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
/// axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
/// # Ok(()) }
/// ```
///
/// Served without connect info, all clients share one rate-limit bucket. Behind a reverse proxy
/// the peer is the reverse proxy: set [`ProxyConfig::client_ip_source`] to the header it sets
/// (and let clients reach the proxy only through it), as the crate's README describes.
///
/// # Errors
/// [`Error::Config`] when the configuration is invalid (a base path without a leading `/`, a zero
/// rate limit or timeout, an unparsable allowed origin, a non-http upstream override). A Redis
/// store is not contacted here: `GET /readyz` reports whether it can be reached.
pub fn router(config: ProxyConfig) -> Result<Router, Error> {
    build(config, Router::new())
}

/// [`router`] plus the demo backend routes of `azdo-connect-proxy serve --demo`, which persist the
/// connection the demo page reports in `store` (see [`crate::DemoStore`]):
/// `POST {base}/demo/connections`, `GET` and `DELETE {base}/demo/connections/current`,
/// `POST {base}/demo/check` and `POST {base}/demo/break`.
///
/// They stand in for a vendor's own backend in the demo and are not part of the public contract.
/// They sit behind the same origin and `X-Azdo-Connect` guard as the contract's endpoints.
///
/// # Errors
/// As [`router`].
#[cfg(feature = "demo")]
pub fn router_with_demo(config: ProxyConfig, store: crate::DemoStore) -> Result<Router, Error> {
    let demo = crate::demo_store::routes(
        store,
        config.max_body_bytes,
        config.upstream_override.clone(),
    );
    build(config, demo)
}

// `extra` routes are mounted under the base path, behind the origin/CSRF guard and CORS. Every
// contract endpoint is registered with `routes!`, which adds its OpenAPI entry at the same time.
fn build(config: ProxyConfig, extra: Router<Arc<AppState>>) -> Result<Router, Error> {
    let base = config.validate()?;
    let origins = Origins::new(&config.allowed_origins);

    // Layers listed last run first: the deadline sits inside the rate limit so a refused request
    // costs nothing, and the body limit applies to the extractor inside the handler.
    let calls = OpenApiRouter::default()
        .routes(routes!(crate::verify::verify))
        .routes(routes!(crate::projects::projects))
        .routes(routes!(crate::oauth::start))
        .route_layer(from_fn_with_state(
            config.verify_timeout,
            security::deadline,
        ));
    let calls = security::rate_limited(calls, &config, config.rate_limit, "api")?
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body_bytes))
        .layer(Extension(BodyLimit(config.max_body_bytes)));
    // Outside the deadline (a 25 s long poll) and the CSRF header check (the callback is a
    // top-level navigation from Microsoft); both are GETs that change nothing a forger wants.
    // They have their own per-client budget, apart from the POSTs'.
    let sign_in_gets = OpenApiRouter::default()
        .routes(routes!(crate::oauth::callback))
        .routes(routes!(crate::oauth::result));
    let sign_in_gets = security::rate_limited(
        sign_in_gets,
        &config,
        sign_in_get_limit(config.rate_limit),
        "sign-in",
    )?
    .route_layer(from_fn(crate::oauth::callback_rate_limit_page));
    // A vendor's backend checks its stored connections in bulk: its own limit, so neither starves
    // the other.
    let checks = OpenApiRouter::default()
        .routes(routes!(crate::check::check))
        .route_layer(from_fn_with_state(
            config.verify_timeout,
            security::deadline,
        ));
    let checks = security::rate_limited(checks, &config, config.check_rate_limit, "check")?
        .layer(axum::extract::DefaultBodyLimit::max(config.max_body_bytes))
        .layer(Extension(BodyLimit(config.max_body_bytes)));
    let api = OpenApiRouter::default()
        .routes(routes!(get_config))
        .routes(routes!(openapi_json))
        .merge(sign_in_gets)
        .merge(calls)
        .merge(checks)
        .merge(OpenApiRouter::from(extra))
        .layer(from_fn_with_state(origins.clone(), security::guard))
        .layer(origins.cors());
    let app = OpenApiRouter::with_openapi(crate::openapi::frame())
        .routes(routes!(healthz))
        .routes(routes!(crate::readiness::readyz));
    let (app, openapi) = if base.is_empty() {
        app.merge(api)
    } else {
        app.nest(&base, api)
    }
    .split_for_parts();

    let state = Arc::new(AppState {
        upstream: Upstream::new(&config)?,
        sealer: Sealer::new(*config.seal_key.key(), config.seal_key.kid())?,
        keyring: Keyring::new(&config.seal_key, &config.previous_keys),
        allowed_servers: config.allowed_servers.clone(),
        credential_ttl: config.credential_ttl,
        entra: config.entra.clone(),
        sign_in: config
            .entra
            .as_ref()
            .map(|entra| {
                crate::entra::Entra::new(entra, config.connect_timeout, config.verify_timeout)
            })
            .transpose()?,
        origins: origins.clone(),
        verify_timeout: config.verify_timeout,
        store: config.store.clone(),
        config: ConfigResponse {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            allowed_servers: config.allowed_servers.hosts().to_vec(),
            scopes: scopes::all().iter().map(|s| s.info()).collect(),
            limits: Limits {
                max_body_bytes: config.max_body_bytes as u64,
                verify_timeout_ms: u64::try_from(config.verify_timeout.as_millis())
                    .unwrap_or(u64::MAX),
                requests_per_minute: config.rate_limit.per_minute,
            },
            entra: config.entra.is_some(),
        },
        openapi: serde_json::to_string(&openapi)
            .map_err(|e| Error::Config(format!("the OpenAPI document failed to render: {e}")))?,
    });
    let app = app.layer(Extension(config.draining.clone()));
    Ok(app.with_state(state).layer(from_fn(no_store)).layer(
        // One line per request at INFO (method, path, status, latency); never headers, bodies
        // or query strings, which carry the token, the credential and Microsoft's authorization
        // code (on the sign-in callback).
        TraceLayer::new_for_http()
            .make_span_with(|request: &axum::extract::Request| {
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    version = ?request.version(),
                )
            })
            .on_response(DefaultOnResponse::new().level(Level::INFO)),
    ))
}

/// The budget of `oauth/callback` and `oauth/result`: four times the POSTs' rate and twice their
/// burst. A sign-in costs one callback and a result poll every 25 s (the long poll), so a
/// person, or a few behind one address, never reach it; a client hammering `wait=0` does.
fn sign_in_get_limit(posts: RateLimit) -> RateLimit {
    RateLimit {
        per_minute: posts.per_minute.saturating_mul(4),
        burst: posts.burst.saturating_mul(2),
    }
}

/// What the widget may know: the on-prem allowlist, the scope catalogue and the limits.
#[utoipa::path(
    get,
    path = "/config",
    tag = "azdo-connect",
    responses((status = 200, description = "The proxy's public configuration.", body = ConfigResponse))
)]
pub(crate) async fn get_config(State(state): State<Arc<AppState>>) -> Json<ConfigResponse> {
    Json(state.config.clone())
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "azdo-connect",
    responses((status = 200, description = "The OpenAPI 3.1 document of this proxy.", content_type = "application/json"))
)]
pub(crate) async fn openapi_json(State(state): State<Arc<AppState>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        state.openapi.clone(),
    )
        .into_response()
}

/// Liveness.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "azdo-connect",
    responses((status = 200, description = "The proxy is up.", body = String, example = "ok"))
)]
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

// Answers carry credentials and user details: no cache may keep them.
async fn no_store(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
