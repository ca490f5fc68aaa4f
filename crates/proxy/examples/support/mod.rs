//! What both benchmarks need: the proxy served on loopback, percentiles, and this process's
//! memory and the machine's load read from `/proc`.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use azdo_connect_fake::demo;
use azdo_connect_proxy::{router, ProxyConfig};

/// Serves `config` on 127.0.0.1:0 with connect info (the rate limit keys on the peer address);
/// returns the address and the server task.
pub async fn serve(config: ProxyConfig) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let app = router(config).expect("valid config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    (addr, server)
}

/// The build the figures come from: only `release` figures are worth comparing.
pub const PROFILE: &str = if cfg!(debug_assertions) {
    "debug"
} else {
    "release"
};

/// One verify of the demo organization's full token through the proxy at `url`, requiring
/// `scopes`; panics unless it is 200. Returns how long it took, body read.
pub async fn verify_once(client: &reqwest::Client, url: &str, scopes: &[&str]) -> Duration {
    let started = Instant::now();
    let response = client
        .post(url)
        .header("x-azdo-connect", "1")
        .json(&serde_json::json!({"organization": demo::ORG, "token": demo::FULL, "requiredScopes": scopes}))
        .send()
        .await
        .expect("proxy answers");
    assert_eq!(response.status(), 200, "verify failed");
    response.bytes().await.expect("body");
    started.elapsed()
}

/// `concurrency` clients sending verifies (as [`verify_once`]) for `window`, each request to the
/// next of `urls` in turn, as a load balancer spreads them: how many were answered, and how many
/// a second.
pub async fn verify_load(
    urls: Vec<String>,
    scopes: &'static [&'static str],
    concurrency: usize,
    window: Duration,
) -> (u64, f64) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let urls = Arc::new(urls);
    let next = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + window;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, urls, next, done) =
                (client.clone(), urls.clone(), next.clone(), done.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    let url = &urls[next.fetch_add(1, Ordering::Relaxed) % urls.len()];
                    verify_once(&client, url, scopes).await;
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.expect("worker");
    }
    let total = done.load(Ordering::Relaxed);
    (total, total as f64 / started.elapsed().as_secs_f64())
}

/// The `p` quantile (0.0–1.0) of sorted samples, nearest rank; zero for no samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// A `/proc/self/status` field in KiB, such as `VmRSS:` or `VmHWM:`.
pub fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Writes `report` to `bench/results/{name}.json` at the workspace root, then prints the load
/// average (to read the figures against) and where the file went.
pub fn write_results(name: &str, report: &serde_json::Value) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../bench/results/{name}.json"));
    std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create bench/results");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(report).expect("serializable") + "\n",
    )
    .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    if let Some(load) = load_average() {
        println!("\n1-minute load average at the end: {load}");
    }
    println!("wrote {}", path.display());
}

/// The 1-minute load average, to read the numbers against (other work on the machine skews them).
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
