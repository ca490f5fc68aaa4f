//! `cargo xtask engines`: the smoke scenarios in [`crate::smoke`] in Firefox ESR (geckodriver)
//! and WebKitGTK (WebKitWebDriver driving MiniBrowser on an Xvfb display), over plain W3C
//! WebDriver, against the same servers as the chromium end-to-end suite.
//!
//! Each engine's driver (and the browser it starts, and Xvfb) runs in its own process group that
//! is stopped when the engine is done, whatever happened; every WebDriver wait has a limit, so a
//! hung engine fails its scenarios instead of stalling the run. An engine whose programs are not
//! installed is skipped with the reason, and its scenarios count as skipped.

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, TimeoutConfiguration};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::process::{step, Counts};
use crate::servers::{self, Guard};
use crate::setup::{self, Needs};
use crate::smoke::{Page, Scenario};
use crate::{e2e, package, workspace_root, Result};

/// How long a driver may take to start a browser session.
const SESSION_START: Duration = Duration::from_secs(60);
/// How long one scenario may take, all its waits included.
const SCENARIO_LIMIT: Duration = Duration::from_secs(150);
/// How long closing a session (and so the browser) may take before the process group is killed.
const SESSION_CLOSE: Duration = Duration::from_secs(15);

/// A browser engine the smoke scenarios run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// Debian's Firefox ESR through geckodriver, headless.
    Firefox,
    /// WebKitGTK's MiniBrowser through WebKitWebDriver, on an Xvfb display.
    Webkit,
}

impl Engine {
    /// Every engine, in the order they run.
    pub const ALL: [Engine; 2] = [Engine::Firefox, Engine::Webkit];

    fn name(self) -> &'static str {
        match self {
            Engine::Firefox => "firefox",
            Engine::Webkit => "webkit",
        }
    }

    /// Why this engine cannot run here, if it cannot: a program `cargo xtask setup` installs is
    /// missing.
    fn missing(self) -> Option<String> {
        let programs: Vec<(&str, Option<PathBuf>)> = match self {
            Engine::Firefox => vec![
                ("Firefox ESR", Some(PathBuf::from(setup::FIREFOX))),
                ("geckodriver", Some(setup::geckodriver_path())),
            ],
            Engine::Webkit => vec![
                ("WebKitWebDriver", Some(PathBuf::from(setup::WEBKIT_DRIVER))),
                ("MiniBrowser", setup::minibrowser()),
                ("Xvfb", Some(PathBuf::from(setup::XVFB))),
            ],
        };
        let missing: Vec<String> = programs
            .into_iter()
            .filter(|(_, path)| !path.as_deref().is_some_and(Path::is_file))
            .map(|(name, path)| match path {
                Some(path) => format!("{name} ({})", path.display()),
                None => name.to_owned(),
            })
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "not installed: {}; `cargo xtask setup` installs it",
                missing.join(", ")
            )
        })
    }

    /// Starts the engine's WebDriver server on `port` (and, for WebKitGTK, its X display),
    /// logging to `log`.
    fn start(self, port: u16, log: &Path) -> Result<Running> {
        let log_file = || {
            File::options()
                .create(true)
                .append(true)
                .open(log)
                .map_err(|e| format!("cannot open {}: {e}", log.display()))
        };
        let (display, mut cmd) = match self {
            Engine::Firefox => {
                let mut cmd = Command::new(setup::geckodriver_path());
                // Marionette's port is the system's choice already; BiDi's default (9222) could
                // be another run's on this machine.
                cmd.args(["--host", "127.0.0.1", "--port", &port.to_string()])
                    .args(["--websocket-port", "0"])
                    // Firefox's crash helper leaves the process group; no crash reports needed.
                    .env("MOZ_CRASHREPORTER_DISABLE", "1");
                (None, cmd)
            }
            Engine::Webkit => {
                let (display, number) = xvfb(log_file()?)?;
                let mut cmd = Command::new(setup::WEBKIT_DRIVER);
                cmd.args([format!("--port={port}"), "--host=127.0.0.1".to_owned()])
                    .env("DISPLAY", format!(":{number}"))
                    // GTK would look for an accessibility bus no test machine has.
                    .env("NO_AT_BRIDGE", "1");
                (Some(display), cmd)
            }
        };
        cmd.stdin(Stdio::null())
            .stdout(log_file()?)
            .stderr(log_file()?);
        let mut driver = Guard::spawn_group(self.driver_name(), &mut cmd)?;
        servers::wait_ready(&mut driver, SocketAddr::from(([127, 0, 0, 1], port)))?;
        Ok(Running {
            driver,
            _display: display,
        })
    }

    fn driver_name(self) -> &'static str {
        match self {
            Engine::Firefox => "geckodriver",
            Engine::Webkit => "WebKitWebDriver",
        }
    }

    /// The new-session capabilities: which browser binary, headless where the engine can be,
    /// and WebDriver's own limits for page loads and scripts.
    fn capabilities(self) -> Result<Capabilities> {
        let timeouts = json!({ "pageLoad": 60_000, "script": 30_000, "implicit": 0 });
        let caps = match self {
            Engine::Firefox => json!({
                "browserName": "firefox",
                "timeouts": timeouts,
                "moz:firefoxOptions": {
                    "binary": setup::FIREFOX,
                    "args": ["-headless"],
                },
            }),
            Engine::Webkit => {
                let binary = setup::minibrowser().ok_or("MiniBrowser is not installed")?;
                json!({
                    "timeouts": timeouts,
                    "webkitgtk:browserOptions": {
                        "binary": binary,
                        // MiniBrowser only accepts a driver's session with this flag.
                        "args": ["--automation"],
                    },
                })
            }
        };
        match caps {
            serde_json::Value::Object(map) => Ok(map),
            _ => unreachable!("capabilities are a JSON object"),
        }
    }
}

