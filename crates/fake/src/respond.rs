//! Building Azure DevOps-shaped answers: headers every response carries, WrappedException
//! bodies, the 401 challenge, the sign-in page and redirect, and rate-limit answers.

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;

use crate::fixture::{RateLimit, User};

pub(crate) const JSON: &str = "application/json; charset=utf-8";
pub(crate) const HTML: &str = "text/html; charset=utf-8";
pub(crate) const PLAIN: &str = "text/plain; charset=utf-8";

/// A random GUID; ids only need to differ between responses, not be cryptographic.
pub(crate) fn guid() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let state = std::collections::hash_map::RandomState::new();
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let hi = state.hash_one(n);
    let lo = state.hash_one(!n);
    let v = (u128::from(hi) << 64) | u128::from(lo);
    let h = format!("{v:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

/// Per-request values echoed in headers.
pub(crate) struct Ctx {
    session: String,
    activity: String,
    /// Where the identity platform is, for `WWW-Authenticate: Bearer authorization_uri=…`.
    authority: String,
}

impl Ctx {
    pub(crate) fn new(request_headers: &HeaderMap, authority: String) -> Ctx {
        // Clients may send their own X-TFS-Session; the service echoes it.
        let session = request_headers
            .get("x-tfs-session")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 64)
            .map_or_else(guid, str::to_owned);
        Ctx {
            session,
            activity: guid(),
            authority,
        }
    }

    /// A response with the headers every Azure DevOps answer carries.
    pub(crate) fn answer(
        &self,
        status: StatusCode,
        content_type: Option<&str>,
        body: Body,
    ) -> Response {
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let h = response.headers_mut();
        if let Some(ct) = content_type {
            h.insert(header::CONTENT_TYPE, value(ct));
        }
        h.insert("activityid", value(&self.activity));
        h.insert("x-tfs-session", value(&self.session));
        h.insert("x-vss-e2eid", value(&self.activity));
        h.insert(
            "x-tfs-processid",
            value("5e7f9b1c-2d3a-4b5c-8d6e-7f8091a2b3c4"),
        );
        h.insert("x-frame-options", value("SAMEORIGIN"));
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            value("max-age=31536000; includeSubDomains"),
        );
        h.insert(header::CACHE_CONTROL, value("no-cache"));
        response
    }

    pub(crate) fn json<T: Serialize + ?Sized>(&self, status: StatusCode, body: &T) -> Response {
        let text = serde_json::to_string(body).unwrap_or_else(|_| "{}".to_owned());
        self.answer(status, Some(JSON), Body::from(text))
    }

    pub(crate) fn empty(&self, status: StatusCode) -> Response {
        let mut r = self.answer(status, None, Body::empty());
        r.headers_mut().insert(header::CONTENT_LENGTH, value("0"));
        r
    }

    pub(crate) fn plain(&self, status: StatusCode, text: &str) -> Response {
        self.answer(status, Some(PLAIN), Body::from(text.to_owned()))
    }

    /// 401 with the challenge headers real 401s carry (logs in microsoft/azure-pipelines-agent#4826
    /// and #1164); `body` is JSON or empty.
    pub(crate) fn unauthorized(
        &self,
        tenant: &str,
        org_host: &str,
        body: Option<&Wrapped>,
    ) -> Response {
        let mut r = match body {
            Some(b) => self.json(StatusCode::UNAUTHORIZED, b),
            None => self.empty(StatusCode::UNAUTHORIZED),
        };
        let h = r.headers_mut();
        h.insert(
            header::WWW_AUTHENTICATE,
            value(&format!(
                "Bearer authorization_uri={}/{tenant}, Basic realm=\"https://tfsprodweusu4.app.visualstudio.com/\", TFS-Federated",
                self.authority
            )),
        );
        h.insert("x-vss-resourcetenant", value(tenant));
        h.insert(
            "x-tfs-fedauthrealm",
            value("https://tfs.app.visualstudio.com/"),
        );
        h.insert(
            "x-tfs-fedauthissuer",
            value(&format!("https://{org_host}/")),
        );
        h.insert(
            "x-tfs-soapexception",
            value("%3c%3fxml+version%3d%221.0%22+encoding%3d%22utf-8%22%3f%3e%3csoap%3aEnvelope%3e%3csoap%3aBody%3e%3csoap%3aFault%3e%3cfaultstring%3eTF400813%3a+Resource+not+available+for+anonymous+access.+Client+authentication+required.%3c%2ffaultstring%3e%3c%2fsoap%3aFault%3e%3c%2fsoap%3aBody%3e%3c%2fsoap%3aEnvelope%3e"),
        );
        r
    }

    /// 401 as IIS answers for an Azure DevOps Server collection: Windows authentication
    /// (Negotiate, NTLM) and Basic, which carries PATs; no federated sign-in headers.
    pub(crate) fn unauthorized_on_premises(&self, host: &str, body: Option<&Wrapped>) -> Response {
        let mut r = match body {
            Some(b) => self.json(StatusCode::UNAUTHORIZED, b),
            None => self.empty(StatusCode::UNAUTHORIZED),
        };
        let h = r.headers_mut();
        for challenge in ["Negotiate", "NTLM", &format!("Basic realm=\"{host}\"")] {
            h.append(header::WWW_AUTHENTICATE, value(challenge));
        }
        r
    }

    /// 203 with the sign-in page, what a browser-oriented answer looks like to an API client.
    pub(crate) fn sign_in_page(&self) -> Response {
        self.answer(
            StatusCode::NON_AUTHORITATIVE_INFORMATION,
            Some(HTML),
            Body::from(SIGN_IN_HTML),
        )
    }

    /// 302 "Object moved" to the sign-in service.
    pub(crate) fn sign_in_redirect(&self, reply_to: &str) -> Response {
        let location = format!(
            "https://spsprodcus3.vssps.visualstudio.com/_signin?realm=dev.azure.com&reply_to={}&redirect=1",
            percent_encoding::utf8_percent_encode(reply_to, percent_encoding::NON_ALPHANUMERIC)
        );
        let html = format!(
            "<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to <a href=\"{}\">here</a>.</h2>\r\n</body></html>\r\n",
            location.replace('&', "&amp;")
        );
        let mut r = self.answer(StatusCode::FOUND, Some(HTML), Body::from(html));
        r.headers_mut().insert(header::LOCATION, value(&location));
        r
    }

    pub(crate) fn expired(&self, tenant: &str, org_host: &str) -> Response {
        self.unauthorized(tenant, org_host, Some(&expired_body()))
    }

    /// 429 TF400733 with `Retry-After` and `X-RateLimit-*`.
    pub(crate) fn blocked(&self, limit: &RateLimit) -> Response {
        let body = wrapped(
            &format!(
                "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource '{}' in namespace 'User'.",
                limit.resource
            ),
            "Microsoft.TeamFoundation.Framework.Server.RequestBlockedException, Microsoft.TeamFoundation.Framework.Server",
            "RequestBlockedException",
            3000,
        );
        let mut r = self.json(StatusCode::TOO_MANY_REQUESTS, &body);
        add_rate_limit_headers(r.headers_mut(), limit);
        r
    }

    pub(crate) fn internal_error(&self) -> Response {
        let body = wrapped(
            &format!("TF400898: An Internal Error Occurred. Activity Id: {}.", self.activity),
            "Microsoft.VisualStudio.Services.WebApi.VssServiceException, Microsoft.VisualStudio.Services.WebApi",
            "VssServiceException",
            3000,
        );
        self.json(StatusCode::INTERNAL_SERVER_ERROR, &body)
    }
}

