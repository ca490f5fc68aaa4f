//! `cargo xtask bench tti`: how long a cold page load takes until the widget's form can take
//! focus, against a bare Yew page with one input and one button (`bench/baseline/`).
//!
//! Both are built the same way (the workspace's release profile, `wasm-bindgen --target web`,
//! `wasm-opt -Oz`), so the ratio between them is the cost of the widget itself rather than of
//! Yew or the toolchain. `tools/tti.mjs` serves both on loopback and drives Debian's chromium
//! through playwright-core; this task turns its samples into `bench/results/tti.json` and the
//! markdown that `bench` keeps in `bench/results/README.md`. A measurement, not a test: nothing
//! here has a threshold.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::package;
use crate::process::{describe, step};
use crate::setup::{self, Needs, CHROMIUM};
use crate::{wasm_build, workspace_root, Result};

/// Cold loads of each page when none is asked for.
pub const DEFAULT_RUNS: usize = 10;

/// Builds the widget's package and the baseline, measures `runs` cold loads of each, writes
/// `bench/results/tti.json` and returns the markdown report (from its `## ` heading).
pub fn run(runs: usize) -> Result<String> {
    setup::run(Needs::Tests)?;
    let widget = package::build()?;
    let baseline = wasm_build::build_baseline()?;

    step(&format!(
        "time to interactive: {runs} cold loads of each page (headless chromium)"
    ));
    let mut cmd = Command::new("node");
    cmd.arg(workspace_root().join("tools/tti.mjs"))
        .arg("--widget")
        .arg(&widget)
        .arg("--baseline")
        .arg(&baseline)
        .args(["--runs", &runs.to_string(), "--chromium", CHROMIUM])
        .current_dir(workspace_root())
        .stderr(Stdio::inherit());
    println!("    $ {}", describe(&cmd));
    let out = cmd
        .output()
        .map_err(|e| format!("could not start node: {e}"))?;
    if !out.status.success() {
        return Err(format!("tools/tti.mjs failed ({})", out.status));
    }
    let measured = Measured::parse(&String::from_utf8_lossy(&out.stdout))?;

    let results = workspace_root().join("bench/results");
    std::fs::create_dir_all(&results)
        .map_err(|e| format!("cannot create {}: {e}", results.display()))?;
    let path = results.join("tti.json");
    let mut text = serde_json::to_string_pretty(&measured.json()).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let report = measured.report();
    println!("\n{report}\n    wrote {}", path.display());
    Ok(report)
}

/// One page's samples: milliseconds from navigation start to a focused input.
#[derive(Debug, Clone, PartialEq)]
struct Page {
    samples: Vec<f64>,
    /// Bytes the page downloaded (uncompressed: the loopback server does not compress).
    bytes: u64,
}

