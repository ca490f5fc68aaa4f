//! Running commands with their steps printed, and reading their output.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::Result;

/// Prints a step heading the way every subcommand does.
pub fn step(title: &str) {
    println!("\n==> {title}");
}

/// Runs a command in the workspace root, streaming its output, and fails if it fails.
pub fn exec(cmd: &mut Command) -> Result {
    println!("    $ {}", describe(cmd));
    let status = cmd
        .current_dir(crate::workspace_root())
        .status()
        .map_err(|e| format!("could not start {}: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

/// Runs a command quietly and returns its trimmed stdout, or `None` if it can't run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd
        .current_dir(crate::workspace_root())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Test counts summed from the `test result:` lines of cargo and wasm-bindgen-test-runner.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Tests that passed.
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
    /// Tests that were ignored.
    pub ignored: u64,
}

impl Counts {
    /// Adds another run's counts.
    pub fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }

    fn parse_line(&mut self, line: &str) {
        // "test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; ..."
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(kind), Some(n)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(n) = n.parse::<u64>() else { continue };
            match kind {
                "passed" => self.passed += n,
                "failed" => self.failed += n,
                "ignored" => self.ignored += n,
                _ => {}
            }
        }
    }
}

/// Runs a command in the workspace root, echoing its stdout live and handing each line to
/// `on_line`; fails if it can't start or exits unsuccessfully.
pub fn stream(cmd: &mut Command, mut on_line: impl FnMut(&str)) -> Result {
    println!("    $ {}", describe(cmd));
    let mut child = cmd
        .current_dir(crate::workspace_root())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", describe(cmd)))?;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(std::io::Result::ok) {
            println!("{line}");
            on_line(&line);
        }
    }
    match child.wait() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{}` failed ({s})", describe(cmd))),
        Err(e) => Err(format!("`{}` could not be awaited: {e}", describe(cmd))),
    }
}

/// Runs a test command, echoing its output live, and sums its `test result:` lines.
pub fn run_tests(cmd: &mut Command) -> (Result, Counts) {
    let mut counts = Counts::default();
    let result = stream(cmd, |line| counts.parse_line(line));
    (result, counts)
}

/// The command line as a person would type it.
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_cargo_and_wasm_bindgen_result_lines() {
        let mut c = Counts::default();
        c.parse_line("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s");
        c.parse_line("test result: FAILED. 3 passed; 2 failed; 0 ignored");
        c.parse_line("running 5 tests");
        assert_eq!((c.passed, c.failed, c.ignored), (15, 2, 1));
    }
}
