//! What sharing state through Redis costs (`--store redis://…`), all on loopback: verify
//! latency (median, p99) of one instance with the memory store and with a real `redis-server`,
//! the difference being the shared rate limit's round trip; then verify throughput with 64
//! concurrent clients for one instance on each store and for three instances sharing one Redis,
//! the clients spread round-robin (the three interleaved over a few rounds, the median kept).
//! Proxies, fake, Redis and load generator share the machine's
//! cores, so three instances show the overhead of sharing, not a speed-up. Prints a markdown
//! table and writes `bench/results/scale.json` at the workspace root.
//!
//! `cargo run -p azdo-connect-proxy --example bench_scale [--release]` (needs `redis-server`,
//! which `cargo xtask setup` installs).

use std::net::SocketAddr;
use std::time::Duration;

use azdo_connect_fake::{FakeAzureDevOps, Fixture};
use azdo_connect_proxy::{ProxyConfig, RateLimit, SealKey, StoreUrl};
use serde_json::json;
use support::{load_average, percentile};

#[path = "../tests/redis_server/mod.rs"]
mod redis_server;
mod support;

const CONCURRENCY: usize = 64;
const THROUGHPUT_WINDOW: Duration = Duration::from_secs(5);
/// Each throughput configuration runs this many times, the three interleaved, and the median
/// counts: other work on the machine then weighs on all three alike.
const ROUNDS: usize = 3;
const LATENCY_SAMPLES: usize = 300;

struct Instances {
    urls: Vec<String>,
    servers: Vec<tokio::task::JoinHandle<()>>,
}

impl Instances {
    async fn start(count: usize, fake: &FakeAzureDevOps, store: &StoreUrl) -> Instances {
        let key = SealKey::generate("bench");
        let mut urls = Vec::new();
        let mut servers = Vec::new();
        for _ in 0..count {
            let config = ProxyConfig {
                upstream_override: Some(fake.base_url().parse().expect("fake URL")),
                seal_key: key.clone(),
                // Counted on every request, never reached: the cost measured is the counting.
                rate_limit: RateLimit {
                    per_minute: u32::MAX / 2,
                    burst: u32::MAX / 2,
                },
                // Each instance its own connection, as separate processes would have.
                store: store.open().expect("store"),
                ..ProxyConfig::default()
            };
            let (addr, server): (SocketAddr, _) = support::serve(config).await;
            urls.push(format!("http://{addr}/api/azdo/verify"));
            servers.push(server);
        }
        Instances { urls, servers }
    }

    async fn stop(self) {
        for server in self.servers {
            server.abort();
            let _ = server.await;
        }
    }
}

async fn verify_once(client: &reqwest::Client, url: &str) -> Duration {
    support::verify_once(client, url, &["vso.code"]).await
}

struct Latency {
    median: Duration,
    p99: Duration,
}

async fn latency(fake: &FakeAzureDevOps, store: &StoreUrl) -> Latency {
    let instances = Instances::start(1, fake, store).await;
    let client = reqwest::Client::new();
    for _ in 0..10 {
        verify_once(&client, &instances.urls[0]).await;
    }
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for _ in 0..LATENCY_SAMPLES {
        samples.push(verify_once(&client, &instances.urls[0]).await);
    }
    samples.sort();
    instances.stop().await;
    Latency {
        median: percentile(&samples, 0.5),
        p99: percentile(&samples, 0.99),
    }
}

async fn throughput(fake: &FakeAzureDevOps, store: &StoreUrl, count: usize) -> f64 {
    let instances = Instances::start(count, fake, store).await;
    let (_, per_second) = support::verify_load(
        instances.urls.clone(),
        &["vso.code"],
        CONCURRENCY,
        THROUGHPUT_WINDOW,
    )
    .await;
    instances.stop().await;
    per_second
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

#[tokio::main]
async fn main() {
    let profile = support::PROFILE;
    let redis = redis_server::RedisServer::start();
    let shared = StoreUrl::parse(&redis.url()).expect("redis URL");
    let fake = FakeAzureDevOps::start(Fixture::demo())
        .await
        .expect("fake starts");

    let memory_latency = latency(&fake, &StoreUrl::Memory).await;
    let redis_latency = latency(&fake, &shared).await;
    let mut rounds = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..ROUNDS {
        rounds[0].push(throughput(&fake, &StoreUrl::Memory, 1).await);
        rounds[1].push(throughput(&fake, &shared, 1).await);
        rounds[2].push(throughput(&fake, &shared, 3).await);
    }
    let [memory_1, redis_1, redis_3] = rounds.map(|mut rates| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    });
    fake.shutdown().await;
    drop(redis);

    let added = redis_latency.median.as_secs_f64() - memory_latency.median.as_secs_f64();
    let added_ms = (added * 1000.0 * 1000.0).round() / 1000.0;
    let change = |rate: f64| ((rate / memory_1 - 1.0) * 1000.0).round() / 10.0;

    println!("## Several instances sharing Redis ({profile} build, loopback, in-process fake and proxies)\n");
    println!(
        "verify = connectionData and the vso.code probe; every request counted by the rate limit\n"
    );
    println!("| measure | memory store | Redis store |");
    println!("|---|---|---|");
    println!(
        "| verify median, 1 instance (ms) | {} | {} |",
        ms(memory_latency.median),
        ms(redis_latency.median)
    );
    println!(
        "| verify p99, 1 instance (ms) | {} | {} |",
        ms(memory_latency.p99),
        ms(redis_latency.p99)
    );
    println!("| added by the shared rate limit, median (ms) | — | {added_ms} |");
    println!(
        "| throughput, 1 instance, {CONCURRENCY} clients, median of {ROUNDS} × {} s (verifies/s) | {memory_1:.0} | {redis_1:.0} ({:+}% against memory) |",
        THROUGHPUT_WINDOW.as_secs(),
        change(redis_1)
    );
    println!(
        "| throughput, 3 instances round-robin (verifies/s) | — | {redis_3:.0} ({:+}% against 1 instance on memory) |",
        change(redis_3)
    );

    let report = json!({
        "profile": profile,
        "latencySamples": LATENCY_SAMPLES,
        "latencyMs": {
            "memory": {"median": ms(memory_latency.median), "p99": ms(memory_latency.p99)},
            "redis": {"median": ms(redis_latency.median), "p99": ms(redis_latency.p99)},
            "addedBySharedStoreMedian": added_ms,
        },
        "throughput": {
            "concurrency": CONCURRENCY,
            "windowSeconds": THROUGHPUT_WINDOW.as_secs(),
            "rounds": ROUNDS,
            "verifiesPerSecond": {
                "oneInstanceMemory": (memory_1 * 10.0).round() / 10.0,
                "oneInstanceRedis": (redis_1 * 10.0).round() / 10.0,
                "threeInstancesRedis": (redis_3 * 10.0).round() / 10.0,
            },
        },
        "loadAverage1mAtEnd": load_average(),
        "cpus": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "note": "proxies, fake, redis-server and load generator share the machine's cores: three instances measure the cost of sharing, not a speed-up",
    });
    support::write_results("scale", &report);
}
