//! `<azdo-connect>`: a custom element that lets a customer connect an Azure DevOps organization
//! to a vendor's service with a personal access token.
//!
//! Importing the module's JavaScript glue defines the element at once, before the wasm has loaded
//! (the class is a JavaScript snippet the glue imports); when the wasm starts, its
//! `#[wasm_bindgen(start)]` calls [`define`], which mounts every element with the attributes and
//! properties set meanwhile. The host page writes
//!
//! ```html
//! <azdo-connect proxy-url="/api/azdo" scopes="vso.code vso.project"></azdo-connect>
//! ```
//!
//! and listens for the `azdo-*` events ([`events`]). The element renders into an open shadow root
//! with one shared constructable stylesheet, normalizes the organization live with
//! [`azdo_connect_core::normalize_organization`], sends the token once to the vendor's proxy, and
//! never puts the token in an attribute, URL, storage, the console or an event.
//!
//! The modules are split by concept: [`config`] (attributes), [`state`] (a pure reducer),
//! `app` and `components` (the Yew view), [`api`] (the proxy, through gloo-net), `csp` (telling
//! a Content-Security-Policy block from a network failure), [`js_value`] (serde-wasm-bindgen:
//! the proxy's answers, the host's object properties, the events' `detail`s), [`events`],
//! [`i18n`], [`health`] (the connected state's expiry and `reconnect` rules).
#![deny(missing_docs)]

pub mod api;
mod app;
mod components;
pub mod config;
mod csp;
mod element;
mod error;
pub mod events;
pub mod health;
mod hooks;
pub mod i18n;
pub mod js_value;
mod popup;
mod redirect;
pub mod state;
mod style;
pub mod text_map;

#[doc(hidden)]
pub use element::report_panic;
pub use element::{define, ElementHandle, TAG};
pub use error::Error;
pub use style::CSS;
pub use text_map::TextMap;

/// The widget's version, reported in `azdo-ready`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Mounts every `<azdo-connect>`, present or future, when the wasm starts.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    if let Err(e) = define() {
        web_sys::console::error_1(&format!("azdo-connect: {e}").into());
    }
}

/// The widget's heap: Talc, a drop-in replacement for the dlmalloc std uses on wasm32, smaller in
/// the bundle (measured in `docs/architecture.md`, Bundle size) and faster.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
