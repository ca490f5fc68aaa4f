//! Where the per-client rate limit reads a client's IP address: the TCP peer, or the header a
//! trusted reverse proxy sets. Parsing the headers is the `client-ip` crate's job (the
//! framework-independent core of `axum-client-ip`).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::extract::ConnectInfo;
use axum::http::Request;

/// Where the rate limiter reads the client's IP address.
///
/// Every source but [`ClientIpSource::Peer`] trusts a header, which any client can send: pick one
/// only when the proxy is reachable **solely** through a reverse proxy that sets (or overwrites)
/// that header. A request through the configured source without a readable address is refused
/// (400 `invalid_request`) rather than counted against the reverse proxy's own address, which
/// would put every customer into one bucket without anyone noticing.
///
/// New sources may be added, so match with a wildcard arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ClientIpSource {
    /// The TCP peer address from axum's `ConnectInfo` (the default). Headers are ignored.
    #[default]
    Peer,
    /// The rightmost address of the last `X-Forwarded-For` header: the one the closest reverse
    /// proxy appended (nginx `$proxy_add_x_forwarded_for`, cloud load balancers).
    XForwardedFor,
    /// The `X-Real-IP` header (nginx `proxy_set_header X-Real-IP $remote_addr`); it must occur
    /// once.
    XRealIp,
    /// The `CF-Connecting-IP` header Cloudflare sets; it must occur once.
    CfConnectingIp,
    /// The `for=` of the rightmost element of the last RFC 7239 `Forwarded` header.
    Forwarded,
}

impl ClientIpSource {
    /// Every source, in the order the command line lists them.
    pub const ALL: [ClientIpSource; 5] = [
        ClientIpSource::Peer,
        ClientIpSource::XForwardedFor,
        ClientIpSource::XRealIp,
        ClientIpSource::CfConnectingIp,
        ClientIpSource::Forwarded,
    ];

    /// The name `--client-ip-source` takes: `peer`, or the header's name in lowercase.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientIpSource::Peer => "peer",
            ClientIpSource::XForwardedFor => "x-forwarded-for",
            ClientIpSource::XRealIp => "x-real-ip",
            ClientIpSource::CfConnectingIp => "cf-connecting-ip",
            ClientIpSource::Forwarded => "forwarded",
        }
    }

    /// The client's address for `request`: `Ok(None)` when the source is the peer and the
    /// router is served without connect info, an error message when the configured header is
    /// missing, repeated where it must be single, or not an IP address.
    pub(crate) fn client_ip<T>(self, request: &Request<T>) -> Result<Option<IpAddr>, String> {
        let headers = request.headers();
        let read = match self {
            ClientIpSource::Peer => return Ok(peer(request)),
            ClientIpSource::XForwardedFor => client_ip::rightmost_x_forwarded_for(headers),
            ClientIpSource::XRealIp => client_ip::x_real_ip(headers),
            ClientIpSource::CfConnectingIp => client_ip::cf_connecting_ip(headers),
            ClientIpSource::Forwarded => client_ip::rightmost_forwarded(headers),
        };
        read.map(Some).map_err(|error| {
            // The reason names the header but never echoes its value (attacker-chosen text).
            let reason = match error {
                client_ip::Error::AbsentHeader { .. } => "is missing",
                client_ip::Error::SingleHeaderRequired { .. } => "occurs more than once",
                _ => "does not hold a readable IP address",
            };
            tracing::warn!(
                source = self.as_str(),
                "refused a request: its {} header {reason} (--client-ip-source {}); it did not come through the configured reverse proxy",
                self.as_str(),
                self.as_str(),
            );
            format!(
                "This request did not come through the reverse proxy this service is configured for: its {} header {reason}. Reach the service through its public address.",
                self.as_str()
            )
        })
    }
}

/// The TCP peer address; `None` (one shared bucket) without connect info, said once in the log.
fn peer<T>(request: &Request<T>) -> Option<IpAddr> {
    static WARNED: AtomicBool = AtomicBool::new(false);
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if ip.is_none() && !WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            "the router is served without connect info: every client shares one rate-limit bucket; serve it with into_make_service_with_connect_info::<SocketAddr>(), or set a client IP source behind a reverse proxy"
        );
    }
    ip
}

impl fmt::Display for ClientIpSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name `--client-ip-source` does not take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownClientIpSource(String);

impl fmt::Display for UnknownClientIpSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = ClientIpSource::ALL.iter().map(|s| s.as_str()).collect();
        write!(
            f,
            "unknown client IP source {:?}; expected one of: {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownClientIpSource {}

impl FromStr for ClientIpSource {
    type Err = UnknownClientIpSource;

    /// Parses a name as [`ClientIpSource::as_str`] writes it, ignoring case and surrounding
    /// whitespace.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        ClientIpSource::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text))
            .ok_or_else(|| UnknownClientIpSource(text.chars().take(64).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for source in ClientIpSource::ALL {
            assert_eq!(source.as_str().parse(), Ok(source));
            assert_eq!(source.to_string(), source.as_str());
        }
        assert_eq!(
            " X-Forwarded-For ".parse(),
            Ok(ClientIpSource::XForwardedFor)
        );
        let error = "true-client-ip".parse::<ClientIpSource>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown client IP source \"true-client-ip\"; expected one of: peer, x-forwarded-for, x-real-ip, cf-connecting-ip, forwarded"
        );
    }
}
