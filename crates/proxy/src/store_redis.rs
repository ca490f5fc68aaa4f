//! The shared store in Redis (`--store redis://…`), for several instances behind a load
//! balancer: sign-in flow records, and the per-client rate limit.
//!
//! Records are `SET … PX` (Redis expires them), read with `GET`, and taken once with `GETDEL`
//! (Redis 6.2+), which is atomic: of any number of instances taking one key, one gets it.
//!
//! The rate limit is the generic cell rate algorithm (GCRA), the algorithm `governor` runs in
//! memory for a single instance, as one Lua script so that a check and its update are one atomic
//! step whichever instance runs it. A client may send `burst` requests at once, then one per
//! interval; a refused request costs nothing. Time is Redis's own clock (`TIME`), so instances
//! whose clocks disagree still count against one schedule.
//!
//! When Redis cannot be reached every operation fails with `upstream_unavailable`, and so the
//! rate-limited endpoints **fail closed** rather than let requests through uncounted: they check
//! tokens against Azure DevOps, and an outage (or someone able to cause one) must not lift the
//! per-client limit on that. The outage is logged and `/readyz` reports it.

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;

use crate::redis_connection::RedisConnection;
use crate::store::SharedStore;
use crate::store_url::StoreUrl;
use crate::Error;

/// Every key this proxy writes starts with it, so a Redis shared with other software stays tidy.
const NAMESPACE: &str = "azdo-connect:";

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

/// A [`SharedStore`] in Redis. Made with [`StoreUrl::open`]; it connects on first use and
/// reconnects by itself.
pub(crate) struct RedisStore {
    redis: RedisConnection,
    gcra: redis::Script,
}

impl RedisStore {
    /// A store for `store`, which must name Redis. No I/O happens until the first operation.
    pub(crate) fn new(store: &StoreUrl) -> Result<Self, Error> {
        Ok(RedisStore {
            redis: RedisConnection::new(store)?,
            gcra: redis::Script::new(GCRA),
        })
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RedisStore").field(&self.redis).finish()
    }
}

fn namespaced(key: &str) -> String {
    format!("{NAMESPACE}{key}")
}

impl RedisStore {
    /// Sends `command` within the connection's bounds.
    fn send<T>(&self, command: redis::Cmd) -> BoxFuture<'_, Result<T, Error>>
    where
        T: redis::FromRedisValue + Send + 'static,
    {
        Box::pin(async move {
            self.redis
                .run(|mut c| async move { command.query_async(&mut c).await })
                .await
        })
    }

    /// `name key`, on a namespaced key.
    fn on_key<T>(&self, name: &str, key: &str) -> BoxFuture<'_, Result<T, Error>>
    where
        T: redis::FromRedisValue + Send + 'static,
    {
        let mut command = redis::cmd(name);
        command.arg(namespaced(key));
        self.send(command)
    }
}

impl SharedStore for RedisStore {
    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), Error>> {
        // Redis refuses `PX 0`; a record that expires at once is no record.
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        let mut command = if millis == 0 {
            redis::cmd("DEL")
        } else {
            redis::cmd("SET")
        };
        command.arg(namespaced(key));
        if millis > 0 {
            command.arg(value).arg("PX").arg(millis);
        }
        self.send(command)
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, Error>> {
        self.on_key("GET", key)
    }

    fn take<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, Error>> {
        self.on_key("GETDEL", key)
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), Error>> {
        self.send(redis::cmd("PING"))
    }

    fn counts_requests(&self) -> bool {
        true
    }

    fn count_request<'a>(
        &'a self,
        key: &'a str,
        interval: Duration,
        burst: u32,
    ) -> BoxFuture<'a, Result<Option<Duration>, Error>> {
        let mut invocation = self.gcra.key(namespaced(key));
        invocation
            .arg(interval.as_secs_f64() * 1_000_000.0)
            .arg(burst);
        Box::pin(async move {
            let (allowed, wait_micros): (u8, u64) = self
                .redis
                .run(|mut c| async move { invocation.invoke_async(&mut c).await })
                .await?;
            Ok((allowed == 0).then(|| Duration::from_micros(wait_micros)))
        })
    }
}
