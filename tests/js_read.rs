//! The hand-written `JsValue` readers (`js_read`) against `JSON.parse` output: they must take
//! exactly the contract bodies the derived `Deserialize` impls take, so serde_json (the proxy's
//! parser) is the oracle wherever JSON and JS agree.
#![cfg(target_arch = "wasm32")]

use azdo_connect::config::Requirements;
use azdo_connect::js_read::{requirements, string_map, FromJs};
use azdo_connect_core::contract::{
    ApiError, ConfigResponse, ErrorBody, ProjectsResponse, RepositoryKind, ScopeState,
    VerifyResponse,
};
use azdo_connect_core::{DeploymentType, ErrorCode};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

fn read<T: FromJs>(json: &str) -> Option<T> {
    T::from_js(&parse(json))
}

/// Reads `json` both ways and insists they agree; returns the answer.
fn same_as_serde<T: FromJs + DeserializeOwned + PartialEq + std::fmt::Debug>(
    json: &str,
) -> Option<T> {
    let ours = read::<T>(json);
    let serde = serde_json::from_str::<T>(json).ok();
    assert_eq!(ours, serde, "js_read and serde disagree on {json}");
    ours
}

const VERIFY: &str = r#"{
  "organization": "contoso",
  "organizationUrl": "http://tfs.example:8080/tfs/DefaultCollection",
  "deploymentType": "onPremises",
  "user": { "id": "u-1", "displayName": "Ada", "email": "ada@contoso.com" },
  "scopes": [
    { "id": "vso.code", "label": "Code (Read)", "status": "granted" },
    { "id": "vso.build", "label": "Build (Read)", "status": "missing" },
    { "id": "vso.code_write", "label": "Code (Read & write)", "status": "unknown" }
  ],
  "credential": "eyJ.a.b.c.d",
  "verifiedAt": "2026-01-02T03:04:05Z",
  "warnings": [{ "code": "token_format_unknown", "message": "Odd token." }]
}"#;

/// `VERIFY` with `edit` applied to it, as JSON again.
fn verify_with(edit: impl FnOnce(&mut Map<String, Value>)) -> String {
    let mut value: Value = serde_json::from_str(VERIFY).expect("VERIFY is JSON");
    edit(value.as_object_mut().expect("VERIFY is an object"));
    value.to_string()
}

#[wasm_bindgen_test]
fn a_full_verify_response_reads_every_field() {
    let verified: VerifyResponse = same_as_serde(VERIFY).expect("VERIFY is on-contract");
    assert_eq!(verified.organization, "contoso");
    assert_eq!(verified.deployment_type, DeploymentType::OnPremises);
    assert_eq!(verified.user.display_name, "Ada");
    assert_eq!(verified.user.email.as_deref(), Some("ada@contoso.com"));
    let states: Vec<_> = verified.scopes.iter().map(|s| s.status).collect();
    assert_eq!(
        states,
        [
            ScopeState::Granted,
            ScopeState::Missing,
            ScopeState::Unknown
        ]
    );
    assert_eq!(verified.scopes[1].label, "Build (Read)");
    assert_eq!(verified.verified_at, "2026-01-02T03:04:05Z");
    assert_eq!(verified.warnings.len(), 1);
    assert_eq!(verified.warnings[0].code, "token_format_unknown");
}

#[wasm_bindgen_test]
fn optional_and_defaulted_fields_may_be_absent() {
    let json = verify_with(|v| {
        v.remove("warnings");
        v["user"].as_object_mut().unwrap().remove("email");
        v["deploymentType"] = "hosted".into();
    });
    let verified: VerifyResponse = same_as_serde(&json).expect("absent optionals are fine");
    assert_eq!(verified.user.email, None);
    assert!(verified.warnings.is_empty());
    assert_eq!(verified.deployment_type, DeploymentType::Hosted);
}

#[wasm_bindgen_test]
fn null_means_none_for_options_but_not_for_defaulted_lists() {
    let json = verify_with(|v| {
        v["user"]["email"] = Value::Null;
    });
    let verified: VerifyResponse = same_as_serde(&json).expect("a null option is None");
    assert_eq!(verified.user.email, None);

    let error: ApiError = same_as_serde(
        r#"{"code":"internal","message":"m","retryAfter":null,"missingScopes":null,"scopes":null}"#,
    )
    .expect("null optionals");
    assert_eq!(error, ApiError::new(ErrorCode::Internal, "m"));

    let json = verify_with(|v| {
        v["warnings"] = Value::Null;
    });
    assert_eq!(
        same_as_serde::<VerifyResponse>(&json),
        None,
        "`warnings` defaults when absent, but null is not a list"
    );
}

