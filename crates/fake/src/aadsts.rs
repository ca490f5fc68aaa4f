//! Errors of the Microsoft identity platform in its three shapes: the token endpoint's JSON, the
//! parameters of a redirect back to the app, and the error page shown when it may not redirect.
//! Shapes and wording from https://learn.microsoft.com/entra/identity-platform/reference-error-codes
//! and https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;
use time::OffsetDateTime;

use crate::respond::{guid, HTML, JSON};

/// One identity-platform error: the OAuth `error`, the AADSTS number and its message.
#[derive(Clone, Debug)]
pub(crate) struct AadError {
    pub(crate) error: &'static str,
    pub(crate) code: u32,
    pub(crate) message: String,
    /// MSAL reads `suberror` (e.g. `basic_action` for MFA) to pick its prompt.
    pub(crate) suberror: Option<&'static str>,
    /// 400, or 401 for `invalid_client` ("Errors are 400 JSON, 401 for invalid_client").
    pub(crate) status: StatusCode,
}

/// "Timestamp: 2016-01-09 02:02:12Z", as in the docs' sample error.
fn timestamp(now: OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    now.format(&f).unwrap_or_default()
}

impl AadError {
    pub(crate) fn new(error: &'static str, code: u32, message: impl Into<String>) -> AadError {
        let status = if error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        AadError {
            error,
            code,
            message: message.into(),
            suberror: None,
            status,
        }
    }

    pub(crate) fn with_suberror(mut self, suberror: &'static str) -> AadError {
        self.suberror = Some(suberror);
        self
    }

    /// "AADSTS900144: The request body must contain the following parameter: '{name}'."
    pub(crate) fn missing(name: &str) -> AadError {
        AadError::new(
            "invalid_request",
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    fn error_uri(&self) -> String {
        format!("https://login.microsoftonline.com/error?code={}", self.code)
    }

    fn description(&self, now: OffsetDateTime, trace: &str, correlation: &str) -> String {
        format!(
            "AADSTS{}: {}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {}",
            self.code,
            self.message,
            timestamp(now)
        )
    }

    /// The token endpoint's JSON error, with the no-store headers every token answer carries.
    pub(crate) fn json(&self, now: OffsetDateTime) -> Response {
        let (trace, correlation) = (guid(), guid());
        let mut body = json!({
            "error": self.error,
            "error_description": self.description(now, &trace, &correlation),
            "error_codes": [self.code],
            "timestamp": timestamp(now),
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": self.error_uri(),
        });
        if let Some(sub) = self.suberror {
            body["suberror"] = json!(sub);
        }
        token_response(self.status, &body, &trace)
    }

    /// The parameters of a redirect carrying this error to the app (`state` added by the caller).
    pub(crate) fn redirect_params(&self, now: OffsetDateTime) -> Vec<(&'static str, String)> {
        vec![
            ("error", self.error.to_owned()),
            ("error_description", self.description(now, &guid(), &guid())),
            ("error_uri", self.error_uri()),
        ]
    }

    /// The sign-in service's own error page, status 400: for errors it must not send to an
    /// unverified redirect URI (RFC 6749 section 4.1.2.1), so the browser stays here.
    pub(crate) fn page(&self, now: OffsetDateTime) -> Response {
        let (trace, correlation) = (guid(), guid());
        let body = format!(
            concat!(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">",
                "<title>Sign in to your account</title></head>\n<body>\n<main>\n",
                "<h1>Sorry, but we're having trouble signing you in.</h1>\n",
                "<p id=\"error\">AADSTS{}: {}</p>\n",
                "<dl><dt>Request Id</dt><dd>{}</dd><dt>Correlation Id</dt><dd>{}</dd>",
                "<dt>Timestamp</dt><dd>{}</dd></dl>\n</main>\n</body>\n</html>\n"
            ),
            self.code,
            crate::pages::escape(&self.message),
            trace,
            correlation,
            timestamp(now)
        );
        let mut r = Response::new(Body::from(body));
        *r.status_mut() = StatusCode::BAD_REQUEST;
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
        r
    }
}

/// A token-endpoint answer: JSON with `Cache-Control: no-store, no-cache`, `Pragma: no-cache`
/// and `x-ms-request-id` (observed in dotnet/AspNetCore.Docs#22325 and keycloak/keycloak#31294).
pub(crate) fn token_response(
    status: StatusCode,
    body: &serde_json::Value,
    request_id: &str,
) -> Response {
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("x-ms-request-id", v);
    }
    r
}
