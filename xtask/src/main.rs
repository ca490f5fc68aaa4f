//! `cargo xtask`: everything a new machine needs, behind two commands.
//!
//! Each subcommand first runs its own idempotent set-up (see [`setup`]), printing every step, so
//! `cargo xtask demo` and `cargo xtask test` work on a machine that has only Rust, Node.js and apt.

mod bench;
mod demo;
mod e2e;
mod engines;
mod floor;
mod fuzz;
mod package;
mod process;
mod screenshots;
mod servers;
mod setup;
mod smoke;
mod test;
mod tti;
mod wasm_build;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Tasks for azdo-connect.
#[derive(Parser)]
#[command(name = "cargo xtask", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install what the tests need (wasm target, wasm-bindgen-cli, npm tools, chromium, redis-server, nginx,
    /// Firefox ESR, geckodriver, WebKitGTK's driver and MiniBrowser, Xvfb), idempotently.
    Setup {
        /// Also install what the demo needs (trunk).
        #[arg(long)]
        demo: bool,
    },
    /// Run every check: fmt, clippy (native and wasm32), native tests, browser tests (chromium, then
    /// the smoke scenarios in Firefox ESR and WebKitGTK).
    Test,
    /// Build the package, then run the smoke scenarios (ready, preview, connect, connected view,
    /// strict CSP) in Firefox ESR and WebKitGTK over W3C WebDriver.
    Engines {
        /// Only this engine.
        #[arg(long)]
        engine: Option<engines::Engine>,
    },
    /// Run the local demo: the fake Azure DevOps, the proxy and `trunk serve`.
    Demo {
        /// Port for `trunk serve`.
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Screenshot the demo in each state, light and dark, into docs/screenshots/.
    Screenshots,
    /// Run every libFuzzer target in fuzz/ for a bounded budget; writes bench/results/fuzz.json.
    Fuzz(fuzz::Args),
    /// Run the benchmarks in release (`proxy`, `faults`, `scale`, `size`, `floor`, `tti`; all when omitted) into bench/results/.
    Bench {
        #[command(subcommand)]
        which: Option<bench::Which>,
    },
    #[command(flatten)]
    Ship(package::Ship),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Setup { demo } => setup::run(if demo {
            setup::Needs::Demo
        } else {
            setup::Needs::Tests
        }),
        Command::Test => test::run(),
        Command::Engines { engine } => engines::run(engine),
        Command::Demo { port } => demo::run(port),
        Command::Screenshots => screenshots::run(),
        Command::Fuzz(args) => fuzz::run(&args),
        Command::Bench { which } => bench::run(which),
        Command::Ship(ship) => ship.run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one level below it.
pub fn workspace_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// A task failure with a message for the person at the terminal.
pub type Result<T = ()> = std::result::Result<T, String>;
