//! The identity platform's HTML: the sign-in page listing the fixture's accounts, the consent
//! page, and the auto-submitting form of `response_mode=form_post`. Plain forms, no script needed
//! (the form_post page submits itself on load and offers a button without script).

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;

use crate::directory::{Account, App};
use crate::respond::HTML;

/// Escapes text for HTML element content and double-quoted attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, main: &str) -> Response {
    let html = format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<title>{title}</title>\n",
            "<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}",
            "button{{display:block;width:100%;margin:.5rem 0;padding:.6rem;text-align:left;font:inherit}}",
            ".row{{display:flex;gap:.5rem}}.row button{{text-align:center}}</style>\n",
            "</head>\n<body>\n<main>\n{main}</main>\n</body>\n</html>\n"
        ),
        title = escape(title),
        main = main
    );
    let mut r = Response::new(Body::from(html));
    *r.status_mut() = StatusCode::OK;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// "Pick an account": one button per account, posting back to `action` with the flow token.
pub(crate) fn sign_in(
    action: &str,
    flow: &str,
    app: &App,
    accounts: &[Account],
    problem: Option<&str>,
) -> Response {
    let mut main = format!(
        "<h1>Sign in</h1>\n<p>to continue to {}</p>\n",
        escape(&app.display_name)
    );
    if let Some(problem) = problem {
        main.push_str(&format!("<p role=\"alert\">{}</p>\n", escape(problem)));
    }
    main.push_str(&format!(
        "<form method=\"post\" action=\"{}\">\n<input type=\"hidden\" name=\"flowToken\" value=\"{}\">\n<fieldset>\n<legend>Pick an account</legend>\n",
        escape(action),
        escape(flow)
    ));
    for a in accounts {
        main.push_str(&format!(
            "<button type=\"submit\" name=\"login\" value=\"{}\">{} <span>({})</span></button>\n",
            escape(&a.username),
            escape(&a.display_name),
            escape(&a.username)
        ));
    }
    main.push_str("</fieldset>\n</form>\n");
    page("Sign in to your account", &main)
}

/// "{app} wants to access Azure DevOps on your behalf": Accept or Cancel.
pub(crate) fn consent(action: &str, flow: &str, app: &App, account: &Account) -> Response {
    let main = format!(
        concat!(
            "<h1>Permissions requested</h1>\n",
            "<p>Signed in as {user}</p>\n",
            "<p>{app} wants to access Azure DevOps on your behalf. It will be able to:</p>\n",
            "<ul><li>Access Azure DevOps as you (user_impersonation)</li>",
            "<li>Maintain access to data you have given it access to</li>",
            "<li>View your basic profile and email address</li></ul>\n",
            "<form method=\"post\" action=\"{action}\">\n",
            "<input type=\"hidden\" name=\"flowToken\" value=\"{flow}\">\n",
            "<div class=\"row\"><button type=\"submit\" name=\"decision\" value=\"cancel\">Cancel</button>",
            "<button type=\"submit\" name=\"decision\" value=\"accept\">Accept</button></div>\n",
            "</form>\n"
        ),
        user = escape(&account.username),
        app = escape(&app.display_name),
        action = escape(action),
        flow = escape(flow)
    );
    page("Permissions requested", &main)
}

/// `response_mode=form_post`: a form that posts `params` to the redirect URI as soon as it loads.
pub(crate) fn form_post(redirect_uri: &str, params: &[(&str, String)]) -> Response {
    let mut inputs = String::new();
    for (name, value) in params {
        inputs.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(name),
            escape(value)
        ));
    }
    // The same shape the service uses: a form submitted from the body's onload, with a button
    // for browsers without script.
    let html = format!(
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Working...</title></head>\n",
            "<body onload=\"javascript:document.forms[0].submit()\">\n",
            "<form method=\"POST\" name=\"hiddenform\" action=\"{}\">\n{}",
            "<noscript><p>Script is disabled. Click Submit to continue.</p><input type=\"submit\" value=\"Submit\"></noscript>\n",
            "</form>\n</body>\n</html>\n"
        ),
        escape(redirect_uri),
        inputs
    );
    let mut r = Response::new(Body::from(html));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
