//! Telling a Content-Security-Policy block from a network failure.
//!
//! When the host page's `connect-src` does not list the proxy's origin, `fetch` rejects with the
//! same `TypeError` as for an unreachable server; only the `securitypolicyviolation` event the
//! browser fires at the document says why. One listener per page records the origins that
//! `connect-src` blocked, and a failed request asks whether its URL's origin is among them.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{SecurityPolicyViolationEvent, Url};

/// How many blocked origins are remembered; a page blocks the widget's proxy, not dozens of hosts.
const REMEMBERED: usize = 8;

thread_local! {
    /// `None` until the listener is installed; then the origins `connect-src` blocked, newest last.
    static BLOCKED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Starts listening for `connect-src` violations, once per page. Call it before the first
/// request, so the violation for that request is seen.
pub fn watch() {
    if BLOCKED.with(|b| b.borrow().is_some()) {
        return;
    }
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let listener = Closure::<dyn FnMut(SecurityPolicyViolationEvent)>::new(
        |event: SecurityPolicyViolationEvent| {
            if event.effective_directive() != "connect-src" {
                return;
            }
            if let Some(origin) = origin_of(&event.blocked_uri()) {
                BLOCKED.with(|b| {
                    let mut b = b.borrow_mut();
                    let list = b.get_or_insert_with(Vec::new);
                    list.retain(|o| *o != origin);
                    if list.len() == REMEMBERED {
                        list.remove(0);
                    }
                    list.push(origin);
                });
            }
        },
    );
    // One listener for the page's lifetime, shared by every element: leaked on purpose.
    let added = document.add_event_listener_with_callback(
        "securitypolicyviolation",
        listener.into_js_value().unchecked_ref(),
    );
    if added.is_ok() {
        BLOCKED.with(|b| *b.borrow_mut() = Some(Vec::new()));
    }
}

/// The origin of `url` (resolved against the page) when `connect-src` blocked a request to it.
///
/// The violation event is queued as a task of its own, so it can arrive after the failed
/// `fetch` settles: this waits one turn of the event loop before looking.
pub async fn blocked_origin(url: &str) -> Option<String> {
    gloo_timers::future::TimeoutFuture::new(0).await;
    let origin = origin_of(url)?;
    BLOCKED
        .with(|b| {
            b.borrow()
                .as_ref()
                .is_some_and(|list| list.contains(&origin))
        })
        .then_some(origin)
}

/// The origin of `url`, resolved against the page's address; `None` for an opaque one.
pub fn origin_of(url: &str) -> Option<String> {
    let base = web_sys::window()?.location().href().ok()?;
    let origin = Url::new_with_base(url, &base).ok()?.origin();
    (origin != "null").then_some(origin)
}
