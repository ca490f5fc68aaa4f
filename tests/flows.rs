//! Request flows against the real proxy and the fake Azure DevOps.
//!
//! `cargo xtask test` starts both and bakes the proxy's URL in at compile time through
//! `AZDO_CONNECT_TEST_PROXY_URL`; the browser page is served from `WASM_BINDGEN_TEST_ADDRESS`
//! (`127.0.0.1:8799`), the origin the proxy allows. Without the variable every test here fails:
//! a missing proxy must never look like a pass.
#![cfg(target_arch = "wasm32")]

mod support;

use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Event, EventInit, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

const FULL: &str = "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7";
const CODE_PROJECT: &str =
    "democodeprojectz3uXBPaXXH2BQxbHFciPOrxk4lDziFmgoseASJQQJ99CKACAAAAAAAAAAAAASAZDO0wk4";
const PROFILE: &str = "demoprofile7c7lf4ktic4oz4kqyifnbcm6rcvs3tetusogbnqtl";
const EXPIRED: &str = "demoexpiredaqgdcxiddegbfoqzu7aumucj3m2lebwnfi4xvls5d";
const REVOKED: &str = "demorevokeduul6lq7ujnbyq7ctooofq3epaylwwdbwwcpscmjij";
const SLOW: &str = "demoslowvjxijvzjtab476kcxe2645lgmoaxhohupfipgrtnoawd";
const ERR500: &str = "demoerr5oobbkty7p54cw555qo2kn4bnrcmsrsbo7jbtugpcccxz";
const RATELIMITED: &str = "demoratelimiteds7usc6hvfavgaxrbt6ejoxenvoe3npnkvffpr";
const FABRIKAM_FULL: &str = "demofabrikamfullzc2kvhoi75sy6nwdr6gmmbhah3aoczfb4x2d";

const EVENTS: [&str; 6] = [
    "azdo-ready",
    "azdo-verifying",
    "azdo-connected",
    "azdo-error",
    "azdo-disconnected",
    "azdo-selection-changed",
];

/// A mounted element with the vendor's scopes, and a recorder of every event on the document.
async fn mounted(extra: &[(&str, &str)]) -> (HtmlElement, Recorder) {
    let mut attributes = vec![
        ("proxy-url", proxy_url()),
        ("scopes", "vso.code vso.project"),
    ];
    attributes.extend_from_slice(extra);
    let host = create(&attributes);
    let events = Recorder::listen(&host, &EVENTS);
    attach(&host);
    assert!(
        settle_until(100, || events.count("azdo-ready") == 1).await,
        "azdo-ready"
    );
    (host, events)
}

fn fill(host: &HtmlElement, org: &str, pat: &str) {
    type_into(host, "#org", org);
    type_into(host, "#pat", pat);
}

/// Waits until `count` outcomes (connected or error) were recorded.
async fn outcomes(events: &Recorder, count: usize) -> bool {
    settle_until(600, || {
        events.count("azdo-connected") + events.count("azdo-error") >= count
    })
    .await
}

fn json(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .map(String::from)
        .unwrap_or_default()
}

fn get(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |v, key| {
        js_sys::Reflect::get(&v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    })
}

/// Everything a token could leak into: the light DOM, the shadow DOM's markup and storage.
fn assert_token_nowhere(host: &HtmlElement, token: &str) {
    assert!(
        !host.outer_html().contains(token),
        "token in the element's attributes"
    );
    assert!(
        !shadow(host).inner_html().contains(token),
        "token in the shadow markup"
    );
    let window = web_sys::window().expect("window");
    for storage in [window.local_storage(), window.session_storage()] {
        let storage = storage.ok().flatten().expect("storage");
        for i in 0..storage.length().unwrap_or(0) {
            let key = storage.key(i).ok().flatten().unwrap_or_default();
            let value = storage.get_item(&key).ok().flatten().unwrap_or_default();
            assert!(
                !key.contains(token) && !value.contains(token),
                "token in storage"
            );
        }
    }
}

