//! Several proxy instances sharing one real Redis (`--store redis://…`): one rate limit across
//! instances, typed errors and readiness while Redis is down and recovery when it is back, and
//! readiness while shutting down. Everything on loopback; each test starts its own
//! `redis-server` on a free port and kills it at the end.

mod common;
mod redis_server;

use std::time::Duration;

use azdo_connect_fake::{demo, FakeAzureDevOps, Fixture};
use azdo_connect_proxy::{ClientIpSource, Draining, ProxyConfig, RateLimit, SealKey, StoreUrl};
use common::{into_reply, serve, test_config, Reply};
use redis_server::RedisServer;
use reqwest::StatusCode;
use serde_json::json;

/// A bound on any one request in these tests, so a hang fails the test instead of stalling it.
const REQUEST_BOUND: Duration = Duration::from_secs(15);

struct Instances {
    fake: FakeAzureDevOps,
    origins: Vec<String>,
    servers: Vec<tokio::task::JoinHandle<()>>,
    client: reqwest::Client,
}

/// `count` proxies with one seal key and `tweak`ed configuration, over one fake.
async fn instances(count: usize, tweak: impl Fn(&mut ProxyConfig)) -> Instances {
    let fake = FakeAzureDevOps::start(Fixture::demo()).await.unwrap();
    let key = SealKey::generate("shared");
    let mut origins = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..count {
        let mut config = test_config(&fake, &key);
        tweak(&mut config);
        let (origin, server) = serve(config).await;
        origins.push(origin);
        servers.push(server);
    }
    Instances {
        fake,
        origins,
        servers,
        client: reqwest::Client::builder()
            .timeout(REQUEST_BOUND)
            .build()
            .unwrap(),
    }
}

impl Instances {
    async fn verify(&self, instance: usize, client_ip: Option<&str>) -> Reply {
        let mut request = self
            .client
            .post(format!("{}/api/azdo/verify", self.origins[instance]))
            .header("x-azdo-connect", "1")
            .json(&json!({"organization": demo::ORG, "token": demo::FULL}));
        if let Some(ip) = client_ip {
            request = request.header("x-forwarded-for", ip);
        }
        into_reply(request.send().await.expect("the proxy answers in time")).await
    }

    async fn get(&self, instance: usize, path: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(format!("{}{path}", self.origins[instance]))
            .send()
            .await
            .expect("the proxy answers in time");
        (response.status(), response.text().await.unwrap())
    }

    async fn stop(self) {
        for server in self.servers {
            server.abort();
            let _ = server.await;
        }
        self.fake.shutdown().await;
    }
}

fn store(redis: &RedisServer) -> StoreUrl {
    StoreUrl::parse(&redis.url()).unwrap()
}

/// One request per minute after a burst of 6: nothing replenishes while the test runs.
const LIMIT: RateLimit = RateLimit {
    per_minute: 1,
    burst: 6,
};

/// Sends `total` verifies round-robin over the instances; returns how many were let through and
/// checks that every refusal is a complete `rate_limited` answer.
async fn burst(proxies: &Instances, total: usize, client_ip: Option<&str>) -> usize {
    let mut allowed = 0;
    for n in 0..total {
        let reply = proxies.verify(n % proxies.origins.len(), client_ip).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(reply.code(), "rate_limited", "{:?}", reply.body);
            let header: u64 = reply.headers["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            // One request a minute: the next slot is about a minute away.
            assert!((1..=60).contains(&header), "Retry-After {header}");
            assert_eq!(reply.body["error"]["retryAfter"], header);
        } else {
            assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
            allowed += 1;
        }
    }
    allowed
}

#[tokio::test]
async fn three_instances_count_one_rate_limit_through_redis() {
    let redis = RedisServer::start();
    let proxies = instances(3, |c| {
        c.store = store(&redis);
        c.rate_limit = LIMIT;
    })
    .await;
    assert_eq!(burst(&proxies, 12, None).await, 6);
    proxies.stop().await;

    // The same burst over three instances each counting alone lets three bursts through: what
    // the shared store is for.
    let alone = instances(3, |c| c.rate_limit = LIMIT).await;
    assert_eq!(burst(&alone, 24, None).await, 18);
    alone.stop().await;
}

