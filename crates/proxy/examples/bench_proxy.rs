//! Measures the proxy over the fake Azure DevOps, all on loopback and in-process:
//! verify latency (median, p99) with 0 ms and 50 ms of injected upstream latency, the ratio of a
//! verify to one upstream round trip, throughput with 64 concurrent clients for 10 s, and the
//! process's peak RSS. Prints a markdown table and writes `bench/results/proxy.json` at the
//! workspace root.
//!
//! `cargo run -p azdo-connect-proxy --example bench_proxy [--release]`

use std::time::{Duration, Instant};

use azdo_connect_fake::{demo, FakeAzureDevOps, Fixture};
use azdo_connect_proxy::{ProxyConfig, RateLimit, SealKey};
use serde_json::json;
use support::{load_average, percentile, status_kib};

mod support;

const CONCURRENCY: usize = 64;
const THROUGHPUT_WINDOW: Duration = Duration::from_secs(10);
const SCOPES: [&str; 2] = ["vso.code", "vso.project"];

struct Setup {
    fake: FakeAzureDevOps,
    verify_url: String,
    server: tokio::task::JoinHandle<()>,
}

async fn setup(latency_ms: u64) -> Setup {
    let mut fixture = Fixture::demo();
    for org in &mut fixture.organizations {
        org.faults.latency_ms = latency_ms;
    }
    let fake = FakeAzureDevOps::start(fixture).await.expect("fake starts");
    let config = ProxyConfig {
        upstream_override: Some(fake.base_url().parse().expect("fake URL")),
        seal_key: SealKey::generate("bench"),
        rate_limit: RateLimit {
            per_minute: u32::MAX / 2,
            burst: u32::MAX / 2,
        },
        ..ProxyConfig::default()
    };
    let (addr, server) = support::serve(config).await;
    Setup {
        fake,
        verify_url: format!("http://{addr}/api/azdo/verify"),
        server,
    }
}

async fn verify_once(client: &reqwest::Client, url: &str) -> Duration {
    support::verify_once(client, url, &SCOPES).await
}

async fn upstream_once(client: &reqwest::Client, fake: &FakeAzureDevOps) -> Duration {
    let url = format!(
        "{}/dev.azure.com/{}/_apis/connectionData",
        fake.base_url(),
        demo::ORG
    );
    let started = Instant::now();
    let response = client
        .get(url)
        .basic_auth("", Some(demo::FULL))
        .header("x-tfs-fedauthredirect", "Suppress")
        .send()
        .await
        .expect("fake answers");
    assert_eq!(response.status(), 200);
    response.bytes().await.expect("body");
    started.elapsed()
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

struct Latency {
    injected_ms: u64,
    samples: usize,
    median: Duration,
    p99: Duration,
    upstream_median: Duration,
}

async fn latency(latency_ms: u64, samples: usize) -> Latency {
    let setup = setup(latency_ms).await;
    let client = reqwest::Client::new();
    // Warm up connection pools on both hops.
    for _ in 0..5 {
        verify_once(&client, &setup.verify_url).await;
    }
    let mut verify = Vec::with_capacity(samples);
    let mut upstream = Vec::with_capacity(samples);
    for _ in 0..samples {
        verify.push(verify_once(&client, &setup.verify_url).await);
        upstream.push(upstream_once(&client, &setup.fake).await);
    }
    verify.sort();
    upstream.sort();
    setup.server.abort();
    let _ = setup.server.await;
    setup.fake.shutdown().await;
    Latency {
        injected_ms: latency_ms,
        samples,
        median: percentile(&verify, 0.5),
        p99: percentile(&verify, 0.99),
        upstream_median: percentile(&upstream, 0.5),
    }
}

async fn throughput() -> (u64, f64) {
    let setup = setup(0).await;
    let measured = support::verify_load(
        vec![setup.verify_url.clone()],
        &SCOPES,
        CONCURRENCY,
        THROUGHPUT_WINDOW,
    )
    .await;
    setup.server.abort();
    let _ = setup.server.await;
    setup.fake.shutdown().await;
    measured
}

#[tokio::main]
async fn main() {
    let profile = support::PROFILE;
    let fast = latency(0, 300).await;
    let slow = latency(50, 60).await;
    let (requests, per_second) = throughput().await;
    // Peak resident set size of the whole process: proxy, fake and load generator together.
    let rss = status_kib("VmHWM:");

    println!("## azdo-connect-proxy benchmark ({profile} build, loopback, in-process fake)\n");
    println!("verify = connectionData and the vso.code and vso.project probes, all at once\n");
    println!("| measure | 0 ms upstream | 50 ms upstream |");
    println!("|---|---|---|");
    println!(
        "| verify median (ms) | {} | {} |",
        ms(fast.median),
        ms(slow.median)
    );
    println!("| verify p99 (ms) | {} | {} |", ms(fast.p99), ms(slow.p99));
    println!(
        "| one upstream round trip, median (ms) | {} | {} |",
        ms(fast.upstream_median),
        ms(slow.upstream_median)
    );
    let ratio = |l: &Latency| {
        (l.median.as_secs_f64() / l.upstream_median.as_secs_f64().max(1e-9) * 100.0).round() / 100.0
    };
    println!(
        "| verify / upstream round trip | {} | {} |",
        ratio(&fast),
        ratio(&slow)
    );
    println!("| samples | {} | {} |", fast.samples, slow.samples);
    println!();
    println!(
        "| throughput, {CONCURRENCY} clients, {} s | {:.0} verifies/s ({requests} total) |",
        THROUGHPUT_WINDOW.as_secs(),
        per_second
    );
    println!("|---|---|");
    match rss {
        Some(kib) => println!(
            "| peak RSS (whole process) | {:.1} MiB |",
            kib as f64 / 1024.0
        ),
        None => println!("| peak RSS | unavailable |"),
    }

    let latency_json = |l: &Latency| {
        json!({
            "injectedLatencyMs": l.injected_ms,
            "samples": l.samples,
            "verifyMedianMs": ms(l.median),
            "verifyP99Ms": ms(l.p99),
            "upstreamRoundTripMedianMs": ms(l.upstream_median),
            "verifyToRoundTripRatio": ratio(l),
        })
    };
    let report = json!({
        "profile": profile,
        "verifyRequiredScopes": SCOPES,
        "latency": [latency_json(&fast), latency_json(&slow)],
        "throughput": {
            "concurrency": CONCURRENCY,
            "windowSeconds": THROUGHPUT_WINDOW.as_secs(),
            "requests": requests,
            "verifiesPerSecond": (per_second * 10.0).round() / 10.0,
        },
        "peakRssKiB": rss,
        "loadAverage1mAtEnd": load_average(),
        "cpus": std::thread::available_parallelism().map(|n| n.get()).ok(),
        "note": "proxy, fake and load generator share one process and the machine's cores",
    });
    support::write_results("proxy", &report);
}