/// `Retry-After` and `X-RateLimit-*` (https://learn.microsoft.com/azure/devops/integrate/concepts/rate-limits);
/// `X-RateLimit-Delay` only once delayed or blocked.
pub(crate) fn add_rate_limit_headers(h: &mut HeaderMap, limit: &RateLimit) {
    let reset = time::OffsetDateTime::now_utc().unix_timestamp() + limit.retry_after_secs as i64;
    h.insert(
        header::RETRY_AFTER,
        value(&limit.retry_after_secs.to_string()),
    );
    h.insert("x-ratelimit-resource", value(&limit.resource));
    h.insert("x-ratelimit-delay", value("1.234"));
    h.insert("x-ratelimit-limit", value("200"));
    h.insert("x-ratelimit-remaining", value("0"));
    h.insert("x-ratelimit-reset", value(&reset.to_string()));
}

/// `X-VSS-UserData: {id}:{upn}` on answers for an authenticated caller.
pub(crate) fn add_user_data(response: &mut Response, user: &User) {
    response.headers_mut().insert(
        HeaderName::from_static("x-vss-userdata"),
        value(&format!("{}:{}", user.id, user.email)),
    );
}

/// The .NET WrappedException shape of every Azure DevOps JSON error; field order as the
/// service sends it, so bodies can be compared byte for byte.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Wrapped {
    #[serde(rename = "$id")]
    id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_properties: Option<AccessCheckProperties>,
    inner_exception: Option<()>,
    message: String,
    type_name: &'static str,
    type_key: &'static str,
    error_code: i32,
    event_id: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AccessCheckProperties {
    descriptor: Option<()>,
    identity_display_name: Option<()>,
    token: Option<()>,
    requested_permissions: u32,
    namespace_id: &'static str,
}

