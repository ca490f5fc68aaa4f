//! `cargo xtask demo`: the fake Azure DevOps, the proxy, and `trunk serve` on loopback.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::process::step;
use crate::servers;
use crate::setup::{self, Needs};
use crate::Result;

/// The ports `Trunk.toml`'s `[[proxy]]` and the demo text refer to.
const PROXY_PORT: u16 = 8787;
const FAKE_PORT: u16 = 8788;

/// Builds everything, starts the servers and serves the demo page until Ctrl-C.
pub fn run(port: u16) -> Result {
    setup::run(Needs::Demo)?;
    step("build the proxy and the fake Azure DevOps");
    servers::build_binaries()?;
    step("start the fake Azure DevOps and the proxy");
    let origin = format!("http://127.0.0.1:{port}");
    let mut stack = servers::start(&servers::Options {
        fake_port: FAKE_PORT,
        proxy_port: PROXY_PORT,
        quiet: false,
        // The page persists connections here, so the demo survives a reload and a restart.
        demo: servers::DemoDb::Keep(servers::DemoDb::demo()),
        // Sign in with Microsoft against the fake's identity platform.
        entra: true,
        ..servers::Options::new(vec![origin.clone(), format!("http://localhost:{port}")])?
    })?;

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;

    step("trunk serve");
    let mut trunk = servers::trunk_serve(port)?;

    let lines = [
        format!("Demo: open {origin}/ once trunk says it is serving."),
        "Organization: contoso   (or paste https://contoso.visualstudio.com/Proj/_git/repo)".into(),
        "Token:        demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7   (full access)".into(),
        "Also try:     democode5x5tk3oynuwt7s5jnbpldbesfm7t56xsb57a3lsijdta   (Code (Read) only)"
            .into(),
        "              demoexpiredaqgdcxiddegbfoqzu7aumucj3m2lebwnfi4xvls5d   (expired)".into(),
        "Sign in with Microsoft: pick a demo account on the fake's page, e.g. dana@contoso.example"
            .into(),
        "              (leave Organization empty to choose: morgan@contoso.example has two)".into(),
        "Connections persist in target/demo/connections.sqlite3. Ctrl-C stops everything.".into(),
    ];
    println!();
    for line in lines {
        println!("  {line}");
    }
    println!();

    let outcome = loop {
        if stop.load(Ordering::SeqCst) {
            break Ok(());
        }
        if trunk.exited() {
            break Err("trunk serve exited; see its output above".to_owned());
        }
        if stack.proxy.exited() || stack.fake.exited() {
            break Err("the proxy or the fake exited; see its log above".to_owned());
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    step("stopping");
    trunk.stop();
    stack.proxy.stop();
    stack.fake.stop();
    outcome
}
