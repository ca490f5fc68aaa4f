//! The proxy's configuration.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use azdo_connect_core::{AllowedServers, SecretToken};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use url::Url;

use crate::client_ip::ClientIpSource;
use crate::entra_certificate::EntraCertificate;
use crate::readiness::Draining;
use crate::store::{MemoryStore, SharedStore};
use crate::Error;

/// A 256-bit key that seals credentials (JWE `dir` + `A256GCM`), with the key id written in the
/// JWE header so a keyring can pick the right key after a rotation.
///
/// `Debug` shows the key id only.
#[derive(Clone, PartialEq, Eq)]
pub struct SealKey {
    kid: String,
    key: [u8; 32],
}

impl SealKey {
    /// A key from raw bytes.
    pub fn new(kid: impl Into<String>, key: [u8; 32]) -> Self {
        SealKey {
            kid: kid.into(),
            key,
        }
    }

    /// A fresh random key.
    pub fn generate(kid: impl Into<String>) -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        SealKey::new(kid, key)
    }

    /// A key from its base64url form (padding optional), as `generate-key` prints it.
    ///
    /// # Errors
    /// [`Error::Config`] when the text is not base64url or does not decode to exactly 32 bytes.
    pub fn from_base64url(kid: impl Into<String>, text: &str) -> Result<Self, Error> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text.trim().trim_end_matches('='))
            .map_err(|_| Error::Config("the seal key is not valid base64url".into()))?;
        let key: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            Error::Config(format!(
                "the seal key must be 32 bytes, this one has {}",
                b.len()
            ))
        })?;
        Ok(SealKey::new(kid, key))
    }

    /// The key as unpadded base64url.
    pub fn to_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.key)
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The raw key bytes.
    pub fn key(&self) -> &[u8; 32] {
        &self.key
    }
}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SealKey")
            .field("kid", &self.kid)
            .field("key", &"***")
            .finish()
    }
}

/// Per-client rate limiting of the `POST` endpoints, keyed by the client IP address that
/// [`ProxyConfig::client_ip_source`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Sustained requests per minute per client. Default 30.
    pub per_minute: u32,
    /// How many requests a client may send at once before the sustained rate applies. Default 10.
    pub burst: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            per_minute: 30,
            burst: 10,
        }
    }
}

/// Everything [`crate::router`] needs. Start from `ProxyConfig::default()` and set what differs.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// Send upstream requests for `https://{host}/{path}?{query}` to
    /// `{override}/{host}/{path}?{query}` instead, for a fake Azure DevOps on loopback. `None`
    /// (the default) talks to the real Azure DevOps.
    pub upstream_override: Option<Url>,
    /// The key new credentials are sealed with. The default is a random key generated at start-up,
    /// so credentials stop opening when the process restarts: set a persistent one in production.
    pub seal_key: SealKey,
    /// Keys that still open older credentials after a rotation (never used to seal).
    pub previous_keys: Vec<SealKey>,
    /// Browser origins (`https://app.example.com`) allowed to call the proxy cross-origin. Empty
    /// (the default) allows same-origin requests only.
    pub allowed_origins: Vec<String>,
    /// Azure DevOps Server hosts (`host` or `host:port`) the proxy may contact. Empty (the default)
    /// means Azure DevOps Services only.
    pub allowed_servers: AllowedServers,
    /// Where the endpoints are mounted. Default `/api/azdo`.
    pub base_path: String,
    /// How long to wait for a TCP/TLS connection to Azure DevOps. Default 3 s.
    pub connect_timeout: Duration,
    /// The total deadline of one verify or projects request, all upstream calls included.
    /// Default 10 s.
    pub verify_timeout: Duration,
    /// Per-client rate limit of the `POST` endpoints the browser calls.
    pub rate_limit: RateLimit,
    /// Per-client rate limit of `POST {base}/check`, counted apart from [`ProxyConfig::rate_limit`]:
    /// a vendor's backend checking its stored connections must neither be throttled by the
    /// browsers' limit nor use it up. Default 600 per minute, burst 100.
    pub check_rate_limit: RateLimit,
    /// Where the rate limit reads a client's IP address. [`ClientIpSource::Peer`] (the default)
    /// uses the TCP peer and ignores every forwarding header; behind a reverse proxy, name the
    /// header it sets, and make sure clients can reach the proxy only through it.
    pub client_ip_source: ClientIpSource,
    /// The largest request body accepted. Default 16 KiB.
    pub max_body_bytes: usize,
    /// How long the proxy accepts a credential back on `POST {base}/projects`. Default 30 days.
    pub credential_ttl: Duration,
    /// "Sign in with Microsoft": `None` (the default) turns it off, and `GET {base}/config` says
    /// `"entra": false`.
    pub entra: Option<EntraConfig>,
    /// Where sign-in flows (and with Redis, rate-limit counters) live. Default: in memory, for one
    /// instance. Instances behind a load balancer must share one store.
    pub store: Arc<dyn SharedStore>,
    /// Set it when shutting down: `GET /readyz` then answers 503. The default is never set.
    pub draining: Draining,
}

