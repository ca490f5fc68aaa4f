//! The parts of a parsed URL that the organization normalizer reads, from a WHATWG URL parser.
//!
//! Natively that parser is the `url` crate. In the browser it is the browser's own `URL`, which
//! implements the same standard: shipping `url` (and its IDNA layer) in the widget would cost
//! about 57 KB of wasm to parse a few addresses the page can already parse. The JSON vectors in
//! `tests/vectors/` run against both builds (natively, and in chromium through the widget's
//! browser tests), so the two cannot drift apart unnoticed.

/// What kind of host the parser found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostKind {
    /// A domain (lowercased for http and https; as typed for an opaque `ssh` host).
    Domain,
    /// An IPv4 address, serialized as four decimal parts whatever form was typed.
    Ipv4,
    /// An IPv6 address, serialized compressed and in brackets.
    Ipv6,
}

/// A URL with a host, as the normalizer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedUrl {
    /// The scheme, lowercase and without `:`.
    pub scheme: String,
    /// The host as serialized by the parser.
    pub host: String,
    /// What [`Self::host`] is.
    pub host_kind: HostKind,
    /// The port when one was typed and it is not the scheme's default.
    pub port: Option<u16>,
    /// The serialized path: empty, or starting with `/`.
    pub path: String,
}

impl ParsedUrl {
    /// The path's segments, as `url::Url::path_segments` gives them (none for an empty path).
    pub fn segments(&self) -> Vec<&str> {
        self.path
            .strip_prefix('/')
            .map(|p| p.split('/').collect())
            .unwrap_or_default()
    }

    /// [`Self::port`], or the default port of the schemes that have one.
    pub fn port_or_known_default(&self) -> Option<u16> {
        self.port.or(match self.scheme.as_str() {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        })
    }
}

/// Parses an absolute URL; `None` when it is not one, or when it has no host (an opaque path
/// such as `ssh:contoso`, or an empty host such as `ssh:///v3`).
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn parse(text: &str) -> Option<ParsedUrl> {
    use url::{Host, Url};

    let url = Url::parse(text).ok()?;
    if url.cannot_be_a_base() {
        return None;
    }
    let (host, host_kind) = match url.host()? {
        Host::Domain(domain) => (domain.to_owned(), HostKind::Domain),
        Host::Ipv4(ip) => (ip.to_string(), HostKind::Ipv4),
        Host::Ipv6(_) => (url.host_str()?.to_owned(), HostKind::Ipv6),
    };
    if host.is_empty() {
        return None;
    }
    Some(ParsedUrl {
        scheme: url.scheme().to_owned(),
        host,
        host_kind,
        port: url.port(),
        path: url.path().to_owned(),
    })
}

/// Parses an absolute URL with the browser's `URL`; `None` when it is not one, or when it has no
/// host (an opaque path such as `ssh:contoso`, or an empty host such as `ssh:///v3`).
#[cfg(target_arch = "wasm32")]
pub(crate) fn parse(text: &str) -> Option<ParsedUrl> {
    let url = web_sys::Url::new(text).ok()?;
    let scheme = url.protocol().strip_suffix(':')?.to_owned();
    let host = url.hostname();
    if host.is_empty() {
        return None;
    }
    let host_kind = if host.starts_with('[') {
        HostKind::Ipv6
    } else if matches!(scheme.as_str(), "http" | "https") && is_dotted_ipv4(&host) {
        // A special URL's host that "ends in a number" is always parsed as IPv4 and serialized
        // as four decimal parts, so this shape cannot be a domain.
        HostKind::Ipv4
    } else {
        HostKind::Domain
    };
    let port = url.port();
    Some(ParsedUrl {
        scheme,
        host,
        host_kind,
        port: if port.is_empty() {
            None
        } else {
            Some(port.parse().ok()?)
        },
        path: url.pathname(),
    })
}

#[cfg(target_arch = "wasm32")]
fn is_dotted_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_normalizer_needs() {
        let url = parse("https://Contoso@DEV.azure.com:443/contoso/Web/_git/web?x#y").unwrap();
        assert_eq!(url.scheme, "https");
        assert_eq!(url.host, "dev.azure.com");
        assert_eq!(url.host_kind, HostKind::Domain);
        assert_eq!(url.port, None);
        assert_eq!(url.port_or_known_default(), Some(443));
        assert_eq!(url.segments(), ["contoso", "Web", "_git", "web"]);
    }

    #[test]
    fn hosts_of_every_kind() {
        let v4 = parse("http://0x7f.1:8080/tfs").unwrap();
        assert_eq!(
            (v4.host.as_str(), v4.host_kind),
            ("127.0.0.1", HostKind::Ipv4)
        );
        assert_eq!(v4.port, Some(8080));
        let v6 = parse("https://[0:0::1]/x").unwrap();
        assert_eq!((v6.host.as_str(), v6.host_kind), ("[::1]", HostKind::Ipv6));
        let ssh = parse("ssh://git@SSH.dev.azure.com:22/v3/contoso").unwrap();
        assert_eq!(
            (ssh.host.as_str(), ssh.port),
            ("SSH.dev.azure.com", Some(22))
        );
        assert_eq!(ssh.port_or_known_default(), Some(22));
    }

    #[test]
    fn no_host_is_not_a_url() {
        for text in ["ssh:contoso", "ssh:///v3/contoso", "https://", "not a url"] {
            assert_eq!(parse(text), None, "{text}");
        }
        assert!(parse("ssh://h").unwrap().segments().is_empty());
    }
}
