//! `--store`: where the proxy keeps short-lived state that every instance must share (sign-in
//! flow records, rate-limit counters).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use url::Url;

use crate::store::{MemoryStore, SharedStore};
use crate::Error;

/// Where short-lived shared state lives: sign-in flow records and rate-limit counters.
///
/// `Display` and `Debug` never show a password the URL carries (`redis://:***@host:6379`).
///
/// New stores may be added, so match with a wildcard arm.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StoreUrl {
    /// In this process's memory (the default): right for one instance; with several, each keeps
    /// its own rate-limit counters and sign-in flows.
    #[default]
    Memory,
    /// A Redis server every instance shares: `redis://[[user]:password@]host[:port][/db]`, or
    /// `rediss://…` over TLS.
    Redis(Url),
}

impl StoreUrl {
    /// Parses `memory` or a `redis://` / `rediss://` URL.
    ///
    /// # Errors
    /// [`Error::Config`] naming what was expected; the message never repeats a password.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("memory") {
            return Ok(StoreUrl::Memory);
        }
        let expected =
            "expected `memory` or redis://[:password@]host[:port][/db] (rediss:// for TLS)";
        let url = Url::parse(text)
            .map_err(|e| Error::Config(format!("--store is not a URL ({e}); {expected}")))?;
        if !matches!(url.scheme(), "redis" | "rediss") {
            return Err(Error::Config(format!(
                "--store scheme {:?} is not supported; {expected}",
                url.scheme()
            )));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(Error::Config(format!("--store has no host; {expected}")));
        }
        Ok(StoreUrl::Redis(url))
    }

    /// The store this names: a [`MemoryStore`], or a Redis store that connects on first use
    /// (so this does no I/O and Redis may still be down: `GET /readyz` tells).
    ///
    /// # Errors
    /// [`Error::Config`] when the Redis client refuses the URL, or the crate was built without
    /// its `redis` feature.
    pub fn open(&self) -> Result<Arc<dyn SharedStore>, Error> {
        Ok(match self {
            StoreUrl::Memory => Arc::new(MemoryStore::new()),
            #[cfg(feature = "redis")]
            StoreUrl::Redis(_) => Arc::new(crate::store_redis::RedisStore::new(self)?),
            #[cfg(not(feature = "redis"))]
            StoreUrl::Redis(_) => {
                return Err(Error::Config(format!(
                    "--store {self} needs the crate's `redis` feature, which this build lacks"
                )))
            }
        })
    }

    /// The URL as logs may show it: the password, if any, replaced by `***`.
    pub fn redacted(&self) -> String {
        match self {
            StoreUrl::Memory => "memory".to_owned(),
            StoreUrl::Redis(url) => {
                let mut shown = url.clone();
                if shown.password().is_some() {
                    // Only fails for URLs that cannot have a password, which these have.
                    let _ = shown.set_password(Some("***"));
                }
                shown.to_string()
            }
        }
    }

    /// The password in the URL, for scrubbing it out of error text from the Redis client.
    #[cfg(feature = "redis")]
    pub(crate) fn password(&self) -> Option<String> {
        match self {
            StoreUrl::Memory => None,
            StoreUrl::Redis(url) => url.password().map(|p| {
                percent_encoding::percent_decode_str(p)
                    .decode_utf8_lossy()
                    .into_owned()
            }),
        }
    }
}

impl FromStr for StoreUrl {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        StoreUrl::parse(text)
    }
}

impl fmt::Display for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreUrl::Memory => f.write_str("Memory"),
            StoreUrl::Redis(_) => write!(f, "Redis({})", self.redacted()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_memory_and_redis_urls() {
        assert_eq!(StoreUrl::parse(" Memory ").unwrap(), StoreUrl::Memory);
        assert_eq!(StoreUrl::default(), StoreUrl::Memory);
        let redis = StoreUrl::parse("redis://127.0.0.1:6379").unwrap();
        assert_eq!(redis.to_string(), "redis://127.0.0.1:6379");
        assert!(StoreUrl::parse("rediss://cache.example:6380/2").is_ok());
    }

    #[test]
    fn refuses_other_schemes_and_hostless_urls() {
        for bad in [
            "",
            "mem",
            "http://127.0.0.1:6379",
            "redis://",
            "postgres://x",
        ] {
            let error = StoreUrl::parse(bad).unwrap_err().to_string();
            assert!(
                error.contains("expected `memory` or redis://"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn never_shows_the_password() {
        let store = StoreUrl::parse("redis://app:s3cr%2Bet@cache.example:6379/0").unwrap();
        for shown in [store.to_string(), format!("{store:?}"), store.redacted()] {
            assert!(!shown.contains("s3cr"), "{shown}");
            assert!(shown.contains("app:***@cache.example:6379"), "{shown}");
        }
        #[cfg(feature = "redis")]
        assert_eq!(store.password().as_deref(), Some("s3cr+et"));
        let error = StoreUrl::parse("ftp://:hunter2@host")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("hunter2"), "{error}");
    }
}
