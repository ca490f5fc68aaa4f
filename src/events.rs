//! The DOM events `<azdo-connect>` dispatches on its host element.
//!
//! Every event bubbles and is composed, so it leaves the shadow root (and any shadow roots the
//! element is nested in), and its `detail` is a plain JSON-compatible object serialized from a
//! core contract type by [`to_js`](crate::js_value::to_js). None of those types can hold the
//! raw token.

use serde::Serialize;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, EventTarget};

use crate::js_value::to_js;
use crate::Error;

/// The element is interactive: `{version}`.
pub const READY: &str = "azdo-ready";
/// A verify request started: `{organization, organizationUrl}`.
pub const VERIFYING: &str = "azdo-verifying";
/// Verification succeeded (and the selection is done, if the picker is on).
pub const CONNECTED: &str = "azdo-connected";
/// Any failure: `{code, message, retryAfter?, missingScopes?}`.
pub const ERROR: &str = "azdo-error";
/// The person confirmed Disconnect; cancelable: `{organization}`.
pub const DISCONNECTED: &str = "azdo-disconnected";
/// The picker's selection changed: `{projects, repositories}`.
pub const SELECTION_CHANGED: &str = "azdo-selection-changed";

/// Dispatches `name` on `target` with `detail`, bubbling and composed.
///
/// Returns `false` when a listener called `preventDefault()` on a `cancelable` event.
///
/// # Errors
/// [`Error::Serialize`] when `detail` cannot be serialized, [`Error::Dom`] when the event cannot
/// be built or dispatched.
pub fn dispatch(
    target: &EventTarget,
    name: &str,
    detail: &impl Serialize,
    cancelable: bool,
) -> Result<bool, Error> {
    dispatch_value(target, name, &to_js(detail)?, cancelable)
}

/// The part of [`dispatch`] that does not depend on the detail's type, compiled once.
fn dispatch_value(
    target: &EventTarget,
    name: &str,
    detail: &JsValue,
    cancelable: bool,
) -> Result<bool, Error> {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(cancelable);
    init.set_detail(detail);
    let event = CustomEvent::new_with_event_init_dict(name, &init)?;
    Ok(target.dispatch_event(&event)?)
}

/// Dispatches a non-cancelable event, logging instead of failing: building a `CustomEvent` only
/// fails on a broken page, which is a bug to see in the console, not a reason to stop.
pub fn emit(target: &EventTarget, name: &str, detail: &impl Serialize) {
    if let Err(e) = dispatch(target, name, detail, false) {
        web_sys::console::error_1(&format!("azdo-connect: could not dispatch {name}: {e}").into());
    }
}
