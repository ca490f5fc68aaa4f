//! Cross-cutting request guards: CORS, the origin and CSRF checks, per-client rate limiting, and
//! the request deadline.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};
use tower_http::cors::{AllowOrigin, CorsLayer};
use url::Url;

use crate::config::RateLimit;
use crate::Error;

/// The header every `POST` must carry with the value `1`. A cross-site form can't set a custom
/// header, and a cross-origin `fetch` that sets one needs a CORS preflight the proxy only grants to
/// allowed origins.
pub const CSRF_HEADER: &str = "x-azdo-connect";

/// An origin as `scheme://host[:port]`, lowercase, default port omitted; `None` if `text` is not
/// an http(s) origin (no path, query, fragment or userinfo).
pub(crate) fn parse_origin(text: &str) -> Option<String> {
    let url = Url::parse(text.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// The allowed origins, normalized once.
#[derive(Debug, Clone)]
pub(crate) struct Origins(Arc<Vec<String>>);

impl Origins {
    pub(crate) fn new(configured: &[String]) -> Self {
        Origins(Arc::new(
            configured.iter().filter_map(|o| parse_origin(o)).collect(),
        ))
    }

    fn allows(&self, origin: &str) -> bool {
        parse_origin(origin).is_some_and(|o| self.0.contains(&o))
    }

    pub(crate) fn cors(&self) -> CorsLayer {
        let allowed = self.clone();
        CorsLayer::new()
            .allow_origin(AllowOrigin::predicate(move |origin, _| {
                origin.to_str().is_ok_and(|o| allowed.allows(o))
            }))
            // DELETE only serves the demo routes of `serve --demo`; no contract endpoint has one.
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([
                header::CONTENT_TYPE,
                HeaderName::from_static(CSRF_HEADER),
                HeaderName::from_static("x-csrf-token"),
            ])
            .expose_headers([header::RETRY_AFTER])
            .max_age(Duration::from_secs(600))
    }
}

// A browser sends `Origin` on every cross-origin request and on same-origin POSTs; the latter
// carries the page's own origin, which matches the Host the browser connected to.
fn is_same_origin(origin: &str, host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    Url::parse(origin.trim()).ok().is_some_and(|url| {
        let authority = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        authority.eq_ignore_ascii_case(host)
    })
}

/// Refuses a request whose `Origin` is present and neither allowed nor the proxy's own origin
/// (403 `forbidden_origin`), then requires `X-Azdo-Connect: 1` on every `POST` (400
/// `invalid_request`).
pub(crate) async fn guard(
    State(origins): State<Origins>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let text = origin.to_str().unwrap_or("(unreadable)");
        if !origins.allows(text) && !is_same_origin(text, request.headers().get(header::HOST)) {
            let shown: String = text.chars().take(200).collect();
            return Error::ForbiddenOrigin(shown).into_response();
        }
    }
    if request.method() == Method::POST
        && request
            .headers()
            .get(CSRF_HEADER)
            .is_none_or(|v| v.as_bytes() != b"1")
    {
        return Error::InvalidRequest(
            "Every POST must carry the header X-Azdo-Connect: 1 (the <azdo-connect> element sends it)."
                .into(),
        )
        .into_response();
    }
    next.run(request).await
}

/// Bounds the whole handling of a request, upstream calls included; when the deadline passes the
/// handler is dropped (cancelling its upstream requests) and the client gets 504
/// `upstream_timeout`.
pub(crate) async fn deadline(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Error::UpstreamTimeout.into_response(),
    }
}

/// Rate-limit key: the peer IP from axum's `ConnectInfo`. Without connect info (a router served
/// without `into_make_service_with_connect_info::<SocketAddr>()`), every client shares one bucket
/// rather than failing every request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeerIp;

impl KeyExtractor for PeerIp {
    type Key = Option<IpAddr>;

    fn extract<T>(&self, req: &axum::http::Request<T>) -> Result<Self::Key, GovernorError> {
        Ok(req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip()))
    }
}

/// The rate limit layer, answering 429 `rate_limited` with `Retry-After`.
pub(crate) fn rate_limit_layer(
    limit: RateLimit,
) -> Result<GovernorLayer<PeerIp, governor::middleware::NoOpMiddleware, axum::body::Body>, Error> {
    let period = Duration::from_secs(60) / limit.per_minute;
    let config = GovernorConfigBuilder::default()
        .key_extractor(PeerIp)
        .period(period)
        .burst_size(limit.burst)
        .finish()
        .ok_or_else(|| Error::Config("the rate limit is out of range".into()))?;
    prune_periodically(config.limiter());
    Ok(
        GovernorLayer::new(config).error_handler(|error| match error {
            GovernorError::TooManyRequests { wait_time, .. } => Error::RateLimited {
                // Rounded down by governor; a zero would invite an immediate retry that fails too.
                retry_after: wait_time.max(1),
            }
            .into_response(),
            other => Error::InvalidRequest(other.to_string()).into_response(),
        }),
    )
}

// Forget idle clients now and then so the per-IP table cannot grow without bound. The thread holds
// only a weak reference and ends once the router is dropped.
fn prune_periodically(
    limiter: &tower_governor::governor::SharedRateLimiter<
        Option<IpAddr>,
        governor::middleware::NoOpMiddleware,
    >,
) {
    let weak = Arc::downgrade(limiter);
    let spawned = std::thread::Builder::new()
        .name("azdo-connect-rate-limit-pruner".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_secs(60));
            match weak.upgrade() {
                Some(limiter) => limiter.retain_recent(),
                None => break,
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "could not start the rate-limit pruner");
    }
}
