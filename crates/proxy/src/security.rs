//! Cross-cutting request guards: the origin and CSRF checks, per-client rate limiting (in memory
//! with `governor`, or counted in the shared store so that every instance counts against one
//! limit), and the request deadline.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_governor::governor::GovernorConfigBuilder;
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::{GovernorError, GovernorLayer};
use utoipa_axum::router::OpenApiRouter;

use crate::client_ip::ClientIpSource;
use crate::config::RateLimit;
use crate::origin::{is_same_origin, Origins, CSRF_HEADER};
use crate::store::SharedStore;
use crate::{Error, ProxyConfig};

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

/// Rate-limit key: the client IP from the configured [`ClientIpSource`]. `None` (one bucket for
/// every client) only for the peer source on a router served without connect info, which
/// [`ClientIpSource::client_ip`] reports in the log.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientKey(ClientIpSource);

impl KeyExtractor for ClientKey {
    type Key = Option<IpAddr>;

    fn extract<T>(&self, req: &axum::http::Request<T>) -> Result<Self::Key, GovernorError> {
        self.0
            .client_ip(req)
            .map_err(|message| GovernorError::Other {
                code: StatusCode::BAD_REQUEST,
                msg: Some(message),
                headers: None,
            })
    }
}

/// Puts `routes` behind a per-client rate limit of `limit`: counted in the store when it is
/// shared by every instance ([`SharedStore::counts_requests`]), otherwise in this process by
/// `governor`. Each `bucket` (`"api"`, `"sign-in"`, …) is a budget of its own.
pub(crate) fn rate_limited<S>(
    routes: OpenApiRouter<S>,
    config: &ProxyConfig,
    limit: RateLimit,
    bucket: &'static str,
) -> Result<OpenApiRouter<S>, Error>
where
    S: Clone + Send + Sync + 'static,
{
    if !config.store.counts_requests() {
        return Ok(routes.route_layer(rate_limit_layer(limit, config.client_ip_source)?));
    }
    let shared = SharedLimit {
        store: config.store.clone(),
        interval: Duration::from_secs(60) / limit.per_minute,
        burst: limit.burst,
        source: config.client_ip_source,
        bucket,
    };
    Ok(routes.route_layer(axum::middleware::from_fn_with_state(
        shared,
        shared_rate_limit,
    )))
}

/// The rate limit counted in the shared store.
#[derive(Clone)]
struct SharedLimit {
    store: Arc<dyn SharedStore>,
    interval: Duration,
    burst: u32,
    source: ClientIpSource,
    bucket: &'static str,
}

/// The same answers as the in-memory limiter: 429 `rate_limited` with `Retry-After` over the
/// limit, 400 `invalid_request` when the configured client-address header is unreadable; and
/// `upstream_unavailable` when the store cannot count (fail closed, see the crate's README).
async fn shared_rate_limit(
    State(limit): State<SharedLimit>,
    request: Request,
    next: Next,
) -> Response {
    let key = match limit.source.client_ip(&request) {
        Ok(Some(ip)) => format!("rate:{}:{ip}", limit.bucket),
        // Without connect info every client shares one key, as with the in-memory limiter.
        Ok(None) => format!("rate:{}:shared", limit.bucket),
        Err(message) => return Error::InvalidRequest(message).into_response(),
    };
    match limit
        .store
        .count_request(&key, limit.interval, limit.burst)
        .await
    {
        Ok(None) => next.run(request).await,
        // Rounded up, so that a retry after `Retry-After` seconds is let through.
        Ok(Some(wait)) => Error::RateLimited {
            retry_after: u64::try_from(wait.as_micros().div_ceil(1_000_000))
                .unwrap_or(u64::MAX)
                .max(1),
        }
        .into_response(),
        Err(error) => error.into_response(),
    }
}

/// The rate limit layer, keyed by `source`, answering 429 `rate_limited` with `Retry-After`, and
/// 400 `invalid_request` when `source` is a header the request lacks.
fn rate_limit_layer(
    limit: RateLimit,
    source: ClientIpSource,
) -> Result<GovernorLayer<ClientKey, governor::middleware::NoOpMiddleware, axum::body::Body>, Error>
{
    let period = Duration::from_secs(60) / limit.per_minute;
    let config = GovernorConfigBuilder::default()
        .key_extractor(ClientKey(source))
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
            GovernorError::Other {
                msg: Some(message), ..
            } => Error::InvalidRequest(message).into_response(),
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
