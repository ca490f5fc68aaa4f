//! serde ↔ `JsValue`: the one place the widget's serde-wasm-bindgen settings live.
//!
//! Events' `detail`s and request bodies are written with the JSON-compatible serializer (plain
//! objects, numbers rather than `BigInt`s); the core's contract types leave an absent optional
//! field out (`skip_serializing_if`), so a host never finds `null` or `undefined` in a detail.
//! Proxy answers and the host's object properties are read with the core's serde derives, so
//! anything off their shape is refused rather than guessed at.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::Error;

/// `value` as a plain, JSON-compatible JS value.
///
/// # Errors
/// [`Error::Serialize`] when serde refuses the value (a map with non-string keys).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::Serialize(e.to_string()))
}

/// A JS value read as `T` by its serde derive.
///
/// # Errors
/// Why the value is not `T`'s shape, as serde says it (for the console).
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}
