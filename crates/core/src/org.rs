//! Organization input → canonical organization; the accepted forms are listed on
//! [`normalize_organization`] and in `docs/architecture.md`.

use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantArray};

use crate::parsed_url::{self, HostKind, ParsedUrl};
use crate::{NameRule, OrgError};

/// Azure DevOps Services (hosted) or Azure DevOps Server (on-premises).
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(rename_all = "camelCase")
)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "AzdoDeploymentType", rename_all = "camelCase")
)]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStaticStr, VariantArray, strum::VariantNames,
)]
#[strum(serialize_all = "camelCase")]
pub enum DeploymentType {
    /// Azure DevOps Services: `https://dev.azure.com/{org}`.
    Hosted,
    /// Azure DevOps Server: `https://host[:port][/tfs]/{collection}`.
    OnPremises,
}

crate::wire_name::serde_by_wire_name!(DeploymentType);

impl DeploymentType {
    /// Both kinds.
    pub const ALL: [DeploymentType; DeploymentType::VARIANTS.len()] =
        crate::variant_array(DeploymentType::VARIANTS);

    /// The wire name, as serde writes it: `"hosted"` or `"onPremises"`.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A normalized organization.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// The organization (or, on-prem, collection) name, in the case it was typed.
    pub organization: String,
    /// The canonical URL: `https://dev.azure.com/{org}`, or the collection URL on-prem.
    pub organization_url: String,
    /// Hosted or on-prem.
    pub deployment_type: DeploymentType,
}

/// The Azure DevOps Server hosts (`host` or `host:port`, compared case-insensitively) that
/// collection URLs may name. Empty means hosted only.
///
/// An entry without a port allows the host on any port; an entry with a port allows only that
/// port.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedServers(Vec<String>);

impl AllowedServers {
    /// Builds an allowlist from `host` or `host:port` entries. An `http://` or `https://` prefix
    /// and a trailing `/` are dropped, since administrators often paste the server's URL.
    pub fn new<I, S>(hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        AllowedServers(
            hosts
                .into_iter()
                .map(|h| {
                    let h = h.as_ref().trim().to_ascii_lowercase();
                    let h = h
                        .strip_prefix("https://")
                        .or_else(|| h.strip_prefix("http://"))
                        .unwrap_or(&h);
                    h.trim_end_matches('/').to_owned()
                })
                .filter(|h| !h.is_empty())
                .collect(),
        )
    }

    /// The entries, lowercase.
    pub fn hosts(&self) -> &[String] {
        &self.0
    }

    /// Whether `host` (lowercase, as a WHATWG URL parser serializes it) on `port` is allowed.
    fn allows(&self, host: &str, explicit_port: Option<u16>, effective_port: Option<u16>) -> bool {
        self.0.iter().any(|entry| {
            entry == host
                || [explicit_port, effective_port]
                    .into_iter()
                    .flatten()
                    .any(|port| entry.strip_suffix(&format!(":{port}")) == Some(host))
        })
    }
}

/// The longest input [`normalize_organization`] reads, in characters. Real addresses are far
/// shorter; the cap bounds the work an adversarial input can cause.
pub const MAX_INPUT_LEN: usize = 2048;

/// The longest organization name Azure DevOps allows.
const MAX_ORG_LEN: usize = 50;
/// The longest Azure DevOps Server collection name.
const MAX_COLLECTION_LEN: usize = 64;
/// The canonical host of Azure DevOps Services.
const HOSTED_HOST: &str = "dev.azure.com";

/// Names Azure DevOps reserves for organizations (its "naming restrictions" page), compared
/// case-insensitively.
const RESERVED: &[&str] = &[
    "AUX",
    "COM1",
    "COM2",
    "COM3",
    "COM4",
    "COM5",
    "COM6",
    "COM7",
    "COM8",
    "COM9",
    "COM10",
    "CON",
    "DefaultCollection",
    "LPT1",
    "LPT2",
    "LPT3",
    "LPT4",
    "LPT5",
    "LPT6",
    "LPT7",
    "LPT8",
    "LPT9",
    "NUL",
    "PRN",
    "SERVER",
    "SignalR",
    "Web",
];

