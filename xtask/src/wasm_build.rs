//! The widget's wasm build pipeline: a release build for wasm32, `wasm-bindgen --target web`,
//! npm binaryen's `wasm-opt -Oz` and npm terser. `package` (the npm package), `e2e` and `tti`
//! (through the package) and the size benchmark's bare-Yew baseline all go through these same
//! steps, so comparing their outputs compares the code alone.
//!
//! A leaf module: it knows nothing about the package's layout.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{exec, step};
use crate::setup;
use crate::{workspace_root, Result};

/// The package's version: the workspace's.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The bare Yew page's package and the file name wasm-bindgen gives it (`bench/baseline/`).
const BASELINE_PACKAGE: &str = "azdo-connect-bench-baseline";
const BASELINE_CRATE: &str = "azdo_connect_bench_baseline";
/// The baseline's wasm, as wasm-bindgen names it in `target/bench-baseline/`.
pub const BASELINE_WASM: &str = "azdo_connect_bench_baseline_bg.wasm";

/// Every feature rustc 1.87+ emits for wasm32; npm binaryen enables only sign-ext and
/// mutable-globals by default, and must accept what the module already uses.
const WASM_OPT_FEATURES: [&str; 7] = [
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Cargo's target directory (`CARGO_TARGET_DIR`, else the workspace's `target/`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Every JavaScript file under `dir`, sorted.
pub fn js_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current)
            .map_err(|e| format!("cannot list {}: {e}", current.display()))?;
        for entry in entries.map_while(std::io::Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|x| x == "js") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// A release build of `package` for wasm32 (opt-level z, LTO), `wasm-bindgen --target web` into
/// `out` (cleared first) and `wasm-opt -Oz`: the widget and the TTI/size baseline go through the
/// very same steps, so comparing them compares the code alone.
pub fn build_web(package: &str, crate_file: &str, out: &Path) -> Result {
    step(&format!(
        "{package}: release build for wasm32 (opt-level z, LTO)"
    ));
    exec(
        Command::new(env!("CARGO"))
            .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
            .args(["-p", package, "--lib"])
            .env("PATH", setup::tool_path()),
    )?;
    let wasm = target_dir()
        .join("wasm32-unknown-unknown/release")
        .join(format!("{crate_file}.wasm"));

    step("wasm-bindgen --target web");
    bindgen(&wasm, out, crate_file)?;

    let glue = format!("{crate_file}.js");
    let bg = out.join(format!("{crate_file}_bg.wasm"));
    if !out.join(&glue).is_file() || !bg.is_file() {
        return Err(format!(
            "wasm-bindgen did not write {glue} and {}",
            bg.display()
        ));
    }

    step("wasm-opt -Oz (npm binaryen)");
    wasm_opt(&bg, &[])
}

/// `wasm-bindgen --target web` of `wasm` into `out` (cleared first), as `{out_name}.js` and
/// `{out_name}_bg.wasm`.
fn bindgen(wasm: &Path, out: &Path, out_name: &str) -> Result {
    // A stale file from an earlier layout must not end up in the tarball.
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    exec(
        Command::new("wasm-bindgen")
            // Modules the Rust code links to (`link_to!`, the de/fr words) become files in
            // `snippets/` rather than `data:` URLs inlined into the glue: downloaded only when
            // used, and allowed by a strict CSP's script-src.
            .args([
                "--target",
                "web",
                "--no-typescript",
                "--split-linked-modules",
            ])
            .arg("--out-dir")
            .arg(out)
            .args(["--out-name", out_name])
            .arg(wasm)
            .env("PATH", setup::tool_path()),
    )
}

/// Minifies an ES module in place. The source comments go, so a one-line preamble keeps the
/// version, the licence and, for the loader, its `usage`.
pub fn minify_js(file: &Path, usage: Option<&str>) -> Result {
    let mut preamble = format!("/*! azdo-connect {VERSION} | {}", env!("CARGO_PKG_LICENSE"));
    if let Some(usage) = usage {
        preamble.push_str(" | ");
        preamble.push_str(usage);
    }
    preamble.push_str(" */");
    exec(
        Command::new("terser")
            .arg(file)
            .args(["--module", "--ecma", "2021", "--compress", "--mangle"])
            // terser reads `--format` values as JavaScript: a single-quoted string, then.
            .arg("--format")
            .arg(format!("preamble='{}'", preamble.replace('\'', "\\'")))
            .arg("-o")
            .arg(file)
            .env("PATH", setup::tool_path()),
    )
}

/// What wasm-opt runs, in order. `--low-memory-unused` lets it fold constant address offsets
/// into loads and stores (~1 KB gzip on the widget): it may assume the first KiB of memory is never
/// addressed through an offset that wraps past 4 GiB, which Rust code never does (rustc puts the
/// stack first, so that KiB is the deepest end of a 1 MiB stack). `--converge` repeats `-Oz` while
/// it still shrinks the module; the `producers` and `target_features` custom sections only describe
/// the build, and browsers ignore them. `docs/architecture.md` (Bundle size) keeps the
/// measurements, including the flags that did not help.
const WASM_OPT_PASSES: [&str; 5] = [
    "--low-memory-unused",
    "-Oz",
    "--converge",
    "--strip-producers",
    "--strip-target-features",
];

/// The release `wasm` through wasm-bindgen into `out` and wasm-opt as [`build_web`] runs them,
/// keeping function names (`-g`, which adds only the `name` section): what `bench floor` reads.
pub fn named_wasm(wasm: &Path, out: &Path) -> Result<PathBuf> {
    bindgen(wasm, out, "named")?;
    let named = out.join("named_bg.wasm");
    wasm_opt(&named, &["-g"])?;
    Ok(named)
}

/// `wasm-opt -Oz` in place, with the features rustc enabled spelled out (npm binaryen), after
/// `extra` flags.
fn wasm_opt(wasm: &Path, extra: &[&str]) -> Result {
    exec(
        Command::new("wasm-opt")
            .args(extra)
            .args(WASM_OPT_PASSES)
            .args(WASM_OPT_FEATURES)
            .arg(wasm)
            .arg("-o")
            .arg(wasm)
            .env("PATH", setup::tool_path()),
    )
}

/// The baseline, a bare Yew page with one input and one button, built like the widget into
/// `target/bench-baseline/`.
pub fn build_baseline() -> Result<PathBuf> {
    let out = target_dir().join("bench-baseline");
    build_web(BASELINE_PACKAGE, BASELINE_CRATE, &out)?;
    step("baseline: terser");
    for file in js_files(&out)? {
        minify_js(&file, None)?;
    }
    Ok(out)
}
