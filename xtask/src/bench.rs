//! `cargo xtask bench [proxy|faults|scale|size|floor|tti]`: measurements, built in release because they
//! are measurements. The proxy's benchmarks are examples of `azdo-connect-proxy` that print
//! markdown tables and write their figures to `bench/results/*.json`; the widget's (`size`, and
//! `tti` in [`crate::tti`]) run in this process. The tables are also kept in their own section
//! of `bench/results/README.md`. With no argument every benchmark runs, one after
//! the other (they share the machine's cores, so never at once).

use std::path::Path;
use std::process::Command;

use clap::Subcommand;

use crate::process::{step, stream};
use crate::{workspace_root, Result};

/// Which benchmark to run.
#[derive(Subcommand, Debug, Clone, Copy)]
pub enum Which {
    /// Verify latency and throughput over the fake: bench/results/proxy.json.
    Proxy,
    /// 500s, resets, hangs, trickles, 429s and sign-in pages under load; checks every answer is
    /// typed and on time, the proxy survives and memory comes back: bench/results/faults.json.
    Faults {
        /// Concurrent clients.
        #[arg(long, default_value_t = 200)]
        clients: usize,
        /// How long the load lasts, in seconds.
        #[arg(long, default_value_t = 30)]
        seconds: u64,
    },
    /// Verify latency and throughput of 1 and 3 instances sharing a real Redis, against the
    /// memory store: bench/results/scale.json.
    Scale,
    /// What a browser downloads for the widget (raw, gzip -9, brotli) against its budget (1.5x a bare
    /// Yew page, gzip), as `cargo xtask size`: bench/results/size.json.
    Size,
    /// Where the widget's gzipped wasm goes beyond the bare Yew page, part by part (its own code,
    /// Yew, std, serde, bindings, data): bench/results/floor.json.
    Floor,
    /// Cold loads until the widget's Organization field takes focus, against a bare Yew page
    /// built the same way: bench/results/tti.json.
    Tti {
        /// Cold loads of each page.
        #[arg(long, default_value_t = crate::tti::DEFAULT_RUNS)]
        runs: usize,
    },
}

impl Which {
    /// Every benchmark with its defaults, in the order `cargo xtask bench` runs them.
    fn all() -> [Which; 6] {
        [
            Which::Proxy,
            Which::Faults {
                clients: 200,
                seconds: 30,
            },
            Which::Scale,
            Which::Size,
            Which::Floor,
            Which::Tti {
                runs: crate::tti::DEFAULT_RUNS,
            },
        ]
    }

    fn name(self) -> &'static str {
        match self {
            Which::Proxy => "proxy",
            Which::Faults { .. } => "faults",
            Which::Scale => "scale",
            Which::Size => "size",
            Which::Floor => "floor",
            Which::Tti { .. } => "tti",
        }
    }

    /// The `cargo run --release` invocation of the benchmark's example; `None` for the widget's
    /// benchmarks, which this task builds and measures itself.
    fn command(self) -> Option<Command> {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.args(["run", "--release", "-p", "azdo-connect-proxy", "--example"]);
        match self {
            Which::Proxy => {
                cmd.arg("bench_proxy");
            }
            Which::Faults { clients, seconds } => {
                cmd.args(["bench_faults", "--"])
                    .arg("--clients")
                    .arg(clients.to_string())
                    .arg("--seconds")
                    .arg(seconds.to_string());
            }
            Which::Scale => {
                cmd.arg("bench_scale");
            }
            Which::Size | Which::Floor | Which::Tti { .. } => return None,
        }
        Some(cmd)
    }

    /// Runs a widget benchmark in this process: its result and its report for the README
    /// (empty for `size`, which keeps its own section).
    fn run_in_process(self) -> (Result, String) {
        match self {
            Which::Tti { runs } => match crate::tti::run(runs) {
                Ok(report) => (Ok(()), report),
                Err(e) => (Err(e), String::new()),
            },
            Which::Floor => match crate::floor::run() {
                Ok(report) => (Ok(()), report),
                Err(e) => (Err(e), String::new()),
            },
            _ => {
                let size = crate::setup::run(crate::setup::Needs::Tests)
                    .and_then(|()| crate::package::build())
                    .and_then(|dir| crate::package::size(&dir));
                (size, String::new())
            }
        }
    }
}

