//! The data-driven token format tests: every vector in `../vectors/pat.json` is
//! `{"token", "format", "sendable", "comment"?}`, checked against [`classify_pat`] and
//! [`token_format_error`]. Dependency-light like `org_vectors.rs`, so a browser test can include it.

use azdo_connect_core::{classify_pat, token_format_error, PatFormat};
use serde::Deserialize;

/// The vectors, compiled in so the browser test needs no file access.
const VECTORS: &str = include_str!("../vectors/pat.json");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Vector {
    token: String,
    format: PatFormat,
    sendable: bool,
    #[serde(default)]
    comment: Option<String>,
}

/// Runs every vector: the number that passed, and one line per failure (never the whole token).
pub fn run_all() -> (usize, Vec<String>) {
    let vectors: Vec<Vector> = match serde_json::from_str(VECTORS) {
        Ok(vectors) => vectors,
        Err(e) => return (0, vec![format!("pat.json does not parse: {e}")]),
    };
    let mut passed = 0;
    let mut failures = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        let format = classify_pat(&v.token);
        let error = token_format_error(&v.token);
        if format == v.format && error.is_none() == v.sendable {
            passed += 1;
        } else {
            failures.push(format!(
                "#{i} ({}): expected {:?}/sendable={}, got {format:?}/{error:?}",
                v.comment.as_deref().unwrap_or("no comment"),
                v.format,
                v.sendable
            ));
        }
    }
    (passed, failures)
}
