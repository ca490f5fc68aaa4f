//! Independent statements of Azure DevOps' naming rules, so property tests and
//! fuzz targets don't trust the normalizer's own checks. Included by path from
//! `crates/core/tests/properties.rs` and `fuzz/fuzz_targets/org_normalize.rs`.

/// An independent statement of the organization naming rules (English letters, digits and
/// hyphens; starts and ends with a letter or digit; at most 50 characters; not a reserved name), so
/// the target doesn't trust the code's own checks.
pub fn is_valid_org_name(name: &str) -> bool {
    const RESERVED: &[&str] = &[
        "aux",
        "com1",
        "com2",
        "com3",
        "com4",
        "com5",
        "com6",
        "com7",
        "com8",
        "com9",
        "com10",
        "con",
        "defaultcollection",
        "lpt1",
        "lpt2",
        "lpt3",
        "lpt4",
        "lpt5",
        "lpt6",
        "lpt7",
        "lpt8",
        "lpt9",
        "nul",
        "prn",
        "server",
        "signalr",
        "web",
    ];
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 50
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && !RESERVED.contains(&name.to_ascii_lowercase().as_str())
}

/// The Azure DevOps Server collection rules: at most 64 letters, digits, `-`, `_` and `.`, not
/// starting with `_` or `.`, not ending with `.`.
pub fn is_valid_collection_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        && !name.starts_with(['_', '.'])
        && !name.ends_with('.')
}