fn submit_with_enter(host: &HtmlElement) {
    // What the browser does for Enter in a field: a submit event on the form.
    let form = find(host, "form").expect("form");
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    form.dispatch_event(&Event::new_with_event_init_dict("submit", &init).expect("event"))
        .expect("dispatch");
}

#[wasm_bindgen_test]
async fn a_full_token_connects_and_reports_who_and_which_scopes() {
    let console = ConsoleSpy::install();
    let (host, events) = mounted(&[("csrf-token", "host-csrf-value")]).await;
    fill(
        &host,
        "https://contoso.visualstudio.com/Proj/_git/repo",
        FULL,
    );
    settle().await;
    assert_token_nowhere(&host, FULL);
    click(&host, "#connect");
    assert!(outcomes(&events, 1).await, "an outcome arrived");

    assert_eq!(events.names()[1..], ["azdo-verifying", "azdo-connected"]);
    let verifying = &events.details("azdo-verifying")[0];
    assert!(is_plain_object(verifying));
    assert_eq!(field(verifying, "organization").as_deref(), Some("contoso"));
    assert_eq!(
        field(verifying, "organizationUrl").as_deref(),
        Some("https://dev.azure.com/contoso")
    );

    let connected = &events.details("azdo-connected")[0];
    assert!(is_plain_object(connected));
    assert_eq!(
        get(connected, &["user", "displayName"])
            .as_string()
            .as_deref(),
        Some("Dana Demo")
    );
    assert_eq!(
        field(connected, "organizationUrl").as_deref(),
        Some("https://dev.azure.com/contoso")
    );
    assert!(
        field(connected, "credential").is_some_and(|c| c.split('.').count() == 5),
        "a JWE compact credential"
    );
    assert_eq!(
        get(connected, &["selection"]),
        JsValue::UNDEFINED,
        "no picker, no selection"
    );
    let scopes: js_sys::Array = get(connected, &["scopes"]).unchecked_into();
    assert_eq!(scopes.length(), 2);
    for detail in events
        .details("azdo-verifying")
        .iter()
        .chain(&events.details("azdo-connected"))
    {
        assert!(!json(detail).contains(FULL), "token in an event");
    }

    settle().await;
    assert_eq!(
        text(&host, "#connected-heading")
            .map(|t| t.starts_with("Connected to contoso as Dana Demo")),
        Some(true)
    );
    let granted = shadow(&host)
        .query_selector_all("#connected .scopes li.granted")
        .expect("query");
    assert_eq!(granted.length(), 2, "both required scopes granted");
    assert!(find(&host, "#pat").is_none(), "the token field is gone");
    assert_token_nowhere(&host, FULL);
    let focused = shadow(&host).active_element().map(|e| e.id());
    assert_eq!(
        focused.as_deref(),
        Some("connected-heading"),
        "focus moves to the outcome"
    );
    host.remove();
    settle().await;
    assert!(!console.contains(FULL), "token in the console");
}

#[wasm_bindgen_test]
async fn double_clicks_and_enter_send_one_request() {
    let (host, events) = mounted(&[]).await;
    fill(&host, "contoso", SLOW);
    settle().await;
    click(&host, "#connect");
    click(&host, "#connect");
    submit_with_enter(&host);
    settle().await;
    submit_with_enter(&host);
    assert_eq!(
        find(&host, "form")
            .and_then(|f| f.get_attribute("aria-busy"))
            .as_deref(),
        Some("true")
    );
    let status = text(&host, "#status").unwrap_or_default();
    assert!(!status.is_empty(), "a progress step is announced");
    assert_eq!(
        find(&host, "#status")
            .and_then(|s| s.get_attribute("aria-live"))
            .as_deref(),
        Some("polite")
    );
    assert!(outcomes(&events, 1).await);
    assert_eq!(events.count("azdo-verifying"), 1);
    assert_eq!(events.count("azdo-connected"), 1);
    host.remove();
}

