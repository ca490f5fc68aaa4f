//! Idempotent set-up: installs only from the package registries (crates, npm, Debian).
//!
//! Each step first checks whether what it installs is already there at the pinned version, and
//! says so, so a second run is quick and a new machine needs nothing beyond `cargo xtask test`.

use std::path::PathBuf;
use std::process::Command;

use crate::process::{exec, output, step};
use crate::{workspace_root, Result};

/// trunk 0.22 needs a newer rustc than the machines have.
pub const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// What a subcommand needs installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// fmt, clippy, native and browser tests.
    Tests,
    /// Everything the tests need, plus trunk for `trunk serve`.
    Demo,
}

/// Runs every set-up step the subcommand needs.
pub fn run(needs: Needs) -> Result {
    wasm_target()?;
    wasm_bindgen_cli()?;
    npm_tools()?;
    chromium()?;
    redis_server()?;
    nginx()?;
    other_engines()?;
    geckodriver()?;
    if needs == Needs::Demo {
        trunk()?;
    }
    step("set-up complete");
    Ok(())
}

/// `~/.cargo/bin`, where `cargo install` puts tools; put first on PATH for children.
pub fn cargo_bin_dir() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// The npm tools' `.bin`, where `wasm-opt` and `terser` live.
pub fn npm_bin_dir() -> PathBuf {
    workspace_root().join("tools/node_modules/.bin")
}

