//! The fake Azure DevOps and the proxy as child processes on loopback, for browser tests and the
//! demo. Children are killed when their guard drops, so a failing step leaves nothing running.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::process::exec;
use crate::{workspace_root, Result};

/// A child process killed on drop.
pub struct Guard {
    name: &'static str,
    child: Child,
    /// The child leads its own process group, which is killed with it.
    group: bool,
}

impl Guard {
    /// Starts a command in the workspace root; with `quiet`, its output is discarded.
    pub fn spawn(name: &'static str, cmd: &mut Command, quiet: bool) -> Result<Guard> {
        if quiet {
            cmd.stdout(Stdio::null()).stderr(Stdio::null());
        }
        let child = cmd
            .current_dir(workspace_root())
            .spawn()
            .map_err(|e| format!("could not start {name}: {e}"))?;
        Ok(Guard {
            name,
            child,
            group: false,
        })
    }

    /// Starts a command that starts processes of its own (a WebDriver server and its browser) in
    /// a new process group; stopping the guard stops the whole group, so a driver that dies or
    /// is killed mid-session leaves no browser behind.
    pub fn spawn_group(name: &'static str, cmd: &mut Command) -> Result<Guard> {
        use std::os::unix::process::CommandExt;
        let mut guard = Guard::spawn(name, cmd.process_group(0), false)?;
        guard.group = true;
        Ok(guard)
    }

