//! The hand-written `JsValue` writers (`js_write`) against the core's serde derives: every event
//! `detail` and request body must be what `serde_wasm_bindgen`'s JSON-compatible serializer made
//! of it, so serde_json (which writes the same JSON) is the oracle.
#![cfg(target_arch = "wasm32")]

use azdo_connect::js_write::ToJs;
use azdo_connect_core::contract::{
    ConnectedDetail, DisconnectedDetail, ErrorDetail, ProjectsRequest, ReadyDetail, RepositoryKind,
    ScopeState, ScopeStatus, SelectedProject, SelectedRepository, Selection, User, VerifyRequest,
    VerifyResponse, VerifyingDetail, Warning,
};
use azdo_connect_core::{DeploymentType, ErrorCode, Pat};
use js_sys::{Array, Object};
use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Writes `value` both ways and insists they agree, to the byte (so key order too); returns the
/// JSON for the test's own assertions.
fn same_as_serde<T: ToJs + Serialize + ?Sized>(value: &T) -> Value {
    let js = value.to_js();
    assert_plain(&js, "$");
    let text = String::from(js_sys::JSON::stringify(&js).expect("js_write output is JSON"));
    let ours: Value = serde_json::from_str(&text).expect("JSON.stringify output parses");
    let serde = serde_json::to_value(value).expect("contract types serialize");
    assert_eq!(ours, serde, "js_write and serde disagree");
    assert_eq!(
        text,
        serde_json::to_string(value).unwrap(),
        "key order or escaping"
    );
    ours
}

/// What `JSON.stringify` hides: a key set to `undefined` (still `in` the object), a class instance,
/// a `Map`. Hosts read `detail` directly, so every level must be a plain object or array.
fn assert_plain(value: &JsValue, path: &str) {
    if Array::is_array(value) {
        for (i, item) in Array::from(value).iter().enumerate() {
            assert_plain(&item, &format!("{path}[{i}]"));
        }
    } else if value.is_object() {
        let object: &Object = value.unchecked_ref();
        assert_eq!(
            JsValue::from(Object::get_prototype_of(value)),
            JsValue::from(Object::get_prototype_of(&Object::new())),
            "{path} is a plain object"
        );
        for key in Object::keys(object).iter() {
            let key = key.as_string().unwrap();
            let item = js_sys::Reflect::get(value, &JsValue::from_str(&key)).unwrap();
            assert!(!item.is_undefined(), "{path}.{key} is set to undefined");
            assert_plain(&item, &format!("{path}.{key}"));
        }
    } else {
        assert!(
            value.is_string() || value.as_f64().is_some() || value.as_bool().is_some(),
            "{path} is a JSON scalar: {value:?}"
        );
    }
}

/// The keys of a written object, sorted (`same_as_serde` already checked their order).
fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<_> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

fn user(email: Option<&str>) -> User {
    User {
        id: "u-1".to_owned(),
        display_name: "Ada \"the first\" Lovelace".to_owned(),
        email: email.map(str::to_owned),
    }
}

fn verified(deployment_type: DeploymentType) -> VerifyResponse {
    VerifyResponse {
        organization: "contoso".to_owned(),
        organization_url: "https://dev.azure.com/contoso".to_owned(),
        deployment_type,
        user: user(Some("ada@contoso.com")),
        scopes: vec![
            scope("vso.code", ScopeState::Granted),
            scope("vso.build", ScopeState::Missing),
            scope("vso.code_write", ScopeState::Unknown),
        ],
        credential: "eyJ.a.b.c.d".to_owned(),
        verified_at: "2026-01-02T03:04:05Z".to_owned(),
        warnings: vec![Warning {
            code: "token_format_unknown".to_owned(),
            message: "Odd token \u{2014} sent anyway.".to_owned(),
        }],
    }
}

fn scope(id: &str, status: ScopeState) -> ScopeStatus {
    ScopeStatus {
        id: id.to_owned(),
        label: "Code (Read & write)".to_owned(),
        status,
    }
}

fn selection() -> Selection {
    Selection {
        projects: vec![SelectedProject {
            id: "p-1".to_owned(),
            name: "Web".to_owned(),
        }],
        repositories: vec![
            SelectedRepository {
                id: "r-1".to_owned(),
                name: "web".to_owned(),
                kind: RepositoryKind::Git,
                project_id: "p-1".to_owned(),
            },
            SelectedRepository {
                id: "p-1".to_owned(),
                name: "$/Web".to_owned(),
                kind: RepositoryKind::Tfvc,
                project_id: "p-1".to_owned(),
            },
        ],
    }
}

