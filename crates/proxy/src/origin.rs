//! Browser origins: which may call the proxy cross-origin (CORS), and the checks that keep other
//! sites' pages out.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};
use url::Url;

/// The header every `POST` must carry with the value `1`. A cross-site form can't set a custom
/// header, and a cross-origin `fetch` that sets one needs a CORS preflight the proxy only grants to
/// allowed origins.
pub const CSRF_HEADER: &str = "x-azdo-connect";

/// An origin as `scheme://host[:port]`, lowercase, default port omitted; `None` if `text` is not
/// an http(s) origin (no path, query, fragment or userinfo).
pub(crate) fn parse_origin(text: &str) -> Option<String> {
    let url = Url::parse(text.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// The allowed origins, normalized once.
#[derive(Debug, Clone)]
pub(crate) struct Origins(Arc<Vec<String>>);

impl Origins {
    pub(crate) fn new(configured: &[String]) -> Self {
        Origins(Arc::new(
            configured.iter().filter_map(|o| parse_origin(o)).collect(),
        ))
    }

    pub(crate) fn allows(&self, origin: &str) -> bool {
        parse_origin(origin).is_some_and(|o| self.0.contains(&o))
    }

    pub(crate) fn cors(&self) -> CorsLayer {
        let allowed = self.clone();
        CorsLayer::new()
            .allow_origin(AllowOrigin::predicate(move |origin, _| {
                origin.to_str().is_ok_and(|o| allowed.allows(o))
            }))
            // DELETE only serves the demo routes of `serve --demo`; no contract endpoint has one.
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([
                header::CONTENT_TYPE,
                HeaderName::from_static(CSRF_HEADER),
                HeaderName::from_static("x-csrf-token"),
            ])
            .expose_headers([header::RETRY_AFTER])
            .max_age(Duration::from_secs(600))
    }
}

// A browser sends `Origin` on every cross-origin request and on same-origin POSTs; the latter
// carries the page's own origin, which matches the Host the browser connected to.
pub(crate) fn is_same_origin(origin: &str, host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    Url::parse(origin.trim()).ok().is_some_and(|url| {
        let authority = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_owned(),
        };
        authority.eq_ignore_ascii_case(host)
    })
}
