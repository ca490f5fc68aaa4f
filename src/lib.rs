//! `<azdo-connect>`: a custom element that lets a customer connect an Azure DevOps organization
//! to a vendor's service with a personal access token.
//!
//! Loading the module defines the element (its `#[wasm_bindgen(start)]` calls [`define`]). The host
//! page then writes
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
//! [`i18n`].
#![deny(missing_docs)]

pub mod api;
mod app;
mod components;
pub mod config;
mod csp;
mod element;
mod error;
pub mod events;
mod hooks;
pub mod i18n;
pub mod js_value;
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

/// Defines `<azdo-connect>` when the module loads.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    if let Err(e) = define() {
        web_sys::console::error_1(&format!("azdo-connect: {e}").into());
    }
}