/// Service labels of the `{service}.dev.azure.com/{org}` hosts.
const SERVICE_LABELS: &[&str] = &[
    "vssps",
    "vsaex",
    "vsrm",
    "vsblob",
    "vstmr",
    "almsearch",
    "feeds",
    "pkgs",
    "extmgmt",
    "auditservice",
    "advsec",
    "analytics",
    "vsclt",
];

/// Service labels of the legacy `{org}.{service}.visualstudio.com` hosts.
const LEGACY_SERVICE_LABELS: &[&str] = &[
    "vssps",
    "vsrm",
    "vsaex",
    "vsspsext",
    "vstmr",
    "vsblob",
    "feeds",
    "pkgs",
    "almsearch",
    "extmgmt",
];

/// `{label}.visualstudio.com` hosts that are Microsoft sites, not organizations.
const NOT_ORG_LABELS: &[&str] = &[
    "www",
    "app",
    "marketplace",
    "go",
    "my",
    "login",
    "status",
    "developercommunity",
    "code",
    "docs",
    "blogs",
    "azure",
];

const TOO_LONG: &str = "That is too long to be an organization name or address.";
const INVISIBLE: &str =
    "The input contains control or invisible characters. Type the name or paste the address again.";
const BACKSLASH: &str = "Addresses use forward slashes (/), not backslashes (\\).";
const UNSUPPORTED_SCHEME: &str =
    "Only https:// addresses and Git remotes of Azure DevOps are accepted.";
const NOT_A_URL: &str =
    "That is not a valid address. Use your organization name or https://dev.azure.com/your-org.";
const NON_ASCII_HOST: &str = "The host name contains characters that are not plain ASCII, as look-alike addresses do. Type the address instead of pasting it.";
const ENCODED_HOST: &str = "The host name contains percent-encoding (%). Type the address plainly.";
const NUMERIC_HOST: &str =
    "The host is a number written in an unusual notation. Use the server's name.";
const HOSTED_PORT: &str =
    "Azure DevOps Services only uses the standard HTTPS port. Remove the port from the address.";
const SSH_PORT: &str =
    "Azure DevOps SSH remotes use the standard SSH port (22). Remove the port from the address.";
const SSH_PATH: &str =
    "An Azure DevOps SSH remote looks like git@ssh.dev.azure.com:v3/your-org/your-project/your-repo.";
const SSH_SCHEME: &str = "Use the https:// address of your organization, like https://dev.azure.com/your-org, or its SSH remote as Azure DevOps shows it.";
const SERVER_SSH: &str =
    "Use the server's https:// collection address, like https://server/tfs/DefaultCollection.";

