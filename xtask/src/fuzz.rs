//! `cargo xtask fuzz`: runs every libFuzzer target in `fuzz/` for a bounded budget (a number of
//! executions for `org_normalize`, a time for the others) and records the figures in
//! `bench/results/fuzz.json`.
//!
//! libFuzzer needs nightly-only compiler flags; the machines have stable Rust only, so the fuzz
//! build (and nothing else) runs with `RUSTC_BOOTSTRAP=1`. The fuzz crate is its own workspace,
//! so the main workspace's fmt, clippy and tests never build it.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::process::{describe, exec, output, step};
use crate::setup::tool_path;
use crate::{workspace_root, Result};

/// The cargo-fuzz release installed from crates.io.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// Every target in `fuzz/fuzz_targets/`, in the order they run.
pub const TARGETS: [&str; 4] = [
    "org_normalize",
    "pat_classify",
    "verify_request_json",
    "credential_open",
];

/// The target that runs for a number of executions rather than a time: the organization
/// normalizer reads everything a person pastes, so it gets the longest, reproducible budget.
pub const COUNTED_TARGET: &str = "org_normalize";

/// `cargo xtask fuzz` options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Seconds to fuzz each target other than org_normalize.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// Executions of org_normalize (libFuzzer's `-runs`); it runs until it has done them all.
    #[arg(long, default_value_t = 10_000_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub org_runs: u64,
}

/// How long one target runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Budget {
    Seconds(u64),
    Runs(u64),
}

impl Budget {
    /// The libFuzzer flag that enforces the budget.
    fn flag(self) -> String {
        match self {
            Budget::Seconds(s) => format!("-max_total_time={s}"),
            Budget::Runs(n) => format!("-runs={n}"),
        }
    }
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Budget::Seconds(s) => write!(f, "{s} s"),
            Budget::Runs(n) => write!(f, "{n} executions"),
        }
    }
}

/// What one target's run amounted to.
#[derive(Debug, Clone, PartialEq)]
struct TargetRun {
    name: String,
    budget: Budget,
    elapsed_seconds: u64,
    execs: u64,
    execs_per_sec: u64,
    crashes: u64,
    corpus_size: u64,
    artifacts: Vec<String>,
}

/// Installs cargo-fuzz, builds the targets, runs `org_normalize` for `args.org_runs`
/// executions and every other target for `args.seconds`, and writes the report. Fails if any
/// target crashed.
pub fn run(args: &Args) -> Result {
    cargo_fuzz()?;
    seed_org_vectors()?;
    build()?;
    let mut runs = Vec::new();
    for target in TARGETS {
        let budget = if target == COUNTED_TARGET {
            Budget::Runs(args.org_runs)
        } else {
            Budget::Seconds(args.seconds)
        };
        runs.push(run_target(target, budget)?);
    }
    step("results");
    println!("{}", markdown_table(&runs));
    let report = report_json(&runs);
    let path = workspace_root().join("bench/results/fuzz.json");
    write_file(&path, &format!("{report:#}\n"))?;
    println!("    wrote {}", path.display());
    let crashed: Vec<&str> = runs
        .iter()
        .filter(|r| r.crashes > 0)
        .map(|r| r.name.as_str())
        .collect();
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "fuzz targets crashed: {}; reproduce with the artifacts under fuzz/artifacts/",
            crashed.join(", ")
        ))
    }
}

fn cargo() -> Command {
    let mut cmd = Command::new("cargo");
    cmd.env("PATH", tool_path());
    cmd
}

fn cargo_fuzz() -> Result {
    step(&format!("cargo-fuzz {CARGO_FUZZ_VERSION}"));
    let want = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
    if output(cargo().args(["fuzz", "--version"])).as_deref() == Some(want.as_str()) {
        println!("    already installed");
        return Ok(());
    }
    exec(cargo().args([
        "install",
        "cargo-fuzz",
        "--locked",
        "--version",
        CARGO_FUZZ_VERSION,
    ]))
}