#[wasm_bindgen_test]
fn enums_are_their_wire_names() {
    for (kind, wire) in [
        (DeploymentType::Hosted, "hosted"),
        (DeploymentType::OnPremises, "onPremises"),
    ] {
        assert_eq!(same_as_serde(&kind), wire);
    }
    for (state, wire) in [
        (ScopeState::Granted, "granted"),
        (ScopeState::Missing, "missing"),
        (ScopeState::Unknown, "unknown"),
    ] {
        assert_eq!(same_as_serde(&state), wire);
    }
    for (kind, wire) in [(RepositoryKind::Git, "git"), (RepositoryKind::Tfvc, "tfvc")] {
        assert_eq!(same_as_serde(&kind), wire);
    }
    for code in ErrorCode::ALL {
        assert_eq!(same_as_serde(&code), code.as_str());
    }
}

#[wasm_bindgen_test]
fn nested_objects_omit_only_skipped_nones() {
    let with_email = same_as_serde(&user(Some("ada@contoso.com")));
    assert_eq!(keys(&with_email), ["displayName", "email", "id"]);
    let without = same_as_serde(&user(None));
    assert_eq!(
        without,
        json!({ "id": "u-1", "displayName": "Ada \"the first\" Lovelace" })
    );

    let status = same_as_serde(&scope("vso.code", ScopeState::Missing));
    assert_eq!(status["status"], "missing");
    let warning = same_as_serde(&Warning {
        code: "c".to_owned(),
        message: String::new(),
    });
    assert_eq!(warning, json!({ "code": "c", "message": "" }));
    let repository = same_as_serde(&selection().repositories[1]);
    assert_eq!(repository["projectId"], "p-1");
    assert_eq!(repository["kind"], "tfvc");
    assert_eq!(same_as_serde(&selection().projects[0])["name"], "Web");
}

#[wasm_bindgen_test]
fn ready_verifying_and_disconnected_details() {
    let ready = same_as_serde(&ReadyDetail {
        version: azdo_connect::VERSION.to_owned(),
    });
    assert_eq!(ready, json!({ "version": azdo_connect::VERSION }));

    let verifying = same_as_serde(&VerifyingDetail {
        organization: "DefaultCollection".to_owned(),
        organization_url: "http://tfs.example:8080/tfs/DefaultCollection".to_owned(),
    });
    assert_eq!(
        verifying["organizationUrl"],
        "http://tfs.example:8080/tfs/DefaultCollection"
    );

    let disconnected = same_as_serde(&DisconnectedDetail {
        organization: "contoso".to_owned(),
    });
    assert_eq!(disconnected, json!({ "organization": "contoso" }));
}

#[wasm_bindgen_test]
fn the_verify_answer_is_written_whole() {
    for kind in [DeploymentType::Hosted, DeploymentType::OnPremises] {
        let answer = same_as_serde(&verified(kind));
        assert_eq!(answer["scopes"].as_array().unwrap().len(), 3);
        assert_eq!(answer["user"]["email"], "ada@contoso.com");
    }
    let mut bare = verified(DeploymentType::Hosted);
    bare.user.email = None;
    bare.scopes.clear();
    bare.warnings.clear();
    let answer = same_as_serde(&bare);
    // `warnings` has `default` but no `skip_serializing_if`: an empty list is still there.
    assert_eq!(answer["warnings"], json!([]));
    assert_eq!(answer["scopes"], json!([]));
    assert!(answer["user"].get("email").is_none());
}

#[wasm_bindgen_test]
fn connected_flattens_the_answer_and_adds_the_selection_only_when_picked() {
    let alone = same_as_serde(&ConnectedDetail {
        verified: verified(DeploymentType::OnPremises),
        selection: None,
    });
    assert_eq!(
        alone,
        serde_json::to_value(verified(DeploymentType::OnPremises)).unwrap()
    );
    assert!(alone.get("selection").is_none());
    assert!(alone.get("verified").is_none(), "flattened, not nested");

    let empty = same_as_serde(&ConnectedDetail {
        verified: verified(DeploymentType::Hosted),
        selection: Some(Selection::default()),
    });
    assert_eq!(
        empty["selection"],
        json!({ "projects": [], "repositories": [] })
    );

    let picked = same_as_serde(&ConnectedDetail {
        verified: verified(DeploymentType::Hosted),
        selection: Some(selection()),
    });
    assert_eq!(picked["selection"]["repositories"][0]["kind"], "git");
    assert_eq!(keys(&picked).len(), 9);
}