/// Normalizes whatever a person pasted into one canonical organization.
///
/// Accepted forms:
///
/// | input | example |
/// |---|---|
/// | a bare name | `contoso` |
/// | the organization URL, with or without scheme, with any path, query or fragment | `dev.azure.com/contoso`, `http://dev.azure.com/contoso/Fabrikam%20Fiber/_git/web?path=/`, `https://dev.azure.com/contoso/_usersSettings/tokens` |
/// | the legacy URL, with or without `DefaultCollection` and paths | `https://contoso.visualstudio.com/DefaultCollection/Web/_git/web` |
/// | service hosts | `vssps.dev.azure.com/contoso`, `vsaex.dev.azure.com/contoso`, `vsrm.dev.azure.com/contoso` (the known `*.dev.azure.com` service labels), `contoso.vssps.visualstudio.com`, `contoso.vsrm.visualstudio.com` |
/// | HTTPS clone URLs with user info (ignored, never echoed) | `https://contoso@dev.azure.com/contoso/Web/_git/web` |
/// | SSH remotes | `git@ssh.dev.azure.com:v3/contoso/Web/web`, `ssh://git@ssh.dev.azure.com/v3/contoso/Web/web`, `contoso@vs-ssh.visualstudio.com:v3/contoso/Web/web` |
/// | Azure DevOps Server collections, only when `host` or `host:port` is allowlisted | `http://tfs.corp.local:8080/tfs/DefaultCollection/Web` |
///
/// An on-prem result keeps the scheme typed (https when none), the host, a non-default port,
/// the `/tfs` prefix and the collection, whose rules are looser than an organization's (letters,
/// digits, `-`, `_`, `.`, at most 64, not starting with `_` or `.`). Normalizing its bare name
/// alone cannot find the server again, so only its URL is idempotent.
///
/// Surrounding whitespace, a mixed-case host, a trailing slash and the default port (`:443`) are
/// fine. The hosted result is always `https://dev.azure.com/{org}` with the name in the case it
/// was typed; normalizing the result (URL or name) again gives the same result.
///
/// It refuses, each with its own [`OrgError`]: other hosts (`dev.azure.com.evil.com`,
/// `dev.azure.com@evil.com`, `evil.com/dev.azure.com/x`), IP addresses that aren't allowlisted and
/// numbers in unusual notations (`http://2130706433/`), hosts with non-ASCII characters (look-alike
/// letters and fullwidth forms, even those that IDNA would map to ASCII) or percent-encoding, other
/// ports on Azure DevOps hosts, schemes other than `http`, `https` and `ssh`, backslashes, control
/// and invisible characters, and input longer than [`MAX_INPUT_LEN`] characters.
///
/// Percent-encoded organization names (`dev.azure.com/%63ontoso`) are **rejected**, not decoded:
/// a valid name never needs encoding, so an escape is either a mistake or an attempt to smuggle
/// something past a check that looks at the decoded text.
///
/// ```
/// use azdo_connect_core::{normalize_organization, AllowedServers, DeploymentType, OrgError};
///
/// let none = AllowedServers::default();
/// let org = normalize_organization(" git@ssh.dev.azure.com:v3/Contoso/Web/web ", &none).unwrap();
/// assert_eq!(org.organization, "Contoso");
/// assert_eq!(org.organization_url, "https://dev.azure.com/Contoso");
/// assert_eq!(org.deployment_type, DeploymentType::Hosted);
///
/// let err = normalize_organization("https://dev.azure.com.evil.com/contoso", &none).unwrap_err();
/// assert_eq!(err, OrgError::NotAzureDevOps { host: "dev.azure.com.evil.com".into() });
///
/// let servers = AllowedServers::new(["tfs.corp.local:8080"]);
/// let org = normalize_organization("http://TFS.corp.local:8080/tfs/DefaultCollection/Web", &servers).unwrap();
/// assert_eq!(org.organization_url, "http://tfs.corp.local:8080/tfs/DefaultCollection");
/// assert_eq!(org.deployment_type, DeploymentType::OnPremises);
/// ```
///
/// # Errors
/// An [`OrgError`] saying what is wrong, with the contract code from [`OrgError::code`].
pub fn normalize_organization(
    input: &str,
    allowed_servers: &AllowedServers,
) -> Result<Organization, OrgError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(OrgError::Empty);
    }
    if text.chars().nth(MAX_INPUT_LEN).is_some() {
        return Err(malformed(TOO_LONG));
    }
    if text.chars().any(|c| c.is_control() || is_invisible(c)) {
        return Err(malformed(INVISIBLE));
    }
    // WHATWG URL parsing reads `\` as `/` in http(s) URLs, which is how `evil.com\@dev.azure.com`
    // tricks naive checks; nobody types one on purpose.
    if text.contains('\\') {
        return Err(malformed(BACKSLASH));
    }
    match shape(text)? {
        Shape::Name(name) => hosted(validate_org_name(name, name)?),
        Shape::Url(url_text) => from_url(&url_text, text.contains('%'), allowed_servers),
    }
}

/// What the input looks like before parsing.
enum Shape<'a> {
    /// A bare organization name.
    Name(&'a str),
    /// A URL, with a scheme added when the input had none and SSH scp syntax rewritten.
    Url(String),
}