impl Page {
    fn median(&self) -> f64 {
        let mut sorted = self.samples.clone();
        sorted.sort_by(f64::total_cmp);
        let mid = sorted.len() / 2;
        match sorted.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => sorted[mid],
            _ => (sorted[mid - 1] + sorted[mid]) / 2.0,
        }
    }

    fn min(&self) -> f64 {
        self.samples.iter().copied().fold(f64::INFINITY, f64::min)
    }

    fn max(&self) -> f64 {
        self.samples
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

/// What `tools/tti.mjs` measured.
#[derive(Debug, Clone, PartialEq)]
struct Measured {
    browser: String,
    runs: usize,
    widget: Page,
    baseline: Page,
}

impl Measured {
    /// Reads the one line of JSON `tools/tti.mjs` prints.
    fn parse(stdout: &str) -> Result<Self> {
        let line = stdout
            .lines()
            .rev()
            .find(|l| l.trim_start().starts_with('{'))
            .ok_or("tools/tti.mjs printed no JSON")?;
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("tools/tti.mjs printed bad JSON: {e}"))?;
        let page = |name: &str| -> Result<Page> {
            let samples = value["samples"][name]
                .as_array()
                .ok_or_else(|| format!("tools/tti.mjs: no samples for {name}"))?
                .iter()
                .map(|v| {
                    v.as_f64()
                        .ok_or_else(|| format!("tools/tti.mjs: {v} is not a number"))
                })
                .collect::<Result<Vec<f64>>>()?;
            if samples.is_empty() {
                return Err(format!("tools/tti.mjs: no samples for {name}"));
            }
            Ok(Page {
                samples,
                bytes: value["bytes"][name].as_u64().unwrap_or_default(),
            })
        };
        Ok(Measured {
            browser: value["browser"].as_str().unwrap_or("chromium").to_owned(),
            runs: value["runs"].as_u64().unwrap_or_default() as usize,
            widget: page("widget")?,
            baseline: page("baseline")?,
        })
    }

    /// Widget median over baseline median.
    fn ratio(&self) -> f64 {
        self.widget.median() / self.baseline.median()
    }

    fn json(&self) -> serde_json::Value {
        let page = |p: &Page| {
            serde_json::json!({
                "medianMs": round1(p.median()),
                "minMs": p.min(),
                "maxMs": p.max(),
                "samplesMs": p.samples,
                "bytesDownloaded": p.bytes,
            })
        };
        serde_json::json!({
            "what": "cold load, navigation start until the first text input takes focus (the widget's Organization field in its shadow root; the baseline's only input)",
            "how": "fresh browser context per load, cache disabled, loopback static server without compression or throttling, runs alternate between the pages, one unrecorded warm-up load each",
            "browser": self.browser,
            "runs": self.runs,
            "widget": page(&self.widget),
            "baseline": page(&self.baseline),
            "ratioOfMedians": round2(self.ratio()),
            "loadAverage1m": load_average(),
        })
    }

    /// The markdown table, from its `## ` heading.
    fn report(&self) -> String {
        let row = |name: &str, p: &Page| {
            format!(
                "| {name} | {:.1} | {:.1} | {:.1} | {} |\n",
                p.median(),
                p.min(),
                p.max(),
                p.bytes
            )
        };
        let mut text = String::from("## Time to interactive (cold load, headless chromium)\n\n");
        text.push_str(&format!(
            "`cargo xtask bench tti`: navigation start until the first input takes focus, {} cold \
             loads of each page (fresh context, cache disabled, loopback, no compression or \
             throttling, runs interleaved), {}. Both pages are release builds with the same \
             profile, `wasm-bindgen --target web` and `wasm-opt -Oz`.\n\n",
            self.runs, self.browser
        ));
        text.push_str(
            "| page | median (ms) | min (ms) | max (ms) | bytes downloaded |\n|---|---:|---:|---:|---:|\n",
        );
        text.push_str(&row(
            "`<azdo-connect>` (Organization field focusable)",
            &self.widget,
        ));
        text.push_str(&row(
            "bare Yew baseline (one input, one button)",
            &self.baseline,
        ));
        text.push_str(&format!(
            "\nWidget / baseline, medians: **{:.2}×**",
            self.ratio()
        ));
        if let Some(load) = load_average() {
            text.push_str(&format!(
                " (1-minute load average at the end: {load:.2}; the machine is shared, so \
                 compare ratios, not absolute times)"
            ));
        }
        text.push('\n');
        text
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The machine's 1-minute load average, where the OS tells it.
fn load_average() -> Option<f64> {
    std::fs::read_to_string(Path::new("/proc/loadavg"))
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(samples: &[f64]) -> Page {
        Page {
            samples: samples.to_vec(),
            bytes: 1000,
        }
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(page(&[30.0, 10.0, 20.0]).median(), 20.0);
        assert_eq!(page(&[40.0, 10.0, 30.0, 20.0]).median(), 25.0);
        assert_eq!(page(&[5.0]).median(), 5.0);
        let p = page(&[3.0, 9.0, 1.0]);
        assert_eq!((p.min(), p.max()), (1.0, 9.0));
    }

    #[test]
    fn parses_the_script_output_and_reports_the_ratio() {
        let out = "noise\n{\"browser\":\"chromium 1\",\"runs\":2,\"samples\":{\"widget\":[300,100],\"baseline\":[50,150]},\"bytes\":{\"widget\":5000,\"baseline\":2000}}\n";
        let measured = Measured::parse(out).unwrap();
        assert_eq!(measured.runs, 2);
        assert_eq!(measured.widget.median(), 200.0);
        assert_eq!(measured.baseline.bytes, 2000);
        assert_eq!(measured.ratio(), 2.0);
        let report = measured.report();
        assert!(report.starts_with("## Time to interactive"), "{report}");
        assert!(
            report.contains("| 200.0 | 100.0 | 300.0 | 5000 |"),
            "{report}"
        );
        assert!(report.contains("**2.00×**"), "{report}");
        let json = measured.json();
        assert_eq!(json["ratioOfMedians"], 2.0);
        assert_eq!(json["widget"]["samplesMs"][0], 300.0);
    }

    #[test]
    fn refuses_output_without_samples() {
        assert!(Measured::parse("").is_err());
        assert!(Measured::parse(r#"{"samples":{"widget":[1]}}"#).is_err());
        assert!(Measured::parse(r#"{"samples":{"widget":[],"baseline":[1]}}"#).is_err());
        assert!(Measured::parse(r#"{"samples":{"widget":["x"],"baseline":[1]}}"#).is_err());
    }
}