pub(crate) fn wrapped(
    message: &str,
    type_name: &'static str,
    type_key: &'static str,
    event_id: u32,
) -> Wrapped {
    Wrapped {
        id: "1",
        custom_properties: None,
        inner_exception: None,
        message: message.to_owned(),
        type_name,
        type_key,
        error_code: 0,
        event_id,
    }
}

/// The expired-PAT body, byte for byte as recorded in microsoft/azure-pipelines-tasks#18732.
pub(crate) fn expired_body() -> Wrapped {
    Wrapped {
        custom_properties: Some(AccessCheckProperties {
            descriptor: None,
            identity_display_name: None,
            token: None,
            requested_permissions: 0,
            namespace_id: "00000000-0000-0000-0000-000000000000",
        }),
        ..wrapped(
            "Access Denied: The Personal Access Token used has expired.",
            "Microsoft.VisualStudio.Services.Security.AccessCheckException, Microsoft.VisualStudio.Services.WebApi",
            "AccessCheckException",
            3000,
        )
    }
}

/// The TF400813 body for a refused token (renovatebot/config-help#971, Azure/azure-cli#24108).
pub(crate) fn tf400813(user: &str) -> Wrapped {
    wrapped(
        &format!("TF400813: The user '{user}' is not authorized to access this resource."),
        "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server",
        "UnauthorizedRequestException",
        3000,
    )
}

/// TF400813 for an Entra identity that never signed in to Azure DevOps, with the TF401444 hint
/// (MicrosoftDocs/azure-devops-docs#8900).
pub(crate) fn tf401444(principal: &str) -> Wrapped {
    wrapped(
        &format!("TF400813: The user '{principal}' is not authorized to access this resource. TF401444: Please sign-in at least once as {principal} in a web browser to enable access to the service."),
        "Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server",
        "UnauthorizedRequestException",
        3000,
    )
}

fn value(s: &str) -> HeaderValue {
    // Every value here is built from fixture data or ASCII constants.
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

const SIGN_IN_HTML: &str = concat!(
    "<!DOCTYPE html>\r\n<html>\r\n<head>\r\n",
    "<meta charset=\"utf-8\" />\r\n",
    "<title>Azure DevOps Services | Sign In</title>\r\n",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\r\n",
    "</head>\r\n<body>\r\n",
    "<div class=\"signin-container\"><h1>Sign in to Azure DevOps</h1>",
    "<p>Your session has expired or you are not signed in. Please sign in to continue.</p>",
    "<a href=\"https://app.vssps.visualstudio.com/_signin\">Sign in</a></div>\r\n",
    "</body>\r\n</html>\r\n"
);
