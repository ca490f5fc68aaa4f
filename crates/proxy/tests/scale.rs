//! Several proxy instances sharing one real Redis (`--store redis://…`): one rate limit across
//! instances, typed errors and readiness while Redis is down and recovery when it is back, and
//! readiness while shutting down. Everything on loopback; each test starts its own
//! `redis-server` on a free port and kills it at the end.
#![cfg(feature = "redis")]

mod common;
mod redis_server;

use std::sync::Arc;
use std::time::Duration;

use azdo_connect_core::SecretToken;
use azdo_connect_fake::identity;
use azdo_connect_fake::{demo, FakeAzureDevOps, Fixture};
use azdo_connect_proxy::{
    ClientIpSource, Draining, EntraConfig, Error, ProxyConfig, RateLimit, SealKey, SharedStore,
    StoreUrl,
};
use common::{into_reply, serve, test_config, Reply};
use redis_server::RedisServer;
use reqwest::StatusCode;
use serde_json::json;

/// A bound on any one request in these tests, so a hang fails the test instead of stalling it.
const REQUEST_BOUND: Duration = Duration::from_secs(15);

/// A client whose every request gives up after [`REQUEST_BOUND`].
fn bounded_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(REQUEST_BOUND)
        .build()
        .unwrap()
}

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
        client: bounded_client(),
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

