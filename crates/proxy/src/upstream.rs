//! Calls to Azure DevOps: the only place that sends HTTP requests, and the only place the raw token
//! is turned into a header.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use azdo_connect_core::{
    AllowedServers, DeploymentType, NameRule, OrgError, Organization, Pat, SecretToken,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use crate::{Error, ProxyConfig};

/// The Azure DevOps Services hosts the proxy may contact; Azure DevOps Server hosts come from the
/// configured allowlist.
const HOSTED_HOSTS: [&str; 4] = [
    "dev.azure.com",
    "vssps.dev.azure.com",
    "vsaex.dev.azure.com",
    // The profile and accounts APIs that list a signed-in person's organizations.
    "app.vssps.visualstudio.com",
];

/// Upstream bodies larger than this are cut off: nothing the proxy reads comes close, and a
/// hostile or broken server must not make the proxy buffer without bound.
const MAX_UPSTREAM_BODY: usize = 4 * 1024 * 1024;

/// Where an organization's APIs live, built only from a normalized [`Organization`].
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// `https://dev.azure.com/{org}` or the on-prem collection URL.
    base: Url,
    /// The organization name for the `vssps`/`vsaex` hosts (hosted only).
    hosted_name: Option<String>,
}

impl Target {
    /// Builds the target, re-checking what the normalizer promised: a hosted name obeys the
    /// naming rules and an on-prem URL names an allowlisted host.
    pub(crate) fn new(org: &Organization, allowed: &AllowedServers) -> Result<Self, Error> {
        match org.deployment_type {
            DeploymentType::Hosted => {
                let name = &org.organization;
                let valid = !name.is_empty()
                    && name.len() <= 50
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
                if !valid {
                    return Err(Error::Organization(OrgError::InvalidName {
                        name: name.clone(),
                        rule: NameRule::InvalidCharacter,
                    }));
                }
                Ok(Target {
                    base: hosted_url("dev.azure.com", name),
                    hosted_name: Some(name.clone()),
                })
            }
            DeploymentType::OnPremises => {
                let base = Url::parse(&org.organization_url).map_err(|_| {
                    Error::Organization(OrgError::Malformed {
                        reason: "The collection URL could not be read.",
                    })
                })?;
                if !is_allowed(&base, allowed) {
                    return Err(Error::Organization(OrgError::ServerNotAllowed {
                        host: authority(&base),
                    }));
                }
                Ok(Target {
                    base,
                    hosted_name: None,
                })
            }
        }
    }

    /// `{org}/{segments…}?{query}` on the organization's main host.
    pub(crate) fn api(&self, segments: &[&str], query: &[(&str, &str)]) -> Url {
        with_path(self.base.clone(), segments, query)
    }

    /// `https://{service}.dev.azure.com/{org}/{segments…}`, hosted only.
    pub(crate) fn service(
        &self,
        service: &str,
        segments: &[&str],
        query: &[(&str, &str)],
    ) -> Option<Url> {
        let name = self.hosted_name.as_deref()?;
        let host = format!("{service}.dev.azure.com");
        Some(with_path(hosted_url(&host, name), segments, query))
    }
}

fn hosted_url(host: &str, name: &str) -> Url {
    let mut url = Url::parse(&format!("https://{host}/")).expect("static URL parses");
    url.path_segments_mut()
        .expect("https URLs have paths")
        .pop_if_empty()
        .push(name);
    url
}

fn with_path(mut url: Url, segments: &[&str], query: &[(&str, &str)]) -> Url {
    url.path_segments_mut()
        .expect("http(s) URLs have paths")
        .pop_if_empty()
        .extend(segments);
    url.set_query(None);
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    url
}

fn with_version(url: &Url, version: ApiVersion, stage: Stage) -> Url {
    let mut url = url.clone();
    url.query_pairs_mut()
        .append_pair("api-version", &version.query_value(stage));
    url
}

fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    }
}

fn is_allowed(url: &Url, allowed: &AllowedServers) -> bool {
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    if url.scheme() == "https" && url.port().is_none() && HOSTED_HOSTS.contains(&host.as_str()) {
        return true;
    }
    let with_port = authority(url);
    matches!(url.scheme(), "http" | "https")
        && allowed
            .hosts()
            .iter()
            .any(|entry| *entry == with_port || *entry == host)
}

