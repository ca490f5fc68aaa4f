//! Shared test harness: the fake Azure DevOps and the proxy, both served on loopback in-process.
#![allow(dead_code, unused_imports)]

use std::net::SocketAddr;
use std::time::Duration;

use azdo_connect_fake::{FakeAzureDevOps, Fixture};
use azdo_connect_proxy::{router, ProxyConfig, RateLimit, SealKey};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::{json, Value};

pub use azdo_connect_fake::demo;

pub mod sign_in;

/// A running fake plus a running proxy pointed at it.
pub struct Harness {
    pub fake: FakeAzureDevOps,
    /// `http://127.0.0.1:PORT` of the proxy.
    pub origin: String,
    /// `{origin}/api/azdo` (or the configured base).
    pub base: String,
    pub key: SealKey,
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

/// A reply from the proxy.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// `error.code` of a failure body.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("<none>")
    }

    /// Asserts a 400 refusing the organization input: `invalid_organization`, or
    /// `host_not_allowed` for an address outside Azure DevOps; `what` names the case.
    pub fn assert_organization_refused(&self, what: &str) {
        assert_eq!(
            self.status,
            StatusCode::BAD_REQUEST,
            "{what}: {:?}",
            self.body
        );
        assert!(
            ["invalid_organization", "host_not_allowed"].contains(&self.code()),
            "{what}: {:?}",
            self.body
        );
    }
}

/// The configuration every test starts from: generous rate limits, so only the rate-limit test
/// meets them, and a short deadline so timeout tests stay quick.
pub fn test_config(fake: &FakeAzureDevOps, key: &SealKey) -> ProxyConfig {
    ProxyConfig {
        upstream_override: Some(fake.base_url().parse().unwrap()),
        seal_key: key.clone(),
        rate_limit: RateLimit {
            per_minute: 60_000,
            burst: 1_000,
        },
        verify_timeout: Duration::from_millis(1_500),
        ..ProxyConfig::default()
    }
}

/// Serves `config` on 127.0.0.1:0 with connect info; returns the origin and the server task.
pub async fn serve(config: ProxyConfig) -> (String, tokio::task::JoinHandle<()>) {
    serve_app(router(config).expect("valid config")).await
}

/// Serves `app` on 127.0.0.1:0 with connect info (the rate limit keys on the peer address);
/// returns the origin and the server task.
pub async fn serve_app(app: axum::Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (format!("http://{addr}"), server)
}

impl Harness {
    /// Starts the demo fake and a proxy configured by `tweak`.
    pub async fn start_with(tweak: impl FnOnce(&mut ProxyConfig)) -> Harness {
        Harness::start_with_fixture(Fixture::demo(), tweak).await
    }

    /// Starts the fake with `fixture` and a proxy configured by `tweak`.
    pub async fn start_with_fixture(
        fixture: Fixture,
        tweak: impl FnOnce(&mut ProxyConfig),
    ) -> Harness {
        let fake = FakeAzureDevOps::start(fixture).await.unwrap();
        let key = SealKey::generate("test-key");
        let mut config = test_config(&fake, &key);
        tweak(&mut config);
        let base_path = config.base_path.trim_end_matches('/').to_owned();
        let (origin, server) = serve(config).await;
        Harness {
            fake,
            base: format!("{origin}{base_path}"),
            origin,
            key,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            server,
        }
    }

    /// Starts the demo fake and a proxy with the test configuration.
    pub async fn start() -> Harness {
        Harness::start_with(|_| {}).await
    }

    /// `POST {base}/{endpoint}` the way the widget does.
    pub async fn post(&self, endpoint: &str, body: &Value) -> Reply {
        self.post_as(None, endpoint, body).await
    }

    /// `POST {base}/{endpoint}` the way the widget on a page at `origin` does (the browser sends
    /// the page's `Origin`); `None` sends none, as a server-side client would.
    pub async fn post_as(&self, origin: Option<&str>, endpoint: &str, body: &Value) -> Reply {
        let mut request = self
            .client
            .post(format!("{}/{endpoint}", self.base))
            .header("x-azdo-connect", "1")
            .json(body);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        into_reply(request.send().await.unwrap()).await
    }

    /// `POST {base}/verify` for `organization` and `token`, requiring `scopes`.
    pub async fn verify(&self, organization: &str, token: &str, scopes: &[&str]) -> Reply {
        let mut body = json!({"organization": organization, "token": token});
        if !scopes.is_empty() {
            body["requiredScopes"] = json!(scopes);
        }
        self.post("verify", &body).await
    }

    /// `GET {base}/{endpoint}`.
    pub async fn get(&self, endpoint: &str) -> Reply {
        let response = self
            .client
            .get(format!("{}/{endpoint}", self.base))
            .send()
            .await
            .unwrap();
        into_reply(response).await
    }

    pub async fn stop(self) {
        // Dropping the proxy (and its connection pool) first lets the fake stop at once.
        self.server.abort();
        let _ = self.server.await;
        self.fake.shutdown().await;
    }
}

pub async fn into_reply(response: reqwest::Response) -> Reply {
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        headers,
        body,
    }
}
