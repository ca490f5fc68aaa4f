//! The azdo-connect proxy: the endpoint a vendor's backend exposes to the `<azdo-connect>` widget.
//!
//! It verifies an Azure DevOps personal access token for an organization (who owns it, which of
//! the required scopes work), then seals it as a JWE credential only the vendor's backend can
//! open. The HTTP contract is described in the crate's README; its JSON types live in
//! [`azdo_connect_core::contract`].
//!
//! [`router`] builds a mountable axum [`Router`](axum::Router):
//!
//! | endpoint | what |
//! |---|---|
//! | `POST {base}/verify` | verify a token, answer a [`VerifyResponse`](azdo_connect_core::contract::VerifyResponse) with a sealed `credential` |
//! | `POST {base}/projects` | one page of projects and repositories for a credential |
//! | `POST {base}/check` | whether a stored credential still works, for the vendor's backend ([`check_credential`]) |
//! | `POST {base}/oauth/start`, `GET {base}/oauth/callback`, `GET {base}/oauth/result` | "Sign in with Microsoft" (with [`ProxyConfig::entra`]) |
//! | `GET {base}/config` | on-prem allowlist, scope catalogue, limits |
//! | `GET {base}/openapi.json` | the contract as OpenAPI 3.1 |
//! | `GET /healthz` | liveness |
//! | `GET /readyz` | readiness: 503 while shutting down or while the shared store cannot be reached |
//!
//! Features (all on by default, so `cargo install` and `cargo build` give the binary):
//!
//! - `cli`: the `azdo-connect-proxy` binary (clap, tracing-subscriber); includes `redis`.
//! - `demo`: [`router_with_demo`], the demo page's stand-in for a vendor backend, persisting
//!   connections in SQLite through a [`DemoStore`]; it is not part of the public contract.
//! - `redis`: [`StoreUrl::Redis`] opens a store in Redis, which several instances share.
//!
//! A vendor who mounts [`router`] depends on the crate with `default-features = false` and
//! compiles none of them, adding `redis` to run several instances.
//!
//! The rate limit of the `POST` endpoints counts per client IP address (`check` has its own,
//! [`ProxyConfig::check_rate_limit`], so a backend's sweep and the browsers never throttle each
//! other), read from the source
//! [`ProxyConfig::client_ip_source`] names: the TCP peer by default, or behind a reverse proxy
//! the header it sets ([`ClientIpSource`]).
//!
//! Several instances behind a load balancer share their rate-limit counters (and sign-in flows)
//! through [`ProxyConfig::store`]: a Redis store from [`StoreUrl::open`].
//!
//! The token only ever lives in a redacted [`Pat`](azdo_connect_core::Pat); it becomes an
//! `Authorization` header (marked sensitive) at the moment a request to Azure DevOps is sent, and
//! otherwise leaves the process only inside the sealed credential.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::time::Duration;

use azdo_connect_core::contract::ConfigResponse;
use azdo_connect_core::AllowedServers;

mod aadsts;
mod callback_page;
mod check;
mod client_ip;
mod config;
pub mod credential;
#[cfg(feature = "demo")]
mod demo_store;
mod entra;
mod entra_certificate;
mod entra_connect;
mod error;
mod extract;
mod flow;
mod oauth;
mod openapi;
mod origin;
mod projects;
mod readiness;
#[cfg(feature = "redis")]
mod redis_connection;
mod refresh;
mod routes;
mod security;
mod session;
pub mod store;
#[cfg(feature = "redis")]
mod store_redis;
mod store_url;
mod tenant;
mod upstream;
mod verify;

pub use check::{check_credential, Checker};
pub use client_ip::{ClientIpSource, UnknownClientIpSource};
pub use config::{EntraConfig, EntraCredential, ProxyConfig, RateLimit, SealKey};
pub use credential::{open_credential, Keyring, Sealer};
#[cfg(feature = "demo")]
pub use demo_store::{DemoStore, StoredConnection};
pub use entra_certificate::EntraCertificate;
pub use error::Error;
pub use origin::CSRF_HEADER;
pub use readiness::Draining;
pub use refresh::{refresh_credential, RefreshedCredential};
pub use routes::router;
#[cfg(feature = "demo")]
pub use routes::router_with_demo;
pub use store::{MemoryStore, SharedStore};
pub use store_url::StoreUrl;

/// What every handler shares.
#[derive(Debug)]
struct AppState {
    upstream: upstream::Upstream,
    sealer: Sealer,
    keyring: Keyring,
    allowed_servers: AllowedServers,
    credential_ttl: Duration,
    // Read by the readiness and check handlers.
    #[allow(dead_code)]
    entra: Option<config::EntraConfig>,
    /// The Entra app as an OAuth client, when sign-in is configured.
    sign_in: Option<entra::Entra>,
    /// Where `returnTo` may point, besides the proxy's own origin.
    origins: origin::Origins,
    /// The deadline of one verify; the callback's work gets twice as long.
    verify_timeout: Duration,
    store: std::sync::Arc<dyn store::SharedStore>,
    config: ConfigResponse,
    openapi: String,
}
