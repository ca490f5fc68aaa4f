//! `cargo xtask e2e`: the packaged widget in headless Debian chromium, end to end.
//!
//! Builds the npm package, starts the fake Azure DevOps and the proxy, serves the package under a
//! CDN-like path and the host pages in `e2e/pages/` from a small node server, then runs the
//! `e2e/*.test.mjs` files with node's test runner (playwright-core drives chromium); React and Vue
//! host apps are built with Vite from the packed tarball during the run. The counts
//! come from the runner's own `# pass` / `# fail` summary lines.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{step, stream, Counts};
use crate::servers::{self, Guard};
use crate::setup::{self, Needs, CHROMIUM};
use crate::{package, workspace_root, Result};

/// The subcommand: set-up, then [`tests`], then a summary line like `cargo xtask test`'s.
pub fn run() -> Result {
    setup::run(Needs::Tests)?;
    let mut counts = Counts::default();
    let result = package::build().and_then(|package| tests(&package, &mut counts));
    println!(
        "summary: {} passed, {} failed, {} skipped",
        counts.passed, counts.failed, counts.ignored
    );
    result.and_then(|()| match counts.failed {
        0 => Ok(()),
        n => Err(format!("{n} end-to-end test(s) failed")),
    })
}

/// The fake, the proxy and the static server for `e2e/pages/` and the package, until dropped.
pub struct Served {
    /// The static server (node `e2e/serve.mjs`), held to be stopped on drop.
    _server: Guard,
    /// The fake Azure DevOps and the proxy.
    pub stack: servers::Stack,
    /// Another fake and a proxy that offers "Sign in with Microsoft" (e2e/signin.test.mjs); the
    /// widget leads with sign-in there, so the token-form suites use `stack`.
    pub entra: servers::Stack,
    /// The sign-in proxy's TRACE log, for the secret-hygiene checks.
    pub entra_log: PathBuf,
    /// The pages' origin, e.g. `http://127.0.0.1:40123`; the proxy allows it.
    pub origin: String,
    /// Where the package is served, e.g. `/cdn/azdo-connect@0.1.0/`.
    pub cdn_path: String,
    /// The proxy's TRACE log, for the secret-hygiene checks.
    pub proxy_log: PathBuf,
    /// Where e2e/frameworks.test.mjs builds its React and Vue apps; served under `/apps/`, on the
    /// origin the proxy allows.
    pub apps: PathBuf,
}

/// Runs the end-to-end tests against the package built into `package`, adding their results to
/// `counts`.
pub fn tests(package: &Path, counts: &mut Counts) -> Result {
    let served = serve(package)?;
    let screenshots = workspace_root().join("target/e2e-screenshots");
    std::fs::create_dir_all(&screenshots)
        .map_err(|e| format!("cannot create {}: {e}", screenshots.display()))?;

    step("end-to-end tests (node --test e2e/, playwright-core + chromium)");
    let mut cmd = Command::new("node");
    cmd.args(["--test", "--test-reporter=tap", "--test-concurrency=1"])
        .args(selected_files())
        .env("AZDO_E2E_BASE_URL", &served.origin)
        .env("AZDO_E2E_CDN_PATH", &served.cdn_path)
        .env("AZDO_E2E_PROXY_URL", served.stack.proxy_url())
        .env("AZDO_E2E_PROXY_LOG", &served.proxy_log)
        .env("AZDO_E2E_ENTRA_PROXY_URL", served.entra.proxy_url())
        .env("AZDO_E2E_ENTRA_PROXY_LOG", &served.entra_log)
        .env("AZDO_E2E_PACKAGE_DIR", package)
        .env("AZDO_E2E_APPS_DIR", &served.apps)
        .env("AZDO_E2E_SCREENSHOTS", &screenshots)
        .env("AZDO_E2E_CHROMIUM", CHROMIUM)
        .env("PATH", setup::tool_path());
    let (result, run) = run_node_tests(&mut cmd);
    counts.add(run);
    drop(served);
    println!("    screenshots: {}", screenshots.display());
    result
}