/// A store on `redis`, as one instance opens it (each instance has its own connection).
fn store(redis: &RedisServer) -> Arc<dyn SharedStore> {
    StoreUrl::parse(&redis.url()).unwrap().open().unwrap()
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
            // With these tests' limits the next slot is at most a minute away.
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
async fn a_flow_record_put_through_one_instance_is_taken_once_through_another() {
    let redis = RedisServer::start();
    let (a, b, c) = (store(&redis), store(&redis), store(&redis));
    // Bytes as the sign-in records hold them, not only text.
    let record = vec![0u8, 159, 146, 150, b'{', 255];
    a.put("flow:abc", record.clone(), Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(c.get("flow:abc").await.unwrap(), Some(record.clone()));
    assert_eq!(b.take("flow:abc").await.unwrap(), Some(record));
    assert_eq!(c.take("flow:abc").await.unwrap(), None);
    assert_eq!(a.get("flow:abc").await.unwrap(), None);
}

#[tokio::test]
async fn of_many_instances_taking_one_record_at_once_exactly_one_gets_it() {
    let redis = RedisServer::start();
    let stores: Vec<_> = (0..3).map(|_| store(&redis)).collect();
    for round in 0..10 {
        let key = format!("result:{round}");
        stores[round % 3]
            .put(&key, b"sealed".to_vec(), Duration::from_secs(60))
            .await
            .unwrap();
        let takes = (0..12).map(|n| {
            let store = stores[n % 3].clone();
            let key = key.clone();
            tokio::spawn(async move { store.take(&key).await.unwrap() })
        });
        let mut winners = 0;
        for take in takes.collect::<Vec<_>>() {
            winners += usize::from(take.await.unwrap().is_some());
        }
        assert_eq!(winners, 1, "round {round}");
    }
}

#[tokio::test]
async fn flow_records_expire_with_their_time_to_live() {
    let redis = RedisServer::start();
    let (a, b) = (store(&redis), store(&redis));
    a.put("flow:short", b"x".to_vec(), Duration::from_millis(150))
        .await
        .unwrap();
    a.put("flow:none", b"y".to_vec(), Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(b.get("flow:none").await.unwrap(), None);
    assert_eq!(b.get("flow:short").await.unwrap(), Some(b"x".to_vec()));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(b.take("flow:short").await.unwrap(), None);
}

#[tokio::test]
async fn store_operations_fail_typed_while_redis_is_down_and_work_when_it_is_back() {
    let mut redis = RedisServer::start();
    let a = store(&redis);
    a.put("flow:k", b"v".to_vec(), Duration::from_secs(60))
        .await
        .unwrap();
    redis.stop();
    let failures = [
        a.put("flow:k", b"v".to_vec(), Duration::from_secs(60))
            .await
            .unwrap_err(),
        a.get("flow:k").await.unwrap_err(),
        a.take("flow:k").await.unwrap_err(),
        a.ping().await.unwrap_err(),
    ];
    for error in failures {
        assert!(matches!(error, Error::StoreUnavailable(_)), "{error:?}");
        assert_eq!(error.code().as_str(), "upstream_unavailable");
        let text = error.to_string();
        assert!(!text.contains(&redis.port().to_string()), "{text}");
    }
    redis.restart();
    let mut back = false;
    for _ in 0..50 {
        if a.ping().await.is_ok() {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(back, "the store did not reconnect");
    // Nothing is persisted: the restarted Redis is empty.
    assert_eq!(a.get("flow:k").await.unwrap(), None);
}

/// Three instances with "Sign in with Microsoft" behind one public address, which is B's: the
/// redirect URI registered with Microsoft leads there, as a load balancer would route it.
async fn sign_in_instances(
    stores: [Arc<dyn SharedStore>; 3],
) -> (
    FakeAzureDevOps,
    Vec<String>,
    Vec<tokio::task::JoinHandle<()>>,
) {
    let fake = FakeAzureDevOps::start(Fixture::demo()).await.unwrap();
    let key = SealKey::generate("shared");
    let mut listeners = Vec::new();
    for _ in 0..3 {
        listeners.push(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap());
    }
    let bases: Vec<String> = listeners
        .iter()
        .map(|l| format!("http://{}/api/azdo", l.local_addr().unwrap()))
        .collect();
    let entra = EntraConfig {
        client_id: identity::CLIENT_ID.into(),
        credential: azdo_connect_proxy::EntraCredential::Secret(SecretToken::new(
            identity::CLIENT_SECRET,
        )),
        authority: fake.authority().parse().unwrap(),
        public_url: bases[1].parse().unwrap(),
    };
    let mut servers = Vec::new();
    for (listener, store) in listeners.into_iter().zip(stores) {
        let mut config = test_config(&fake, &key);
        config.entra = Some(entra.clone());
        config.store = store;
        let app = azdo_connect_proxy::router(config).unwrap();
        servers.push(tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap();
        }));
    }
    (fake, bases, servers)
}

/// `oauth/start` on `base`, then the sign-in window: the fake's authorize answers at once for a
/// `login_hint` and redirects to the callback. Returns the flow, the callback URL and the
/// callback's status.
async fn start_and_sign_in(client: &reqwest::Client, base: &str) -> (String, String, StatusCode) {
    let start = into_reply(
        client
            .post(format!("{base}/oauth/start"))
            .header("x-azdo-connect", "1")
            .json(&json!({"organization": "contoso", "loginHint": identity::MEMBER, "requiredScopes": ["vso.project"]}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(start.status, StatusCode::OK, "{:?}", start.body);
    let flow = start.body["flow"].as_str().unwrap().to_owned();
    let authorize = client
        .get(start.body["authorizeUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(authorize.status(), StatusCode::FOUND);
    let callback = authorize.headers()["location"].to_str().unwrap().to_owned();
    let status = client.get(&callback).send().await.unwrap().status();
    (flow, callback, status)
}

/// The sign-in window's stand-in: redirects are looked at, not followed.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_BOUND)
        .build()
        .unwrap()
}

/// `oauth/result` for `flow` on `base`, without waiting.
async fn result(client: &reqwest::Client, base: &str, flow: &str) -> Reply {
    into_reply(
        client
            .get(format!("{base}/oauth/result?flow={flow}&wait=0"))
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_sign_in_started_on_a_lands_on_b_is_collected_on_c_and_again_for_a_minute_only() {
    let redis = RedisServer::start();
    let (fake, bases, servers) =
        sign_in_instances([store(&redis), store(&redis), store(&redis)]).await;
    let (a, b, c) = (&bases[0], &bases[1], &bases[2]);
    let client = browser();

    let (flow, callback, landed) = start_and_sign_in(&client, a).await;
    assert!(
        callback.starts_with(&format!("{b}/oauth/callback?")),
        "{callback}"
    );
    assert_eq!(landed, StatusCode::OK);
    let collected = result(&client, c, &flow).await;
    assert_eq!(collected.status, StatusCode::OK, "{:?}", collected.body);
    assert_eq!(collected.body["method"], "entra");
    assert_eq!(collected.body["organization"], "contoso");
    assert!(collected.body["credential"].is_string());

    // Asked again on any instance (the first answer lost on its way), the same answer; the record
    // now lives one more minute, and asking again does not extend it.
    let key = format!("azdo-connect:oauth:flow:{flow}");
    let left = redis.pttl(&key);
    assert!((1..=60_000).contains(&left), "{left} ms");
    for base in [a, b, c] {
        let again = result(&client, base, &flow).await;
        assert_eq!(again.status, StatusCode::OK, "{base}: {:?}", again.body);
        assert_eq!(again.body["credential"], collected.body["credential"]);
    }
    assert!(
        redis.pttl(&key) <= left,
        "collecting again extended the record"
    );
    // The callback's state is used up.
    let replay = callback.replacen(b.as_str(), c, 1);
    let replayed = client.get(&replay).send().await.unwrap();
    assert_eq!(replayed.status(), StatusCode::GONE);
    for server in servers {
        server.abort();
    }
    fake.shutdown().await;
}

#[tokio::test]
async fn with_memory_stores_a_callback_on_another_instance_finds_nothing() {
    let memory = || StoreUrl::Memory.open().unwrap();
    let (fake, bases, servers) = sign_in_instances([memory(), memory(), memory()]).await;
    let client = browser();
    // What `--store redis://…` is for: B never saw the flow A started.
    let (flow, _, landed) = start_and_sign_in(&client, &bases[0]).await;
    assert_eq!(landed, StatusCode::GONE);
    assert_eq!(
        result(&client, &bases[0], &flow).await.status,
        StatusCode::ACCEPTED
    );
    for server in servers {
        server.abort();
    }
    fake.shutdown().await;
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
async fn a_redis_that_stops_answering_costs_a_bounded_wait_then_recovers() {
    let redis = RedisServer::start();
    let proxies = instances(2, |c| c.store = store(&redis)).await;
    assert_eq!(proxies.verify(0, None).await.status, StatusCode::OK);
    redis.freeze();
    // The client's own bound (REQUEST_BOUND) would fail the test on a hang; the proxy answers
    // first, with the typed error.
    let reply = proxies.verify(0, None).await;
    assert_eq!(reply.code(), "upstream_unavailable", "{:?}", reply.body);
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no answer in time"),
        "{:?}",
        reply.body
    );
    assert_eq!(
        proxies.get(1, "/readyz").await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    redis.thaw();
    for instance in 0..2 {
        wait_until_ready(&proxies, instance).await;
        assert_eq!(proxies.verify(instance, None).await.status, StatusCode::OK);
    }
    proxies.stop().await;
}

#[tokio::test]
async fn the_shared_limit_refills_like_the_in_memory_one() {
    let redis = RedisServer::start();
    // One request a second after a burst of 3.
    let limit = RateLimit {
        per_minute: 60,
        burst: 3,
    };
    for shared in [false, true] {
        let proxies = instances(1, |c| {
            c.rate_limit = limit;
            if shared {
                c.store = store(&redis);
            }
        })
        .await;
        assert_eq!(burst(&proxies, 4, None).await, 3, "shared: {shared}");
        let refused = proxies.verify(0, None).await;
        assert_eq!(refused.code(), "rate_limited");
        // At most a second away: 1, never 0.
        assert_eq!(refused.headers["retry-after"], "1", "shared: {shared}");
        tokio::time::sleep(Duration::from_millis(1_200)).await;
        assert_eq!(
            proxies.verify(0, None).await.status,
            StatusCode::OK,
            "shared: {shared}"
        );
        proxies.stop().await;
    }
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

/// The `azdo-connect-proxy` binary, run as a service manager runs it.
#[cfg(feature = "cli")]
mod binary {
    use std::io::{BufRead as _, BufReader};
    use std::process::{Child, Command, ExitStatus, Stdio};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// A running `azdo-connect-proxy serve` and its log lines (JSON, stderr).
    pub struct Proxy {
        child: Child,
        /// `http://127.0.0.1:PORT`.
        pub origin: String,
        log: Arc<Mutex<Vec<String>>>,
    }

    impl Proxy {
        /// Starts `serve --bind 127.0.0.1:0 --log-format json` plus `args`; waits for the
        /// "listening" line and reads the address from it.
        pub fn start(args: &[&str]) -> Proxy {
            let mut child = Command::new(env!("CARGO_BIN_EXE_azdo-connect-proxy"))
                .args(["serve", "--bind", "127.0.0.1:0", "--log-format", "json"])
                .args(args)
                .env_remove("AZDO_CONNECT_SEAL_KEY")
                .env_remove("AZDO_CONNECT_STORE")
                .env("RUST_LOG", "info")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the binary runs");
            let log = Arc::new(Mutex::new(Vec::new()));
            let (addr_tx, addr_rx) = std::sync::mpsc::channel();
            let stderr = child.stderr.take().unwrap();
            let lines = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    if let Ok(entry) = serde_json::from_str::<serde_json::Value>(&line) {
                        if let Some(addr) = entry["fields"]["addr"].as_str() {
                            let _ = addr_tx.send(addr.to_owned());
                        }
                    }
                    lines.lock().unwrap().push(line);
                }
            });
            let addr = match addr_rx.recv_timeout(Duration::from_secs(30)) {
                Ok(addr) => addr,
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("the proxy did not start: {:?}", log.lock().unwrap());
                }
            };
            Proxy {
                child,
                origin: format!("http://{addr}"),
                log,
            }
        }

        /// Sends SIGTERM, as systemd, Docker and Kubernetes do to stop a service.
        pub fn terminate(&self) {
            let status = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status()
                .expect("kill runs");
            assert!(status.success());
        }

        /// Waits (bounded) for the process to exit.
        pub fn wait(&mut self, bound: Duration) -> ExitStatus {
            let deadline = Instant::now() + bound;
            loop {
                if let Some(status) = self.child.try_wait().unwrap() {
                    return status;
                }
                assert!(
                    Instant::now() < deadline,
                    "the proxy did not exit within {bound:?}: {:?}",
                    self.log()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }

        /// Every log line so far.
        pub fn log(&self) -> String {
            self.log.lock().unwrap().join("\n")
        }
    }

    impl Drop for Proxy {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(feature = "cli")]
async fn slow_fake(latency_ms: u64) -> FakeAzureDevOps {
    let mut fixture = Fixture::demo();
    for org in &mut fixture.organizations {
        org.faults.latency_ms = latency_ms;
    }
    FakeAzureDevOps::start(fixture).await.unwrap()
}

/// The binary over `fake`, with a verify deadline far above the fake's latency, plus `args`.
#[cfg(feature = "cli")]
fn proxy_over(fake: &FakeAzureDevOps, args: &[&str]) -> binary::Proxy {
    let upstream = fake.base_url();
    let mut all = vec![
        "--upstream-override",
        &upstream,
        "--verify-timeout-ms",
        "10000",
    ];
    all.extend_from_slice(args);
    binary::Proxy::start(&all)
}

#[cfg(feature = "cli")]
fn verify_request(
    client: &reqwest::Client,
    origin: &str,
) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
    client
        .post(format!("{origin}/api/azdo/verify"))
        .header("x-azdo-connect", "1")
        .json(&json!({"organization": demo::ORG, "token": demo::FULL}))
        .send()
}

/// Waits (bounded) until the fake has seen `count` requests: the verifies are in flight.
#[cfg(feature = "cli")]
async fn wait_for_upstream_requests(fake: &FakeAzureDevOps, count: u64) {
    for _ in 0..500 {
        if fake.total_requests() >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the verifies never reached the fake");
}

#[cfg(feature = "cli")]
#[tokio::test]
async fn sigterm_finishes_in_flight_verifies_refuses_new_connections_and_exits_0() {
    const IN_FLIGHT: usize = 5;
    let fake = slow_fake(1_500).await;
    let mut proxy = proxy_over(&fake, &[]);
    let client = bounded_client();
    let verifies: Vec<_> = (0..IN_FLIGHT)
        .map(|_| tokio::spawn(verify_request(&client, &proxy.origin)))
        .collect();
    // Each verify asks for connectionData at least: all five are past the proxy's front door.
    wait_for_upstream_requests(&fake, IN_FLIGHT as u64).await;

    proxy.terminate();
    // Once the signal is handled the listener is closed: a new client cannot connect.
    let addr = proxy.origin.trim_start_matches("http://").to_owned();
    let mut refused = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if tokio::net::TcpStream::connect(&addr).await.is_err() {
            refused = true;
            break;
        }
    }
    assert!(refused, "the proxy still accepts connections after SIGTERM");

    for verify in verifies {
        let response = verify
            .await
            .unwrap()
            .expect("an in-flight verify gets its answer");
        assert_eq!(response.status(), StatusCode::OK);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["credential"].is_string(), "{body}");
    }
    let status = proxy.wait(Duration::from_secs(20));
    assert_eq!(status.code(), Some(0), "{}", proxy.log());
    let log = proxy.log();
    assert!(log.contains("shutting down"), "{log}");
    assert!(log.contains("\"stopped\""), "{log}");
    fake.shutdown().await;
}

#[cfg(feature = "cli")]
#[tokio::test]
async fn the_shutdown_grace_bounds_the_wait_for_requests_in_flight() {
    let fake = slow_fake(4_000).await;
    let mut proxy = proxy_over(&fake, &["--shutdown-grace", "1"]);
    let client = bounded_client();
    let stuck = tokio::spawn(verify_request(&client, &proxy.origin));
    wait_for_upstream_requests(&fake, 1).await;
    proxy.terminate();
    // The upstream answer is 4 s away; the grace is 1 s: the process exits first, still 0.
    let status = proxy.wait(Duration::from_secs(3));
    assert_eq!(status.code(), Some(0), "{}", proxy.log());
    assert!(
        proxy.log().contains("shutdown grace period ended"),
        "{}",
        proxy.log()
    );
    assert!(
        stuck.await.unwrap().is_err(),
        "the cut request has no answer"
    );
    fake.shutdown().await;
}

#[cfg(feature = "cli")]
#[tokio::test]
async fn the_redis_password_never_reaches_the_log() {
    const PASSWORD: &str = "pw-Zq8xK2-never-logged";
    let mut redis = RedisServer::start_with_password(Some(PASSWORD));
    let fake = FakeAzureDevOps::start(Fixture::demo()).await.unwrap();
    let url = redis.url();
    let mut proxy = proxy_over(&fake, &["--store", &url]);
    let client = bounded_client();
    let ok = verify_request(&client, &proxy.origin).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);

    redis.stop();
    let down = into_reply(verify_request(&client, &proxy.origin).await.unwrap()).await;
    assert_eq!(down.code(), "upstream_unavailable");
    let ready = client
        .get(format!("{}/readyz", proxy.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    proxy.terminate();
    assert_eq!(proxy.wait(Duration::from_secs(20)).code(), Some(0));

    let log = proxy.log();
    assert!(log.contains("the shared store cannot be reached"), "{log}");
    assert!(
        log.contains(&format!("redis://:***@127.0.0.1:{}", redis.port())),
        "{log}"
    );
    assert!(!log.contains(PASSWORD), "{log}");
    fake.shutdown().await;
}

#[cfg(feature = "cli")]
#[test]
fn an_unusable_store_url_stops_start_up_without_repeating_its_password() {
    for bad in [
        "memcached://:pw-Zq8xK2@127.0.0.1:11211",
        "redis://:pw-Zq8xK2@",
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_azdo-connect-proxy"))
            .args(["serve", "--bind", "127.0.0.1:0", "--store", bad])
            .env_remove("AZDO_CONNECT_SEAL_KEY")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{bad}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--store"), "{bad}: {stderr}");
        assert!(!stderr.contains("pw-Zq8xK2"), "{bad}: {stderr}");
    }
}