#[wasm_bindgen_test]
async fn editing_while_in_flight_drops_the_stale_request() {
    let (host, events) = mounted(&[]).await;
    fill(&host, "contoso", SLOW);
    settle().await;
    click(&host, "#connect");
    settle().await;
    assert_eq!(events.count("azdo-verifying"), 1);
    type_into(&host, "#pat", CODE_PROJECT);
    settle().await;
    click(&host, "#connect");
    assert!(outcomes(&events, 1).await);
    // Let the slow, aborted request's time pass: it must not report anything.
    settle_until(60, || false).await;
    assert_eq!(events.count("azdo-verifying"), 2);
    assert_eq!(events.count("azdo-connected"), 1);
    assert_eq!(events.count("azdo-error"), 0);
    host.remove();
}

async fn expect_error(org: &str, token: &str, code: &str) -> (HtmlElement, Recorder, JsValue) {
    let (host, events) = mounted(&[]).await;
    fill(&host, org, token);
    settle().await;
    click(&host, "#connect");
    assert!(outcomes(&events, 1).await, "{code}: an outcome arrived");
    assert_eq!(events.count("azdo-connected"), 0, "{code}: not connected");
    let detail = events.details("azdo-error").pop().expect("azdo-error");
    assert!(is_plain_object(&detail));
    assert_eq!(field(&detail, "code").as_deref(), Some(code));
    assert!(field(&detail, "message").is_some_and(|m| !m.is_empty()));
    assert!(!json(&detail).contains(token), "token in azdo-error");
    settle().await;
    assert_eq!(
        find(&host, "#error")
            .and_then(|e| e.get_attribute("data-code"))
            .as_deref(),
        Some(code)
    );
    let focused = shadow(&host).active_element().map(|e| e.id());
    assert_eq!(
        focused.as_deref(),
        Some("error-heading"),
        "focus moves to the error"
    );
    assert_token_nowhere(&host, token);
    (host, events, detail)
}