fn shape(text: &str) -> Result<Shape<'_>, OrgError> {
    let head_end = text.find(['/', '?', '#']).unwrap_or(text.len());
    let head = &text[..head_end];
    if text.starts_with('[') {
        // An IPv6 literal without a scheme.
        return Ok(Shape::Url(format!("https://{text}")));
    }
    if let Some(colon) = head.find(':') {
        let before = &head[..colon];
        let after = &head[colon + 1..];
        let scheme = before.to_ascii_lowercase();
        return if matches!(scheme.as_str(), "http" | "https" | "ssh") {
            Ok(Shape::Url(text.to_owned()))
        } else if is_scheme(before) && is_dangerous_scheme(&scheme) {
            Err(malformed(UNSUPPORTED_SCHEME))
        } else if after.contains('@')
            || (!after.is_empty() && after.bytes().all(|b| b.is_ascii_digit()))
        {
            // `user:password@host…` or `host:port…`.
            Ok(Shape::Url(format!("https://{text}")))
        } else if before.contains(['@', '.']) {
            // scp-like SSH remote `[user@]host:path`; `ssh://user@host/path` says the same.
            let path = text[colon + 1..].trim_start_matches('/');
            Ok(Shape::Url(format!("ssh://{before}/{path}")))
        } else if is_scheme(before) {
            Err(malformed(UNSUPPORTED_SCHEME))
        } else {
            Err(malformed(NOT_A_URL))
        };
    }
    if text.contains(['/', '.', '@', '?', '#']) {
        Ok(Shape::Url(format!("https://{text}")))
    } else {
        Ok(Shape::Name(text))
    }
}

fn from_url(
    text: &str,
    input_had_percent: bool,
    allowed_servers: &AllowedServers,
) -> Result<Organization, OrgError> {
    // Before the URL parser runs: it would map look-alikes to ASCII, or refuse them with a vaguer reason.
    let raw_host = raw_host(text)?;
    let url = parsed_url::parse(text).ok_or_else(|| malformed(NOT_A_URL))?;
    let host = match url.host_kind {
        HostKind::Domain => {
            let domain = url.host.to_ascii_lowercase();
            if raw_host.to_ascii_lowercase() != domain {
                return Err(malformed(NOT_A_URL));
            }
            domain
        }
        // `2130706433`, `0x7f.1` and `127.1` all parse as 127.0.0.1.
        HostKind::Ipv4 if raw_host != url.host => return Err(malformed(NUMERIC_HOST)),
        HostKind::Ipv4 | HostKind::Ipv6 => url.host.clone(),
    };
    let ssh = url.scheme == "ssh";
    let segments = url.segments();
    let decode = |segment: &str| display_segment(segment, input_had_percent);

    if host == "ssh.dev.azure.com" || host == "vs-ssh.visualstudio.com" {
        if ssh {
            check_port(&url, 22, SSH_PORT)?;
        } else {
            check_port(&url, 443, HOSTED_PORT)?;
        }
        if !segments
            .first()
            .is_some_and(|s| s.eq_ignore_ascii_case("v3"))
        {
            return Err(malformed(SSH_PATH));
        }
        let segment = non_empty(segments.get(1))?;
        return hosted_segment(segment, &decode(segment));
    }

    let source = if host == HOSTED_HOST {
        Some(OrgSource::FirstSegment)
    } else if let Some(service) = host.strip_suffix(".dev.azure.com") {
        // vssps, vsaex, vsrm…: the org is in the path. Unknown labels are refused rather than
        // guessed at, so `contoso.dev.azure.com/x` does not become the organization `x`.
        SERVICE_LABELS
            .contains(&service)
            .then_some(OrgSource::FirstSegment)
    } else if let Some(rest) = host.strip_suffix(".visualstudio.com") {
        // The label comes from the raw host so that it keeps the case typed.
        let typed_label = raw_host.split('.').next().unwrap_or_default();
        match rest.split('.').collect::<Vec<_>>().as_slice() {
            [org] if !NOT_ORG_LABELS.contains(org) => Some(OrgSource::HostLabel(typed_label)),
            // app.vssps.visualstudio.com serves every organization.
            ["app", service] if LEGACY_SERVICE_LABELS.contains(service) => {
                return Err(OrgError::MissingOrganization)
            }
            [_, service] if LEGACY_SERVICE_LABELS.contains(service) => {
                Some(OrgSource::HostLabel(typed_label))
            }
            _ => None,
        }
    } else {
        None
    };

    let Some(source) = source else {
        return on_premises(&url, &host, &segments, input_had_percent, allowed_servers);
    };
    if ssh {
        return Err(malformed(SSH_SCHEME));
    }
    check_port(&url, 443, HOSTED_PORT)?;
    match source {
        OrgSource::HostLabel(label) => hosted(validate_org_name(label, label)?),
        OrgSource::FirstSegment => {
            let segment = non_empty(segments.first())?;
            hosted_segment(segment, &decode(segment))
        }
    }
}

