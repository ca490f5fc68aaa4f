//! Properties of `normalize_organization` over generated input: it never panics, every success
//! points at dev.azure.com or an allowlisted server with a name that follows the rules, and
//! normalizing a result again changes nothing.
#![cfg(not(target_arch = "wasm32"))]

use azdo_connect_core::{normalize_organization, AllowedServers, DeploymentType, Organization};
use proptest::prelude::*;
use url::Url;

#[path = "support/naming_rules.rs"]
mod naming_rules;
use naming_rules::{is_valid_collection_name, is_valid_org_name};

const ALLOWED: [&str; 2] = ["tfs.corp.local:8080", "devops.corp.example"];
/// A password in generated user info, which no error message may repeat.
const SECRET: &str = "S3cr3tPw";

fn allowed() -> AllowedServers {
    AllowedServers::new(ALLOWED)
}

/// Every invariant a successful result must satisfy.
fn check_success(input: &str, org: &Organization) -> Result<(), TestCaseError> {
    let url = Url::parse(&org.organization_url)
        .map_err(|e| TestCaseError::fail(format!("{input:?} gave an unparsable URL: {e}")))?;
    match org.deployment_type {
        DeploymentType::Hosted => {
            prop_assert_eq!(url.scheme(), "https");
            prop_assert_eq!(url.host_str(), Some("dev.azure.com"));
            prop_assert_eq!(url.port(), None);
            prop_assert!(
                is_valid_org_name(&org.organization),
                "{:?} -> {:?}",
                input,
                org
            );
            prop_assert_eq!(
                &org.organization_url,
                &format!("https://dev.azure.com/{}", org.organization)
            );
            let again = normalize_organization(&org.organization, &allowed());
            prop_assert_eq!(
                again.as_ref(),
                Ok(org),
                "name not idempotent for {:?}",
                input
            );
        }
        DeploymentType::OnPremises => {
            let host = url.host_str().unwrap_or_default().to_owned();
            let with_port = url.port_or_known_default().map(|p| format!("{host}:{p}"));
            prop_assert!(
                ALLOWED
                    .iter()
                    .any(|a| *a == host || Some(a.to_string()) == with_port),
                "{:?} -> {:?} is not allowlisted",
                input,
                org
            );
            prop_assert!(
                is_valid_collection_name(&org.organization),
                "{:?} -> {:?}",
                input,
                org
            );
            let suffix = format!("/{}", org.organization);
            prop_assert!(org.organization_url.ends_with(&suffix), "{:?}", org);
        }
    }
    prop_assert!(url.username().is_empty() && url.password().is_none());
    prop_assert!(url.query().is_none() && url.fragment().is_none());
    let again = normalize_organization(&org.organization_url, &allowed());
    prop_assert_eq!(
        again.as_ref(),
        Ok(org),
        "URL not idempotent for {:?}",
        input
    );
    Ok(())
}

fn check(input: &str) -> Result<(), TestCaseError> {
    match normalize_organization(input, &allowed()) {
        Ok(org) => check_success(input, &org),
        Err(e) => {
            let message = e.to_string();
            prop_assert!(!message.is_empty());
            prop_assert!(
                !message.contains(SECRET),
                "{:?} leaked user info: {}",
                input,
                message
            );
            let debug = format!("{e:?}");
            prop_assert!(!debug.contains(SECRET), "{}", debug);
            Ok(())
        }
    }
}

