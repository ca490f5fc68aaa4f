//! The small page the sign-in window shows after Microsoft sends it back: what happened, "you
//! can close this window", and one script that closes it. The widget learns the outcome from
//! `oauth/result`, never from this page, so it holds no secret and posts no message.

use std::sync::LazyLock;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

const SCRIPT: &str = "setTimeout(function(){window.close()},800);";
const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:3em auto;max-width:32em;padding:0 1em;color:#1b1b1b}h1{font-size:1.25em}";

/// `Content-Security-Policy`: nothing but the one script and style, by hash.
static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = |text: &str| STANDARD.encode(Sha256::digest(text.as_bytes()));
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hash(SCRIPT),
        hash(STYLE)
    )
});

/// The page for an outcome: `Ok(())` when signed in, or the error's public message.
pub(crate) fn render(status: StatusCode, outcome: Result<(), String>) -> Response {
    let (title, text) = match &outcome {
        Ok(()) => (
            "Signed in",
            "You are signed in with Microsoft. You can close this window.".to_owned(),
        ),
        Err(message) => (
            "Sign-in did not complete",
            format!("{} You can close this window.", escape(message)),
        ),
    };
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>{title}</title><style>{STYLE}</style></head><body><h1>{title}</h1><p>{text}</p><script>{SCRIPT}</script></body></html>"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(csp) = HeaderValue::from_str(&CSP) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    // The address bar held the authorization code: nothing may carry it on as a referrer.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csp_allows_exactly_the_inline_script_and_style() {
        let response = render(StatusCode::OK, Err("<b>x</b>".into()));
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.starts_with("default-src 'none'; script-src 'sha256-"));
        // The well-known hash of the script text, computed independently.
        let expected = STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()));
        assert!(csp.contains(&expected));
        assert_eq!(escape("<b>&"), "&lt;b&gt;&amp;");
    }
}
