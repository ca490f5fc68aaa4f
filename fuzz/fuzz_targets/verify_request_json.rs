//! The proxy's request bodies (`VerifyRequest`, `ProjectsRequest`) parsed from arbitrary bytes:
//! parsing never panics, whatever parses re-serializes to a body that parses to an equal value,
//! unknown fields are refused, and a parsed request's `Debug` never shows its token.
#![no_main]

use azdo_connect_core::contract::{ProjectsRequest, VerifyRequest};
use azdo_connect_core::{
    classify_pat, normalize_organization, token_format_error, AllowedServers, Pat,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = serde_json::from_slice::<VerifyRequest>(data) {
        check_keys(
            data,
            &["organization", "token", "session", "requiredScopes", "expiresAt"],
        );
        let json = serde_json::to_vec(&request).expect("a parsed request serializes");
        let again: VerifyRequest =
            serde_json::from_slice(&json).expect("a serialized request parses");
        assert_eq!(again, request, "VerifyRequest does not round-trip");

        let token = request.token.as_ref().map_or("", |t| t.expose());
        assert_eq!(token, token.trim(), "the token is trimmed on the way in");
        let debug = format!("{request:?} {request:#?}");
        // Debug must not depend on the token at all...
        let other = VerifyRequest {
            token: request.token.as_ref().map(|_| Pat::new("x")),
            ..request.clone()
        };
        assert_eq!(
            debug,
            format!("{other:?} {other:#?}"),
            "Debug depends on the token"
        );
        // ...so a long token shows only if the other fields happen to contain it.
        let others = format!("{:?} {:?}", request.organization, request.required_scopes);
        if token.chars().count() >= 8 && !others.contains(token) {
            assert!(!debug.contains(token), "Debug leaks the token");
        }

        // What the proxy does next with a parsed body must not panic either.
        let _ = normalize_organization(&request.organization, &AllowedServers::default());
        let _ = classify_pat(token);
        let _ = token_format_error(token);
    }

    if let Ok(request) = serde_json::from_slice::<ProjectsRequest>(data) {
        check_keys(data, &["credential", "continuationToken", "search"]);
        let json = serde_json::to_vec(&request).expect("a parsed request serializes");
        let again: ProjectsRequest =
            serde_json::from_slice(&json).expect("a serialized request parses");
        assert_eq!(again, request, "ProjectsRequest does not round-trip");
    }
});

/// A body that parsed is a JSON object whose keys are all contract fields
/// (`deny_unknown_fields`), or serde's positional form of the struct: an array of at most one
/// element per field.
fn check_keys(data: &[u8], allowed: &[&str]) {
    match serde_json::from_slice(data).expect("a parsed body is JSON") {
        Value::Object(object) => {
            for key in object.keys() {
                assert!(
                    allowed.contains(&key.as_str()),
                    "unknown field {key:?} accepted"
                );
            }
        }
        Value::Array(items) => assert!(items.len() <= allowed.len(), "extra array items accepted"),
        other => panic!("a request parsed from a JSON {other:?}"),
    }
}