/// The vendor's Microsoft Entra app registration, for "Sign in with Microsoft".
///
/// `Debug` never shows the client secret or the certificate's private key.
#[derive(Debug, Clone)]
pub struct EntraConfig {
    /// The app's (client) id.
    pub client_id: String,
    /// How the proxy proves it is the app: a certificate in production, or a client secret.
    pub credential: EntraCredential,
    /// The identity platform's base URL, `https://login.microsoftonline.com` unless a fake's.
    pub authority: Url,
    /// Where browsers reach the proxy's base path, e.g. `https://app.example.com/api/azdo`. The
    /// redirect URI is `{public_url}/oauth/callback`.
    pub public_url: Url,
}

/// The Entra app's credential. Microsoft recommends certificates or federated credentials and
/// says client secrets "should not be used in production"; a secret is fine for a first try or a
/// test tenant.
///
/// `Debug` shows neither the secret nor the private key (a token file shows its path only).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum EntraCredential {
    /// A client secret, sent in the token request's body.
    Secret(SecretToken),
    /// A certificate uploaded to the app registration: every token request carries a fresh
    /// `client_assertion` JWT signed with its private key.
    Certificate(EntraCertificate),
    /// A file holding a token another issuer gives this workload, trusted through a federated
    /// credential on the app registration (workload identity federation): on Kubernetes the
    /// service account token projected for `api://AzureADTokenExchange`, which AKS workload
    /// identity mounts at `$AZURE_FEDERATED_TOKEN_FILE`. No secret to store or rotate: the
    /// platform rewrites the file, so it is read again for every token request.
    FederatedTokenFile(std::path::PathBuf),
}

impl Default for ProxyConfig {
    fn default() -> Self {
        ProxyConfig {
            upstream_override: None,
            seal_key: SealKey::generate("ephemeral"),
            previous_keys: Vec::new(),
            allowed_origins: Vec::new(),
            allowed_servers: AllowedServers::default(),
            base_path: "/api/azdo".to_owned(),
            connect_timeout: Duration::from_secs(3),
            verify_timeout: Duration::from_secs(10),
            rate_limit: RateLimit::default(),
            check_rate_limit: RateLimit {
                per_minute: 600,
                burst: 100,
            },
            client_ip_source: ClientIpSource::Peer,
            max_body_bytes: 16 * 1024,
            credential_ttl: Duration::from_secs(30 * 24 * 60 * 60),
            entra: None,
            store: Arc::new(MemoryStore::new()),
            draining: Draining::new(),
        }
    }
}

impl ProxyConfig {
    /// Checks the configuration and returns the base path in canonical form (leading `/`, no
    /// trailing `/`; the empty string for the root).
    pub(crate) fn validate(&self) -> Result<String, Error> {
        let base = self.base_path.trim().trim_end_matches('/');
        if !base.is_empty() && !base.starts_with('/') {
            return Err(Error::Config(format!(
                "the base path must start with '/': {:?}",
                self.base_path
            )));
        }
        if base.contains(['?', '#', '{', '}', '*']) {
            return Err(Error::Config(format!(
                "the base path must be a plain path: {:?}",
                self.base_path
            )));
        }
        if let Some(url) = &self.upstream_override {
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(Error::Config(format!(
                    "the upstream override must be an http(s) URL: {url}"
                )));
            }
        }
        if [self.rate_limit, self.check_rate_limit]
            .iter()
            .any(|limit| limit.per_minute == 0 || limit.burst == 0)
        {
            return Err(Error::Config(
                "the rate limit and burst must be at least 1".into(),
            ));
        }
        if self.verify_timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::Config("timeouts must be longer than zero".into()));
        }
        if self.max_body_bytes == 0 {
            return Err(Error::Config(
                "the body limit must be at least 1 byte".into(),
            ));
        }
        for origin in &self.allowed_origins {
            crate::origin::parse_origin(origin).ok_or_else(|| {
                Error::Config(format!(
                    "an allowed origin must look like https://host[:port]: {origin:?}"
                ))
            })?;
        }
        Ok(base.to_owned())
    }
}