/// Strings assembled from the pieces addresses are made of, hostile ones included. Repeated
/// entries weight the choice towards well-formed pieces, so that successes are common too.
fn url_ish() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec![
        "",
        "",
        "",
        "https://",
        "https://",
        "http://",
        "HTTPS://",
        "ssh://",
        "https:",
        "https:///",
        "javascript:",
        "file://",
        "ftp://",
        "//",
    ]);
    let userinfo = prop::sample::select(vec![
        "",
        "",
        "",
        "",
        "git@",
        "contoso@",
        "user:S3cr3tPw@",
        "dev.azure.com@",
        "evil.com:S3cr3tPw@",
    ]);
    let host = prop::sample::select(vec![
        "dev.azure.com",
        "dev.azure.com",
        "DEV.Azure.COM",
        "ssh.dev.azure.com",
        "vs-ssh.visualstudio.com",
        "contoso.visualstudio.com",
        "Contoso.vssps.visualstudio.com",
        "app.vssps.visualstudio.com",
        "vssps.dev.azure.com",
        "vsaex.dev.azure.com",
        "dev.azure.com.evil.com",
        "evil.com",
        "tfs.corp.local",
        "TFS.corp.local",
        "devops.corp.example",
        "127.0.0.1",
        "2130706433",
        "0x7f.1",
        "[::1]",
        "dev.azure.c\u{3bf}m",
        "\u{ff44}ev.azure.com",
        "dev.azure.co%6d",
        "xn--dv-azure-com",
        "localhost",
        "",
    ]);
    let port = prop::sample::select(vec![
        "", "", "", "", "", ":443", ":8080", ":8080", ":22", ":8443", ":", ":0",
    ]);
    let sep = prop::sample::select(vec![
        "/", "/", "/", "/", "/", "/", ":v3/", "/v3/", ":", "\\", "?", "#", "@", "//",
    ]);
    let segment = prop_oneof![
        3 => "[A-Za-z0-9]{1,10}",
        1 => "[A-Za-z0-9_.%@~ -]{0,12}",
        1 => prop::sample::select(vec!["tfs", "v3", "_git", "_apis", "DefaultCollection", "..", "."])
            .prop_map(String::from),
    ];
    let path = prop::collection::vec(segment, 0..5).prop_map(|s| s.join("/"));
    let tail = prop::sample::select(vec![
        "",
        "",
        "",
        "",
        "",
        "/",
        "?x=dev.azure.com",
        "#frag",
        " ",
        "\t",
        "\u{202e}",
    ]);
    (scheme, userinfo, host, port, sep, path, tail)
        .prop_map(|(a, b, c, d, e, f, g)| format!("{a}{b}{c}{d}{e}{f}{g}"))
}

/// Names that follow the organization naming rules.
fn valid_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]([A-Za-z0-9-]{0,48}[A-Za-z0-9])?".prop_filter("reserved", |n| is_valid_org_name(n))
}

proptest! {
    #[test]
    fn never_panics_on_arbitrary_strings(input in any::<String>()) {
        check(&input)?;
    }

    #[test]
    fn never_panics_on_printable_strings(input in "\\PC{0,80}") {
        check(&input)?;
    }

    #[test]
    fn every_form_of_a_valid_name_normalizes_to_it(
        name in valid_name(),
        project in "[A-Za-z][A-Za-z0-9]{0,10}",
        form in 0usize..8,
    ) {
        let input = match form {
            0 => name.clone(),
            1 => format!("dev.azure.com/{name}"),
            2 => format!("https://dev.azure.com/{name}/{project}/_git/{project}?path=/"),
            3 => format!("https://{name}.visualstudio.com/DefaultCollection/{project}"),
            4 => format!("git@ssh.dev.azure.com:v3/{name}/{project}/{project}"),
            5 => format!("{name}@vs-ssh.visualstudio.com:v3/{name}/{project}/{project}"),
            6 => format!("https://user:{SECRET}@vssps.dev.azure.com/{name}/"),
            _ => format!("  HTTP://DEV.AZURE.COM/{name}/  "),
        };
        let org = normalize_organization(&input, &allowed())
            .map_err(|e| TestCaseError::fail(format!("{input:?}: {e}")))?;
        prop_assert_eq!(&org.organization, &name);
        prop_assert_eq!(org.deployment_type, DeploymentType::Hosted);
        check_success(&input, &org)?;
    }

    #[test]
    fn names_differing_in_case_share_one_url_ignoring_case(name in valid_name()) {
        let lower = normalize_organization(&name.to_ascii_lowercase(), &allowed()).unwrap();
        let upper = normalize_organization(&name.to_ascii_uppercase(), &allowed()).unwrap();
        prop_assert!(lower.organization_url.eq_ignore_ascii_case(&upper.organization_url));
    }
}

proptest! {
    // Only a few percent of these inputs are valid, so run enough for the success invariants to
    // see a few hundred successes.
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn url_ish_inputs_keep_every_invariant(input in url_ish()) {
        check(&input)?;
    }
}
