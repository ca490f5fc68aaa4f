//! `classify_pat`, `token_format_error` and `Pat` on arbitrary text: they never panic, agree with
//! each other, and `Pat` never shows the token through `Debug` or `Display`.
#![no_main]

use azdo_connect_core::{classify_pat, token_format_error, Pat, PatFormat, MAX_TOKEN_LEN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let format = classify_pat(input);
    let refusal = token_format_error(input);
    let trimmed = input.trim();

    // A token the classifier recognises as a PAT must never be refused as unsendable.
    if format.is_plausible_pat() {
        assert_eq!(refusal, None, "{format:?} token refused");
    }
    match format {
        PatFormat::Legacy => assert!(
            trimmed.len() == 52 && trimmed.bytes().all(|b| b.is_ascii_alphanumeric()),
            "not a 52-character base32 token but called Legacy"
        ),
        PatFormat::Modern => assert!(
            trimmed.len() == 84 && trimmed.is_ascii() && &trimmed[76..80] == "AZDO",
            "not an 84-character AZDO token but called Modern"
        ),
        PatFormat::Empty => assert!(trimmed.is_empty()),
        _ => {}
    }
    assert_eq!(trimmed.is_empty(), format == PatFormat::Empty);
    assert_eq!(
        format.warning().is_some(),
        matches!(format, PatFormat::Unknown | PatFormat::EntraJwt),
        "{format:?}: warning presence"
    );
    if let Some(message) = refusal {
        assert!(!message.is_empty());
    } else {
        // What passes the check can travel in a Basic `Authorization` header.
        assert!(!trimmed.is_empty() && trimmed.len() <= MAX_TOKEN_LEN);
        assert!(
            trimmed.bytes().all(|b| b.is_ascii_graphic()),
            "unsendable token accepted"
        );
    }

    let pat = Pat::new(input);
    assert_eq!(pat.expose(), trimmed, "Pat must hold the trimmed token");
    assert_eq!(pat.len(), trimmed.chars().count());
    assert_eq!(pat.is_empty(), trimmed.is_empty());
    assert_eq!(
        classify_pat(pat.expose()),
        format,
        "classification depends on padding"
    );
    assert_eq!(token_format_error(pat.expose()), refusal);

    // Redaction: the formatted forms are constants, so they cannot depend on the token...
    let shown = |pat: &Pat| format!("{pat:?} {pat} {:?} {:#?}", Some(pat), [pat]);
    let text = shown(&pat);
    let other = shown(&Pat::new("x"));
    assert_eq!(format!("{pat:?}"), "Pat(***)");
    assert_eq!(format!("{pat}"), "***");
    assert_eq!(text, other, "Debug or Display depends on the token");
    // ...and a token of 8 or more characters never shows, unless the constant text itself
    // happens to contain it (the token `Pat(***)`).
    if trimmed.chars().count() >= 8 && !other.contains(trimmed) {
        assert!(!text.contains(trimmed), "Debug or Display leaks the token");
    }

    // The wire form is the token itself and reads back to the same Pat.
    let json = serde_json::to_string(&pat).expect("a Pat always serializes");
    let back: Pat = serde_json::from_str(&json).expect("a serialized Pat reads back");
    assert_eq!(back, pat);
});