#[wasm_bindgen_test]
async fn missing_scopes_lists_what_to_add() {
    let (host, _events, detail) = expect_error("contoso", PROFILE, "missing_scopes").await;
    let missing: Vec<String> = js_sys::Array::from(&get(&detail, &["missingScopes"]))
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    assert!(missing.contains(&"vso.code".to_owned()), "{missing:?}");
    let advice = text(&host, "#error-missing").unwrap_or_default();
    assert!(
        advice.contains("Code (Read)"),
        "the Azure UI label is named: {advice}"
    );
    let missing_items = shadow(&host)
        .query_selector_all("#error .scopes li.missing")
        .expect("query");
    assert!(
        missing_items.length() >= 1,
        "the checklist marks what is missing"
    );
    assert!(
        find(&host, "#retry").is_none(),
        "nothing to retry until the token changes"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn expired_revoked_and_unknown_org_have_their_own_codes() {
    for (org, token, code) in [
        ("contoso", EXPIRED, "token_expired"),
        ("contoso", REVOKED, "token_invalid"),
        ("nosuchorg", FULL, "organization_not_found"),
        ("contoso", FABRIKAM_FULL, "token_invalid"),
    ] {
        let (host, _, _) = expect_error(org, token, code).await;
        // The token stays for another try; only success clears it.
        let pat: web_sys::HtmlInputElement = find(&host, "#pat").expect("pat").unchecked_into();
        assert_eq!(pat.value(), token);
        host.remove();
    }
}

#[wasm_bindgen_test]
async fn rate_limited_counts_down_instead_of_retrying() {
    let (host, events, detail) = expect_error("contoso", RATELIMITED, "rate_limited").await;
    let retry_after = get(&detail, &["retryAfter"]).as_f64();
    assert_eq!(retry_after, Some(7.0));
    assert!(
        find(&host, "#retry").is_none(),
        "no retry during the countdown"
    );
    assert!(text(&host, "#retry-wait").is_some_and(|t| t.contains('7') || t.contains('6')));
    click(&host, "#connect");
    settle().await;
    assert_eq!(
        events.count("azdo-verifying"),
        1,
        "Connect does nothing during the countdown"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn upstream_failure_offers_a_retry() {
    let (host, events, _) = expect_error("contoso", ERR500, "upstream_unavailable").await;
    click(&host, "#retry");
    assert!(outcomes(&events, 2).await);
    assert_eq!(events.count("azdo-verifying"), 2, "retry sends again, once");
    host.remove();
}

#[wasm_bindgen_test]
async fn an_unreachable_proxy_is_said_plainly() {
    // Touch the variable so this file never passes without a configured proxy.
    let _ = proxy_url();
    let host = create(&[("proxy-url", "http://127.0.0.1:9/api/azdo")]);
    let events = Recorder::listen(&host, &EVENTS);
    attach(&host);
    settle().await;
    fill(&host, "contoso", FULL);
    settle().await;
    click(&host, "#connect");
    assert!(outcomes(&events, 1).await);
    let detail = events.details("azdo-error").pop().expect("azdo-error");
    assert_eq!(field(&detail, "code").as_deref(), Some("proxy_unreachable"));
    settle().await;
    assert!(
        find(&host, "#retry").is_some(),
        "an unreachable proxy can be retried"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn change_token_reverifies_and_reports_again() {
    let (host, events) = mounted(&[]).await;
    fill(&host, "contoso", FULL);
    settle().await;
    click(&host, "#connect");
    assert!(outcomes(&events, 1).await);
    settle().await;
    click(&host, "#change-token");
    settle().await;
    let org: web_sys::HtmlInputElement = find(&host, "#org").expect("org").unchecked_into();
    assert_eq!(org.value(), "contoso");
    assert!(org.read_only(), "the organization is fixed");
    type_into(&host, "#pat", CODE_PROJECT);
    settle().await;
    click(&host, "#connect");
    assert!(outcomes(&events, 2).await);
    assert_eq!(events.count("azdo-connected"), 2);
    assert_eq!(events.count("azdo-error"), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn two_instances_work_independently() {
    let (first, first_events) = mounted(&[]).await;
    let (second, second_events) = mounted(&[]).await;
    fill(&first, "contoso", FULL);
    fill(&second, "contoso", EXPIRED);
    settle().await;
    click(&first, "#connect");
    click(&second, "#connect");
    assert!(outcomes(&first_events, 1).await && outcomes(&second_events, 1).await);
    assert_eq!(first_events.count("azdo-connected"), 1);
    assert_eq!(first_events.count("azdo-error"), 0);
    assert_eq!(second_events.count("azdo-error"), 1);
    assert_eq!(second_events.count("azdo-connected"), 0);
    first.remove();
    second.remove();
}

#[wasm_bindgen_test]
async fn works_inside_another_shadow_root() {
    let outer = document().create_element("div").expect("div");
    let outer_shadow = outer
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .expect("outer shadow");
    document()
        .body()
        .expect("body")
        .append_child(&outer)
        .expect("append");
    let events = Recorder::listen(&document(), &EVENTS);
    let host = create(&[("proxy-url", proxy_url()), ("scopes", "vso.code")]);
    outer_shadow.append_child(&host).expect("nest");
    assert!(
        settle_until(100, || events.count("azdo-ready") >= 1).await,
        "ready reaches the document"
    );
    fill(&host, "contoso", FULL);
    settle().await;
    click(&host, "#connect");
    assert!(outcomes(&events, 1).await);
    let errors: Vec<String> = events.details("azdo-error").iter().map(json).collect();
    assert_eq!(
        events.count("azdo-connected"),
        1,
        "composed events cross both shadow roots; errors: {errors:?}"
    );
    outer.remove();
}

fn count(host: &HtmlElement, selector: &str) -> u32 {
    shadow(host)
        .query_selector_all(selector)
        .expect("query")
        .length()
}

#[wasm_bindgen_test]
async fn the_repository_picker_pages_searches_and_reports_the_selection() {
    let (host, events) = mounted(&[("select", "repositories")]).await;
    fill(&host, "contoso", FULL);
    settle().await;
    click(&host, "#connect");
    assert!(
        settle_until(600, || count(&host, "#picker-list > li") > 0).await,
        "first page"
    );
    assert_eq!(
        events.count("azdo-connected"),
        0,
        "connected waits for the selection"
    );
    assert_eq!(count(&host, "#picker-list > li"), 10);

    // Page through everything; some projects have TFVC.
    while find(&host, "#picker-more").is_some() {
        let before = count(&host, "#picker-list > li");
        click(&host, "#picker-more");
        assert!(
            settle_until(600, || count(&host, "#picker-list > li") > before).await,
            "next page"
        );
    }
    assert!(count(&host, "#picker-list > li") >= 20);
    let badges = shadow(&host).query_selector_all(".badge").expect("query");
    let kinds: Vec<String> = (0..badges.length())
        .filter_map(|i| badges.item(i).and_then(|n| n.text_content()))
        .collect();
    assert!(
        kinds.iter().any(|k| k == "Git") && kinds.iter().any(|k| k == "TFVC"),
        "{kinds:?}"
    );

    type_into(&host, "#picker-search", "fiber");
    assert!(
        settle_until(600, || count(&host, "#picker-list > li") == 1).await,
        "search narrows"
    );
    assert_eq!(
        text(&host, "#picker-list .project-name").as_deref(),
        Some("Fabrikam Fiber")
    );

    click(&host, "#picker-list input[type=checkbox]");
    settle().await;
    let changed = events.details("azdo-selection-changed");
    assert_eq!(changed.len(), 1);
    assert!(is_plain_object(&changed[0]));
    let repos = js_sys::Array::from(&get(&changed[0], &["repositories"]));
    assert_eq!(repos.length(), 1);
    assert_eq!(field(&repos.get(0), "kind").as_deref(), Some("git"));
    assert!(field(&repos.get(0), "projectId").is_some());

    click(&host, "#picker-done");
    settle().await;
    assert_eq!(events.count("azdo-connected"), 1);
    let connected = events.details("azdo-connected").pop().expect("connected");
    let selected = js_sys::Array::from(&get(&connected, &["selection", "repositories"]));
    assert_eq!(selected.length(), 1);
    assert_eq!(
        field(&selected.get(0), "name").as_deref(),
        Some("fabrikam-fiber")
    );
    assert!(find(&host, "#connected").is_some());
    host.remove();
}

#[wasm_bindgen_test]
async fn the_project_picker_reports_projects() {
    let (host, events) = mounted(&[("select", "projects")]).await;
    fill(&host, "contoso", CODE_PROJECT);
    settle().await;
    click(&host, "#connect");
    assert!(
        settle_until(600, || count(&host, "#picker-list > li") > 0).await,
        "first page"
    );
    type_into(&host, "#picker-search", "parts");
    assert!(
        settle_until(600, || count(&host, "#picker-list > li") == 1).await,
        "search narrows"
    );
    click(&host, "#picker-list input[type=checkbox]");
    settle().await;
    click(&host, "#picker-done");
    settle().await;
    let connected = events.details("azdo-connected").pop().expect("connected");
    let projects = js_sys::Array::from(&get(&connected, &["selection", "projects"]));
    assert_eq!(projects.length(), 1);
    assert_eq!(
        field(&projects.get(0), "name").as_deref(),
        Some("Parts Unlimited")
    );
    host.remove();
}
