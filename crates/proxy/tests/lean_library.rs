//! A vendor who mounts `router()` depends on the crate with `default-features = false` and must not
//! compile the binary's command line and log output, the demo's SQLite or the Redis client:
//! `cargo tree` of the library's normal dependencies shows exactly which crates each feature pulls
//! in.

use std::collections::BTreeSet;
use std::process::Command;

/// The crates only the binary (`cli`) or the demo store (`demo`) may bring in.
const CLI_ONLY: [&str; 2] = ["clap", "tracing-subscriber"];
const DEMO_ONLY: [&str; 2] = ["rusqlite", "libsqlite3-sys"];
/// The Redis client only a shared store (`redis`, which `cli` includes) may bring in.
const REDIS_ONLY: [&str; 1] = ["redis"];

/// The names of the crates in the proxy's normal (non-dev, non-build) dependency tree with
/// `features` on top of no defaults, or with the defaults when `features` is `None`.
fn normal_dependencies(features: Option<&str>) -> BTreeSet<String> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "tree",
        "--offline",
        "-p",
        "azdo-connect-proxy",
        "-e",
        "normal",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]);
    if let Some(features) = features {
        cmd.arg("--no-default-features");
        if !features.is_empty() {
            cmd.args(["--features", features]);
        }
    }
    let output = cmd.output().expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

fn present<'a>(tree: &BTreeSet<String>, names: &[&'a str]) -> Vec<&'a str> {
    names
        .iter()
        .copied()
        .filter(|n| tree.contains(*n))
        .collect()
}

#[test]
fn the_library_alone_compiles_no_cli_and_no_sqlite() {
    let lean = normal_dependencies(Some(""));
    assert!(lean.contains("axum"), "the tree was not read: {lean:?}");
    assert_eq!(present(&lean, &CLI_ONLY), Vec::<&str>::new());
    assert_eq!(present(&lean, &DEMO_ONLY), Vec::<&str>::new());
    assert_eq!(present(&lean, &REDIS_ONLY), Vec::<&str>::new());
}

#[test]
fn each_feature_brings_in_only_its_own_crates() {
    let demo = normal_dependencies(Some("demo"));
    assert_eq!(present(&demo, &DEMO_ONLY), DEMO_ONLY);
    assert_eq!(present(&demo, &CLI_ONLY), Vec::<&str>::new());
    assert_eq!(present(&demo, &REDIS_ONLY), Vec::<&str>::new());

    let redis = normal_dependencies(Some("redis"));
    assert_eq!(present(&redis, &REDIS_ONLY), REDIS_ONLY);
    assert_eq!(present(&redis, &CLI_ONLY), Vec::<&str>::new());

    let cli = normal_dependencies(Some("cli"));
    assert_eq!(present(&cli, &CLI_ONLY), CLI_ONLY);
    assert_eq!(present(&cli, &DEMO_ONLY), Vec::<&str>::new());
    // The binary takes `--store redis://…`.
    assert_eq!(present(&cli, &REDIS_ONLY), REDIS_ONLY);

    // The defaults build the binary with `serve --demo`.
    let defaults = normal_dependencies(None);
    assert_eq!(present(&defaults, &CLI_ONLY), CLI_ONLY);
    assert_eq!(present(&defaults, &DEMO_ONLY), DEMO_ONLY);
}