/// The fields the proxy reads from Azure DevOps' JSON error body (a .NET WrappedException).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct WrappedError {
    type_key: Option<String>,
    message: Option<String>,
}

/// What an upstream call answered, with a bounded body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: String,
    pub(crate) retry_after: Option<u64>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    /// Whether the answer is HTML: a sign-in page, never an API answer.
    pub(crate) fn is_html(&self) -> bool {
        self.content_type.starts_with("text/html")
    }

    /// Whether the answer is JSON.
    pub(crate) fn is_json(&self) -> bool {
        self.content_type.starts_with("application/json")
    }

    /// Whether the answer says the token has expired: an API body's text, or an HTML page's
    /// `<title>` (sign-in pages mention expired *sessions* in their text, which says nothing about
    /// the token).
    pub(crate) fn says_expired(&self) -> bool {
        let text = String::from_utf8_lossy(&self.body).to_ascii_lowercase();
        let relevant = if self.is_html() {
            text.split_once("<title>")
                .and_then(|(_, rest)| rest.split_once("</title>"))
                .map_or("", |(title, _)| title)
        } else {
            &text
        };
        relevant.contains("has expired")
    }

    /// The `typeKey` and `message` of a JSON error body (Azure DevOps' WrappedException).
    fn wrapped(&self) -> Option<WrappedError> {
        if !self.is_json() {
            return None;
        }
        serde_json::from_slice(&self.body).ok()
    }

    /// The `typeKey` of a JSON error body, e.g. `GitRepositoryNotFoundException`.
    pub(crate) fn type_key(&self) -> Option<String> {
        self.wrapped()?.type_key
    }

    /// The newest api-version the server names when it refuses the requested one: a 400
    /// `VssVersionOutOfRangeException` whose message ends "The latest REST API version this server
    /// supports is 6.0." (Azure DevOps Server's wording).
    pub(crate) fn supported_version(&self) -> Option<ApiVersion> {
        if self.status != 400 {
            return None;
        }
        let wrapped = self.wrapped()?;
        if wrapped.type_key.as_deref() != Some("VssVersionOutOfRangeException") {
            return None;
        }
        let message = wrapped.message?;
        let (_, tail) = message.rsplit_once("supports is ")?;
        ApiVersion::parse(tail.trim().trim_end_matches('.'))
    }

    /// The body as JSON.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        if !self.is_json() {
            return Err(Error::UpstreamUnavailable(
                "it answered with something that is not JSON".into(),
            ));
        }
        serde_json::from_slice(&self.body)
            .map_err(|_| Error::UpstreamUnavailable("it answered with unreadable JSON".into()))
    }
}

/// A REST `api-version` number, `major.minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ApiVersion {
    major: u16,
    minor: u16,
}

impl ApiVersion {
    /// What the proxy asks every host for first: the newest Azure DevOps Services release.
    pub(crate) const NEWEST: ApiVersion = ApiVersion { major: 7, minor: 1 };
    /// The oldest version the proxy will step down to (Azure DevOps Server 2019, 5.0): the
    /// endpoints the probes and the picker use all exist there.
    pub(crate) const OLDEST: ApiVersion = ApiVersion { major: 5, minor: 0 };

