//! The proxy's HTTP contract over real loopback HTTP, against the fake Azure DevOps.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use azdo_connect_core::contract::{CredentialClaims, VerifyResponse};
use azdo_connect_core::Pat;
use azdo_connect_proxy::{open_credential, Keyring, RateLimit, SealKey, Sealer};
use common::{demo, Harness};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn scope_status(body: &Value, id: &str) -> String {
    body["scopes"]
        .as_array()
        .or_else(|| body["error"]["scopes"].as_array())
        .expect("scopes")
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no scope {id} in {body}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn hosts(h: &Harness) -> BTreeSet<String> {
    h.fake.requests_by_host().into_keys().collect()
}

// A full-access token is valid; identity, credential and headers are right.
#[tokio::test]
async fn full_token_verifies_and_seals_a_credential() {
    let h = Harness::start().await;
    let reply = h
        .verify(
            demo::ORG,
            demo::FULL,
            &["vso.code", "vso.project", "vso.profile"],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let body: VerifyResponse = serde_json::from_value(reply.body.clone()).unwrap();
    assert_eq!(body.organization, "contoso");
    assert_eq!(body.organization_url, "https://dev.azure.com/contoso");
    assert_eq!(body.user.id, demo::USER_ID);
    assert_eq!(body.user.display_name, demo::USER_NAME);
    assert_eq!(body.user.email.as_deref(), Some(demo::USER_EMAIL));
    assert_eq!(reply.body["deploymentType"], "hosted");
    for id in ["vso.code", "vso.project", "vso.profile"] {
        assert_eq!(scope_status(&reply.body, id), "granted");
    }
    assert!(body.warnings.is_empty(), "{:?}", body.warnings);
    time::OffsetDateTime::parse(
        &body.verified_at,
        &time::format_description::well_known::Rfc3339,
    )
    .expect("verifiedAt is RFC 3339");
    assert!(
        !reply.body.to_string().contains(demo::FULL),
        "the raw PAT came back"
    );
    assert_eq!(reply.headers["cache-control"], "no-store");

    let claims = open_credential(&body.credential, &Keyring::new(&h.key, &[])).unwrap();
    assert_eq!(claims.org, "contoso");
    assert_eq!(claims.org_url, "https://dev.azure.com/contoso");
    assert_eq!(claims.pat.as_ref().unwrap().expose(), demo::FULL);
    assert_eq!(claims.user_id, demo::USER_ID);
    assert_eq!(claims.scopes, ["vso.code", "vso.profile", "vso.project"]);
    let exp = claims.exp.expect("exp");
    assert_eq!(exp - claims.iat, 30 * 24 * 60 * 60);

    // Every upstream call: GET, with the token and the Suppress header, probes with $top=1.
    let requests = h.fake.requests();
    assert_eq!(requests.len(), 4, "{requests:?}");
    for r in &requests {
        assert_eq!(r.method, "GET");
        assert!(r.had_authorization && r.had_suppress, "{r:?}");
    }
    // Every probe names its api-version and asks for one item (or none), never a list.
    for r in requests
        .iter()
        .filter(|r| !r.path.ends_with("connectionData"))
    {
        let q = r.query.as_deref().unwrap_or_default();
        assert!(q.contains("api-version=7.1"), "{r:?}");
        assert!(
            !r.path.ends_with("/projects") && !r.path.ends_with("/repositories"),
            "{r:?}"
        );
        if r.path.ends_with("/teams") {
            assert!(q.contains("top=1"), "{r:?}");
        }
    }
    assert_eq!(
        hosts(&h),
        BTreeSet::from(["dev.azure.com".to_owned(), "vssps.dev.azure.com".to_owned()])
    );
    h.stop().await;
}

// A scoped token: connectionData works, probes tell scopes apart.
#[tokio::test]
async fn scoped_tokens_report_granted_and_missing_scopes() {
    let h = Harness::start().await;
    let reply = h
        .verify(
            demo::ORG,
            demo::CODE_PROJECT,
            &["vso.code", "vso.project", "vso.profile"],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    for id in ["vso.code", "vso.project", "vso.profile"] {
        assert_eq!(scope_status(&reply.body, id), "granted");
    }

    let reply = h.verify(demo::ORG, demo::PROFILE, &["vso.profile"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(scope_status(&reply.body, "vso.profile"), "granted");

    // vso.code only: the teams probe is refused with 401 ⇒ missing_scopes (projects alone would
    // have passed: Code includes User Profile, which lists projects).
    let reply = h
        .verify(demo::ORG, demo::CODE, &["vso.code", "vso.project"])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "missing_scopes");
    assert_eq!(reply.body["error"]["missingScopes"], json!(["vso.project"]));
    assert_eq!(scope_status(&reply.body, "vso.code"), "granted");
    assert_eq!(scope_status(&reply.body, "vso.project"), "missing");
    assert!(reply.body["error"]["scopes"][0]["label"]
        .as_str()
        .unwrap()
        .contains("Code"));
    h.stop().await;
}

// Member entitlements, and the write ⊃ read rule for scopes that can't be observed read-only.
#[tokio::test]
async fn unobservable_scopes_are_unknown_unless_their_read_scope_is_missing() {
    let h = Harness::start().await;
    let reply = h
        .verify(
            demo::ORG,
            demo::FULL,
            &[
                "vso.code_write",
                "vso.memberentitlementmanagement",
                "vso.work",
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(scope_status(&reply.body, "vso.code_write"), "unknown");
    assert_eq!(
        scope_status(&reply.body, "vso.memberentitlementmanagement"),
        "granted"
    );
    assert_eq!(scope_status(&reply.body, "vso.work"), "granted");
    assert!(hosts(&h).contains("vsaex.dev.azure.com"));

    let reply = h
        .verify(
            demo::ORG,
            demo::CODE,
            &["vso.code_write", "vso.project_write"],
        )
        .await;
    assert_eq!(reply.code(), "missing_scopes", "{:?}", reply.body);
    assert_eq!(
        reply.body["error"]["missingScopes"],
        json!(["vso.project_write"])
    );
    assert_eq!(scope_status(&reply.body, "vso.code_write"), "unknown");
    assert_eq!(scope_status(&reply.body, "vso.project_write"), "missing");

    let reply = h
        .verify(demo::ORG, demo::CODE, &["vso.memberentitlementmanagement"])
        .await;
    assert_eq!(reply.code(), "missing_scopes");
    h.stop().await;
}

// Expired, revoked and garbage tokens, and the anonymous user of an org with public projects.
#[tokio::test]
async fn invalid_expired_and_anonymous_tokens_are_refused() {
    let h = Harness::start().await;
    for (org, token, code) in [
        (demo::ORG, demo::EXPIRED, "token_expired"),
        (demo::ORG, demo::REVOKED, "token_invalid"),
        (
            demo::ORG,
            "garbagegarbagegarbagegarbagegarbagegarbagegarbage234",
            "token_invalid",
        ),
        (
            demo::PUBLIC_ORG,
            "garbagegarbagegarbagegarbagegarbagegarbagegarbage234",
            "token_invalid",
        ),
        // A contoso token is not valid in fabrikam (anonymous there).
        (demo::PUBLIC_ORG, demo::FULL, "token_invalid"),
    ] {
        let reply = h.verify(org, token, &["vso.code"]).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{org} {code}");
        assert_eq!(reply.code(), code, "{org}: {:?}", reply.body);
    }
    // Each was refused on connectionData's answer (the probes, sent at the same time, only
    // cost extra 401s upstream).
    let identity_checks = h
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("connectionData"))
        .count();
    assert_eq!(identity_checks, 5);

    let reply = h.verify(demo::PUBLIC_ORG, demo::FABRIKAM_FULL, &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["user"]["displayName"], "Fabian Rikam");
    assert_eq!(reply.body["scopes"], json!([]));
    h.stop().await;
}

// The 203 sign-in page and its 302 variant: sign-in answers even with Suppress mean invalid, and the
// redirect is never followed.
#[tokio::test]
async fn sign_in_pages_and_redirects_mean_invalid() {
    let h = Harness::start().await;
    for token in [demo::SIGNIN203, demo::REDIRECT302] {
        h.fake.reset_counters();
        let reply = h.verify(demo::ORG, token, &["vso.code"]).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert_eq!(reply.code(), "token_invalid");
        // connectionData and the one probe start together (the probe is dropped once
        // connectionData refuses, so it may not arrive); neither redirect was followed.
        let sent = h.fake.total_requests();
        assert!(
            (1..=2).contains(&sent),
            "{sent} requests: the redirect was followed"
        );
        assert_eq!(
            hosts(&h),
            BTreeSet::from(["dev.azure.com".to_owned()]),
            "the redirect was followed"
        );
    }
    h.stop().await;
}

// An organization that does not exist.
#[tokio::test]
async fn unknown_organization_is_not_found() {
    let h = Harness::start().await;
    let reply = h.verify(demo::UNKNOWN_ORG, demo::FULL, &[]).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(reply.code(), "organization_not_found");
    h.stop().await;
}

// Any input form (legacy host, clone URL) is normalized, and the canonical host is what gets called.
#[tokio::test]
async fn legacy_and_clone_url_inputs_call_the_canonical_host() {
    let h = Harness::start().await;
    for input in [
        "https://contoso.visualstudio.com/DefaultCollection/Fabrikam%20Fiber",
        "git@ssh.dev.azure.com:v3/contoso/Fabrikam%20Fiber/fabrikam-fiber",
        "  https://contoso@dev.azure.com/contoso/Fabrikam%20Fiber/_git/fabrikam-fiber/  ",
    ] {
        let reply = h.verify(input, demo::FULL, &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{input}: {:?}", reply.body);
        assert_eq!(
            reply.body["organizationUrl"],
            "https://dev.azure.com/contoso"
        );
    }
    assert_eq!(hosts(&h), BTreeSet::from(["dev.azure.com".to_owned()]));
    h.stop().await;
}

// Blocked by Azure DevOps' rate limit: its 429 and Retry-After are passed through.
#[tokio::test]
async fn upstream_rate_limit_passes_retry_after_through() {
    let h = Harness::start().await;
    let reply = h.verify(demo::ORG, demo::RATELIMITED, &[]).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.code(), "rate_limited");
    assert_eq!(
        reply.body["error"]["retryAfter"],
        demo::RATELIMITED_RETRY_AFTER
    );
    assert_eq!(
        reply.headers["retry-after"],
        demo::RATELIMITED_RETRY_AFTER.to_string()
    );
    h.stop().await;
}

#[tokio::test]
async fn server_errors_and_resets_are_upstream_unavailable() {
    let h = Harness::start().await;
    for token in [demo::ERR500, demo::RESET] {
        let reply = h.verify(demo::ORG, token, &["vso.code"]).await;
        assert_eq!(reply.status, StatusCode::BAD_GATEWAY, "{:?}", reply.body);
        assert_eq!(reply.code(), "upstream_unavailable");
    }
    h.stop().await;
}

#[tokio::test]
async fn hanging_and_trickling_upstreams_hit_the_deadline() {
    let h = Harness::start_with(|c| c.verify_timeout = Duration::from_millis(500)).await;
    for token in [demo::HANG, demo::TRICKLE] {
        let reply = h.verify(demo::ORG, token, &["vso.code"]).await;
        assert_eq!(
            reply.status,
            StatusCode::GATEWAY_TIMEOUT,
            "{:?}",
            reply.body
        );
        assert_eq!(reply.code(), "upstream_timeout");
    }
    h.stop().await;
}

#[tokio::test]
async fn slow_upstream_within_the_deadline_still_verifies() {
    let h = Harness::start_with(|c| c.verify_timeout = Duration::from_secs(5)).await;
    let reply = h
        .verify(
            demo::ORG,
            demo::SLOW,
            &["vso.code", "vso.project", "vso.profile", "vso.work"],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(scope_status(&reply.body, "vso.work"), "granted");
    h.stop().await;
}

// Every input error is answered before anything is sent upstream.
#[tokio::test]
async fn input_errors_are_refused_without_contacting_upstream() {
    let h = Harness::start().await;
    let cases: [(&str, &str, &[&str], &str); 6] = [
        ("-contoso", demo::FULL, &[], "invalid_organization"),
        ("", demo::FULL, &[], "invalid_organization"),
        (
            "https://github.com/contoso",
            demo::FULL,
            &[],
            "host_not_allowed",
        ),
        (demo::ORG, "", &[], "token_format"),
        (demo::ORG, "has space inside", &[], "token_format"),
        (
            demo::ORG,
            demo::FULL,
            &["vso.code", "vso.nonsense"],
            "invalid_request",
        ),
    ];
    for (org, token, scopes, code) in cases {
        let reply = h.verify(org, token, scopes).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{org:?}/{code}");
        assert_eq!(reply.code(), code, "{org:?}: {:?}", reply.body);
    }
    let reply = h.verify(demo::ORG, demo::FULL, &["vso.nonsense"]).await;
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("vso.nonsense"));
    assert_eq!(h.fake.total_requests(), 0);
    h.stop().await;
}

#[tokio::test]
async fn unusual_token_formats_are_still_sent_upstream() {
    let h = Harness::start().await;
    let reply = h.verify(demo::ORG, "short-and-odd", &[]).await;
    // The fake doesn't know it: invalid, but it was asked (format never rejects).
    assert_eq!(reply.code(), "token_invalid");
    assert_eq!(h.fake.total_requests(), 1);
    h.stop().await;
}

#[tokio::test]
async fn a_valid_token_in_an_unusual_format_verifies_with_a_warning() {
    const ODD: &str = "Odd_Token.Format-1234";
    let mut fixture = azdo_connect_fake::Fixture::demo();
    let contoso = fixture
        .organizations
        .iter_mut()
        .find(|o| o.name == demo::ORG)
        .unwrap();
    contoso.tokens.push(
        serde_json::from_value(json!({"token": ODD, "user": demo::USER_ID, "scopes": "app_token"}))
            .unwrap(),
    );
    let h = Harness::start_with_fixture(fixture, |_| {}).await;
    let reply = h.verify(demo::ORG, ODD, &["vso.code"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["warnings"][0]["code"], "token_format_unknown");
    assert!(!reply.body["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .is_empty());
    h.stop().await;
}

#[tokio::test]
async fn malformed_requests_get_json_invalid_request() {
    let h = Harness::start().await;
    let url = format!("{}/verify", h.base);
    let send = |builder: reqwest::RequestBuilder| async move {
        common::into_reply(builder.send().await.unwrap()).await
    };
    // No CSRF header.
    let reply = send(
        h.client
            .post(&url)
            .json(&json!({"organization": "contoso", "token": "x"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_request");
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("X-Azdo-Connect"));
    // Wrong CSRF value.
    let reply = send(
        h.client
            .post(&url)
            .header("x-azdo-connect", "yes")
            .json(&json!({})),
    )
    .await;
    assert_eq!(reply.code(), "invalid_request");
    // Not JSON content type.
    let reply = send(
        h.client
            .post(&url)
            .header("x-azdo-connect", "1")
            .header("content-type", "text/plain")
            .body(r#"{"organization":"contoso","token":"x"}"#),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "invalid_request");
    // Malformed JSON, missing field, unknown field, wrong type.
    for body in [
        "{",
        r#"{"organization":"contoso"}"#,
        r#"{"organization":"contoso","token":"x","extra":1}"#,
        r#"{"organization":"contoso","token":"x","requiredScopes":"vso.code"}"#,
    ] {
        let reply = send(
            h.client
                .post(&url)
                .header("x-azdo-connect", "1")
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(reply.code(), "invalid_request", "{body}");
        assert_eq!(reply.headers["content-type"], "application/json");
    }
    assert_eq!(h.fake.total_requests(), 0);
    h.stop().await;
}

#[tokio::test]
async fn oversized_bodies_get_payload_too_large() {
    let h = Harness::start_with(|c| c.max_body_bytes = 1024).await;
    let reply = h
        .post(
            "verify",
            &json!({"organization": "contoso", "token": "x".repeat(2000)}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.code(), "payload_too_large");
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("1024"));

    // Chunked (no Content-Length) is cut off while reading, too.
    let addr = h.origin.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/azdo/verify HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nX-Azdo-Connect: 1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let payload = format!(
        "{{\"organization\":\"contoso\",\"token\":\"{}\"}}",
        "x".repeat(4000)
    );
    let mut request = head.into_bytes();
    for chunk in payload.as_bytes().chunks(500) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    stream.write_all(&request).await.unwrap();
    let mut answer = String::new();
    // The server may answer and close before reading everything; what it said is what counts.
    let _ = stream.read_to_string(&mut answer).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("payload_too_large"), "{answer}");
    assert_eq!(h.fake.total_requests(), 0);
    h.stop().await;
}

#[tokio::test]
async fn origins_are_checked_and_cors_granted_only_to_allowed_ones() {
    let allowed = "https://app.vendor.example";
    let h = Harness::start_with(|c| c.allowed_origins = vec![allowed.to_owned()]).await;
    let url = format!("{}/verify", h.base);
    let body = json!({"organization": demo::ORG, "token": demo::FULL});

    // Preflight from the allowed origin.
    let preflight = |origin: &str| {
        h.client
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-azdo-connect",
            )
            .send()
    };
    let response = preflight(allowed).await.unwrap();
    assert!(response.status().is_success());
    assert_eq!(response.headers()["access-control-allow-origin"], allowed);
    let allow_headers = response.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    for name in ["content-type", "x-azdo-connect", "x-csrf-token"] {
        assert!(allow_headers.contains(name), "{allow_headers}");
    }
    let response = preflight("https://evil.example").await.unwrap();
    assert!(response
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    // The actual POSTs.
    let post = |origin| h.post_as(Some(origin), "verify", &body);
    let reply = post(allowed).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.headers["access-control-allow-origin"], allowed);

    let reply = post("https://evil.example").await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(reply.code(), "forbidden_origin");
    let reply = post("null").await;
    assert_eq!(reply.code(), "forbidden_origin");
    // Same origin as the proxy itself is fine.
    let reply = post(&h.origin).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    h.stop().await;
}

#[tokio::test]
async fn without_configured_origins_only_same_origin_is_accepted() {
    let h = Harness::start().await;
    let body = json!({"organization": demo::ORG, "token": demo::FULL});
    for (origin, ok) in [
        ("https://app.vendor.example", false),
        (h.origin.as_str(), true),
    ] {
        let reply = h.post_as(Some(origin), "verify", &body).await;
        if ok {
            assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        } else {
            assert_eq!(reply.code(), "forbidden_origin");
        }
    }
    h.stop().await;
}

#[tokio::test]
async fn clients_over_the_rate_limit_get_429_with_retry_after() {
    let h = Harness::start_with(|c| {
        c.rate_limit = RateLimit {
            per_minute: 1,
            burst: 2,
        }
    })
    .await;
    for _ in 0..2 {
        let reply = h.verify(demo::ORG, demo::FULL, &[]).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let reply = h.verify(demo::ORG, demo::FULL, &[]).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.code(), "rate_limited");
    let retry_after: u64 = reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(reply.body["error"]["retryAfter"], retry_after);
    // The refused request never reached Azure DevOps; reads are not limited.
    assert_eq!(h.fake.total_requests(), 2);
    assert_eq!(h.get("config").await.status, StatusCode::OK);
    h.stop().await;
}

async fn credential_for(h: &Harness, token: &str, scopes: &[&str]) -> String {
    let reply = h.verify(demo::ORG, token, scopes).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body["credential"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn projects_page_by_ten_with_repositories() {
    let h = Harness::start().await;
    let credential = credential_for(&h, demo::FULL, &["vso.project", "vso.code"]).await;
    h.fake.reset_counters();
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut body = json!({"credential": credential});
        if let Some(t) = &token {
            body["continuationToken"] = json!(t);
        }
        let reply = h.post("projects", &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        let projects = reply.body["projects"].as_array().unwrap();
        assert!(projects.len() <= 10);
        for p in projects {
            names.push(p["name"].as_str().unwrap().to_owned());
        }
        pages += 1;
        if pages == 1 {
            assert_eq!(projects.len(), 10);
            // Upstream never sees the whole list for one page.
            assert!(h
                .fake
                .requests()
                .iter()
                .filter(|r| r.path.ends_with("_apis/projects"))
                .all(|r| r.query.as_deref().unwrap_or_default().contains("top=11")));
        }
        match reply.body["continuationToken"].as_str() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 3);
    assert_eq!(names.len(), demo::PROJECT_COUNT);
    assert_eq!(
        names.iter().collect::<BTreeSet<_>>().len(),
        demo::PROJECT_COUNT
    );

    let reply = h
        .post(
            "projects",
            &json!({"credential": credential, "search": "UNLIMITED"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let projects = reply.body["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 1, "{projects:?}");
    assert_eq!(projects[0]["name"], demo::PROJECT_GIT_AND_TFVC);
    let repos = projects[0]["repositories"].as_array().unwrap();
    assert!(
        repos
            .iter()
            .any(|r| r["kind"] == "git" && r["name"] == "parts-unlimited"),
        "{repos:?}"
    );
    assert!(
        repos.iter().any(
            |r| r["kind"] == "tfvc" && r["name"] == format!("$/{}", demo::PROJECT_GIT_AND_TFVC)
        ),
        "{repos:?}"
    );

    let reply = h
        .post(
            "projects",
            &json!({"credential": credential, "search": "fabrikam fiber"}),
        )
        .await;
    let projects = reply.body["projects"].as_array().unwrap();
    assert_eq!(projects[0]["name"], demo::PROJECT_GIT);
    let repos = projects[0]["repositories"].as_array().unwrap();
    assert!(
        repos.iter().all(|r| r["kind"] == "git") && !repos.is_empty(),
        "{repos:?}"
    );
    assert!(repos[0]["webUrl"]
        .as_str()
        .unwrap()
        .starts_with("https://dev.azure.com/contoso/"));

    let reply = h
        .post(
            "projects",
            &json!({"credential": credential, "search": "no such project"}),
        )
        .await;
    assert_eq!(reply.body["projects"], json!([]));
    assert!(reply.body.get("continuationToken").is_none());
    h.stop().await;
}

#[tokio::test]
async fn projects_refuses_bad_credentials() {
    let h = Harness::start().await;
    let credential = credential_for(&h, demo::FULL, &[]).await;
    h.fake.reset_counters();

    let mut tampered: Vec<char> = credential.chars().collect();
    let last = tampered.len() - 3;
    tampered[last] = if tampered[last] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();

    let other_key = Sealer::new(*SealKey::generate("test-key").key(), "test-key").unwrap();
    let claims = open_credential(&credential, &Keyring::new(&h.key, &[])).unwrap();
    let forged = other_key.seal(&claims).unwrap();
    let unknown_kid = Sealer::new(*h.key.key(), "other-kid")
        .unwrap()
        .seal(&claims)
        .unwrap();
    let expired = Sealer::new(*h.key.key(), h.key.kid())
        .unwrap()
        .seal(&CredentialClaims {
            exp: Some(claims.iat - 1),
            ..claims.clone()
        })
        .unwrap();

    for (credential, code) in [
        (tampered.as_str(), "token_invalid"),
        (forged.as_str(), "token_invalid"),
        (unknown_kid.as_str(), "token_invalid"),
        ("not-a-credential", "token_invalid"),
        (expired.as_str(), "token_expired"),
    ] {
        let reply = h.post("projects", &json!({"credential": credential})).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{code}");
        assert_eq!(reply.code(), code, "{:?}", reply.body);
    }
    let reply = h
        .post(
            "projects",
            &json!({"credential": credential, "continuationToken": "bogus"}),
        )
        .await;
    assert_eq!(reply.code(), "invalid_request");
    assert_eq!(h.fake.total_requests(), 0);

    // A Code token lists projects: Code includes User Profile (Read), which may list them.
    let code_only = credential_for(&h, demo::CODE, &["vso.code"]).await;
    let reply = h.post("projects", &json!({"credential": code_only})).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    h.stop().await;

    // A token with neither Project and Team nor User Profile can't.
    const ENTITLEMENTS_ONLY: &str = "entitlementsonlyabcdefghijklmnopqrstuvwxyzabcdefghij";
    let mut fixture = azdo_connect_fake::Fixture::demo();
    let org = fixture.organization_mut(demo::ORG).unwrap();
    let mut token = org.token(demo::CODE).unwrap().clone();
    token.token = ENTITLEMENTS_ONLY.into();
    token.scopes = azdo_connect_fake::Scopes::List(vec!["vso.memberentitlementmanagement".into()]);
    org.tokens.push(token);
    let h = Harness::start_with_fixture(fixture, |_| {}).await;
    let no_projects =
        credential_for(&h, ENTITLEMENTS_ONLY, &["vso.memberentitlementmanagement"]).await;
    let reply = h
        .post("projects", &json!({"credential": no_projects}))
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{:?}", reply.body);
    assert_eq!(reply.code(), "missing_scopes");
    assert_eq!(reply.body["error"]["missingScopes"], json!(["vso.project"]));
    h.stop().await;
}

#[tokio::test]
async fn rotated_keys_still_open_old_credentials() {
    let old = SealKey::generate("2025");
    let h = Harness::start_with(|c| c.seal_key = old.clone()).await;
    let credential = credential_for(&h, demo::FULL, &[]).await;
    h.stop().await;

    let fake = azdo_connect_fake::FakeAzureDevOps::start(azdo_connect_fake::Fixture::demo())
        .await
        .unwrap();
    let new = SealKey::generate("2026");
    let mut config = common::test_config(&fake, &new);
    config.previous_keys = vec![old];
    let (origin, server) = common::serve(config).await;
    let response = reqwest::Client::new()
        .post(format!("{origin}/api/azdo/projects"))
        .header("x-azdo-connect", "1")
        .json(&json!({"credential": credential}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    server.abort();
    fake.shutdown().await;
}

#[tokio::test]
async fn hostile_organization_inputs_contact_nothing() {
    let h = Harness::start().await;
    let hostile = [
        "dev.azure.com.evil.com",
        "https://dev.azure.com.evil.com/contoso",
        "127.0.0.1",
        "http://127.0.0.1:8788/dev.azure.com/contoso",
        "http://2130706433/",
        "http://[::1]/contoso",
        "evil.com/dev.azure.com/x",
        "evil.com?x=dev.azure.com",
        "https://dev.azure.com@evil.com/contoso",
        "https://contoso:pw@evil.com/contoso",
        "https://evil.com\\@dev.azure.com/contoso",
        "https://dev.azure.com:8443/contoso",
        "https://tfs.corp.example/tfs/DefaultCollection",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://metadata.google.internal/computeMetadata",
        "http://169.254.169.254/latest/meta-data",
    ];
    for input in hostile {
        h.verify(input, demo::FULL, &["vso.code"])
            .await
            .assert_organization_refused(input);
    }
    assert_eq!(
        h.fake.total_requests(),
        0,
        "{:?}",
        h.fake.requests_by_host()
    );

    // Valid traffic only ever reaches the Azure DevOps Services hosts.
    h.verify(
        demo::ORG,
        demo::FULL,
        &["vso.code", "vso.profile", "vso.memberentitlementmanagement"],
    )
    .await;
    let allowed: BTreeSet<String> = [
        "dev.azure.com",
        "vssps.dev.azure.com",
        "vsaex.dev.azure.com",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert!(hosts(&h).is_subset(&allowed), "{:?}", hosts(&h));
    h.stop().await;
}

#[tokio::test]
async fn on_prem_servers_are_contacted_only_when_allowlisted() {
    let h = Harness::start_with(|c| {
        c.allowed_servers = azdo_connect_core::AllowedServers::new(["tfs.corp.example"])
    })
    .await;
    let reply = h
        .verify(
            "https://other.corp.example/tfs/DefaultCollection",
            demo::FULL,
            &[],
        )
        .await;
    assert_eq!(reply.code(), "host_not_allowed");
    assert_eq!(h.fake.total_requests(), 0);

    let reply = h
        .verify(
            "https://tfs.corp.example/tfs/DefaultCollection",
            demo::FULL,
            &["vso.code"],
        )
        .await;
    // The fake is not an Azure DevOps Server: whatever it answers, only that host was asked.
    assert_ne!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(hosts(&h), BTreeSet::from(["tfs.corp.example".to_owned()]));
    let request = &h.fake.requests()[0];
    assert_eq!(request.path, "/tfs/DefaultCollection/_apis/connectionData");

    let config = h.get("config").await;
    assert_eq!(config.body["allowedServers"], json!(["tfs.corp.example"]));
    h.stop().await;
}

#[tokio::test]
async fn config_health_and_openapi_describe_the_proxy() {
    let h = Harness::start_with(|c| c.max_body_bytes = 8192).await;
    let config = h.get("config").await;
    assert_eq!(config.status, StatusCode::OK);
    assert_eq!(config.body["limits"]["maxBodyBytes"], 8192);
    assert_eq!(config.body["limits"]["verifyTimeoutMs"], 1500);
    assert_eq!(config.body["limits"]["requestsPerMinute"], 60_000);
    let scopes = config.body["scopes"].as_array().unwrap();
    let code = scopes.iter().find(|s| s["id"] == "vso.code").unwrap();
    assert_eq!(code["observable"], true);
    assert_eq!(code["label"], "Code (Read)");
    assert!(scopes.len() > 40);

    let health = h
        .client
        .get(format!("{}/healthz", h.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");

    let doc = h.get("openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/azdo/verify", "post"),
        ("/api/azdo/projects", "post"),
        ("/api/azdo/config", "get"),
        ("/api/azdo/openapi.json", "get"),
        ("/healthz", "get"),
    ] {
        assert!(paths[path].get(method).is_some(), "{path} {method}");
    }
    let schemas = doc.body["components"]["schemas"].as_object().unwrap();
    for name in [
        "VerifyRequest",
        "VerifyResponse",
        "ErrorBody",
        "ApiError",
        "ErrorCode",
        "ProjectsResponse",
        "ConfigResponse",
    ] {
        assert!(schemas.contains_key(name), "{name}");
    }
    let codes = schemas["ErrorCode"].to_string();
    for code in [
        "missing_scopes",
        "upstream_timeout",
        "forbidden_origin",
        "payload_too_large",
    ] {
        assert!(codes.contains(code), "{code}");
    }
    h.stop().await;
}

#[tokio::test]
async fn base_path_is_configurable() {
    let h = Harness::start_with(|c| c.base_path = "/integrations/azdo/".into()).await;
    assert!(h.base.ends_with("/integrations/azdo"));
    let reply = h.verify(demo::ORG, demo::FULL, &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    let doc = h.get("openapi.json").await;
    assert!(doc.body["paths"].get("/integrations/azdo/verify").is_some());
    let old = h
        .client
        .get(format!("{}/api/azdo/config", h.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), StatusCode::NOT_FOUND);
    h.stop().await;
}

#[tokio::test]
async fn router_mounts_inside_a_vendor_app() {
    let fake = azdo_connect_fake::FakeAzureDevOps::start(azdo_connect_fake::Fixture::demo())
        .await
        .unwrap();
    let key = SealKey::generate("k");
    let proxy = azdo_connect_proxy::router(common::test_config(&fake, &key)).unwrap();
    let app = axum::Router::new()
        .route(
            "/vendor/settings",
            axum::routing::get(|| async { "vendor page" }),
        )
        .merge(proxy);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Served without connect info: still works, one shared rate-limit bucket.
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = reqwest::Client::new();
    let page = client
        .get(format!("http://{addr}/vendor/settings"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.text().await.unwrap(), "vendor page");
    let reply = common::into_reply(
        client
            .post(format!("http://{addr}/api/azdo/verify"))
            .header("x-azdo-connect", "1")
            .json(&json!({"organization": demo::ORG, "token": demo::FULL}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    server.abort();
    fake.shutdown().await;
}

#[test]
fn invalid_configurations_are_refused() {
    use azdo_connect_proxy::{router, Error, ProxyConfig};
    let bad = [
        ProxyConfig {
            base_path: "api".into(),
            ..ProxyConfig::default()
        },
        ProxyConfig {
            rate_limit: RateLimit {
                per_minute: 0,
                burst: 1,
            },
            ..ProxyConfig::default()
        },
        ProxyConfig {
            allowed_origins: vec!["app.example.com/path".into()],
            ..ProxyConfig::default()
        },
        ProxyConfig {
            upstream_override: Some("ftp://127.0.0.1/".parse().unwrap()),
            ..ProxyConfig::default()
        },
    ];
    for config in bad {
        assert!(matches!(router(config), Err(Error::Config(_))));
    }
    // The token type stays redacted in the config's neighbourhood too.
    assert_eq!(format!("{:?}", Pat::new("secret")), "Pat(***)");
    let key = SealKey::generate("k");
    assert!(!format!("{key:?}").contains(&key.to_base64url()));
}