/// Where a hosted address carries the organization name.
enum OrgSource<'a> {
    /// `dev.azure.com/{org}` and the `*.dev.azure.com/{org}` service hosts.
    FirstSegment,
    /// `{org}.visualstudio.com` and `{org}.{service}.visualstudio.com`, as typed.
    HostLabel(&'a str),
}

fn on_premises(
    url: &ParsedUrl,
    host: &str,
    segments: &[&str],
    input_had_percent: bool,
    allowed_servers: &AllowedServers,
) -> Result<Organization, OrgError> {
    if !allowed_servers.allows(host, url.port, url.port_or_known_default()) {
        let looks_like_server = url.port == Some(8080)
            || segments
                .first()
                .is_some_and(|s| s.eq_ignore_ascii_case("tfs"))
            || segments.iter().any(|s| {
                ["DefaultCollection", "_git", "_apis"]
                    .iter()
                    .any(|marker| s.eq_ignore_ascii_case(marker))
            });
        return Err(if looks_like_server {
            OrgError::ServerNotAllowed {
                host: match url.port {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                },
            }
        } else {
            OrgError::NotAzureDevOps {
                host: host.to_owned(),
            }
        });
    }
    if url.scheme == "ssh" {
        return Err(malformed(SERVER_SSH));
    }
    let (prefix, collection) = match segments {
        [first, rest @ ..] if first.eq_ignore_ascii_case("tfs") => ("/tfs", rest.first()),
        _ => ("", segments.first()),
    };
    let collection = non_empty(collection)?;
    let shown = display_segment(collection, input_had_percent);
    validate_collection_name(collection, &shown)?;
    let port = url.port.map(|p| format!(":{p}")).unwrap_or_default();
    Ok(Organization {
        organization: collection.to_owned(),
        organization_url: format!("{}://{host}{port}{prefix}/{collection}", url.scheme),
        deployment_type: DeploymentType::OnPremises,
    })
}

fn hosted_segment(segment: &str, shown: &str) -> Result<Organization, OrgError> {
    hosted(validate_org_name(segment, shown)?)
}

fn hosted(name: &str) -> Result<Organization, OrgError> {
    Ok(Organization {
        organization: name.to_owned(),
        organization_url: format!("https://{HOSTED_HOST}/{name}"),
        deployment_type: DeploymentType::Hosted,
    })
}

/// Checks an organization name against Azure DevOps' naming rules (see [`NameRule`]); `shown` is
/// how the error quotes it.
fn validate_org_name<'a>(name: &'a str, shown: &str) -> Result<&'a str, OrgError> {
    let invalid = |rule| OrgError::InvalidName {
        name: shown.to_owned(),
        rule,
    };
    // `.visualstudio.com` has an empty first label: no organization, rather than a bad one.
    if name.is_empty() {
        return Err(OrgError::MissingOrganization);
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(invalid(NameRule::InvalidCharacter));
    }
    if name.len() > MAX_ORG_LEN {
        return Err(invalid(NameRule::TooLong));
    }
    if name.starts_with('-') {
        return Err(invalid(NameRule::StartsWithHyphen));
    }
    if name.ends_with('-') {
        return Err(invalid(NameRule::EndsWithHyphen));
    }
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
        return Err(invalid(NameRule::Reserved));
    }
    Ok(name)
}

/// Checks an Azure DevOps Server collection name, whose rules are looser than an organization's.
fn validate_collection_name(name: &str, shown: &str) -> Result<(), OrgError> {
    let valid = name.len() <= MAX_COLLECTION_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && !name.starts_with(['_', '.'])
        && !name.ends_with('.');
    if valid {
        Ok(())
    } else {
        Err(OrgError::InvalidName {
            name: shown.to_owned(),
            rule: NameRule::CollectionName,
        })
    }
}

