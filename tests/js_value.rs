//! The serde bridge between the widget and JavaScript: proxy answers read with the core's serde
//! derives (`api::decode`), the host's `strings`/`requirements` properties, and the events'
//! `detail`s written with serde-wasm-bindgen's JSON-compatible serializer. serde_json, which
//! the proxy uses, is the reference for what the JSON is.
#![cfg(target_arch = "wasm32")]

use azdo_connect::api::decode;
use azdo_connect::events;
use azdo_connect::js_value::{from_js, to_js};
use azdo_connect::Error;
use azdo_connect_core::contract::{
    ConfigResponse, ConnectedDetail, ErrorBody, ErrorDetail, ProjectsRequest, ScopeState,
    Selection, User, VerifyRequest, VerifyResponse,
};
use azdo_connect_core::{DeploymentType, ErrorCode, Pat};
use js_sys::{Array, Object, Reflect};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

mod support;
use support::{attach, create, settle, text};

wasm_bindgen_test_configure!(run_in_browser);

/// What a proxy answer becomes in the widget: the browser's `JSON.parse`, then the derive.
fn read<T: serde::de::DeserializeOwned>(json: &Value) -> Result<T, Error> {
    let parsed = js_sys::JSON::parse(&json.to_string()).expect("test JSON parses");
    decode(parsed, 200)
}

fn verify_answer() -> Value {
    json!({
        "organization": "contoso",
        "organizationUrl": "https://dev.azure.com/contoso",
        "deploymentType": "hosted",
        "user": { "id": "u-1", "displayName": "Ada", "email": "ada@contoso.com" },
        "scopes": [
            { "id": "vso.code", "label": "Code (Read)", "status": "granted" },
            { "id": "vso.code_write", "label": "Code (Read & write)", "status": "unknown" }
        ],
        "credential": "eyJ.a.b.c.d",
        "verifiedAt": "2026-12-02T03:04:05Z"
    })
}

#[wasm_bindgen_test]
fn a_contract_answer_reads_as_serde_json_reads_it() {
    let mut answer = verify_answer();
    // Unknown members (a newer proxy) are ignored; a null optional is absent.
    answer["newerField"] = json!({ "any": [1, 2] });
    answer["user"]["email"] = Value::Null;
    let ours: VerifyResponse = read(&answer).expect("on contract");
    let reference: VerifyResponse = serde_json::from_value(answer).unwrap();
    assert_eq!(ours, reference);
    assert_eq!(ours.user.email, None);
    assert!(ours.warnings.is_empty(), "`warnings` defaults to empty");
    assert_eq!(ours.scopes[1].status, ScopeState::Unknown);
    assert_eq!(ours.deployment_type, DeploymentType::Hosted);
}