#[tokio::test]
async fn the_shared_limit_is_per_client_address_from_the_configured_source() {
    let redis = RedisServer::start();
    let proxies = instances(3, |c| {
        c.store = store(&redis);
        c.rate_limit = LIMIT;
        c.client_ip_source = ClientIpSource::XForwardedFor;
    })
    .await;
    assert_eq!(burst(&proxies, 9, Some("203.0.113.7")).await, 6);
    // Another customer behind the same load balancer has a bucket of their own.
    assert_eq!(burst(&proxies, 9, Some("198.51.100.20")).await, 6);
    // Without the header the request did not come through the reverse proxy: refused, not
    // counted against a shared bucket.
    let reply = proxies.verify(1, None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_request");
    proxies.stop().await;
}

#[tokio::test]
async fn redis_down_gives_typed_errors_and_not_ready_then_recovers() {
    let mut redis = RedisServer::start();
    let proxies = instances(3, |c| c.store = store(&redis)).await;
    for instance in 0..3 {
        assert_eq!(proxies.verify(instance, None).await.status, StatusCode::OK);
        assert_eq!(
            proxies.get(instance, "/readyz").await,
            (StatusCode::OK, "ready".to_owned())
        );
    }

    redis.stop();
    for instance in 0..3 {
        let reply = proxies.verify(instance, None).await;
        assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{:?}", reply.body);
        assert_eq!(reply.code(), "upstream_unavailable");
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(message.contains("shared store"), "{message}");
        // The store's address is the vendor's business, not the browser's.
        assert!(!message.contains("127.0.0.1"), "{message}");
        assert!(!message.contains(&redis.port().to_string()), "{message}");
        let (status, body) = proxies.get(instance, "/readyz").await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body, "not ready: the shared store cannot be reached");
        // Liveness does not depend on Redis: restarting the instance would not help.
        assert_eq!(
            proxies.get(instance, "/healthz").await,
            (StatusCode::OK, "ok".to_owned())
        );
    }

    redis.restart();
    for instance in 0..3 {
        wait_until_ready(&proxies, instance).await;
        let reply = proxies.verify(instance, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    }
    proxies.stop().await;
}

#[tokio::test]
async fn requests_fail_closed_without_calling_azure_devops_while_redis_is_down() {
    let mut redis = RedisServer::start();
    let proxies = instances(1, |c| c.store = store(&redis)).await;
    redis.stop();
    proxies.fake.reset_counters();
    for _ in 0..3 {
        assert_eq!(proxies.verify(0, None).await.code(), "upstream_unavailable");
    }
    assert_eq!(proxies.fake.total_requests(), 0);
    proxies.stop().await;
}

/// Polls `/readyz` until 200: the proxy reconnects by itself, with a bounded number of tries.
async fn wait_until_ready(proxies: &Instances, instance: usize) {
    for _ in 0..50 {
        if proxies.get(instance, "/readyz").await.0 == StatusCode::OK {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("instance {instance} did not become ready after Redis came back");
}

#[tokio::test]
async fn readiness_turns_503_once_draining_starts_while_liveness_stays() {
    let draining = Draining::new();
    let proxies = instances(1, |c| c.draining = draining.clone()).await;
    assert_eq!(
        proxies.get(0, "/readyz").await,
        (StatusCode::OK, "ready".to_owned())
    );
    draining.start();
    assert_eq!(
        proxies.get(0, "/readyz").await,
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: shutting down".to_owned()
        )
    );
    assert_eq!(proxies.get(0, "/healthz").await.0, StatusCode::OK);
    proxies.stop().await;
}

#[tokio::test]
async fn readyz_is_in_the_openapi_document_once() {
    let proxies = instances(1, |_| {}).await;
    let (status, body) = proxies.get(0, "/api/azdo/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let document: serde_json::Value = serde_json::from_str(&body).unwrap();
    let readyz = &document["paths"]["/readyz"]["get"];
    assert!(readyz["responses"]["200"].is_object(), "{readyz}");
    assert!(readyz["responses"]["503"].is_object(), "{readyz}");
    assert_eq!(body.matches("\"/readyz\"").count(), 1);
    proxies.stop().await;
}
