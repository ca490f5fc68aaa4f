//! `<azdo-connect>` in a real browser: definition, shadow root, stylesheet, live organization
//! preview and the `azdo-ready` event.
#![cfg(target_arch = "wasm32")]

mod support;

use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlInputElement, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn types_an_org_url_and_sees_the_canonical_preview() {
    let host = create(&[
        ("proxy-url", "/api/azdo"),
        ("scopes", "vso.code vso.project"),
    ]);
    let events = Recorder::listen(&document(), &["azdo-ready", "azdo-error"]);
    attach(&host);
    assert!(
        settle_until(50, || events.count("azdo-ready") == 1).await,
        "azdo-ready fired"
    );

    type_into(
        &host,
        "#org",
        "https://contoso.visualstudio.com/Proj/_git/repo",
    );
    settle().await;

    assert_eq!(
        text(&host, "#org-preview").as_deref(),
        Some("https://dev.azure.com/contoso")
    );
    assert_eq!(text(&host, "#org-error"), None);
    let input: HtmlInputElement = find(&host, "#org").expect("org input").unchecked_into();
    assert_eq!(
        input.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );

    let ready = &events.details("azdo-ready")[0];
    assert!(is_plain_object(ready), "the detail is a plain object");
    assert_eq!(
        field(ready, "version").as_deref(),
        Some(azdo_connect::VERSION)
    );
    assert_eq!(events.count("azdo-error"), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn an_invalid_org_shows_the_core_message() {
    let host = create(&[("proxy-url", "/api/azdo")]);
    attach(&host);
    settle().await;

    type_into(&host, "#org", "https://github.com/contoso");
    settle().await;

    let expected = azdo_connect_core::normalize_organization(
        "https://github.com/contoso",
        &azdo_connect_core::AllowedServers::default(),
    )
    .expect_err("github.com is not Azure DevOps")
    .to_string();
    assert_eq!(
        text(&host, "#org-error").as_deref(),
        Some(expected.as_str())
    );
    assert_eq!(text(&host, "#org-preview"), None);
    let input = find(&host, "#org").expect("org input");
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("org-hint org-error")
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn renders_into_an_open_shadow_root_with_one_shared_sheet() {
    let first = create(&[("proxy-url", "/api/azdo")]);
    let second = create(&[("proxy-url", "/api/azdo")]);
    attach(&first);
    attach(&second);
    settle().await;

    let a = shadow(&first);
    let b = shadow(&second);
    assert_eq!(a.mode(), ShadowRootMode::Open);
    let sheets_a = a.adopted_style_sheets();
    let sheets_b = b.adopted_style_sheets();
    assert_eq!(sheets_a.length(), 1);
    assert_eq!(
        sheets_a.get(0),
        sheets_b.get(0),
        "both instances adopt the same sheet"
    );
    assert!(find(&first, "style").is_none(), "no inline <style> (CSP)");
    // Accessible names the contract promises.
    assert_eq!(
        text(&first, "label[for=org]").as_deref(),
        Some("Organization")
    );
    assert_eq!(
        text(&first, "label[for=pat]").as_deref(),
        Some("Personal access token")
    );
    assert_eq!(
        text(&first, "#connect")
            .map(|t| t.trim().to_owned())
            .as_deref(),
        Some("Connect")
    );
    first.remove();
    second.remove();
}

#[wasm_bindgen_test]
async fn properties_reflect_attributes() {
    let host = create(&[]);
    js_sys::Reflect::set(&host, &"proxyUrl".into(), &"/other/azdo".into()).expect("set property");
    assert_eq!(
        host.get_attribute("proxy-url").as_deref(),
        Some("/other/azdo")
    );
    host.set_attribute("csrf-token", "t0k3n")
        .expect("set attribute");
    let csrf = js_sys::Reflect::get(&host, &"csrfToken".into()).expect("get property");
    assert_eq!(csrf.as_string().as_deref(), Some("t0k3n"));
}

#[wasm_bindgen_test]
async fn lang_and_strings_change_the_words() {
    let host = create(&[("proxy-url", "/api/azdo"), ("lang", "de")]);
    attach(&host);
    // German is imported on demand, next to the module: English until it arrives.
    assert!(
        settle_until(200, || text(&host, "label[for=org]").as_deref()
            == Some("Organisation"))
        .await,
        "the German words load"
    );
    type_into(&host, "#org", "https://github.com/contoso");
    settle().await;
    assert!(
        text(&host, "#org-error").is_some_and(|t| t.starts_with("github.com ist keine")),
        "organization errors are translated"
    );

    let strings = js_sys::Object::new();
    js_sys::Reflect::set(&strings, &"connect".into(), &"Jetzt verbinden".into()).expect("set");
    js_sys::Reflect::set(&host, &"strings".into(), &strings).expect("set strings");
    settle().await;
    assert_eq!(
        text(&host, "#connect")
            .map(|t| t.trim().to_owned())
            .as_deref(),
        Some("Jetzt verbinden")
    );

    host.set_attribute("lang", "fr").expect("lang");
    assert!(
        settle_until(200, || text(&host, "label[for=pat]").as_deref()
            == Some("Jeton d’accès personnel"))
        .await,
        "the French words load"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn requirements_add_notes_per_scope_and_a_full_access_mode() {
    // Set before the element is attached: the property must survive the upgrade.
    // The labels come from the proxy's `GET /config`.
    let host = create(&[
        ("proxy-url", proxy_url()),
        ("scopes", "vso.code vso.project"),
    ]);
    let notes = js_sys::Object::new();
    js_sys::Reflect::set(
        &notes,
        &"vso.code".into(),
        &"We publish docs from your repositories.".into(),
    )
    .expect("set note");
    let requirements = js_sys::Object::new();
    js_sys::Reflect::set(&requirements, &"notes".into(), &notes).expect("set notes");
    js_sys::Reflect::set(&host, &"requirements".into(), &requirements).expect("set requirements");
    attach(&host);
    let label = || text(&host, "#required-scopes [data-scope='vso.code']").unwrap_or_default();
    assert!(
        settle_until(300, || label().starts_with("Code (Read)")).await,
        "the label arrives from /config: {}",
        label()
    );
    let code = text(&host, "#required-scopes [data-scope='vso.code']").expect("Code (Read) listed");
    assert!(code.starts_with("Code (Read)"), "{code}");
    assert!(
        code.contains("We publish docs from your repositories."),
        "{code}"
    );
    let project = text(&host, "#required-scopes [data-scope='vso.project']").expect("listed");
    assert_eq!(project, "Project and Team (Read)", "no note, no dash");
    assert!(find(&host, "#full-access").is_none());

    js_sys::Reflect::set(&requirements, &"fullAccess".into(), &true.into()).expect("set");
    js_sys::Reflect::set(&host, &"requirements".into(), &requirements).expect("set again");
    settle().await;
    assert!(
        text(&host, "#full-access").is_some_and(|t| t.contains("Full access")),
        "full-access mode replaces the scope list"
    );
    assert!(find(&host, "#required-scopes").is_none());

    // Something that isn't a requirements object is ignored, not fatal.
    js_sys::Reflect::set(&host, &"requirements".into(), &"nonsense".into()).expect("set");
    settle().await;
    assert!(
        find(&host, "#required-scopes").is_some(),
        "back to the scope list"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn without_the_proxy_config_the_guidance_lists_scope_ids() {
    // `/api/azdo` on the test page's own server answers 404 to `GET /config`: no labels, but the
    // scopes to tick are still listed, by id, never a blank list.
    let host = create(&[
        ("proxy-url", "/api/azdo"),
        ("scopes", "vso.code vso.project"),
    ]);
    attach(&host);
    settle().await;
    let listed = |id: &str| text(&host, &format!("#required-scopes [data-scope='{id}']"));
    assert_eq!(listed("vso.code").as_deref(), Some("vso.code"));
    for _ in 0..20 {
        settle().await;
    }
    assert_eq!(
        listed("vso.code").as_deref(),
        Some("vso.code"),
        "after /config failed"
    );
    assert_eq!(listed("vso.project").as_deref(), Some("vso.project"));
    host.remove();
}

const LEGACY: &str = "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7";
const MODERN: &str =
    "democodeprojectz3uXBPaXXH2BQxbHFciPOrxk4lDziFmgoseASJQQJ99CKACAAAAAAAAAAAAASAZDO0wk4";

#[wasm_bindgen_test]
async fn the_token_field_hides_trims_and_hints() {
    let host = create(&[("proxy-url", "/api/azdo")]);
    attach(&host);
    settle().await;
    let pat: HtmlInputElement = find(&host, "#pat").expect("pat").unchecked_into();
    assert_eq!(pat.type_(), "password");
    assert_eq!(pat.get_attribute("autocomplete").as_deref(), Some("off"));

    type_into(&host, "#pat", &format!("  {LEGACY}\n"));
    settle().await;
    assert_eq!(pat.value(), LEGACY, "pasted whitespace is trimmed");
    assert!(
        text(&host, "#pat-hint").is_some_and(|t| t.contains("52")),
        "legacy format hint"
    );
    assert!(
        !host.outer_html().contains(LEGACY),
        "never an attribute of the element"
    );
    assert!(
        !shadow(&host).inner_html().contains(LEGACY),
        "never an attribute inside"
    );

    click(&host, "#pat-toggle");
    settle().await;
    assert_eq!(pat.type_(), "text");
    assert_eq!(
        find(&host, "#pat-toggle")
            .and_then(|b| b.get_attribute("aria-pressed"))
            .as_deref(),
        Some("true")
    );
    click(&host, "#pat-toggle");
    settle().await;
    assert_eq!(pat.type_(), "password");

    type_into(&host, "#pat", MODERN);
    settle().await;
    assert!(
        text(&host, "#pat-hint").is_some_and(|t| t.contains("84")),
        "modern format hint"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn submitting_an_empty_form_marks_both_fields() {
    let host = create(&[("proxy-url", "/api/azdo")]);
    let events = Recorder::listen(&host, &["azdo-verifying", "azdo-error"]);
    attach(&host);
    settle().await;
    click(&host, "#connect");
    settle().await;
    assert!(text(&host, "#org-error").is_some_and(|t| !t.is_empty()));
    assert!(text(&host, "#pat-error").is_some_and(|t| !t.is_empty()));
    assert_eq!(
        find(&host, "#pat")
            .and_then(|p| p.get_attribute("aria-invalid"))
            .as_deref(),
        Some("true")
    );
    assert!(events.names().is_empty(), "nothing is sent");
    host.remove();
}

#[wasm_bindgen_test]
async fn theme_and_parts_are_exposed_to_the_host() {
    let light = create(&[("proxy-url", "/api/azdo"), ("theme", "light")]);
    let dark = create(&[("proxy-url", "/api/azdo"), ("theme", "dark")]);
    attach(&light);
    attach(&dark);
    settle().await;
    let window = web_sys::window().expect("window");
    let background = |host: &web_sys::HtmlElement| {
        let container = find(host, ".azdo").expect("container");
        window
            .get_computed_style(&container)
            .ok()
            .flatten()
            .and_then(|style| style.get_property_value("background-color").ok())
            .unwrap_or_default()
    };
    assert_ne!(
        background(&light),
        background(&dark),
        "dark theme changes the surface"
    );
    for part in ["container", "form", "input", "connect"] {
        assert!(
            find(&light, &format!("[part~={part}]")).is_some(),
            "::part({part}) is exposed"
        );
    }
    light.remove();
    dark.remove();
}

#[wasm_bindgen_test]
async fn allowed_servers_admit_an_on_prem_collection() {
    let host = create(&[("proxy-url", "/api/azdo")]);
    attach(&host);
    settle().await;
    type_into(&host, "#org", "https://tfs.example.com/tfs/Main");
    settle().await;
    assert!(
        text(&host, "#org-error").is_some(),
        "not allowed by default"
    );

    host.set_attribute("allowed-servers", "tfs.example.com")
        .expect("attribute");
    settle().await;
    assert_eq!(text(&host, "#org-error"), None);
    let preview = text(&host, "#org-preview").unwrap_or_default();
    assert!(preview.starts_with("https://tfs.example.com/"), "{preview}");
    host.remove();
}