/// Runs one benchmark, or every one when `which` is `None`. A benchmark whose invariants fail
/// exits non-zero, and so does this task (after running the others).
pub fn run(which: Option<Which>) -> Result {
    let selected: Vec<Which> = match which {
        Some(one) => vec![one],
        None => Which::all().to_vec(),
    };
    let readme = workspace_root().join("bench/results/README.md");
    let mut failed = Vec::new();
    for bench in &selected {
        step(&format!("bench {} (release build)", bench.name()));
        let (result, report) = match bench.command() {
            Some(mut cmd) => run_capturing(&mut cmd),
            None => bench.run_in_process(),
        };
        // The figures are real even when an invariant failed: record them either way.
        if !report.trim().is_empty() {
            upsert_section(&readme, bench.name(), &report)?;
        }
        if let Err(e) = result {
            eprintln!("    {e}");
            failed.push(bench.name());
        }
    }
    if failed.is_empty() {
        println!(
            "\n    figures in {}",
            readme.parent().unwrap_or(&readme).display()
        );
        Ok(())
    } else {
        Err(format!("benchmark(s) failed: {}", failed.join(", ")))
    }
}

/// Runs a benchmark in the workspace root, echoing its output live, and returns its report: the
/// stdout from the first `## ` heading on, without the `wrote …` lines.
fn run_capturing(cmd: &mut Command) -> (Result, String) {
    let mut report: Vec<String> = Vec::new();
    let result = stream(cmd, |line| {
        if !report.is_empty() || line.starts_with("## ") {
            report.push(line.to_owned());
        }
    });
    report.retain(|l| !l.starts_with("wrote "));
    (result, report.join("\n").trim().to_owned())
}

/// Replaces the `name` section of the results README (between its markers), or appends it, so
/// that other tasks' sections stay as they are.
fn upsert_section(readme: &Path, name: &str, report: &str) -> Result {
    let start = format!("<!-- {name}:start (cargo xtask bench {name}) -->");
    let end = format!("<!-- {name}:end -->");
    let section = format!("{start}\n{report}\n{end}");
    let current = match std::fs::read_to_string(readme) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Benchmark results\n".to_owned(),
        Err(e) => return Err(format!("could not read {}: {e}", readme.display())),
    };
    let start_prefix = format!("<!-- {name}:start");
    let updated = match (current.find(&start_prefix), current.find(&end)) {
        (Some(from), Some(to)) if from < to => {
            format!(
                "{}{section}{}",
                &current[..from],
                &current[to + end.len()..]
            )
        }
        _ => format!("{}\n\n{section}\n", current.trim_end()),
    };
    if let Some(dir) = readme.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    }
    std::fs::write(readme, updated)
        .map_err(|e| format!("could not write {}: {e}", readme.display()))?;
    println!("    updated the {name} section of {}", readme.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_appended_then_replaced_in_place() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        let readme = dir.join("README.md");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            &readme,
            "# Benchmark results\n\n<!-- size:start -->\nsize table\n<!-- size:end -->\n",
        )
        .unwrap();
        upsert_section(&readme, "faults", "## first").unwrap();
        upsert_section(&readme, "proxy", "## proxy").unwrap();
        upsert_section(&readme, "faults", "## second").unwrap();
        let text = std::fs::read_to_string(&readme).unwrap();
        assert!(text.contains("size table"), "{text}");
        assert!(
            text.contains("## second") && !text.contains("## first"),
            "{text}"
        );
        assert_eq!(text.matches("faults:start").count(), 1, "{text}");
        assert!(
            text.find("## second").unwrap() < text.find("## proxy").unwrap(),
            "{text}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
