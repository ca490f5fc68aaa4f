//! `cargo xtask screenshots`: the demo page in each state, light and dark, for the README.
//!
//! Serves the demo exactly as `cargo xtask demo` does and drives Debian's chromium with
//! playwright-core (`tools/screenshots.mjs`), writing PNGs to `docs/screenshots/`.

use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::process::{exec, step};
use crate::servers;
use crate::setup::{self, Needs};
use crate::{workspace_root, Result};

const PORT: u16 = 8090;

/// Takes every screenshot.
pub fn run() -> Result {
    setup::run(Needs::Demo)?;
    step("build the proxy and the fake Azure DevOps");
    servers::build_binaries()?;
    step("start the fake Azure DevOps and the proxy");
    let origin = format!("http://127.0.0.1:{PORT}");
    let stack = servers::start(&servers::Options {
        fake_port: 8788,
        proxy_port: 8787,
        rate_limit: servers::RateLimit::Relaxed,
        // Its own, emptied database: a connection left by `cargo xtask demo` would skip the form.
        demo: servers::DemoDb::Fresh(
            crate::workspace_root().join("target/demo/screenshots.sqlite3"),
        ),
        // As in `cargo xtask demo`: sign-in against the fake identity platform.
        entra: true,
        ..servers::Options::new(vec![origin.clone()])?
    })?;
    step("trunk serve");
    let mut trunk = servers::trunk_serve(PORT)?;
    wait_for_page(&mut trunk)?;
    step("screenshots with playwright-core + chromium");
    std::fs::create_dir_all(workspace_root().join("docs/screenshots"))
        .map_err(|e| format!("cannot create docs/screenshots: {e}"))?;
    let result =
        exec(Command::new("node").args(["tools/screenshots.mjs", &origin, "docs/screenshots"]));
    drop(trunk);
    drop(stack);
    result
}

/// trunk compiles before it serves; wait until the page answers (bounded).
fn wait_for_page(trunk: &mut servers::Guard) -> Result {
    let deadline = Instant::now() + Duration::from_secs(900);
    while Instant::now() < deadline {
        if trunk.exited() {
            return Err("trunk serve exited; run `cargo xtask demo` to see its output".into());
        }
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", PORT)) {
            use std::io::{Read, Write};
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = s.write_all(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
            let mut head = [0u8; 12];
            if s.read_exact(&mut head).is_ok() && head.ends_with(b"200") {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    Err("trunk did not serve the demo within 15 minutes".into())
}
