//! `normalize_organization` on arbitrary text: it never panics, every success is canonical,
//! points at dev.azure.com or an allowlisted server and normalizes to itself again, and every
//! failure carries a contract code and a readable message.
//!
//! Input layout: `text` alone is checked against both the empty allowlist and
//! [`FIXED_SERVERS`]; `text NUL entries` (the part after the last NUL byte, comma-separated) is
//! checked against an allowlist the fuzzer chose, so odd entries reach the on-prem path too.
#![no_main]

use azdo_connect_core::{
    normalize_organization, AllowedServers, DeploymentType, ErrorCode, Organization,
};
use libfuzzer_sys::fuzz_target;
use url::Url;

#[path = "../../crates/core/tests/support/naming_rules.rs"]
mod naming_rules;
use naming_rules::{is_valid_collection_name, is_valid_org_name};

/// The allowlist every plain input is also checked against.
const FIXED_SERVERS: [&str; 2] = ["tfs.example.com", "tfs.example.com:8080"];

fuzz_target!(|data: &[u8]| {
    let (text, entries) = match data.iter().rposition(|&b| b == 0) {
        Some(nul) => (&data[..nul], Some(&data[nul + 1..])),
        None => (data, None),
    };
    let Ok(input) = std::str::from_utf8(text) else {
        return;
    };
    match entries {
        Some(entries) => {
            let entries = String::from_utf8_lossy(entries);
            // The invariants are asserted inside; the result only matters for comparisons.
            let _ = check(input, &AllowedServers::new(entries.split(',')));
        }
        None => {
            let hosted_only = check(input, &AllowedServers::default());
            let with_servers = check(input, &AllowedServers::new(FIXED_SERVERS));
            check_allowlist_only_widens(input, &hosted_only, &with_servers);
        }
    }
});

/// Normalizes `input` and asserts every invariant of the result.
fn check(input: &str, servers: &AllowedServers) -> Result<Organization, ErrorCode> {
    match normalize_organization(input, servers) {
        Ok(org) => {
            check_success(input, servers, &org);
            Ok(org)
        }
        Err(e) => {
            let code = e.code();
            assert!(
                matches!(
                    code,
                    ErrorCode::InvalidOrganization | ErrorCode::HostNotAllowed
                ),
                "{input:?} failed with a code outside the normalizer's two: {code}"
            );
            let message = e.to_string();
            assert!(!message.trim().is_empty(), "{input:?}: empty message");
            // The message is shown in the widget and returned by the proxy: a control or
            // bidirectional-override character from the input would garble or disguise it.
            assert!(
                !message.chars().any(is_unprintable),
                "{input:?}: message echoes an unprintable character: {message:?}"
            );
            Err(code)
        }
    }
}

fn check_success(input: &str, servers: &AllowedServers, org: &Organization) {
    let url = Url::parse(&org.organization_url)
        .unwrap_or_else(|e| panic!("{input:?} -> {org:?}: unparsable URL: {e}"));
    assert_eq!(
        url.as_str(),
        org.organization_url,
        "{input:?}: the canonical URL is not in the url crate's canonical form"
    );
    assert!(
        url.username().is_empty() && url.password().is_none(),
        "{input:?} -> {org:?}: URL keeps user info"
    );
    assert!(
        url.query().is_none() && url.fragment().is_none(),
        "{input:?} -> {org:?}: URL keeps a query or fragment"
    );
    match org.deployment_type {
        DeploymentType::Hosted => {
            assert_eq!(url.scheme(), "https", "{input:?} -> {org:?}");
            assert_eq!(
                url.host_str(),
                Some("dev.azure.com"),
                "{input:?} -> {org:?}"
            );
            assert_eq!(url.port(), None, "{input:?} -> {org:?}");
            assert!(
                is_valid_org_name(&org.organization),
                "{input:?} -> {org:?}: name breaks the naming rules"
            );
            assert_eq!(
                org.organization_url,
                format!("https://dev.azure.com/{}", org.organization),
                "{input:?}"
            );
            // The bare name is enough to find a hosted organization again.
            let again = normalize_organization(&org.organization, servers);
            assert_eq!(again.as_ref(), Ok(org), "{input:?}: name not idempotent");
        }
        DeploymentType::OnPremises => {
            assert!(
                matches!(url.scheme(), "http" | "https"),
                "{input:?} -> {org:?}"
            );
            let host = url.host_str().unwrap_or_default();
            let with_port = |port: Option<u16>| port.map(|p| format!("{host}:{p}"));
            let (explicit, effective) = (
                with_port(url.port()),
                with_port(url.port_or_known_default()),
            );
            assert!(
                servers.hosts().iter().any(|entry| entry == host
                    || Some(entry) == explicit.as_ref()
                    || Some(entry) == effective.as_ref()),
                "{input:?} -> {org:?}: host is not in the allowlist {:?}",
                servers.hosts()
            );
            assert!(
                is_valid_collection_name(&org.organization),
                "{input:?} -> {org:?}: collection name breaks the rules"
            );
            let path = url.path();
            assert!(
                path == format!("/{}", org.organization)
                    || path == format!("/tfs/{}", org.organization),
                "{input:?} -> {org:?}: path is not [/tfs]/{{collection}}"
            );
        }
    }
    let again = normalize_organization(&org.organization_url, servers);
    assert_eq!(again.as_ref(), Ok(org), "{input:?}: URL not idempotent");
}

/// Allowlisting servers only turns on-prem refusals into successes: it never changes a hosted
/// result, and every on-prem success is a `host_not_allowed` refusal without the allowlist.
fn check_allowlist_only_widens(
    input: &str,
    hosted_only: &Result<Organization, ErrorCode>,
    with_servers: &Result<Organization, ErrorCode>,
) {
    let is_hosted = |r: &Result<Organization, ErrorCode>| {
        r.as_ref()
            .is_ok_and(|org| org.deployment_type == DeploymentType::Hosted)
    };
    if is_hosted(hosted_only) || is_hosted(with_servers) {
        assert_eq!(
            hosted_only, with_servers,
            "{input:?}: the allowlist changed a hosted result"
        );
    }
    if let Ok(org) = hosted_only {
        assert_eq!(
            org.deployment_type,
            DeploymentType::Hosted,
            "{input:?}: on-prem without an allowlist"
        );
    }
    if with_servers
        .as_ref()
        .is_ok_and(|org| org.deployment_type == DeploymentType::OnPremises)
    {
        assert_eq!(hosted_only, &Err(ErrorCode::HostNotAllowed), "{input:?}");
    }
}

/// Control characters and the format characters that reorder or hide text.
fn is_unprintable(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