#[wasm_bindgen_test]
fn unknown_fields_are_ignored_at_every_level() {
    let json = verify_with(|v| {
        v.insert("future".into(), json!({ "nested": [1, 2] }));
        v["user"]["avatar"] = "https://example.invalid/a.png".into();
        v["scopes"][0]["probe"] = json!(42);
    });
    let verified: VerifyResponse = same_as_serde(&json).expect("extra fields are ignored");
    assert_eq!(verified.user.id, "u-1");
    assert_eq!(verified.scopes.len(), 3);
}

#[wasm_bindgen_test]
fn every_missing_required_field_refuses_the_body() {
    let required = [
        "organization",
        "organizationUrl",
        "deploymentType",
        "user",
        "scopes",
        "credential",
        "verifiedAt",
    ];
    for name in required {
        let json = verify_with(|v| {
            assert!(v.remove(name).is_some(), "{name} is in VERIFY");
        });
        assert_eq!(
            same_as_serde::<VerifyResponse>(&json),
            None,
            "without {name}"
        );
    }
    for name in ["id", "displayName"] {
        let json = verify_with(|v| {
            v["user"].as_object_mut().unwrap().remove(name);
        });
        assert_eq!(
            same_as_serde::<VerifyResponse>(&json),
            None,
            "without user.{name}"
        );
    }
}

#[wasm_bindgen_test]
fn a_wrong_type_anywhere_refuses_the_body() {
    let edits: [(&str, Value); 8] = [
        ("organization", json!(1)),
        ("organizationUrl", json!(null)),
        ("deploymentType", json!("cloud")),
        ("deploymentType", json!("OnPremises")),
        ("user", json!("Ada")),
        ("scopes", json!({ "0": {} })),
        (
            "scopes",
            json!([{ "id": "a", "label": "b", "status": "GRANTED" }]),
        ),
        ("warnings", json!([{ "code": "c" }])),
    ];
    for (name, bad) in edits {
        let json = verify_with(|v| {
            v.insert(name.into(), bad.clone());
        });
        assert_eq!(
            same_as_serde::<VerifyResponse>(&json),
            None,
            "{name} = {bad}"
        );
    }
    for not_an_object in ["null", "\"contoso\"", "[]", "42", "true"] {
        assert_eq!(
            read::<VerifyResponse>(not_an_object),
            None,
            "{not_an_object}"
        );
    }
}

#[wasm_bindgen_test]
fn each_error_code_reads_by_its_wire_name() {
    for code in ErrorCode::ALL {
        let json = format!(
            r#"{{"error":{{"code":"{}","message":"Why."}}}}"#,
            code.as_str()
        );
        let body: ErrorBody = same_as_serde(&json).expect("a contract code");
        assert_eq!(body.error.code, code);
        assert_eq!(body.error.message, "Why.");
    }
    // Like the derive, which has no fallback variant: an unknown code is off-contract.
    for unknown in ["teapot", "TOKEN_EXPIRED", "tokenExpired", ""] {
        let json = format!(r#"{{"error":{{"code":"{unknown}","message":"Why."}}}}"#);
        assert_eq!(same_as_serde::<ErrorBody>(&json), None, "code {unknown:?}");
    }
    assert_eq!(
        read::<ErrorBody>(r#"{"error":{"code":7,"message":"m"}}"#),
        None
    );
    assert_eq!(read::<ErrorBody>(r#"{"message":"no error member"}"#), None);
}

#[wasm_bindgen_test]
fn a_full_error_body_keeps_the_checklist() {
    let body: ErrorBody = same_as_serde(
        r#"{"error":{"code":"missing_scopes","message":"Add Build.","retryAfter":30,
            "missingScopes":["vso.build"],
            "scopes":[{"id":"vso.build","label":"Build (Read)","status":"missing"}]}}"#,
    )
    .expect("a missing_scopes body");
    assert_eq!(body.error.retry_after, Some(30));
    assert_eq!(
        body.error.missing_scopes.as_deref(),
        Some(&["vso.build".to_owned()][..])
    );
    assert_eq!(
        body.error.scopes.expect("scopes")[0].status,
        ScopeState::Missing
    );
}

#[wasm_bindgen_test]
fn integers_must_be_safe_and_in_range() {
    let retry = |n: &str| {
        read::<ApiError>(&format!(
            r#"{{"code":"rate_limited","message":"m","retryAfter":{n}}}"#
        ))
        .map(|e| e.retry_after)
    };
    assert_eq!(retry("0"), Some(Some(0)));
    assert_eq!(retry("9007199254740991"), Some(Some(9_007_199_254_740_991)));
    for bad in ["-1", "1.5", "\"30\"", "9007199254740992", "1e400", "true"] {
        assert_eq!(retry(bad), None, "retryAfter {bad}");
    }

    let config = |rpm: &str| {
        read::<ConfigResponse>(&format!(
            r#"{{"version":"1","allowedServers":[],"scopes":[],
                "limits":{{"maxBodyBytes":65536,"verifyTimeoutMs":10000,"requestsPerMinute":{rpm}}}}}"#
        ))
    };
    assert_eq!(
        config("4294967295")
            .expect("u32::MAX")
            .limits
            .requests_per_minute,
        u32::MAX
    );
    assert_eq!(config("4294967296"), None, "beyond u32");
}