/// PATH with the cargo and npm tool directories first, for child processes.
pub fn tool_path() -> std::ffi::OsString {
    let mut dirs = vec![cargo_bin_dir(), npm_bin_dir()];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

fn tool(name: &str) -> Command {
    let mut cmd = Command::new(name);
    cmd.env("PATH", tool_path());
    cmd
}

fn wasm_target() -> Result {
    step(&format!("rustup target {WASM_TARGET}"));
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        println!("    already installed");
        return Ok(());
    }
    exec(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// The `wasm-bindgen` version pinned in Cargo.lock, which the CLI must match exactly.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(workspace_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
            {
                return Ok(v.trim_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

fn wasm_bindgen_cli() -> Result {
    let version = locked_wasm_bindgen_version()?;
    step(&format!("wasm-bindgen-cli {version} (matches Cargo.lock)"));
    let cli = output(tool("wasm-bindgen").arg("--version"));
    let runner = output(tool("wasm-bindgen-test-runner").arg("--version"));
    let want = format!("wasm-bindgen {version}");
    let runner_ok = runner.is_some_and(|r| r.ends_with(&version));
    if cli.as_deref() == Some(want.as_str()) && runner_ok {
        println!("    already installed");
        return Ok(());
    }
    // Not --locked: the registry lacks one dependency version that the CLI's lockfile pins.
    exec(tool("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &format!("={version}"),
        "--force",
    ]))
}

fn trunk() -> Result {
    step(&format!("trunk {TRUNK_VERSION}"));
    if output(tool("trunk").arg("--version")).as_deref() == Some(&format!("trunk {TRUNK_VERSION}"))
    {
        println!("    already installed");
        return Ok(());
    }
    exec(tool("cargo").args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
}

fn npm_tools() -> Result {
    step("npm tools (binaryen wasm-opt, terser, jose, axe-core, playwright-core) from tools/package-lock.json");
    let tools = workspace_root().join("tools");
    let lock = std::fs::read(tools.join("package-lock.json"))
        .map_err(|e| format!("cannot read tools/package-lock.json: {e}"))?;
    // npm keeps a copy of the lockfile it installed from; equal copies mean nothing changed.
    let installed = std::fs::read(tools.join("node_modules/.package-lock.json")).ok();
    let wasm_opt = npm_bin_dir().join("wasm-opt");
    if installed.is_some_and(|i| same_packages(&i, &lock)) && wasm_opt.exists() {
        println!("    already installed");
        return Ok(());
    }
    exec(Command::new("npm").args([
        "ci",
        "--prefix",
        "tools",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
    ]))
}

/// Whether npm's installed-packages record matches the lockfile: every installed package at the
/// locked version, and every locked package installed unless it is optional (npm skips optional
/// packages for other platforms, such as a bundler's native bindings for macOS or Windows).
fn same_packages(installed: &[u8], lock: &[u8]) -> bool {
    // Each package's version and whether it is optional, keyed by its path in node_modules.
    let packages = |bytes: &[u8]| -> Option<std::collections::BTreeMap<String, (String, bool)>> {
        let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        let out = v
            .get("packages")?
            .as_object()?
            .iter()
            .filter(|(k, _)| !k.is_empty())
            .map(|(k, p)| {
                let ver = p.get("version").and_then(|v| v.as_str()).unwrap_or("");
                let optional = p.get("optional").and_then(|o| o.as_bool()) == Some(true);
                (k.clone(), (ver.to_owned(), optional))
            })
            .collect();
        Some(out)
    };
    let (Some(installed), Some(lock)) = (packages(installed), packages(lock)) else {
        return false;
    };
    installed
        .iter()
        .all(|(k, (ver, _))| lock.get(k).is_some_and(|(locked, _)| locked == ver))
        && lock
            .iter()
            .all(|(k, (_, optional))| *optional || installed.contains_key(k))
}

/// Debian's browser and its driver, which must share a major version.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

fn chromium() -> Result {
    step("chromium and chromium-driver (Debian)");
    let browser = output(Command::new(CHROMIUM).arg("--version"));
    let driver = output(Command::new(CHROMEDRIVER).arg("--version"));
    if let (Some(b), Some(d)) = (&browser, &driver) {
        if major(b) == major(d) && major(b).is_some() {
            println!("    already installed: {b} / {d}");
            return Ok(());
        }
        println!("    versions differ ({b} / {d}); reinstalling both");
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// Debian's Redis, which the proxy's shared-store tests and `bench scale` start on free loopback
/// ports (never the system service's 6379).
pub const REDIS_SERVER: &str = "redis-server";

/// `redis-server` 6.2 or later: the shared flow store takes records with `GETDEL`. Debian's
/// security updates replace it in place, so it is not pinned.
fn redis_server() -> Result {
    step("redis-server (Debian)");
    let installed = output(Command::new(REDIS_SERVER).arg("--version"));
    if let Some(version) = installed.as_deref().and_then(redis_version) {
        if version >= (6, 2) {
            println!(
                "    already installed: redis-server {}.{}",
                version.0, version.1
            );
            return Ok(());
        }
        println!(
            "    redis-server {}.{} lacks GETDEL; upgrading",
            version.0, version.1
        );
    }
    apt_install(&["--no-install-recommends", "redis-server"])
}

/// Debian's nginx (the `nginx-light` flavour), which `crates/proxy/tests/reverse_proxy.rs` puts in
/// front of the proxy with the configuration the proxy's README shows. The tests run their own
/// on free loopback ports; the system service is never started.
fn nginx() -> Result {
    step("nginx (Debian)");
    // `nginx -v` prints its version on stderr; that it runs is what counts.
    if output(Command::new("nginx").arg("-v")).is_some() {
        println!("    already installed");
        return Ok(());
    }
    apt_install(&["--no-install-recommends", "nginx-light"])
}

/// `(major, minor)` from `Redis server v=7.0.15 sha=… bits=64 build=…`.
fn redis_version(line: &str) -> Option<(u32, u32)> {
    let version = line.split_whitespace().find_map(|w| w.strip_prefix("v="))?;
    let mut parts = version.split('.').map(|p| p.parse().ok());
    Some((parts.next()??, parts.next()??))
}

/// `apt-get update` then `apt-get install` of Debian packages, through sudo unless root.
fn apt_install(packages: &[&str]) -> Result {
    let apt = |args: &[&str]| -> Result {
        let mut cmd = if is_root() {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        exec(cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive"))
    };
    apt(&["update", "-q"])?;
    apt(&[&["install", "-y", "-q"], packages].concat())
}

/// Debian's Firefox ESR, for the smoke suite in another engine (`cargo xtask engines`).
pub const FIREFOX: &str = "/usr/bin/firefox-esr";
/// WebKitGTK's W3C WebDriver (Debian `webkit2gtk-driver`); it drives MiniBrowser.
pub const WEBKIT_DRIVER: &str = "/usr/bin/WebKitWebDriver";
/// The X server WebKitGTK's MiniBrowser draws into: it has no headless mode.
pub const XVFB: &str = "/usr/bin/Xvfb";
/// The Debian package that ships MiniBrowser, WebKitGTK's test browser.
const WEBKIT_LIBRARY: &str = "libwebkit2gtk-4.1-0";
/// The geckodriver release from the crate registry; 0.36+ speaks to Firefox ESR 128 and later.
pub const GECKODRIVER_VERSION: &str = "0.37.1";

/// geckodriver, installed by `cargo install` into [`cargo_bin_dir`].
pub fn geckodriver_path() -> PathBuf {
    cargo_bin_dir().join("geckodriver")
}

/// MiniBrowser, which Debian keeps in WebKitGTK's private library directory (its path depends on
/// the architecture, so it is read from the package's file list).
pub fn minibrowser() -> Option<PathBuf> {
    output(Command::new("dpkg").args(["-L", WEBKIT_LIBRARY]))?
        .lines()
        .find(|l| l.ends_with("/MiniBrowser"))
        .map(PathBuf::from)
        .filter(|p| p.is_file())
}

/// Firefox ESR, WebKitGTK's driver and MiniBrowser, and Xvfb. Debian's security updates replace
/// these versions in place, so they are not pinned; the smoke suite prints the versions it drove.
fn other_engines() -> Result {
    step("firefox-esr, webkit2gtk-driver (WebKitWebDriver, MiniBrowser) and xvfb (Debian)");
    let firefox = output(Command::new(FIREFOX).arg("--version"));
    let present = [WEBKIT_DRIVER, XVFB]
        .iter()
        .all(|p| std::path::Path::new(p).is_file());
    if let (Some(firefox), true, Some(minibrowser)) = (&firefox, present, minibrowser()) {
        println!(
            "    already installed: {firefox} / {WEBKIT_DRIVER} / {} / {XVFB}",
            minibrowser.display()
        );
        return Ok(());
    }
    // No recommends: they would add a desktop's worth of packages the tests never use.
    apt_install(&[
        "--no-install-recommends",
        "firefox-esr",
        "webkit2gtk-driver",
        "xvfb",
    ])
}

fn geckodriver() -> Result {
    step(&format!(
        "geckodriver {GECKODRIVER_VERSION} (crate registry)"
    ));
    let installed = output(tool("geckodriver").arg("--version"));
    let want = format!("geckodriver {GECKODRIVER_VERSION}");
    if installed.is_some_and(|v| v.starts_with(&want)) {
        println!("    already installed");
        return Ok(());
    }
    exec(tool("cargo").args([
        "install",
        "--locked",
        "geckodriver",
        "--version",
        &format!("={GECKODRIVER_VERSION}"),
    ]))
}

fn major(version_line: &str) -> Option<u32> {
    version_line.split_whitespace().find_map(|w| {
        w.split('.')
            .next()?
            .parse()
            .ok()
            .filter(|_| w.contains('.'))
    })
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).as_deref() == Some("0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_major_versions_from_both_version_lines() {
        assert_eq!(major("Chromium 156.0.8078.73 built on Debian"), Some(156));
        assert_eq!(
            major("ChromeDriver 156.0.8078.73 (abc-refs/branch-heads/1@{#1})"),
            Some(156)
        );
        assert_eq!(major("no version here"), None);
    }

    #[test]
    fn reads_the_redis_server_version() {
        assert_eq!(
            redis_version("Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=ae4d7c971a948f0"),
            Some((7, 0))
        );
        assert_eq!(redis_version("Redis server v=6.2.14 sha=0"), Some((6, 2)));
        assert_eq!(redis_version("redis-server: command not found"), None);
    }

    #[test]
    fn lockfile_pins_the_wasm_bindgen_the_widget_uses() {
        let v = locked_wasm_bindgen_version().unwrap();
        assert!(v.starts_with("0.2."), "{v}");
        let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains(&format!("wasm-bindgen = \"={v}\"")),
            "Cargo.toml must pin wasm-bindgen ={v}"
        );
    }

    #[test]
    fn package_records_compare_by_name_and_version() {
        let a = br#"{"packages":{"":{"name":"x"},"node_modules/jose":{"version":"6.2.17"}}}"#;
        let b = br#"{"packages":{"node_modules/jose":{"version":"6.2.17"}}}"#;
        let c = br#"{"packages":{"node_modules/jose":{"version":"6.0.0"}}}"#;
        assert!(same_packages(a, b));
        assert!(!same_packages(a, c));
        assert!(!same_packages(b"not json", b));
        // An optional package for another platform is not installed, and need not be.
        let with_optional = br#"{"packages":{"node_modules/jose":{"version":"6.2.17"},"node_modules/@rolldown/binding-darwin-arm64":{"version":"1.0.0","optional":true}}}"#;
        assert!(same_packages(b, with_optional));
        // A required one must be.
        let with_required = br#"{"packages":{"node_modules/jose":{"version":"6.2.17"},"node_modules/vite":{"version":"7.0.0"}}}"#;
        assert!(!same_packages(b, with_required));
        // Nothing installed beyond the lock.
        assert!(!same_packages(with_required, b));
    }
}
