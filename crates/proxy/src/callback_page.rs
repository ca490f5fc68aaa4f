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

/// The page's languages: the widget's built-in ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    De,
    Fr,
}

impl Lang {
    /// The first of en, de, fr in the browser's `Accept-Language` (by `q`, then order); English
    /// otherwise.
    pub(crate) fn from_accept_language(header: Option<&str>) -> Lang {
        let mut ranked: Vec<(f32, usize, Lang)> = header
            .unwrap_or_default()
            .split(',')
            .enumerate()
            .filter_map(|(index, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim().to_ascii_lowercase();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                let lang = match tag.split('-').next()? {
                    "en" => Lang::En,
                    "de" => Lang::De,
                    "fr" => Lang::Fr,
                    _ => return None,
                };
                (q > 0.0).then_some((q, index, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map_or(Lang::En, |(_, _, lang)| *lang)
    }

    fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
            Lang::Fr => "fr",
        }
    }
}

/// The page for an outcome: `Ok(())` when signed in, or the error's code and (in English) its
/// public message. In German and French the page names the code and points to the page the person
/// came from, which explains it in their language.
pub(crate) fn render(
    status: StatusCode,
    outcome: Result<(), (&str, String)>,
    lang: Lang,
) -> Response {
    let (title, text) = match (&outcome, lang) {
        (Ok(()), Lang::En) => (
            "Signed in",
            "You are signed in with Microsoft. You can close this window.".to_owned(),
        ),
        (Ok(()), Lang::De) => (
            "Angemeldet",
            "Sie sind bei Microsoft angemeldet. Sie können dieses Fenster schließen.".to_owned(),
        ),
        (Ok(()), Lang::Fr) => (
            "Connecté",
            "Vous êtes connecté avec Microsoft. Vous pouvez fermer cette fenêtre.".to_owned(),
        ),
        (Err((_, message)), Lang::En) => (
            "Sign-in did not complete",
            format!("{} You can close this window.", escape(message)),
        ),
        (Err((code, _)), Lang::De) => (
            "Anmeldung nicht abgeschlossen",
            format!("Die Anmeldung wurde nicht abgeschlossen ({}). Die Seite, von der Sie kamen, erklärt, was zu tun ist. Sie können dieses Fenster schließen.", escape(code)),
        ),
        (Err((code, _)), Lang::Fr) => (
            "Connexion non terminée",
            format!("La connexion n'a pas abouti ({}). La page d'où vous venez explique quoi faire. Vous pouvez fermer cette fenêtre.", escape(code)),
        ),
    };
    let lang = lang.tag();
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>{title}</title><style>{STYLE}</style></head><body><h1>{title}</h1><p>{text}</p><script>{SCRIPT}</script></body></html>"
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
        let response = render(StatusCode::OK, Err(("c", "<b>x</b>".into())), Lang::En);
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

    #[test]
    fn the_language_follows_accept_language() {
        let of = |h| Lang::from_accept_language(Some(h));
        assert_eq!(of("de-DE,de;q=0.9,en;q=0.8"), Lang::De);
        assert_eq!(of("es,fr;q=0.5,de;q=0.4"), Lang::Fr);
        assert_eq!(of("en;q=0.3,fr;q=0.9"), Lang::Fr);
        assert_eq!(of("ja"), Lang::En);
        assert_eq!(Lang::from_accept_language(None), Lang::En);
    }
}