#[wasm_bindgen_test]
fn an_off_contract_answer_is_a_protocol_error() {
    type Edit = (&'static str, fn(&mut Value));
    let edits: [Edit; 6] = [
        ("a required member is missing", |v| {
            v.as_object_mut().unwrap().remove("credential");
        }),
        ("a string is a number", |v| v["organization"] = json!(7)),
        ("an enum has another name", |v| {
            v["deploymentType"] = json!("cloud")
        }),
        ("a nested status is unknown", |v| {
            v["scopes"][0]["status"] = json!("maybe")
        }),
        ("a list is an object", |v| v["scopes"] = json!({ "0": {} })),
        ("a defaulted list is null", |v| v["warnings"] = Value::Null),
    ];
    for (why, edit) in edits {
        let mut answer = verify_answer();
        edit(&mut answer);
        assert!(
            serde_json::from_value::<VerifyResponse>(answer.clone()).is_err(),
            "serde_json refuses it too: {why}"
        );
        assert_eq!(
            read::<VerifyResponse>(&answer),
            Err(Error::Protocol { status: 200 }),
            "{why}"
        );
    }
    // serde_json would read `user` from an array of its fields in order; an object's members
    // come by name here, so an array is refused, as it should be.
    let mut positional = verify_answer();
    positional["user"] = json!(["u-1", "Ada"]);
    assert_eq!(
        read::<VerifyResponse>(&positional),
        Err(Error::Protocol { status: 200 })
    );
    for body in [json!(null), json!("ok"), json!([verify_answer()])] {
        assert_eq!(
            read::<VerifyResponse>(&body),
            Err(Error::Protocol { status: 200 }),
            "{body}"
        );
    }
}

/// serde-wasm-bindgen is patched (`vendor/serde-wasm-bindgen`) so its messages never print a
/// float, which keeps Rust's float formatting out of the wasm; the reason stays readable.
#[wasm_bindgen_test]
fn a_number_where_text_belongs_is_refused_with_a_reason_that_prints_no_float() {
    assert_eq!(
        from_js::<String>(JsValue::from_f64(2.5)),
        Err("Error: invalid type: a number, expected a string".to_owned())
    );
    assert_eq!(
        from_js::<bool>(JsValue::from_str("yes")),
        Err("Error: invalid type: string \"yes\", expected a boolean".to_owned())
    );
}

#[wasm_bindgen_test]
fn integers_must_be_whole_safe_and_unsigned() {
    let error = |retry: Value| json!({ "error": { "code": "rate_limited", "message": "Slow down.", "retryAfter": retry } });
    let ok: ErrorBody = read(&error(json!(30))).expect("a whole number");
    assert_eq!(ok.error.retry_after, Some(30));
    assert_eq!(ok.error.code, ErrorCode::RateLimited);
    // JSON has one number type: `JSON.parse("2.0")` is the integer 2, so the wire spelling `2.0`
    // cannot be told from `2` once the browser parsed it. What is not an integer is refused.
    for bad in [
        json!(2.5),
        json!(-1),
        json!(1e300),
        json!("30"),
        json!(true),
    ] {
        assert_eq!(
            read::<ErrorBody>(&error(bad.clone())),
            Err(Error::Protocol { status: 200 }),
            "retryAfter {bad}"
        );
    }
    let limits = |rpm: Value| json!({ "version": "1", "allowedServers": [], "scopes": [], "limits": { "maxBodyBytes": 65536, "verifyTimeoutMs": 10000, "requestsPerMinute": rpm } });
    assert!(read::<ConfigResponse>(&limits(json!(60))).is_ok());
    assert!(
        read::<ConfigResponse>(&limits(json!(4_294_967_296u64))).is_err(),
        "beyond u32"
    );
    assert!(read::<ConfigResponse>(&limits(json!(0.5))).is_err());
}

#[wasm_bindgen_test]
fn every_error_code_reads_by_its_wire_name_and_no_other() {
    for code in ErrorCode::ALL {
        let body = json!({ "error": { "code": code.as_str(), "message": "m" } });
        assert_eq!(read::<ErrorBody>(&body).map(|b| b.error.code), Ok(code));
    }
    let unknown = json!({ "error": { "code": "teapot", "message": "m" } });
    assert!(read::<ErrorBody>(&unknown).is_err());
}

/// Every level of `value` is a plain object, an array or a JSON scalar: no `null`, no key set to
/// `undefined` (still `in` the object), no class instance or `Map`.
fn assert_plain(value: &JsValue, path: &str) {
    if Array::is_array(value) {
        for (i, item) in Array::from(value).iter().enumerate() {
            assert_plain(&item, &format!("{path}[{i}]"));
        }
    } else if value.is_object() {
        assert_eq!(
            JsValue::from(Object::get_prototype_of(value)),
            JsValue::from(Object::get_prototype_of(&Object::new())),
            "{path} is a plain object"
        );
        for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap();
            let item = Reflect::get(value, &JsValue::from_str(&key)).unwrap();
            assert_plain(&item, &format!("{path}.{key}"));
        }
    } else {
        assert!(
            value.is_string() || value.as_f64().is_some() || value.as_bool().is_some(),
            "{path} is a JSON scalar, not {value:?}"
        );
    }
}

/// Dispatches `detail` as `name` on a fresh target and returns the `detail` a listener gets.
fn dispatched(name: &str, detail: &impl serde::Serialize) -> JsValue {
    let target = web_sys::EventTarget::new().unwrap();
    let seen = std::rc::Rc::new(std::cell::RefCell::new(JsValue::UNDEFINED));
    let sink = std::rc::Rc::clone(&seen);
    let listener =
        Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
            *sink.borrow_mut() = e.detail();
        });
    target
        .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
        .unwrap();
    assert!(events::dispatch(&target, name, detail, false).expect("dispatched"));
    let detail = seen.borrow().clone();
    detail
}

/// The detail as JSON text, parsed by serde_json: the reference for key names and values.
fn as_json(detail: &JsValue) -> Value {
    serde_json::from_str(&String::from(js_sys::JSON::stringify(detail).unwrap())).unwrap()
}

