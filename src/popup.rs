//! The sign-in pop-up: opened blank in the click handler, then sent to Microsoft.
//!
//! Pop-up blockers allow `window.open` only while the click's user activation lasts, and an
//! `await` (such as `POST oauth/start`) can outlive it; so the window opens blank, synchronously,
//! and is navigated once the proxy has answered. The widget never reads anything from the window:
//! Microsoft's sign-in page sets Cross-Origin-Opener-Policy, which cuts the pop-up off from its
//! opener, and from then on `closed` may read `true` although the window is still open. A closed
//! window is therefore only a reason to offer "Open the sign-in window again"; the result comes
//! from the proxy.

use wasm_bindgen::JsValue;
use web_sys::Window;

/// The pop-up's name: a second sign-in reuses the window instead of opening another.
const NAME: &str = "azdo-connect-sign-in";
/// Microsoft's sign-in page is designed for about this size.
const WIDTH: i32 = 500;
const HEIGHT: i32 = 640;

/// Opens the sign-in window at `url` (blank when empty); `None` when the browser blocked it.
/// Call it only from a click (or key) handler, before any `await`.
pub fn open(url: &str) -> Option<Window> {
    let window = web_sys::window()?;
    window
        .open_with_url_and_target_and_features(url, NAME, &features(&window))
        .ok()
        .flatten()
}

/// Sends the window to `url`.
pub fn navigate(popup: &Window, url: &str) {
    // A window cut off by COOP or closed by the person throws or ignores this; the "closed"
    // poll then offers to open it again.
    let _ = popup.location().set_href(url);
}

/// Whether the window reads as closed (or cut off from this page).
pub fn is_closed(popup: &Window) -> bool {
    popup.closed().unwrap_or(true)
}

/// Closes the window, if this page can still reach it.
pub fn close(popup: &Window) {
    let _ = popup.close();
}

/// A pop-up of [`WIDTH`]×[`HEIGHT`] centred over the host window.
fn features(window: &Window) -> String {
    let number =
        |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32;
    let left = number(window.screen_x()) + (number(window.outer_width()) - WIDTH).max(0) / 2;
    let top = number(window.screen_y()) + (number(window.outer_height()) - HEIGHT).max(0) / 2;
    format!("popup,width={WIDTH},height={HEIGHT},left={left},top={top}")
}