/// Starts the fake, the proxy and the static server for the package built into `package`.
pub fn serve(package: &Path) -> Result<Served> {
    step("end-to-end: build and start the fake Azure DevOps and the proxy");
    servers::build_binaries()?;
    let static_port = servers::free_port()?;
    let origin = format!("http://127.0.0.1:{static_port}");
    let proxy_log = workspace_root().join("target/e2e/proxy-trace.log");
    let stack = servers::start(&servers::Options {
        // The suite sends many verifies from one address within seconds.
        rate_limit: servers::RateLimit::Relaxed,
        // For e2e/persist.test.mjs: a host page that persists through the demo routes.
        demo: servers::DemoDb::Fresh(workspace_root().join("target/e2e/connections.sqlite3")),
        // For the secret-hygiene checks: the token must not be in the proxy's TRACE log either.
        proxy_trace_log: Some(proxy_log.clone()),
        ..servers::Options::new(vec![origin.clone()])?
    })?;
    let entra_log = workspace_root().join("target/e2e/entra-proxy-trace.log");
    let entra = servers::start(&servers::Options {
        rate_limit: servers::RateLimit::Relaxed,
        proxy_trace_log: Some(entra_log.clone()),
        entra: true,
        ..servers::Options::new(vec![origin.clone()])?
    })?;

    step("end-to-end: static server for the package and the host pages");
    let cdn_path = format!("/cdn/azdo-connect@{}/", package::VERSION);
    let apps = workspace_root().join("target/e2e/apps");
    let mut server = Guard::spawn(
        "e2e static server",
        Command::new("node")
            .arg("e2e/serve.mjs")
            .env("E2E_PORT", static_port.to_string())
            .env("E2E_PACKAGE_DIR", package)
            .env("E2E_CDN_PATH", &cdn_path)
            .env("E2E_PROXY_URL", stack.proxy_url())
            .env("E2E_APPS_DIR", &apps),
        false,
    )?;
    servers::wait_ready(&mut server, ([127, 0, 0, 1], static_port).into())?;
    Ok(Served {
        _server: server,
        stack,
        entra,
        entra_log,
        origin,
        cdn_path,
        proxy_log,
        apps,
    })
}

/// `AZDO_E2E_FILES` (space-separated, e.g. `e2e/element.test.mjs`) runs only those files;
/// otherwise every test file in `e2e/`.
fn selected_files() -> Vec<String> {
    let files: Vec<String> = std::env::var("AZDO_E2E_FILES")
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if files.is_empty() {
        vec!["e2e/".to_owned()]
    } else {
        files
    }
}

/// Runs node's test runner, echoing its TAP output, and reads the final summary lines.
fn run_node_tests(cmd: &mut Command) -> (Result, Counts) {
    let mut summary = TapSummary::default();
    let result = stream(cmd, |line| summary.read_line(line)).and_then(|()| {
        if summary.complete() {
            Ok(())
        } else {
            Err("node --test printed no `# pass` summary".to_owned())
        }
    });
    (result, summary.counts())
}

/// The totals node's TAP reporter prints last: `# pass N`, `# fail N`, `# cancelled N`,
/// `# skipped N`, `# todo N`.
#[derive(Debug, Default, Clone, Copy)]
struct TapSummary {
    pass: Option<u64>,
    fail: u64,
    cancelled: u64,
    skipped: u64,
    todo: u64,
}

impl TapSummary {
    fn read_line(&mut self, line: &str) {
        // Subtests' output is indented; only the top-level summary counts.
        let Some(rest) = line.strip_prefix("# ") else {
            return;
        };
        let mut words = rest.split_whitespace();
        let (Some(kind), Some(n), None) = (words.next(), words.next(), words.next()) else {
            return;
        };
        let Ok(n) = n.parse::<u64>() else { return };
        match kind {
            "pass" => self.pass = Some(n),
            "fail" => self.fail = n,
            "cancelled" => self.cancelled = n,
            "skipped" => self.skipped = n,
            "todo" => self.todo = n,
            _ => {}
        }
    }

    fn complete(&self) -> bool {
        self.pass.is_some()
    }

    /// A cancelled test (its file crashed or timed out) is a failure, not a skip.
    fn counts(&self) -> Counts {
        Counts {
            passed: self.pass.unwrap_or(0),
            failed: self.fail + self.cancelled,
            ignored: self.skipped + self.todo,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_node_tap_summary_lines() {
        let mut s = TapSummary::default();
        for line in [
            "# Subtest: organization forms",
            "    # Subtest: bare name",
            "    ok 1 - bare name",
            "# tests 14",
            "# suites 3",
            "# pass 11",
            "# fail 1",
            "# cancelled 1",
            "# skipped 1",
            "# todo 0",
            "# duration_ms 5123.4",
            "# some comment 3",
        ] {
            s.read_line(line);
        }
        let c = s.counts();
        assert!(s.complete());
        assert_eq!((c.passed, c.failed, c.ignored), (11, 2, 1));
    }

    #[test]
    fn a_run_without_a_summary_is_not_complete() {
        let mut s = TapSummary::default();
        s.read_line("not ok 1 - e2e/connect.test.mjs");
        assert!(!s.complete());
        assert_eq!(s.counts().passed, 0);
    }
}