#[wasm_bindgen_test]
fn event_details_leave_absent_optionals_out_never_null() {
    let mut answer: VerifyResponse = serde_json::from_value(verify_answer()).unwrap();
    answer.user = User {
        id: "u-1".to_owned(),
        display_name: "Ada".to_owned(),
        email: None,
    };
    let connected = ConnectedDetail {
        verified: answer.clone(),
        selection: None,
    };
    let detail = dispatched(events::CONNECTED, &connected);
    assert_plain(&detail, "detail");
    let json = as_json(&detail);
    assert_eq!(json, serde_json::to_value(&connected).unwrap());
    assert!(json["user"].get("email").is_none(), "no email key: {json}");
    assert!(json.get("selection").is_none(), "no selection key: {json}");
    assert_eq!(
        json["organizationUrl"], "https://dev.azure.com/contoso",
        "flattened, camelCase"
    );

    let picked = ConnectedDetail {
        verified: answer,
        selection: Some(Selection::default()),
    };
    let json = as_json(&dispatched(events::CONNECTED, &picked));
    assert_eq!(
        json["selection"],
        json!({ "projects": [], "repositories": [] })
    );

    for (retry_after, missing) in [(None, None), (Some(30), Some(vec!["vso.code".to_owned()]))] {
        let error = ErrorDetail {
            code: ErrorCode::MissingScopes,
            message: "m".to_owned(),
            retry_after,
            missing_scopes: missing,
        };
        let detail = dispatched(events::ERROR, &error);
        assert_plain(&detail, "detail");
        let json = as_json(&detail);
        assert_eq!(json, serde_json::to_value(&error).unwrap());
        assert_eq!(json["code"], "missing_scopes");
        let keys = Object::keys(detail.unchecked_ref::<Object>()).length();
        assert_eq!(keys, if retry_after.is_some() { 4 } else { 2 }, "{json}");
        if let Some(secs) = json.get("retryAfter") {
            assert!(secs.is_u64(), "a number, not a BigInt or string: {secs}");
        }
    }
}

#[wasm_bindgen_test]
fn request_bodies_are_the_contract_json() {
    let verify = VerifyRequest {
        organization: "https://dev.azure.com/contoso".to_owned(),
        token: Some(Pat::new("s3cr3t-token")),
        session: None,
        required_scopes: vec![],
        expires_at: None,
    };
    let body = to_js(&verify).unwrap();
    assert_plain(&body, "body");
    assert_eq!(
        as_json(&body),
        json!({ "organization": "https://dev.azure.com/contoso", "token": "s3cr3t-token" }),
        "the token only here, and no empty requiredScopes"
    );
    let projects = ProjectsRequest {
        credential: "c".to_owned(),
        continuation_token: None,
        search: Some("web".to_owned()),
    };
    assert_eq!(
        as_json(&to_js(&projects).unwrap()),
        json!({ "credential": "c", "search": "web" })
    );
}

#[wasm_bindgen_test]
async fn unreadable_strings_and_requirements_change_nothing() {
    let host = create(&[("proxy-url", "/api/azdo"), ("scopes", "vso.code")]);
    attach(&host);
    settle().await;
    let connect = || text(&host, "#connect").map(|t| t.trim().to_owned());
    assert_eq!(connect().as_deref(), Some("Connect"));

    // One value that is not a string refuses the whole object.
    let strings = js_sys::JSON::parse(r#"{"connect":"Los","title":5}"#).unwrap();
    Reflect::set(&host, &"strings".into(), &strings).unwrap();
    settle().await;
    assert_eq!(connect().as_deref(), Some("Connect"));
    // An array is not an object of texts.
    Reflect::set(
        &host,
        &"strings".into(),
        &js_sys::JSON::parse(r#"[["connect","Los"]]"#).unwrap(),
    )
    .unwrap();
    settle().await;
    assert_eq!(connect().as_deref(), Some("Connect"));
    let strings = js_sys::JSON::parse(r#"{"connect":"Los"}"#).unwrap();
    Reflect::set(&host, &"strings".into(), &strings).unwrap();
    settle().await;
    assert_eq!(
        connect().as_deref(),
        Some("Los"),
        "a readable object applies"
    );

    for bad in [
        r#"{"fullAccess":"yes"}"#,
        r#"{"notes":{"vso.code":1}}"#,
        r#"[true]"#,
    ] {
        Reflect::set(
            &host,
            &"requirements".into(),
            &js_sys::JSON::parse(bad).unwrap(),
        )
        .unwrap();
        settle().await;
        assert!(support::find(&host, "#full-access").is_none(), "{bad}");
    }
    let full = js_sys::JSON::parse(r#"{"fullAccess":true}"#).unwrap();
    Reflect::set(&host, &"requirements".into(), &full).unwrap();
    settle().await;
    assert!(
        support::find(&host, "#full-access").is_some(),
        "a readable object applies"
    );
    host.remove();
}
