//! The per-client rate limit shared by every instance through Redis: the generic cell rate
//! algorithm (GCRA), the algorithm `governor` runs in memory for a single instance, as one Lua
//! script so that a check and its update are one atomic step whichever instance runs it.
//!
//! Semantics match the in-memory limiter: a client may send `burst` requests at once, then one
//! per `60 s / per_minute`; a refused request costs nothing. Time is Redis's own clock (`TIME`),
//! so instances whose clocks disagree still count against one schedule.
//!
//! When Redis cannot be reached the limiter **fails closed**: the request is answered
//! `upstream_unavailable` rather than let through uncounted. The `POST` endpoints check tokens
//! against Azure DevOps, and an outage (or someone able to cause one) must not lift the
//! per-client limit on that; the store outage is also logged and `/readyz` reports it.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::client_ip::ClientIpSource;
use crate::config::RateLimit;
use crate::redis_connection::RedisConnection;
use crate::Error;

/// Where the counters live: one key per client address, gone once the client is idle.
const KEY_PREFIX: &str = "azdo-connect:rate:";

/// GCRA with a theoretical arrival time (TAT) per key, in microseconds of Redis's clock.
/// ARGV[1]: the emission interval (µs per request); ARGV[2]: the burst.
/// Returns `{1, 0}` when allowed, `{0, µs until the next request would be allowed}` otherwise.
const GCRA: &str = r"
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local next_tat = tat + interval
local allowed_at = next_tat - burst * interval
if now < allowed_at then
  return {0, math.ceil(allowed_at - now)}
end
local ttl_ms = math.ceil((next_tat - now) / 1000)
redis.call('SET', KEYS[1], string.format('%.17g', next_tat), 'PX', math.max(ttl_ms, 1))
return {1, 0}
";

/// The shared limiter: the script, its parameters, and where the client's address comes from.
pub(crate) struct RedisRateLimit {
    redis: Arc<RedisConnection>,
    script: redis::Script,
    interval_micros: f64,
    burst: u32,
    source: ClientIpSource,
}

impl RedisRateLimit {
    pub(crate) fn new(
        redis: Arc<RedisConnection>,
        limit: RateLimit,
        source: ClientIpSource,
    ) -> Self {
        RedisRateLimit {
            redis,
            script: redis::Script::new(GCRA),
            interval_micros: 60_000_000.0 / f64::from(limit.per_minute),
            burst: limit.burst,
            source,
        }
    }

    /// Counts one request of `client`: `Ok(None)` when it may proceed, `Ok(Some(wait))` when it
    /// is over the limit.
    async fn check(&self, client: Option<IpAddr>) -> Result<Option<Duration>, Error> {
        // Without connect info every client shares one key, as with the in-memory limiter.
        let key = match client {
            Some(ip) => format!("{KEY_PREFIX}{ip}"),
            None => format!("{KEY_PREFIX}shared"),
        };
        let (allowed, wait_micros): (u8, u64) = self
            .redis
            .run(|mut connection| async move {
                let mut invocation = self.script.key(key);
                invocation.arg(self.interval_micros).arg(self.burst);
                invocation.invoke_async(&mut connection).await
            })
            .await?;
        Ok((allowed == 0).then(|| Duration::from_micros(wait_micros)))
    }
}

/// The shared rate limit as a middleware: 429 `rate_limited` with `Retry-After` over the limit,
/// 400 `invalid_request` when the configured client-address header is unreadable, and
/// `upstream_unavailable` when Redis cannot be reached.
pub(crate) async fn limit(
    State(limiter): State<Arc<RedisRateLimit>>,
    request: Request,
    next: Next,
) -> Response {
    let client = match limiter.source.client_ip(&request) {
        Ok(client) => client,
        Err(message) => return Error::InvalidRequest(message).into_response(),
    };
    match limiter.check(client).await {
        Ok(None) => next.run(request).await,
        // Rounded up: a retry after `Retry-After` seconds is then allowed.
        Ok(Some(wait)) => Error::RateLimited {
            retry_after: wait.as_micros().div_ceil(1_000_000).max(1) as u64,
        }
        .into_response(),
        Err(error) => error.into_response(),
    }
}