#[wasm_bindgen_test]
fn selection_changed_detail() {
    assert_eq!(
        same_as_serde(&Selection::default()),
        json!({ "projects": [], "repositories": [] })
    );
    let picked = same_as_serde(&selection());
    assert_eq!(picked["projects"][0], json!({ "id": "p-1", "name": "Web" }));
    assert_eq!(picked["repositories"].as_array().unwrap().len(), 2);
}

#[wasm_bindgen_test]
fn error_detail_for_every_code_with_and_without_extras() {
    for code in ErrorCode::ALL {
        let plain = same_as_serde(&ErrorDetail {
            code,
            message: "Try again.".to_owned(),
            retry_after: None,
            missing_scopes: None,
        });
        assert_eq!(
            plain,
            json!({ "code": code.as_str(), "message": "Try again." })
        );
    }
    let limited = same_as_serde(&ErrorDetail {
        code: ErrorCode::RateLimited,
        message: "Slow down.".to_owned(),
        retry_after: Some(30),
        missing_scopes: Some(Vec::new()),
    });
    assert_eq!(limited["retryAfter"], 30);
    assert_eq!(limited["missingScopes"], json!([]), "Some(empty) is kept");

    let missing = same_as_serde(&ErrorDetail {
        code: ErrorCode::MissingScopes,
        message: "Add scopes.".to_owned(),
        retry_after: Some(0),
        missing_scopes: Some(vec!["vso.code".to_owned(), "vso.build".to_owned()]),
    });
    assert_eq!(missing["missingScopes"], json!(["vso.code", "vso.build"]));
    assert_eq!(missing["retryAfter"], 0);

    // The largest value js_read lets through stays exact.
    let most = same_as_serde(&ErrorDetail {
        code: ErrorCode::RateLimited,
        message: String::new(),
        retry_after: Some(9_007_199_254_740_991),
        missing_scopes: None,
    });
    assert_eq!(most["retryAfter"], 9_007_199_254_740_991_u64);
}

const SECRET: &str = "supersecretpatvalue4u7xyz234567abcdefghijklmnopqrstu";

#[wasm_bindgen_test]
fn the_verify_body_carries_the_real_token_and_only_there() {
    let request = VerifyRequest {
        organization: "https://dev.azure.com/contoso".to_owned(),
        token: Pat::new(format!(" {SECRET}\n")),
        required_scopes: vec!["vso.code".to_owned(), "vso.project".to_owned()],
    };
    let body = same_as_serde(&request);
    assert_eq!(
        body["token"], SECRET,
        "the proxy needs the trimmed token itself"
    );
    assert_eq!(body["requiredScopes"], json!(["vso.code", "vso.project"]));
    let text = String::from(js_sys::JSON::stringify(&request.to_js()).unwrap());
    assert!(text.contains(SECRET));

    // Writing it did not loosen anything else.
    let debug = format!("{request:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(debug.contains("Pat(***)"), "{debug}");
    assert_eq!(request.token.to_string(), "***");

    let no_scopes = same_as_serde(&VerifyRequest {
        required_scopes: Vec::new(),
        ..request
    });
    assert_eq!(
        keys(&no_scopes),
        ["organization", "token"],
        "empty scopes are omitted"
    );
}

#[wasm_bindgen_test]
fn the_projects_body_omits_what_is_not_set() {
    for (continuation, search) in [
        (None, None),
        (Some("ct-2"), None),
        (None, Some("web")),
        (Some("ct-2"), Some("")),
    ] {
        let body = same_as_serde(&ProjectsRequest {
            credential: "eyJ.a.b.c.d".to_owned(),
            continuation_token: continuation.map(str::to_owned),
            search: search.map(str::to_owned),
        });
        assert_eq!(body["credential"], "eyJ.a.b.c.d");
        assert_eq!(
            body.get("continuationToken").and_then(Value::as_str),
            continuation
        );
        assert_eq!(body.get("search").and_then(Value::as_str), search);
    }
}