/// Adds the org test vectors' inputs to the `org_normalize` working corpus, so the fuzzer
/// starts from every form the normalizer is known to handle. The vectors stay the one source.
fn seed_org_vectors() -> Result {
    step("seed fuzz/corpus/org_normalize from crates/core/tests/vectors/org.json");
    let root = workspace_root();
    let vectors = std::fs::read(root.join("crates/core/tests/vectors/org.json"))
        .map_err(|e| format!("cannot read the org vectors: {e}"))?;
    let seeds = org_vector_seeds(&vectors)?;
    let dir = root.join("fuzz/corpus/org_normalize");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (i, seed) in seeds.iter().enumerate() {
        let path = dir.join(format!("vector-{i:03}"));
        std::fs::write(&path, seed).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("    {} inputs", seeds.len());
    Ok(())
}

/// The `org_normalize` input for each vector: the text, then a NUL and the comma-separated
/// allowlist when the vector has one (the target's input layout).
fn org_vector_seeds(vectors: &[u8]) -> Result<Vec<Vec<u8>>> {
    let value: serde_json::Value =
        serde_json::from_slice(vectors).map_err(|e| format!("org.json is not JSON: {e}"))?;
    let entries = value.as_array().ok_or("org.json is not an array")?;
    Ok(entries
        .iter()
        .filter_map(|entry| {
            let mut seed = entry.get("input")?.as_str()?.as_bytes().to_vec();
            if let Some(servers) = entry.get("allowedServers").and_then(|s| s.as_array()) {
                let list: Vec<&str> = servers.iter().filter_map(|s| s.as_str()).collect();
                seed.push(0);
                seed.extend_from_slice(list.join(",").as_bytes());
            }
            Some(seed)
        })
        .collect())
}

fn build() -> Result {
    step("build the fuzz targets (RUSTC_BOOTSTRAP=1 cargo fuzz build, -O, overflow checks on)");
    // The targets' oracles are plain `assert!`s and our crates have no `debug_assert!`, so debug
    // assertions would only add the dependencies' internal ones, which the shipped release build
    // doesn't run: idna 1.1.0 asserts that a punycode label never decodes to U+200F, and one
    // does (seed `idna-bidi-debug-assert`), stopping every run on a path release builds take
    // without harm. Overflow checks stay on everywhere. cargo-fuzz appends its own RUSTFLAGS to
    // these.
    // An explicit target dir: a CARGO_TARGET_DIR in the environment would otherwise move the
    // binaries away from where `target_binary` looks.
    exec(
        cargo()
            .args(["fuzz", "build", "-O", "--target-dir"])
            .arg(fuzz_target_dir())
            .env("RUSTC_BOOTSTRAP", "1")
            .env("RUSTFLAGS", "-Coverflow-checks=on"),
    )
}

/// The fuzz workspace's own target directory.
fn fuzz_target_dir() -> PathBuf {
    workspace_root().join("fuzz/target")
}

/// Where `cargo fuzz build -O` puts a target's binary.
fn target_binary(target: &str) -> Result<PathBuf> {
    let host = output(Command::new("rustc").arg("-vV"))
        .and_then(|v| {
            v.lines()
                .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        })
        .ok_or("cannot read the host triple from `rustc -vV`")?;
    Ok(fuzz_target_dir().join(host).join("release").join(target))
}

fn run_target(target: &str, budget: Budget) -> Result<TargetRun> {
    step(&format!("fuzz {target} for {budget}"));
    let root = workspace_root();
    let corpus = root.join("fuzz/corpus").join(target);
    let seeds = root.join("fuzz/seeds").join(target);
    let artifacts = root.join("fuzz/artifacts").join(target);
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let before = list_files(&artifacts);
    let log_path = artifacts.join("fuzz.log");
    let mut log = std::fs::File::create(&log_path)
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;

    // New inputs go to the first directory only, so the committed seeds stay as they are.
    let mut cmd = Command::new(target_binary(target)?);
    cmd.arg(&corpus)
        .arg(&seeds)
        .arg(budget.flag())
        .arg("-rss_limit_mb=2048")
        .arg("-max_len=4096")
        .arg("-timeout=30")
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .current_dir(&root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    println!("    $ {}", describe(&cmd));
    println!("    (full output: {})", log_path.display());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", describe(&cmd)))?;
    let mut stats = Stats::default();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr)
            .lines()
            .map_while(std::io::Result::ok)
        {
            let _ = writeln!(log, "{line}");
            stats.read_line(&line);
            if worth_echoing(&line) {
                println!("    {line}");
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("`{}` could not be awaited: {e}", describe(&cmd)))?;
    let elapsed = started.elapsed().as_secs_f64();

    let mut findings = stats.artifacts.clone();
    for name in list_files(&artifacts).difference(&before) {
        if is_finding(name) && !findings.contains(name) {
            findings.push(name.clone());
        }
    }
    let crashes = if status.success() {
        findings.len() as u64
    } else {
        println!("    {target} stopped with {status}");
        (findings.len() as u64).max(1)
    };
    for artifact in &findings {
        println!(
            "    reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run -O {target} fuzz/artifacts/{target}/{artifact}"
        );
    }
    let execs = stats.execs.unwrap_or(0);
    let secs = stats.seconds.map_or(elapsed, |s| s as f64).max(1.0);
    Ok(TargetRun {
        name: target.to_owned(),
        budget,
        elapsed_seconds: elapsed.round() as u64,
        execs,
        execs_per_sec: (execs as f64 / secs).round() as u64,
        crashes,
        corpus_size: stats
            .corpus
            .unwrap_or_else(|| list_files(&corpus).len() as u64),
        artifacts: findings,
    })
}

/// Whether a libFuzzer output line belongs on the terminal: every new coverage point and every
/// stack frame prints a line, which only the log file needs.
fn worth_echoing(line: &str) -> bool {
    let line = line.trim_start();
    let event = line.split_whitespace().nth(1).unwrap_or_default();
    let frame = line
        .split_once(": ")
        .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let new_input = line.starts_with('#') && matches!(event, "NEW" | "REDUCE");
    !(new_input || line.starts_with("NEW_FUNC") || line.starts_with("at ") || frame)
}

/// The artifact names libFuzzer gives to findings.
fn is_finding(name: &str) -> bool {
    ["crash-", "leak-", "timeout-", "oom-", "slow-unit-"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

fn list_files(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(std::result::Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Figures read from libFuzzer's output.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Stats {
    execs: Option<u64>,
    seconds: Option<u64>,
    corpus: Option<u64>,
    /// File names of the inputs libFuzzer wrote for findings (a rerun that finds a known crash
    /// again writes the same name, so comparing directory listings would miss it).
    artifacts: Vec<String>,
}

impl Stats {
    fn read_line(&mut self, line: &str) {
        let line = line.trim();
        // "artifact_prefix='…/'; Test unit written to …/crash-<sha1>"
        if let Some((_, path)) = line.split_once("Test unit written to ") {
            let name = path.trim().rsplit('/').next().unwrap_or_default();
            if is_finding(name) {
                self.artifacts.push(name.to_owned());
            }
            return;
        }
        // "Done 123456 runs in 61 second(s)"
        if let Some(rest) = line.strip_prefix("Done ") {
            let mut words = rest.split_whitespace();
            if let (Some(runs), Some("runs"), Some("in"), Some(secs)) =
                (words.next(), words.next(), words.next(), words.next())
            {
                self.execs = runs.parse().ok().or(self.execs);
                self.seconds = secs.parse().ok();
            }
        // "stat::number_of_executed_units: 123456"
        } else if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
            self.execs = n.trim().parse().ok().or(self.execs);
        // "#123456\tDONE   cov: 812 ft: 2311 corp: 402/21Kb lim: 4096 exec/s: 2023 rss: 61Mb"
        } else if line.starts_with('#') && line.contains("DONE") {
            let mut words = line.split_whitespace();
            let count = words
                .next()
                .and_then(|w| w.trim_start_matches('#').parse().ok());
            self.execs = self.execs.or(count);
            while let Some(word) = words.next() {
                if word == "corp:" {
                    self.corpus = words
                        .next()
                        .and_then(|c| c.split('/').next())
                        .and_then(|c| c.parse().ok());
                }
            }
        }
    }
}

fn markdown_table(runs: &[TargetRun]) -> String {
    let mut out = String::from(
        "| target | budget | seconds | execs | execs/s | crashes | corpus |\n|---|---|---:|---:|---:|---:|---:|\n",
    );
    for r in runs {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            r.name, r.budget, r.elapsed_seconds, r.execs, r.execs_per_sec, r.crashes, r.corpus_size
        ));
    }
    out
}

fn report_json(runs: &[TargetRun]) -> serde_json::Value {
    let rustc = output(Command::new("rustc").arg("--version")).unwrap_or_default();
    serde_json::json!({
        "date": utc_now(),
        "rustc": rustc,
        "cargoFuzz": CARGO_FUZZ_VERSION,
        "targets": runs.iter().map(|r| serde_json::json!({
            "name": r.name,
            // Exactly one of the two budgets is set; the other is null.
            "seconds": match r.budget { Budget::Seconds(s) => Some(s), Budget::Runs(_) => None },
            "runs": match r.budget { Budget::Runs(n) => Some(n), Budget::Seconds(_) => None },
            "elapsed_seconds": r.elapsed_seconds,
            "execs": r.execs,
            "execs_per_sec": r.execs_per_sec,
            "crashes": r.crashes,
            "corpus_size": r.corpus_size,
            "artifacts": r.artifacts,
        })).collect::<Vec<_>>(),
    })
}

fn write_file(path: &Path, text: &str) -> Result {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The current time as RFC 3339 UTC, to the second.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since the Unix epoch as RFC 3339 UTC (the civil-from-days algorithm, so xtask needs
/// no date crate).
fn rfc3339(secs: u64) -> String {
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_final_stats() {
        let mut s = Stats::default();
        for line in [
            "#2\tINITED cov: 12 ft: 13 corp: 1/1b exec/s: 0 rss: 30Mb",
            "#1048576\tpulse  cov: 812 ft: 2311 corp: 400/21Kb lim: 4096 exec/s: 2023 rss: 61Mb",
            "#1234567\tDONE   cov: 812 ft: 2311 corp: 402/21Kb lim: 4096 exec/s: 20233 rss: 61Mb",
            "Done 1234567 runs in 61 second(s)",
        ] {
            s.read_line(line);
        }
        assert_eq!(
            s,
            Stats {
                execs: Some(1_234_567),
                seconds: Some(61),
                corpus: Some(402),
                artifacts: Vec::new(),
            }
        );
    }

    #[test]
    fn final_stats_count_wins_over_the_done_line() {
        let mut s = Stats::default();
        s.read_line("#99\tDONE   cov: 1 ft: 1 corp: 3/9b lim: 4 exec/s: 9 rss: 1Mb");
        s.read_line("stat::number_of_executed_units: 100");
        assert_eq!((s.execs, s.corpus, s.seconds), (Some(100), Some(3), None));
    }

    #[test]
    fn echoes_progress_but_not_each_new_input_or_stack_frame() {
        assert!(worth_echoing(
            "#1048576\tpulse  cov: 812 ft: 2311 corp: 400/21Kb"
        ));
        assert!(worth_echoing("#99\tDONE   cov: 1 ft: 1 corp: 3/9b"));
        assert!(worth_echoing(
            "thread '<unnamed>' panicked at fuzz_targets/x.rs:9:5:"
        ));
        assert!(!worth_echoing(
            "#385073\tREDUCE cov: 3517 ft: 8841 corp: 1784/110Kb"
        ));
        assert!(!worth_echoing(
            "#386867\tNEW    cov: 3518 ft: 8843 corp: 1785/111Kb"
        ));
        assert!(!worth_echoing(
            "\tNEW_FUNC[1/1]: 0x55d91a8dfa80 in serde_json::read::error"
        ));
        assert!(!worth_echoing("  12: std::panicking::begin_panic"));
        assert!(!worth_echoing(
            "             at /rustc/library/std/src/panicking.rs:697:5"
        ));
    }

    #[test]
    fn collects_the_inputs_libfuzzer_wrote() {
        let mut s = Stats::default();
        s.read_line("artifact_prefix='/w/fuzz/artifacts/t/'; Test unit written to /w/fuzz/artifacts/t/crash-0cd1");
        s.read_line("Test unit written to ./oom-12ab");
        s.read_line("MS: 1 EraseBytes-; base unit: 0cd1");
        assert_eq!(s.artifacts, ["crash-0cd1", "oom-12ab"]);
    }

    #[test]
    fn budgets_become_libfuzzer_flags_and_report_fields() {
        assert_eq!(Budget::Runs(10_000_000).flag(), "-runs=10000000");
        assert_eq!(Budget::Seconds(60).flag(), "-max_total_time=60");
        let run = |budget| TargetRun {
            name: "t".into(),
            budget,
            elapsed_seconds: 3,
            execs: 7,
            execs_per_sec: 2,
            crashes: 0,
            corpus_size: 1,
            artifacts: Vec::new(),
        };
        let report = report_json(&[run(Budget::Runs(5)), run(Budget::Seconds(9))]);
        let targets = report["targets"].as_array().unwrap();
        assert_eq!(
            (targets[0]["runs"].as_u64(), targets[0]["seconds"].as_u64()),
            (Some(5), None)
        );
        assert_eq!(
            (targets[1]["runs"].as_u64(), targets[1]["seconds"].as_u64()),
            (None, Some(9))
        );
        assert!(TARGETS.contains(&COUNTED_TARGET));
    }

    #[test]
    fn findings_are_the_artifacts_libfuzzer_names() {
        assert!(is_finding("crash-da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        assert!(is_finding("timeout-0a"));
        assert!(!is_finding("fuzz.log"));
    }

    #[test]
    fn org_vectors_become_inputs_with_their_allowlists() {
        let vectors = br#"[{"input":"contoso"},{"input":"http://h/tfs/c","allowedServers":["h","h:8080"]},{"comment":"no input"}]"#;
        let seeds = org_vector_seeds(vectors).unwrap();
        assert_eq!(
            seeds,
            vec![b"contoso".to_vec(), b"http://h/tfs/c\0h,h:8080".to_vec()]
        );
        assert!(org_vector_seeds(b"{}").is_err());
    }

    #[test]
    fn formats_utc_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
    }

    #[test]
    fn the_target_list_matches_fuzz_cargo_toml() {
        let manifest = std::fs::read_to_string(workspace_root().join("fuzz/Cargo.toml")).unwrap();
        for target in TARGETS {
            assert!(
                manifest.contains(&format!("name = \"{target}\"")),
                "{target}"
            );
            assert!(workspace_root()
                .join(format!("fuzz/fuzz_targets/{target}.rs"))
                .exists());
        }
    }
}