    /// Kills the child now (and its process group: politely first, so browsers can clean up).
    pub fn stop(&mut self) {
        if self.group {
            let group = self.child.id() as libc::pid_t;
            signal_group(group, libc::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(5);
            while !self.exited() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            // Whatever is left (a browser the driver did not wait for) goes now.
            signal_group(group, libc::SIGKILL);
        }
        // Already gone is fine: we only need it not to outlive the task.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether the child has exited (and so failed: servers don't exit on their own).
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// The child's name, for messages.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// Sends `signal` to every process in process group `group`; an empty group is fine.
fn signal_group(group: libc::pid_t, signal: libc::c_int) {
    // SAFETY: killpg(3) takes plain integers and touches no memory of ours.
    unsafe { libc::killpg(group, signal) };
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A free loopback port. Another process could take it before we bind; on loopback in a test run
/// that is rare enough, and the readiness check turns it into a clear error.
pub fn free_port() -> Result<u16> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// Builds the proxy and fake binaries (debug), once per task.
pub fn build_binaries() -> Result {
    exec(Command::new(env!("CARGO")).args([
        "build",
        "--quiet",
        "-p",
        "azdo-connect-proxy",
        "-p",
        "azdo-connect-fake",
        "--bins",
        // Named rather than left to the defaults: the binary needs `cli`, `serve --demo` needs
        // `demo`, and a library user turns both off.
        "--features",
        "azdo-connect-proxy/cli,azdo-connect-proxy/demo",
    ]))
}

fn binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("debug").join(name)
}

/// Where the servers listen.
pub struct Stack {
    /// The fake Azure DevOps.
    pub fake: Guard,
    /// The proxy.
    pub proxy: Guard,
    /// The proxy's address.
    pub proxy_addr: SocketAddr,
    /// The fake's address.
    pub fake_addr: SocketAddr,
}

impl Stack {
    /// The proxy's base URL, e.g. `http://127.0.0.1:8787/api/azdo`.
    pub fn proxy_url(&self) -> String {
        format!("http://{}/api/azdo", self.proxy_addr)
    }
}

/// How many requests per minute (and in a burst) the proxy allows each client.
#[derive(Debug, Clone, Copy)]
pub enum RateLimit {
    /// The proxy's production defaults: what a person clicking through the demo meets.
    Default,
    /// Out of the way: browser tests send dozens of verifies from one address in seconds.
    Relaxed,
}

/// Whether the proxy serves the demo page's backend (`--demo`), and where it keeps connections.
#[derive(Debug, Clone)]
pub enum DemoDb {
    /// No demo routes: the browser-test stack.
    Off,
    /// `--demo` with this database, kept across runs so the demo survives a restart.
    Keep(PathBuf),
    /// `--demo` with this database, emptied first so the run starts from the connect form.
    Fresh(PathBuf),
}

impl DemoDb {
    /// The demo's database, `target/demo/connections.sqlite3`.
    pub fn demo() -> PathBuf {
        workspace_root().join("target/demo/connections.sqlite3")
    }
}

/// How to start the fake and the proxy.
#[derive(Debug, Clone)]
pub struct Options {
    /// The fake's loopback port.
    pub fake_port: u16,
    /// The proxy's loopback port.
    pub proxy_port: u16,
    /// Page origins the proxy allows (CORS and the Origin check).
    pub allowed_origins: Vec<String>,
    /// The proxy's per-client rate limit.
    pub rate_limit: RateLimit,
    /// Discard both servers' output.
    pub quiet: bool,
    /// The demo page's backend routes.
    pub demo: DemoDb,
    /// Write the proxy's log at TRACE level, every crate, to this file: the secret-hygiene test
    /// searches it for the token.
    pub proxy_trace_log: Option<PathBuf>,
    /// Offer "Sign in with Microsoft" against the fake's identity platform. The widget then leads
    /// with sign-in, so the token-form suites run against a proxy without it.
    pub entra: bool,
}

impl Options {
    /// Free ports, default rate limit, quiet, no demo routes, no trace log.
    pub fn new(allowed_origins: Vec<String>) -> Result<Self> {
        Ok(Options {
            fake_port: free_port()?,
            proxy_port: free_port()?,
            allowed_origins,
            rate_limit: RateLimit::Default,
            quiet: true,
            demo: DemoDb::Off,
            proxy_trace_log: None,
            entra: false,
        })
    }
}

/// The fake identity platform's demo app registration (`azdo_connect_fake::identity::CLIENT_ID`
/// and `CLIENT_SECRET`; the fake's README lists them). Public test values: they only ever sign in
/// to the fake.
const FAKE_ENTRA_CLIENT_ID: &str = "3f9a1c52-7d4e-4b8a-9c61-0e2d5b7a8f14";
const FAKE_ENTRA_CLIENT_SECRET: &str = "dQ38Q~fakeSecretForTestsOnly.x9Vb2Lm4Nq7R";

/// Starts the fake and a proxy pointed at it, and waits until both listen.
pub fn start(options: &Options) -> Result<Stack> {
    let Options {
        fake_port,
        proxy_port,
        ref allowed_origins,
        rate_limit,
        quiet,
        ref demo,
        ref proxy_trace_log,
        entra,
    } = *options;
    let fake_addr: SocketAddr = ([127, 0, 0, 1], fake_port).into();
    let proxy_addr: SocketAddr = ([127, 0, 0, 1], proxy_port).into();
    let fake = Guard::spawn(
        "azdo-connect-fake",
        Command::new(binary("azdo-connect-fake")).args(["--bind", &fake_addr.to_string()]),
        quiet,
    )?;
    let mut proxy_cmd = Command::new(binary("azdo-connect-proxy"));
    proxy_cmd.args([
        "serve",
        "--bind",
        &proxy_addr.to_string(),
        "--upstream-override",
        &format!("http://{fake_addr}"),
        "--key-id",
        "demo",
    ]);
    for origin in allowed_origins {
        proxy_cmd.args(["--allowed-origin", origin]);
    }
    // The fake registers the redirect URI `http://127.0.0.1/api/azdo/oauth/callback` (any port
    // on loopback).
    if entra {
        proxy_cmd
            .args([
                "--entra-client-id",
                FAKE_ENTRA_CLIENT_ID,
                "--entra-authority",
                &format!("http://{fake_addr}/login.microsoftonline.com"),
                "--public-url",
                &format!("http://{proxy_addr}/api/azdo"),
            ])
            .env("AZDO_CONNECT_ENTRA_CLIENT_SECRET", FAKE_ENTRA_CLIENT_SECRET);
    }
    if let RateLimit::Relaxed = rate_limit {
        proxy_cmd.args([
            "--rate-limit-per-minute",
            "6000",
            "--rate-limit-burst",
            "1000",
        ]);
    }
    match demo {
        DemoDb::Off => {}
        DemoDb::Keep(path) | DemoDb::Fresh(path) => {
            if let DemoDb::Fresh(_) = demo {
                // SQLite may leave a journal next to the file; both go.
                for file in [path.clone(), path.with_extension("sqlite3-journal")] {
                    match std::fs::remove_file(&file) {
                        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                            return Err(format!("cannot remove {}: {e}", file.display()))
                        }
                        _ => {}
                    }
                }
            }
            proxy_cmd.arg("--demo").arg("--demo-db").arg(path);
        }
    }
    // A fixed, public key ("azdo-connect-demo-only-seal-key!") keeps credentials stable across
    // demo restarts; it only ever seals the fake's demo tokens.
    proxy_cmd.env(
        "AZDO_CONNECT_SEAL_KEY",
        "YXpkby1jb25uZWN0LWRlbW8tb25seS1zZWFsLWtleSE",
    );
    if let Some(path) = proxy_trace_log {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let log = std::fs::File::create(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        proxy_cmd
            .env("RUST_LOG", "trace")
            .stdout(Stdio::null())
            .stderr(log);
    }
    let proxy = Guard::spawn(
        "azdo-connect-proxy",
        &mut proxy_cmd,
        quiet && proxy_trace_log.is_none(),
    )?;
    let mut stack = Stack {
        fake,
        proxy,
        proxy_addr,
        fake_addr,
    };
    wait_ready(&mut stack.fake, fake_addr)?;
    wait_ready(&mut stack.proxy, proxy_addr)?;
    Ok(stack)
}

/// Waits (30 s at most) until `addr` accepts connections, failing early if the child exits.
pub fn wait_ready(guard: &mut Guard, addr: SocketAddr) -> Result {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if guard.exited() {
            return Err(format!("{} exited during start-up", guard.name()));
        }
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            println!("    {} listening on http://{addr}", guard.name());
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "{} did not listen on {addr} within 30 s",
        guard.name()
    ))
}

/// `trunk serve` of the demo page on a loopback port, with the pinned tools on PATH.
pub fn trunk_serve(port: u16) -> Result<Guard> {
    Guard::spawn(
        "trunk",
        Command::new("trunk")
            .args([
                "serve",
                "--port",
                &port.to_string(),
                "--address",
                "127.0.0.1",
            ])
            .env("PATH", crate::setup::tool_path())
            // Its update check asks the registry's web API, which the build machines can't reach.
            .env("TRUNK_SKIP_VERSION_CHECK", "true"),
        false,
    )
}
