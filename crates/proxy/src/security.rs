//! Cross-cutting request guards: the origin and CSRF checks, per-client rate limiting (in memory
//! with `governor`, or shared through Redis by [`crate::rate_limit_redis`]), and the request
//! deadline.

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
use crate::rate_limit_redis::{self, RedisRateLimit};
use crate::redis_connection::RedisConnection;
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

/// Puts `routes` behind the per-client rate limit: counted in this process (`shared` is `None`,
/// the memory store), or in the shared Redis so that every instance counts against one limit.
pub(crate) fn rate_limited<S>(
    routes: OpenApiRouter<S>,
    config: &ProxyConfig,
    shared: Option<Arc<RedisConnection>>,
) -> Result<OpenApiRouter<S>, Error>
where
    S: Clone + Send + Sync + 'static,
{
    Ok(match shared {
        None => routes.route_layer(rate_limit_layer(
            config.rate_limit,
            config.client_ip_source,
        )?),
        Some(redis) => routes.route_layer(axum::middleware::from_fn_with_state(
            Arc::new(RedisRateLimit::new(
                redis,
                config.rate_limit,
                config.client_ip_source,
            )),
            rate_limit_redis::limit,
        )),
    })
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