#[wasm_bindgen_test]
fn a_projects_page_reads_repositories_and_defaults() {
    let page: ProjectsResponse = same_as_serde(
        r#"{"projects":[
            {"id":"p1","name":"Web","description":null,"visibility":"private","repositories":[
              {"id":"r1","name":"web","kind":"git","webUrl":"https://x/r1","defaultBranch":"refs/heads/main"},
              {"id":"p1","name":"$/Web","kind":"tfvc"}]},
            {"id":"p2","name":"Empty"}],
          "continuationToken":"next"}"#,
    )
    .expect("a page");
    assert_eq!(page.continuation_token.as_deref(), Some("next"));
    let web = &page.projects[0];
    assert_eq!(web.description, None);
    assert_eq!(web.visibility.as_deref(), Some("private"));
    assert_eq!(web.repositories[0].kind, RepositoryKind::Git);
    assert_eq!(
        web.repositories[0].default_branch.as_deref(),
        Some("refs/heads/main")
    );
    assert_eq!(web.repositories[1].kind, RepositoryKind::Tfvc);
    assert_eq!(web.repositories[1].web_url, None);
    assert!(page.projects[1].repositories.is_empty(), "absent → empty");

    let last: ProjectsResponse = same_as_serde(r#"{"projects":[]}"#).expect("last page");
    assert_eq!(last.continuation_token, None);
    for bad in [
        r#"{}"#,
        r#"{"projects":{}}"#,
        r#"{"projects":[{"id":"p","name":"n","repositories":[{"id":"r","name":"r","kind":"svn"}]}]}"#,
        r#"{"projects":[],"continuationToken":5}"#,
    ] {
        assert_eq!(same_as_serde::<ProjectsResponse>(bad), None, "{bad}");
    }
}

#[wasm_bindgen_test]
fn a_config_answer_reads_the_allowlist_and_catalogue() {
    let config: ConfigResponse = same_as_serde(
        r#"{"version":"0.1.0","allowedServers":["tfs.example:8080"],
            "scopes":[{"id":"vso.code","label":"Code (Read)","area":"Code","observable":true}],
            "limits":{"maxBodyBytes":65536,"verifyTimeoutMs":10000,"requestsPerMinute":30}}"#,
    )
    .expect("a config answer");
    assert_eq!(config.allowed_servers, ["tfs.example:8080"]);
    assert!(config.scopes[0].observable);
    assert_eq!(config.limits.verify_timeout_ms, 10_000);
    assert_eq!(
        same_as_serde::<ConfigResponse>(
            r#"{"version":"0.1.0","allowedServers":["a", 1],"scopes":[],
                "limits":{"maxBodyBytes":1,"verifyTimeoutMs":1,"requestsPerMinute":1}}"#
        ),
        None,
        "a non-string server"
    );
}

#[wasm_bindgen_test]
fn strings_are_an_object_of_text() {
    let map = string_map(&parse(r#"{"connect":"Verbinden","title":""}"#)).expect("good strings");
    assert_eq!(map.get("connect"), Some("Verbinden"));
    assert_eq!(map.get("title"), Some(""));
    assert!(string_map(&parse("{}")).expect("empty").is_empty());

    let why = string_map(&parse(r#"{"connect":"ok","x":3}"#)).expect_err("a number");
    assert_eq!(why, r#"value for key "x" is not a string"#);
    for bad in ["\"connect\"", "[\"a\"]", "7"] {
        assert!(string_map(&parse(bad)).is_err(), "{bad}");
    }
}

#[wasm_bindgen_test]
fn requirements_read_notes_and_full_access() {
    let read_req = |json: &str| requirements(&parse(json));
    let req = read_req(r#"{"fullAccess":true,"notes":{"vso.code":"to build docs"},"extra":1}"#)
        .expect("good requirements");
    assert!(req.full_access);
    assert_eq!(req.notes.get("vso.code"), Some("to build docs"));
    assert_eq!(read_req("{}"), Ok(Requirements::default()), "all optional");

    assert_eq!(
        read_req(r#"{"fullAccess":"yes"}"#),
        Err("`fullAccess` is not a boolean".to_owned())
    );
    assert_eq!(
        read_req(r#"{"notes":{"vso.code":false}}"#),
        Err(r#"`notes`: value for key "vso.code" is not a string"#.to_owned())
    );
    assert!(read_req(r#"{"notes":"vso.code"}"#).is_err());
    assert!(
        read_req(r#"{"notes":null}"#).is_err(),
        "as strict as serde was"
    );
    assert_eq!(read_req("\"nonsense\""), Err("not an object".to_owned()));
    assert_eq!(read_req("[]"), Err("not an object".to_owned()));
}
