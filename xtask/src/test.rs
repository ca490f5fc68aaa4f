//! `cargo xtask test`: every check, in order, ending with one summary line.

use std::process::Command;

use crate::process::{exec, run_tests, step, Counts};
use crate::servers;
use crate::setup::{self, Needs, CHROMEDRIVER};
use crate::Result;

/// The origin wasm-bindgen-test-runner serves the browser tests from; the proxy allows it.
const BROWSER_TEST_ADDR: &str = "127.0.0.1:8799";

/// Runs fmt, clippy (native and wasm32), native tests, browser tests and the other engines' smoke.
pub fn run() -> Result {
    let started = std::time::Instant::now();
    setup::run(Needs::Tests)?;
    let mut counts = Counts::default();
    let mut failures: Vec<String> = Vec::new();
    let mut check = |name: &str, result: Result| {
        if let Err(e) = result {
            println!("    FAILED: {e}");
            failures.push(name.to_owned());
        }
    };

    step("cargo fmt --check");
    check("fmt", exec(cargo().args(["fmt", "--all", "--check"])));

    step("clippy (native, -D warnings)");
    check(
        "clippy native",
        exec(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
    );

    step("clippy (wasm32, -D warnings)");
    check(
        "clippy wasm32",
        exec(cargo().args([
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "azdo-connect",
            "-p",
            "azdo-connect-core",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
    );

    step("native tests");
    let (result, native) = run_tests(cargo().args(["test", "--workspace"]));
    counts.add(native);
    check("native tests", result);

    step("browser tests (wasm-bindgen-test in headless chromium, against the proxy and the fake)");
    let (result, browser) = browser_tests();
    counts.add(browser);
    check("browser tests", result);
    // One package build serves the chromium suite and the other engines' smoke.
    match crate::package::build() {
        Ok(package) => {
            check("end-to-end tests", crate::e2e::tests(&package, &mut counts));
            check(
                "smoke in Firefox and WebKit",
                crate::engines::tests(&package, &mut counts),
            );
        }
        Err(e) => check("package for the end-to-end tests", Err(e)),
    }

    println!(
        "\nxtask test finished in {:.0} s; failed steps: {}",
        started.elapsed().as_secs_f64(),
        if failures.is_empty() {
            "none".to_owned()
        } else {
            failures.join(", ")
        }
    );
    println!(
        "summary: {} passed, {} failed, {} skipped",
        counts.passed, counts.failed, counts.ignored
    );
    if failures.is_empty() && counts.failed == 0 {
        Ok(())
    } else {
        Err(format!("{} step(s) failed", failures.len().max(1)))
    }
}

fn cargo() -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.env("PATH", setup::tool_path());
    cmd
}

fn browser_tests() -> (Result, Counts) {
    let stack = servers::build_binaries().and_then(|()| {
        servers::start(&servers::Options {
            rate_limit: servers::RateLimit::Relaxed,
            ..servers::Options::new(vec![format!("http://{BROWSER_TEST_ADDR}")])?
        })
    });
    let stack = match stack {
        Ok(s) => s,
        Err(e) => return (Err(e), Counts::default()),
    };
    let mut cmd = cargo();
    cmd.args([
        "test",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "azdo-connect",
    ])
    .env("CHROMEDRIVER", CHROMEDRIVER)
    .env("WASM_BINDGEN_TEST_ADDRESS", BROWSER_TEST_ADDR)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "300")
    .env("WASM_BINDGEN_TEST_DRIVER_TIMEOUT", "60")
    .env("AZDO_CONNECT_TEST_PROXY_URL", stack.proxy_url())
    .env(
        "AZDO_CONNECT_TEST_FAKE_URL",
        format!("http://{}", stack.fake_addr),
    );
    let out = run_tests(&mut cmd);
    drop(stack);
    out
}
