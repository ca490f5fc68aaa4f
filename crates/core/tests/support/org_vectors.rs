//! The data-driven organization normalization tests, shared by the native test
//! (`crates/core/tests/org_vectors.rs`) and the widget's browser test, which includes this file by
//! path so the same vectors run in wasm32. Keep it to serde, serde_json and azdo_connect_core.
//!
//! Each vector in `../vectors/org.json` is
//! `{"input", "allowedServers"?, "comment"?, "expect": {"organization", "organizationUrl", "deploymentType"}}`
//! or `{"input", "allowedServers"?, "comment"?, "error": {"code", "kind", "rule"?, "host"?, "messageContains"?}}`.

use azdo_connect_core::{
    normalize_organization, AllowedServers, DeploymentType, ErrorCode, OrgError, Organization,
};
use serde::Deserialize;

/// The vectors, compiled in so the browser test needs no file access.
const VECTORS: &str = include_str!("../vectors/org.json");

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Vector {
    input: String,
    #[serde(default)]
    allowed_servers: Vec<String>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    expect: Option<Organization>,
    #[serde(default)]
    error: Option<ExpectedError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExpectedError {
    code: ErrorCode,
    kind: String,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    message_contains: Option<String>,
}

/// The variant name of an error, its rule (for `InvalidName`) and its host (for the host errors).
fn describe(error: &OrgError) -> (&'static str, Option<String>, Option<String>) {
    match error {
        OrgError::Empty => ("Empty", None, None),
        OrgError::Malformed { .. } => ("Malformed", None, None),
        OrgError::NotAzureDevOps { host } => ("NotAzureDevOps", None, Some(host.clone())),
        OrgError::MissingOrganization => ("MissingOrganization", None, None),
        OrgError::InvalidName { rule, .. } => ("InvalidName", Some(format!("{rule:?}")), None),
        OrgError::ServerNotAllowed { host } => ("ServerNotAllowed", None, Some(host.clone())),
        _ => ("unknown", None, None),
    }
}

/// Checks one vector; `Err` says what went wrong.
fn check(v: &Vector) -> Result<(), String> {
    let servers = AllowedServers::new(&v.allowed_servers);
    let got = normalize_organization(&v.input, &servers);
    match (&v.expect, &v.error, got) {
        (Some(expect), None, Ok(org)) => {
            if &org != expect {
                return Err(format!("expected {expect:?}, got {org:?}"));
            }
            // Idempotence: the canonical URL, and for hosted the bare name, normalize to the same.
            let again = normalize_organization(&org.organization_url, &servers);
            if again.as_ref() != Ok(&org) {
                return Err(format!("not idempotent on the URL: {again:?}"));
            }
            if org.deployment_type == DeploymentType::Hosted {
                let again = normalize_organization(&org.organization, &servers);
                if again.as_ref() != Ok(&org) {
                    return Err(format!("not idempotent on the name: {again:?}"));
                }
                if !org.organization_url.starts_with("https://dev.azure.com/") {
                    return Err(format!(
                        "hosted URL off dev.azure.com: {}",
                        org.organization_url
                    ));
                }
            }
            Ok(())
        }
        (None, Some(expected), Err(error)) => {
            let (kind, rule, host) = describe(&error);
            let message = error.to_string();
            if error.code() != expected.code
                || kind != expected.kind
                || (expected.rule.is_some() && rule != expected.rule)
                || (expected.host.is_some() && host != expected.host)
            {
                return Err(format!(
                    "expected {}/{}/{:?}/{:?}, got {}/{kind}/{rule:?}/{host:?} ({message})",
                    expected.code,
                    expected.kind,
                    expected.rule,
                    expected.host,
                    error.code()
                ));
            }
            if message.trim().is_empty() {
                return Err("the error has no message".into());
            }
            if let Some(part) = &expected.message_contains {
                if !message.contains(part.as_str()) {
                    return Err(format!("message {message:?} lacks {part:?}"));
                }
            }
            Ok(())
        }
        (Some(_), None, Err(error)) => Err(format!("expected success, got {error:?}: {error}")),
        (None, Some(_), Ok(org)) => Err(format!("expected an error, got {org:?}")),
        _ => Err("a vector needs exactly one of \"expect\" and \"error\"".into()),
    }
}

/// Runs every vector: the number that passed, and one line per failure.
pub fn run_all() -> (usize, Vec<String>) {
    let vectors: Vec<Vector> = match serde_json::from_str(VECTORS) {
        Ok(vectors) => vectors,
        Err(e) => return (0, vec![format!("org.json does not parse: {e}")]),
    };
    let mut passed = 0;
    let mut failures = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        match check(v) {
            Ok(()) => passed += 1,
            Err(why) => failures.push(format!(
                "#{i} {:?}{}: {why}",
                v.input.chars().take(120).collect::<String>(),
                v.comment
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            )),
        }
    }
    (passed, failures)
}

/// How many vectors expect an error (the hostile and invalid inputs).
pub fn error_case_count() -> usize {
    serde_json::from_str::<Vec<Vector>>(VECTORS)
        .map(|vs| vs.iter().filter(|v| v.error.is_some()).count())
        .unwrap_or(0)
}