/// The host exactly as typed (case included), after checks a WHATWG URL parser would otherwise
/// smooth over: it maps fullwidth and other compatibility characters to ASCII and decodes `%`
/// escapes, which would let a look-alike become the real host silently.
fn raw_host(text: &str) -> Result<&str, OrgError> {
    let after_scheme = text.split_once(':').map_or(text, |(_, rest)| rest);
    let rest = after_scheme.trim_start_matches('/');
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    // User info ends at the last `@`, as in the URL standard.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    if !host_port.is_ascii() {
        return Err(malformed(NON_ASCII_HOST));
    }
    if host_port.contains('%') {
        return Err(malformed(ENCODED_HOST));
    }
    Ok(if host_port.starts_with('[') {
        host_port
            .find(']')
            .map_or(host_port, |end| &host_port[..=end])
    } else {
        host_port.split(':').next().unwrap_or_default()
    })
}

/// Refuses any explicit port but the service's own.
fn check_port(url: &ParsedUrl, allowed: u16, reason: &'static str) -> Result<(), OrgError> {
    match url.port {
        None => Ok(()),
        Some(port) if port == allowed => Ok(()),
        Some(_) => Err(malformed(reason)),
    }
}

fn non_empty<'a>(segment: Option<&&'a str>) -> Result<&'a str, OrgError> {
    segment
        .copied()
        .filter(|s| !s.is_empty())
        .ok_or(OrgError::MissingOrganization)
}

/// How an error quotes a path segment: the URL parser percent-encodes what it must (spaces,
/// non-ASCII), and showing `my%20org` for `my org` would confuse; but when the person typed `%`
/// themselves, the escape is the point and is shown as typed.
fn display_segment(segment: &str, input_had_percent: bool) -> String {
    if input_had_percent || !segment.contains('%') {
        return segment.to_owned();
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| segment.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Format characters that render as nothing but change meaning: zero-width spaces and joiners,
/// bidirectional overrides (the "Trojan Source" trick), the soft hyphen and the BOM.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// RFC 3986 scheme syntax.
fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// Schemes that are refused even when what follows could pass for `user:password@host`.
fn is_dangerous_scheme(scheme: &str) -> bool {
    matches!(
        scheme,
        "javascript"
            | "vbscript"
            | "data"
            | "file"
            | "blob"
            | "about"
            | "mailto"
            | "ftp"
            | "ws"
            | "wss"
            | "git"
    )
}

fn malformed(reason: &'static str) -> OrgError {
    OrgError::Malformed { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(input: &str) -> Result<Organization, OrgError> {
        normalize_organization(input, &AllowedServers::default())
    }

    #[test]
    fn allowlist_entries_with_and_without_port() {
        let any_port = AllowedServers::new(["TFS.corp.local/"]);
        assert_eq!(any_port.hosts(), ["tfs.corp.local"]);
        assert!(any_port.allows("tfs.corp.local", Some(8080), Some(8080)));
        assert!(any_port.allows("tfs.corp.local", None, Some(443)));
        let pasted = AllowedServers::new(["HTTPS://tfs.corp.local:8080/", "http://devops.example"]);
        assert_eq!(pasted.hosts(), ["tfs.corp.local:8080", "devops.example"]);
        let one_port = AllowedServers::new(["tfs.corp.local:8080", "  "]);
        assert_eq!(one_port.hosts().len(), 1);
        assert!(one_port.allows("tfs.corp.local", Some(8080), Some(8080)));
        assert!(!one_port.allows("tfs.corp.local", Some(8081), Some(8081)));
        assert!(!one_port.allows("tfs.corp.local", None, Some(443)));
        let default_port = AllowedServers::new(["tfs.corp.local:443"]);
        assert!(default_port.allows("tfs.corp.local", None, Some(443)));
    }

    #[test]
    fn errors_never_echo_user_info() {
        let err = norm("https://alice:hunter2@evil.example/contoso").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        assert!(!format!("{err:?}").contains("alice"), "{err:?}");
    }

    #[test]
    fn display_segment_decodes_only_escapes_the_parser_made() {
        assert_eq!(display_segment("my%20org", false), "my org");
        assert_eq!(display_segment("contos%C5%91", false), "contos\u{151}");
        assert_eq!(display_segment("%63ontoso", true), "%63ontoso");
        assert_eq!(display_segment("bad%zz", false), "bad%zz");
    }

    #[test]
    fn scheme_syntax() {
        assert!(is_scheme("https"));
        assert!(is_scheme("git+ssh"));
        assert!(!is_scheme("1http"));
        assert!(!is_scheme(""));
        assert!(!is_scheme("dev azure"));
    }
}
