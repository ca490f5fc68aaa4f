//! The full-page sign-in, for browsers that block the pop-up: the page leaves for Microsoft and
//! the proxy sends it back to `{returnTo}#azdo-connect-flow={flow}`.
//!
//! The fragment is taken out of the address bar (`history.replaceState`) by the first element
//! that loads, so the page never keeps it, and is held here for the element that started the
//! sign-in. Which element that is, is the one thing remembered across the navigation: this tab's
//! `sessionStorage` maps the flow id to the proxy's URL. Neither is a secret (the flow id only
//! lets its holder read the result it was made for, from the same proxy), and the entry is removed
//! when claimed.

use std::cell::RefCell;

use wasm_bindgen::JsValue;

/// The fragment the proxy returns with.
const FRAGMENT: &str = "#azdo-connect-flow=";
/// The `sessionStorage` key prefix, followed by the flow id.
const STORAGE_PREFIX: &str = "azdo-connect-flow:";

thread_local! {
    /// The flow taken out of the address bar, until its element claims it; `None` inside once
    /// the address bar was read.
    static RETURNED: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// The host page's URL without its fragment: where a full-page sign-in comes back to.
pub fn return_to() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    Some(href.split('#').next().unwrap_or_default().to_owned())
}

/// The proxy's absolute URL, as a key that is equal for equal proxies however `proxy-url` spells
/// it (relative, absolute).
pub fn proxy_key(proxy_url: &str) -> Option<String> {
    let base = web_sys::window()?.location().href().ok()?;
    web_sys::Url::new_with_base(proxy_url, &base)
        .ok()
        .map(|url| url.href().trim_end_matches('/').to_owned())
}

/// Leaves for Microsoft's sign-in page, remembering for this tab that `proxy` started `flow`.
pub fn leave(flow: &str, proxy: &str, authorize_url: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(Some(storage)) = window.session_storage() {
        let _ = storage.set_item(&format!("{STORAGE_PREFIX}{flow}"), proxy);
    }
    let _ = window.location().assign(authorize_url);
}

/// The flow a full-page sign-in came back with, when the element using `proxy` started it.
pub fn claim(proxy: &str) -> Option<String> {
    RETURNED.with(|returned| {
        let mut returned = returned.borrow_mut();
        let flow = returned.get_or_insert_with(take_fragment).clone()?;
        let storage = web_sys::window()?.session_storage().ok().flatten()?;
        let key = format!("{STORAGE_PREFIX}{flow}");
        if storage.get_item(&key).ok().flatten().as_deref() != Some(proxy) {
            return None;
        }
        let _ = storage.remove_item(&key);
        *returned = Some(None);
        Some(flow)
    })
}

/// Takes `#azdo-connect-flow=…` out of the address bar, returning the flow id.
fn take_fragment() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    let flow = hash.strip_prefix(FRAGMENT)?;
    let flow = js_sys::decode_uri_component(flow).ok()?.as_string()?;
    let history = window.history().ok()?;
    let state = history.state().unwrap_or(JsValue::NULL);
    let _ = history.replace_state_with_url(&state, "", return_to().as_deref());
    (!flow.is_empty()).then_some(flow)
}