/// An engine's WebDriver server and, for WebKitGTK, its X server; both stop on drop.
struct Running {
    driver: Guard,
    _display: Option<Guard>,
}

/// Starts Xvfb on the first free display number from 99, and waits for its socket.
fn xvfb(log: File) -> Result<(Guard, u32)> {
    let sockets = Path::new("/tmp/.X11-unix");
    for number in 99..199 {
        let lock = PathBuf::from(format!("/tmp/.X{number}-lock"));
        let socket = sockets.join(format!("X{number}"));
        if lock.exists() || socket.exists() {
            continue;
        }
        let log = log
            .try_clone()
            .map_err(|e| format!("cannot share the Xvfb log: {e}"))?;
        let mut display = Guard::spawn_group(
            "Xvfb",
            Command::new(setup::XVFB)
                .args([
                    format!(":{number}").as_str(),
                    "-screen",
                    "0",
                    "1280x1024x24",
                ])
                .args(["-nolisten", "tcp"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log),
        )?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && !display.exited() {
            if socket.exists() {
                println!("    Xvfb on display :{number}");
                return Ok((display, number));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Another X server took the number first (or Xvfb failed): try the next one.
        display.stop();
    }
    Err("Xvfb could not start on any display from :99 to :198".into())
}

/// The subcommand: set-up, the smoke scenarios in `only` (or every engine), a summary line.
pub fn run(only: Option<Engine>) -> Result {
    setup::run(Needs::Tests)?;
    let mut counts = Counts::default();
    let engines = only.map_or(Engine::ALL.to_vec(), |e| vec![e]);
    let result = package::build().and_then(|package| smoke(&package, &engines, &mut counts));
    println!(
        "summary: {} passed, {} failed, {} skipped",
        counts.passed, counts.failed, counts.ignored
    );
    result
}

/// Serves the package built into `package` and runs the smoke scenarios in every engine, adding
/// their results to `counts`.
pub fn tests(package: &Path, counts: &mut Counts) -> Result {
    smoke(package, &Engine::ALL, counts)
}

fn smoke(package: &Path, engines: &[Engine], counts: &mut Counts) -> Result {
    let served = e2e::serve(package)?;
    let out = workspace_root().join("target/e2e/engines");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the WebDriver client's runtime: {e}"))?;

    let mut failed_engines = Vec::new();
    for &engine in engines {
        step(&format!(
            "smoke scenarios in {} over W3C WebDriver",
            engine.name()
        ));
        let scenarios = Scenario::ALL.len() as u64;
        if let Some(reason) = engine.missing() {
            println!("    SKIPPED {}: {reason}", engine.name());
            counts.ignored += scenarios;
            continue;
        }
        let log = out.join(format!("{}-driver.log", engine.name()));
        // A fresh log per run, so what it says is about this run.
        let _ = std::fs::remove_file(&log);
        let engine_counts = runtime.block_on(run_engine(engine, &served.origin, &log, &out));
        counts.add(engine_counts);
        if engine_counts.failed > 0 {
            failed_engines.push(engine.name());
            println!("    driver log: {}", log.display());
        }
    }
    drop(served);
    if failed_engines.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "smoke scenarios failed in {}",
            failed_engines.join(", ")
        ))
    }
}

