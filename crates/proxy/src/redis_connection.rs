//! The connection to the shared Redis store: made on first use, re-made by itself after Redis
//! comes back, and every command bounded in time so an unreachable Redis costs a request at most
//! [`COMMAND_BOUND`], never a hang.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::RedisResult;

use crate::store_url::StoreUrl;
use crate::Error;

/// The longest one store operation may take, reconnecting included, before the request it
/// serves is answered `upstream_unavailable`.
const COMMAND_BOUND: Duration = Duration::from_secs(2);
/// How long one TCP (and TLS) connection attempt to Redis may take.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);
/// How long Redis may take to answer one command on a live connection.
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(1000);

/// One Redis server shared by every instance, reached through a [`ConnectionManager`]
/// (one multiplexed connection, re-established after I/O errors).
pub(crate) struct RedisConnection {
    client: redis::Client,
    /// The URL with its password redacted, for logs.
    shown: String,
    password: Option<String>,
    // Made inside the async runtime on first use: `router()` is synchronous and may run before
    // one exists, and the manager spawns a task.
    manager: OnceLock<ConnectionManager>,
    // Whether the last operation reached Redis, so that the log says once when it is lost and
    // once when it is back, rather than once per request.
    reachable: AtomicBool,
}

impl std::fmt::Debug for RedisConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisConnection")
            .field("store", &self.shown)
            .finish_non_exhaustive()
    }
}

impl RedisConnection {
    /// Checks the URL (no I/O happens until the first command).
    pub(crate) fn new(store: &StoreUrl) -> Result<Self, Error> {
        let StoreUrl::Redis(url) = store else {
            return Err(Error::Config(
                "the memory store has no Redis connection".into(),
            ));
        };
        let password = store.password();
        let client = redis::Client::open(url.as_str()).map_err(|e| {
            Error::Config(format!(
                "--store {store} is not usable: {}",
                scrub(&e.to_string(), password.as_deref())
            ))
        })?;
        Ok(RedisConnection {
            client,
            shown: store.redacted(),
            password,
            manager: OnceLock::new(),
            reachable: AtomicBool::new(true),
        })
    }

    /// Runs `operation` on the shared connection within [`COMMAND_BOUND`]; a Redis error or
    /// the bound passing becomes [`Error::StoreUnavailable`], whose text (shown to clients) says
    /// what kind of failure it was and nothing about where the store is. The details go to the
    /// log, once when the store is lost and once when it is back.
    pub(crate) async fn run<T, F, Fut>(&self, operation: F) -> Result<T, Error>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let outcome = match self.manager() {
            Ok(manager) => tokio::time::timeout(COMMAND_BOUND, operation(manager))
                .await
                .map_err(|_| Failure::Bound),
            Err(error) => Ok(Err(error)),
        }
        .and_then(|result| result.map_err(Failure::Redis));
        match outcome {
            Ok(value) => {
                if !self.reachable.swap(true, Ordering::Relaxed) {
                    tracing::info!(store = %self.shown, "the shared store is reachable again");
                }
                Ok(value)
            }
            Err(failure) => {
                if self.reachable.swap(false, Ordering::Relaxed) {
                    let reason = match &failure {
                        Failure::Bound => format!("no answer within {COMMAND_BOUND:?}"),
                        Failure::Redis(error) => {
                            scrub(&error.to_string(), self.password.as_deref())
                        }
                    };
                    tracing::warn!(store = %self.shown, %reason, "the shared store cannot be reached");
                }
                Err(Error::StoreUnavailable(failure.kind().to_owned()))
            }
        }
    }

    fn manager(&self) -> RedisResult<ConnectionManager> {
        if let Some(manager) = self.manager.get() {
            return Ok(manager.clone());
        }
        // Few, quick reconnection attempts: a request waits for them, and the next request
        // starts a new round anyway.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(200));
        let manager = ConnectionManager::new_lazy_with_config(self.client.clone(), config)?;
        // Two first requests at once may both make one; the loser's is dropped unused.
        Ok(self.manager.get_or_init(|| manager).clone())
    }
}

/// Why an operation failed.
enum Failure {
    /// [`COMMAND_BOUND`] passed.
    Bound,
    /// The client or Redis answered an error.
    Redis(redis::RedisError),
}

impl Failure {
    /// What kind of failure, in words a client may see.
    fn kind(&self) -> &'static str {
        match self {
            Failure::Bound => "no answer in time",
            Failure::Redis(error) if error.is_timeout() => "no answer in time",
            Failure::Redis(error) if error.is_io_error() || error.is_connection_dropped() => {
                "no connection"
            }
            Failure::Redis(_) => "it refused the request",
        }
    }
}

/// `text` without the password, should the client ever quote it.
fn scrub(text: &str, password: Option<&str>) -> String {
    match password {
        Some(password) if !password.is_empty() => text.replace(password, "***"),
        _ => text.to_owned(),
    }
}
