//! What both benchmarks need: the proxy served on loopback, percentiles, and this process's
//! memory and the machine's load read from `/proc`.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

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

/// The 1-minute load average, to read the numbers against (other work on the machine skews them).
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