/// Runs every scenario in one session of `engine`; a driver or session that cannot start fails
/// them all with its reason.
async fn run_engine(engine: Engine, origin: &str, log: &Path, out: &Path) -> Counts {
    let name = engine.name();
    let all_failed = |reason: String| {
        println!("    FAILED {name}: {reason}");
        Counts {
            failed: Scenario::ALL.len() as u64,
            ..Counts::default()
        }
    };
    let started = servers::free_port().and_then(|port| Ok((engine.start(port, log)?, port)));
    let (running, port) = match started {
        Ok(r) => r,
        Err(e) => return all_failed(e),
    };
    let client = match new_session(engine, port).await {
        Ok(c) => c,
        Err(e) => return all_failed(e),
    };
    let caps = client.capabilities().cloned().unwrap_or_default();
    let cap = |key: &str| {
        caps.get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("?")
            .to_owned()
    };
    println!(
        "    {} {} through {}",
        cap("browserName"),
        cap("browserVersion"),
        running.driver.name()
    );

    let mut counts = Counts::default();
    let page = Page {
        client: &client,
        origin,
    };
    for scenario in Scenario::ALL {
        let started = Instant::now();
        let result = tokio::time::timeout(SCENARIO_LIMIT, scenario.run(&page))
            .await
            .unwrap_or_else(|_| {
                Err(format!(
                    "did not finish within {} s",
                    SCENARIO_LIMIT.as_secs()
                ))
            });
        let shot = out.join(format!("{name}-{}.png", scenario.name()));
        save_screenshot(&client, &shot).await;
        match result {
            Ok(()) => {
                counts.passed += 1;
                println!(
                    "    ok {name}: {} ({:.1} s)",
                    scenario.name(),
                    started.elapsed().as_secs_f64()
                );
            }
            Err(e) => {
                counts.failed += 1;
                println!("    FAILED {name}: {}: {e}", scenario.name());
                println!("      screenshot: {}", shot.display());
            }
        }
    }
    // Closing the session quits the browser; the process group goes when `running` drops.
    if tokio::time::timeout(SESSION_CLOSE, client.close())
        .await
        .is_err()
    {
        println!(
            "    {name}: the session did not close within {} s; stopping the driver",
            SESSION_CLOSE.as_secs()
        );
    }
    drop(running);
    counts
}

async fn new_session(engine: Engine, port: u16) -> Result<Client> {
    let url = format!("http://127.0.0.1:{port}");
    let mut builder = ClientBuilder::new(HttpConnector::new());
    builder.capabilities(engine.capabilities()?);
    let client = tokio::time::timeout(SESSION_START, builder.connect(&url))
        .await
        .map_err(|_| {
            format!(
                "{} started no browser session within {} s",
                engine.driver_name(),
                SESSION_START.as_secs()
            )
        })?
        .map_err(|e| format!("{} refused a session: {e}", engine.driver_name()))?;
    // The page-load and script limits again: not every driver takes them as capabilities.
    client
        .update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(30)),
            Some(Duration::from_secs(60)),
            Some(Duration::ZERO),
        ))
        .await
        .map_err(|e| format!("set the session's timeouts: {e}"))?;
    Ok(client)
}

/// Saves what the page looks like now, for whoever reads a failure; a failed screenshot is only
/// mentioned, it does not fail the scenario.
async fn save_screenshot(client: &Client, path: &Path) {
    let shot = tokio::time::timeout(Duration::from_secs(15), client.screenshot()).await;
    match shot {
        Ok(Ok(png)) => {
            if let Err(e) = std::fs::write(path, png) {
                println!("    (cannot write {}: {e})", path.display());
            }
        }
        Ok(Err(e)) => println!("    (no screenshot: {e})"),
        Err(_) => println!("    (no screenshot within 15 s)"),
    }
}
