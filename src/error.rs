//! The widget's one error type.

use std::fmt;

use azdo_connect_core::contract::ApiError;
use wasm_bindgen::{JsCast, JsValue};

/// Everything that can go wrong inside the widget.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A DOM call threw, e.g. the element could not be defined.
    Dom(String),
    /// A request body could not be turned into JSON text.
    Serialize(String),
    /// The proxy could not be reached (network failure, CORS).
    Network(String),
    /// The page's Content-Security-Policy (`connect-src`) refused the request to the proxy.
    CspBlocked {
        /// The proxy's origin, which `connect-src` must list.
        origin: String,
    },
    /// The request was aborted because it became stale.
    Aborted,
    /// The proxy answered with a contract error.
    Api(ApiError),
    /// The proxy answered with something that is not the contract (HTML, a bare 502, bad JSON).
    Protocol {
        /// The HTTP status.
        status: u16,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Dom(e) => write!(f, "dom: {e}"),
            Error::Serialize(e) => write!(f, "serialize: {e}"),
            Error::Network(e) => write!(f, "network: {e}"),
            Error::CspBlocked { origin } => {
                write!(f, "blocked by the page's connect-src: {origin}")
            }
            Error::Aborted => f.write_str("aborted"),
            Error::Api(e) => write!(f, "{}: {}", e.code, e.message),
            Error::Protocol { status } => {
                write!(f, "unexpected answer from the proxy (http {status})")
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<JsValue> for Error {
    fn from(value: JsValue) -> Self {
        let text = match value.dyn_ref::<js_sys::Error>() {
            Some(e) => format!("{}: {}", String::from(e.name()), String::from(e.message())),
            None => value.as_string().unwrap_or_else(|| format!("{value:?}")),
        };
        Error::Dom(text)
    }
}