    /// Reads `6.0` (anything after the numbers, such as `-preview`, is refused).
    pub(crate) fn parse(text: &str) -> Option<ApiVersion> {
        let (major, minor) = text.split_once('.')?;
        Some(ApiVersion {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }

    /// The query value: `7.1`, or `7.1-preview` for an API Azure DevOps still marks as preview
    /// (without a resource version the service picks the newest one).
    fn query_value(self, stage: Stage) -> String {
        match stage {
            Stage::Released => self.to_string(),
            Stage::Preview => format!("{self}-preview"),
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Whether an API is released at the requested version or still in preview (Azure DevOps answers
/// a released version on a preview API with 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// A released API: `api-version=7.1`.
    Released,
    /// A preview API: `api-version=7.1-preview`.
    Preview,
}

/// The HTTP client for Azure DevOps.
#[derive(Debug, Clone)]
pub(crate) struct Upstream {
    client: reqwest::Client,
    override_base: Option<Url>,
    allowed: AllowedServers,
    /// The api-version each host (`host[:port]`) turned out to support, when older than
    /// [`ApiVersion::NEWEST`]. Keys are allowlisted hosts only, so the map stays small.
    versions: Arc<Mutex<HashMap<String, ApiVersion>>>,
}

impl Upstream {
    pub(crate) fn new(config: &ProxyConfig) -> Result<Self, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        // Without it Azure DevOps answers a bad token with a 203/302 sign-in page rather than a 401
        // (the header Microsoft's own SDKs send, e.g. microsoft/azure-devops-go-api client.go).
        headers.insert(
            "x-tfs-fedauthredirect",
            HeaderValue::from_static("Suppress"),
        );
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("azdo-connect-proxy/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(config.connect_timeout)
            .timeout(config.verify_timeout)
            .build()
            .map_err(|e| Error::Config(format!("the HTTP client could not be built: {e}")))?;
        Ok(Upstream {
            client,
            override_base: config.upstream_override.clone(),
            allowed: config.allowed_servers.clone(),
            versions: Arc::default(),
        })
    }

    /// The api-version to ask `host` for.
    pub(crate) fn version_for(&self, host: &str) -> ApiVersion {
        self.versions
            .lock()
            .map(|v| v.get(host).copied())
            .unwrap_or_default()
            .unwrap_or(ApiVersion::NEWEST)
    }

    /// `GET url` with `api-version` added: the version the host is known to support, the newest
    /// at first. When an Azure DevOps Server answers 400 `VssVersionOutOfRangeException` naming an
    /// older version, that version is remembered for the host and the call is retried once with
    /// it, so only the first call to an older server pays a second round trip.
    pub(crate) async fn get_api(
        &self,
        url: &Url,
        stage: Stage,
        auth: Auth<'_>,
    ) -> Result<Reply, Error> {
        let host = authority(url);
        let version = self.version_for(&host);
        let reply = self.get(&with_version(url, version, stage), auth).await?;
        match reply.supported_version() {
            Some(supported) if supported < version && supported >= ApiVersion::OLDEST => {
                tracing::info!(
                    host = %host,
                    requested = %version,
                    supported = %supported,
                    "upstream: this server supports an older api-version; using it from now on"
                );
                if let Ok(mut versions) = self.versions.lock() {
                    versions.insert(host, supported);
                }
                self.get(&with_version(url, supported, stage), auth).await
            }
            _ => Ok(reply),
        }
    }

    /// Where a request for `url` is really sent: `url` itself, or
    /// `{override}/{host[:port]}/{path}?{query}`.
    pub(crate) fn route(&self, url: &Url) -> Url {
        let Some(base) = &self.override_base else {
            return url.clone();
        };
        let mut routed = base.clone();
        let prefix = base.path().trim_end_matches('/');
        routed.set_path(&format!("{prefix}/{}{}", authority(url), url.path()));
        routed.set_query(url.query());
        routed
    }

    /// `GET url` with the token, never following redirects, reading at most
    /// [`MAX_UPSTREAM_BODY`] bytes.
    pub(crate) async fn get(&self, url: &Url, auth: Auth<'_>) -> Result<Reply, Error> {
        if !is_allowed(url, &self.allowed) {
            // Unreachable through the public API (every URL comes from a checked `Target`); kept
            // as the last line of defence against server-side request forgery.
            tracing::error!(host = %authority(url), "refused to contact a host outside the allowlist");
            return Err(Error::Organization(OrgError::ServerNotAllowed {
                host: authority(url),
            }));
        }
        let target = self.route(url);
        let started = Instant::now();
        let response = self
            .client
            .get(target)
            .header(header::AUTHORIZATION, auth.header()?)
            .send()
            .await
            .map_err(|e| transport_error(url, &e))?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let retry_after = headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = read_bounded(url, response).await?;
        tracing::debug!(
            host = %authority(url),
            path = url.path(),
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "upstream answered"
        );
        Ok(Reply {
            status,
            content_type,
            retry_after,
            body,
        })
    }
}

/// The challenge of an unauthenticated request: how Azure DevOps says where to sign in.
#[derive(Debug)]
pub(crate) struct Challenge {
    pub(crate) status: u16,
    /// Every `WWW-Authenticate` value.
    pub(crate) www_authenticate: Vec<String>,
    /// `X-VSS-ResourceTenant`: the organization's Entra tenant id(s).
    pub(crate) resource_tenant: Option<String>,
}

impl Upstream {
    /// `HEAD url` with no credentials, for the challenge headers (the organization's tenant).
    pub(crate) async fn challenge(&self, url: &Url) -> Result<Challenge, Error> {
        if !is_allowed(url, &self.allowed) {
            return Err(Error::Organization(OrgError::ServerNotAllowed {
                host: authority(url),
            }));
        }
        let response = self
            .client
            .head(self.route(url))
            .send()
            .await
            .map_err(|e| transport_error(url, &e))?;
        let text = |value: &HeaderValue| value.to_str().ok().map(str::to_owned);
        Ok(Challenge {
            status: response.status().as_u16(),
            www_authenticate: response
                .headers()
                .get_all(header::WWW_AUTHENTICATE)
                .iter()
                .filter_map(text)
                .collect(),
            resource_tenant: response
                .headers()
                .get("x-vss-resourcetenant")
                .and_then(text),
        })
    }
}

/// How a request to Azure DevOps authenticates: Basic with a personal access token, or Bearer
/// with a Microsoft Entra access token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Auth<'a> {
    /// `Authorization: Basic base64(":" + PAT)`.
    Pat(&'a Pat),
    /// `Authorization: Bearer <access token>`.
    Bearer(&'a SecretToken),
}

impl Auth<'_> {
    // Built at the last moment and marked sensitive, so that `Debug` of the request (and hyper's
    // tracing) prints `Sensitive` instead of the value.
    fn header(self) -> Result<HeaderValue, Error> {
        let text = match self {
            Auth::Pat(pat) => format!("Basic {}", STANDARD.encode(format!(":{}", pat.expose()))),
            Auth::Bearer(token) => format!("Bearer {}", token.expose()),
        };
        let mut value = HeaderValue::from_str(&text).map_err(|_| {
            Error::TokenFormat("The token contains characters no token has.".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

async fn read_bounded(url: &Url, mut response: reqwest::Response) -> Result<Vec<u8>, Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(url, &e))?
    {
        if body.len() + chunk.len() > MAX_UPSTREAM_BODY {
            return Err(Error::UpstreamUnavailable(
                "it answered with an oversized body".into(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn transport_error(url: &Url, error: &reqwest::Error) -> Error {
    // reqwest's Display names the URL, which holds no secret; the token is only in a header.
    tracing::debug!(host = %authority(url), error = %error, "upstream transport error");
    if error.is_connect() {
        Error::UpstreamUnavailable("the connection failed".into())
    } else if error.is_timeout() {
        Error::UpstreamTimeout
    } else {
        Error::UpstreamUnavailable("the connection broke off".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosted(name: &str) -> Organization {
        Organization {
            organization: name.into(),
            organization_url: format!("https://dev.azure.com/{name}"),
            deployment_type: DeploymentType::Hosted,
        }
    }

    #[test]
    fn builds_urls_from_the_organization_only() {
        let target = Target::new(&hosted("Contoso"), &AllowedServers::default()).unwrap();
        assert_eq!(
            target
                .api(
                    &["_apis", "projects"],
                    &[("$top", "1"), ("api-version", "7.1")]
                )
                .as_str(),
            "https://dev.azure.com/Contoso/_apis/projects?%24top=1&api-version=7.1"
        );
        assert_eq!(
            target
                .service("vsaex", &["_apis", "userentitlements"], &[])
                .unwrap()
                .as_str(),
            "https://vsaex.dev.azure.com/Contoso/_apis/userentitlements"
        );
        // A project name with a slash stays one segment.
        assert_eq!(
            target.api(&["a/b", "_apis"], &[]).as_str(),
            "https://dev.azure.com/Contoso/a%2Fb/_apis"
        );
    }

    #[test]
    fn refuses_names_the_normalizer_should_have_refused() {
        for name in ["evil.com", "a/b", "", "x@y", "..", &"a".repeat(51)] {
            assert!(
                Target::new(&hosted(name), &AllowedServers::default()).is_err(),
                "{name}"
            );
        }
        let onprem = Organization {
            organization: "DefaultCollection".into(),
            organization_url: "https://tfs.corp.example:8443/tfs/DefaultCollection".into(),
            deployment_type: DeploymentType::OnPremises,
        };
        assert!(Target::new(&onprem, &AllowedServers::default()).is_err());
        assert!(Target::new(&onprem, &AllowedServers::new(["tfs.corp.example:8443"])).is_ok());
        assert!(Target::new(&onprem, &AllowedServers::new(["tfs.corp.example"])).is_ok());
        assert!(Target::new(&onprem, &AllowedServers::new(["other.example"])).is_err());
    }

    #[test]
    fn override_keeps_host_path_and_query() {
        let config = ProxyConfig {
            upstream_override: Some(Url::parse("http://127.0.0.1:8788/prefix/").unwrap()),
            ..ProxyConfig::default()
        };
        let upstream = Upstream::new(&config).unwrap();
        let url = Url::parse(
            "https://vssps.dev.azure.com/contoso/_apis/profile/profiles/me?api-version=7.1",
        )
        .unwrap();
        assert_eq!(
            upstream.route(&url).as_str(),
            "http://127.0.0.1:8788/prefix/vssps.dev.azure.com/contoso/_apis/profile/profiles/me?api-version=7.1"
        );
        let onprem = Url::parse("http://tfs.local:8080/tfs/Coll/_apis/connectionData").unwrap();
        assert_eq!(
            upstream.route(&onprem).as_str(),
            "http://127.0.0.1:8788/prefix/tfs.local:8080/tfs/Coll/_apis/connectionData"
        );
    }

    #[test]
    fn api_versions_parse_order_and_print() {
        let v = |s| ApiVersion::parse(s).unwrap();
        assert!(v("5.0") < v("5.1") && v("5.1") < v("6.0") && v("6.0") < ApiVersion::NEWEST);
        assert_eq!(v("7.0").query_value(Stage::Preview), "7.0-preview");
        assert_eq!(v("6.0").query_value(Stage::Released), "6.0");
        for bad in ["", "6", "6.x", "6.0-preview", "-1.0", "99999999.0"] {
            assert!(ApiVersion::parse(bad).is_none(), "{bad}");
        }
        let refusal = |status, type_key: &str, message: &str| Reply {
            status,
            content_type: "application/json; charset=utf-8".into(),
            retry_after: None,
            body: serde_json::json!({"typeKey": type_key, "message": message})
                .to_string()
                .into_bytes(),
        };
        let text = "The requested REST API version of 7.1 is out of range for this server. The latest REST API version this server supports is 6.0.";
        assert_eq!(
            refusal(400, "VssVersionOutOfRangeException", text).supported_version(),
            Some(v("6.0"))
        );
        assert_eq!(
            refusal(400, "OtherException", text).supported_version(),
            None
        );
        assert_eq!(
            refusal(404, "VssVersionOutOfRangeException", text).supported_version(),
            None
        );
        assert_eq!(
            refusal(400, "VssVersionOutOfRangeException", "supports is soon.").supported_version(),
            None
        );
    }

    #[test]
    fn allowlist_is_exact() {
        let allowed = AllowedServers::new(["tfs.corp.example"]);
        for (url, ok) in [
            ("https://dev.azure.com/x", true),
            ("https://vssps.dev.azure.com/x", true),
            ("http://dev.azure.com/x", false),
            ("https://dev.azure.com:8443/x", false),
            ("https://dev.azure.com.evil.com/x", false),
            ("https://evil.dev.azure.com/x", false),
            ("https://tfs.corp.example/c", true),
            ("http://tfs.corp.example:8080/c", true),
            ("https://127.0.0.1/x", false),
        ] {
            assert_eq!(is_allowed(&Url::parse(url).unwrap(), &allowed), ok, "{url}");
        }
    }

    #[test]
    fn authorization_header_is_sensitive() {
        let value = Auth::Pat(&Pat::new("abc")).header().unwrap();
        assert!(value.is_sensitive());
        assert_eq!(format!("{value:?}"), "Sensitive");
        assert_eq!(value.to_str().unwrap(), "Basic OmFiYw==");
    }
}
