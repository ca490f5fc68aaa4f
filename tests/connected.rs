//! The connected state the host restores from attributes, and Disconnect (cancelable).
#![cfg(target_arch = "wasm32")]

mod support;

use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::Event;

wasm_bindgen_test_configure!(run_in_browser);

async fn restored() -> (web_sys::HtmlElement, Recorder) {
    let host = create(&[
        ("proxy-url", "/api/azdo"),
        ("organization", "contoso"),
        ("connected-as", "Dana Demo"),
        ("verified-at", "2026-11-01T10:00:00Z"),
    ]);
    let events = Recorder::listen(&host, &["azdo-ready", "azdo-disconnected", "azdo-error"]);
    attach(&host);
    assert!(settle_until(100, || events.count("azdo-ready") == 1).await);
    settle().await;
    (host, events)
}

#[wasm_bindgen_test]
async fn attributes_render_the_connected_state() {
    let (host, _events) = restored().await;
    let heading = text(&host, "#connected-heading").unwrap_or_default();
    assert!(
        heading.starts_with("Connected to contoso as Dana Demo"),
        "{heading}"
    );
    assert!(heading.contains("2026-11-01 10:00 UTC"), "{heading}");
    assert!(find(&host, "#change-token").is_some());
    assert!(find(&host, "#disconnect").is_some());
    assert!(find(&host, "#org").is_none(), "no form while connected");

    // The host forgetting the connection brings the form back, with the organization filled in.
    host.remove_attribute("connected-as").expect("remove");
    settle().await;
    let org: web_sys::HtmlInputElement =
        find(&host, "#org").expect("form is back").unchecked_into();
    assert_eq!(org.value(), "contoso");
    host.remove();
}

#[wasm_bindgen_test]
async fn disconnect_confirms_and_the_host_can_cancel_it() {
    let (host, events) = restored().await;

    // The host says no: preventDefault() keeps the connection.
    let veto = Closure::<dyn FnMut(Event)>::new(|e: Event| e.prevent_default());
    host.add_event_listener_with_callback("azdo-disconnected", veto.as_ref().unchecked_ref())
        .expect("listen");
    click(&host, "#disconnect");
    settle().await;
    assert!(text(&host, "#confirm-text").is_some_and(|t| t.contains("contoso")));
    assert_eq!(
        events.count("azdo-disconnected"),
        0,
        "nothing until confirmed"
    );
    click(&host, "#confirm-disconnect");
    settle().await;
    assert_eq!(events.count("azdo-disconnected"), 1);
    assert!(
        find(&host, "#connected").is_some(),
        "still connected after preventDefault()"
    );
    assert!(find(&host, "#confirm-disconnect").is_none());

    // Cancelling in the widget sends nothing.
    click(&host, "#disconnect");
    settle().await;
    click(&host, "#keep-connection");
    settle().await;
    assert_eq!(events.count("azdo-disconnected"), 1);
    assert!(find(&host, "#disconnect").is_some());

    // Without the veto it goes through.
    host.remove_event_listener_with_callback("azdo-disconnected", veto.as_ref().unchecked_ref())
        .expect("unlisten");
    click(&host, "#disconnect");
    settle().await;
    click(&host, "#confirm-disconnect");
    settle().await;
    assert_eq!(events.count("azdo-disconnected"), 2);
    let detail = events.details("azdo-disconnected").pop().expect("detail");
    assert!(is_plain_object(&detail));
    assert_eq!(field(&detail, "organization").as_deref(), Some("contoso"));
    assert!(find(&host, "#connected").is_none());
    assert!(find(&host, "#org").is_some(), "back to the form");
    assert_eq!(events.count("azdo-error"), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn every_new_token_field_starts_hidden() {
    let (host, _events) = restored().await;
    let pat_type =
        |host: &web_sys::HtmlElement| find(host, "#pat").and_then(|pat| pat.get_attribute("type"));
    click(&host, "#change-token");
    settle().await;
    assert_eq!(pat_type(&host).as_deref(), Some("password"));
    click(&host, "#pat-toggle");
    settle().await;
    assert_eq!(pat_type(&host).as_deref(), Some("text"), "Show reveals it");
    // Keep the current token, then Change token again: a fresh, hidden field.
    click(&host, "#cancel-change");
    settle().await;
    assert!(find(&host, "#pat").is_none(), "back to the summary");
    click(&host, "#change-token");
    settle().await;
    assert_eq!(pat_type(&host).as_deref(), Some("password"));
    assert_eq!(
        find(&host, "#pat-toggle")
            .and_then(|toggle| toggle.get_attribute("aria-pressed"))
            .as_deref(),
        Some("false")
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn moving_the_element_keeps_its_state() {
    let host = create(&[("proxy-url", "/api/azdo")]);
    attach(&host);
    settle().await;
    type_into(&host, "#org", "contoso");
    settle().await;
    let other = document().create_element("section").expect("section");
    document()
        .body()
        .expect("body")
        .append_child(&other)
        .expect("append");
    other.append_child(&host).expect("move");
    settle().await;
    assert_eq!(
        text(&host, "#org-preview").as_deref(),
        Some("https://dev.azure.com/contoso")
    );
    other.remove();
}

#[wasm_bindgen_test]
async fn guidance_links_to_the_token_page_and_names_the_scopes() {
    let host = create(&[
        ("proxy-url", proxy_url()),
        ("scopes", "vso.code, vso.project"),
    ]);
    attach(&host);
    settle().await;
    assert!(
        find(&host, "#tokens-link").is_none(),
        "no deep link before the org is known"
    );
    type_into(&host, "#org", "dev.azure.com/contoso/Proj");
    settle().await;
    let link = find(&host, "#tokens-link").expect("deep link");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://dev.azure.com/contoso/_usersSettings/tokens")
    );
    let labels = || -> Vec<String> {
        let items = shadow(&host)
            .query_selector_all("#required-scopes li")
            .expect("query");
        (0..items.length())
            .filter_map(|i| items.item(i).and_then(|n| n.text_content()))
            .collect()
    };
    // The labels come from the proxy's `GET /config`.
    settle_until(300, || labels()[0] != "vso.code").await;
    assert_eq!(labels(), ["Code (Read)", "Project and Team (Read)"]);
    let guide = text(&host, "details.guide").unwrap_or_default();
    assert!(
        guide.contains("no longer work") && guide.contains("scoped to this organization"),
        "global PATs are retired: {guide}"
    );
    assert!(guide.contains("only once"));
    host.remove();
}

#[wasm_bindgen_test]
async fn a_panic_is_reported_on_every_live_element() {
    let first = create(&[("proxy-url", "/api/azdo")]);
    let second = create(&[("proxy-url", "/api/azdo")]);
    let first_events = Recorder::listen(&first, &["azdo-error"]);
    let second_events = Recorder::listen(&second, &["azdo-error"]);
    attach(&first);
    attach(&second);
    settle().await;
    azdo_connect::report_panic("index out of bounds");
    for events in [&first_events, &second_events] {
        let detail = events.details("azdo-error").pop().expect("azdo-error");
        assert_eq!(field(&detail, "code").as_deref(), Some("internal"));
        assert!(
            !field(&detail, "message")
                .unwrap_or_default()
                .contains("index"),
            "no internals leak"
        );
    }
    // A removed element is no longer reported to.
    first.remove();
    settle().await;
    azdo_connect::report_panic("again");
    assert_eq!(first_events.count("azdo-error"), 1);
    assert_eq!(second_events.count("azdo-error"), 2);
    second.remove();
}
