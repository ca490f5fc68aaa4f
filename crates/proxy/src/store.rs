//! Short-lived shared state: where Microsoft sign-in flows wait between `oauth/start`, the
//! callback and `oauth/result`.
//!
//! One instance keeps it in memory ([`MemoryStore`], the default). Several instances behind a load
//! balancer must share it, because a flow may start on one instance, its callback land on a
//! second and the widget's poll on a third: they use a store every instance reaches
//! (`--store redis://…`).
//!
//! Values are opaque bytes with a time to live. Keys are namespaced by the caller
//! (`flow:…`, `result:…`). A record that must be used once is read with [`SharedStore::take`],
//! which removes it atomically, so two instances can never both use it.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures_util::future::BoxFuture;

use crate::Error;

/// A key-value store with expiry, shared by every instance of the proxy.
///
/// Implementations answer [`Error::StoreUnavailable`] when the store cannot be reached; they never
/// block longer than a few seconds.
pub trait SharedStore: fmt::Debug + Send + Sync + 'static {
    /// Stores `value` under `key` for `ttl`, replacing what was there.
    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// The value under `key`, if it exists and has not expired.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, Error>>;

    /// Removes and returns the value under `key`, atomically: of any number of concurrent callers
    /// on any number of instances, at most one gets it.
    fn take<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, Error>>;

    /// Whether the store can be reached now (the readiness check).
    fn ping(&self) -> BoxFuture<'_, Result<(), Error>>;

    /// Whether [`SharedStore::count_request`] counts for every instance. `false` (the default,
    /// and [`MemoryStore`]'s answer) leaves rate limiting to each process's in-memory limiter.
    fn counts_requests(&self) -> bool {
        false
    }

    /// Counts one request of rate-limit key `key` for every instance at once: a client may send
    /// `burst` requests at once, then one per `interval` (GCRA, as the in-memory limiter).
    /// `Ok(None)` lets it through; `Ok(Some(wait))` refuses it until `wait` has passed.
    ///
    /// Only called when [`SharedStore::counts_requests`] is `true`; the default refuses.
    fn count_request<'a>(
        &'a self,
        key: &'a str,
        interval: Duration,
        burst: u32,
    ) -> BoxFuture<'a, Result<Option<Duration>, Error>> {
        let _ = (key, interval, burst);
        Box::pin(std::future::ready(Err(Error::Config(
            "this store does not count requests".into(),
        ))))
    }
}

/// The in-process store: right for a single instance, and the default.
#[derive(Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, (Instant, Vec<u8>)>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Vec<u8>)>> {
        // A panic while holding the lock leaves plain data behind; keep serving it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values hold sign-in secrets: never print them.
        f.debug_struct("MemoryStore")
            .field("entries", &self.entries().len())
            .finish()
    }
}

impl SharedStore for MemoryStore {
    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<(), Error>> {
        let now = Instant::now();
        let mut entries = self.entries();
        // Expired entries go on every write, so the map stays bounded by what is live.
        entries.retain(|_, (expires, _)| *expires > now);
        entries.insert(key.to_owned(), (now + ttl, value));
        Box::pin(std::future::ready(Ok(())))
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, Error>> {
        let now = Instant::now();
        let found = self
            .entries()
            .get(key)
            .filter(|(expires, _)| *expires > now)
            .map(|(_, value)| value.clone());
        Box::pin(std::future::ready(Ok(found)))
    }

    fn take<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Vec<u8>>, Error>> {
        let now = Instant::now();
        let found = self
            .entries()
            .remove(key)
            .filter(|(expires, _)| *expires > now)
            .map(|(_, value)| value);
        Box::pin(std::future::ready(Ok(found)))
    }

    fn ping(&self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn take_is_once_and_expiry_hides_values() {
        let store = MemoryStore::new();
        store
            .put("flow:a", b"one".to_vec(), Duration::from_secs(60))
            .await
            .unwrap();
        store
            .put("flow:gone", b"two".to_vec(), Duration::ZERO)
            .await
            .unwrap();
        assert_eq!(store.get("flow:a").await.unwrap(), Some(b"one".to_vec()));
        assert_eq!(store.take("flow:a").await.unwrap(), Some(b"one".to_vec()));
        assert_eq!(store.take("flow:a").await.unwrap(), None);
        assert_eq!(store.get("flow:gone").await.unwrap(), None);
        assert_eq!(store.take("flow:gone").await.unwrap(), None);
        assert!(!format!("{store:?}").contains("one"));
    }
}
