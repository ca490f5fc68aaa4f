//! Hostile requests over real loopback HTTP: each is answered with its contract error code, nothing
//! it carries reaches Azure DevOps (the fake's recorded requests, or the raw bytes an upstream
//! sees), and the proxy still serves a good verify afterwards.
//!
//! The plainer cases (a 2 000-byte body, `{`, text/plain, a missing CSRF header, one foreign
//! origin, a third request over a burst of two, one tampered credential of each kind) live in
//! `tests/api.rs`; this suite adds the adversarial variants of each.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use azdo_connect_core::contract::CredentialClaims;
use azdo_connect_proxy::{open_credential, Keyring, RateLimit, SealKey, Sealer};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{demo, Harness, Reply};
use reqwest::header::HeaderValue;
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Asserts that `reply` is the contract failure `status` + `code` as JSON, that the hostile
/// request sent nothing upstream, and that a good verify still succeeds afterwards.
async fn refused_then_serving(h: &Harness, what: &str, reply: Reply, status: u16, code: &str) {
    assert_eq!(reply.status.as_u16(), status, "{what}: {:?}", reply.body);
    assert_eq!(reply.code(), code, "{what}: {:?}", reply.body);
    assert_eq!(reply.headers["content-type"], "application/json", "{what}");
    assert_eq!(
        h.fake.total_requests(),
        0,
        "{what} reached upstream: {:?}",
        h.fake.requests()
    );
    still_serving(h, what).await;
}

/// A good token verifies: the proxy survived whatever came before.
async fn still_serving(h: &Harness, after: &str) {
    let reply = h.verify(demo::ORG, demo::FULL, &["vso.code"]).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "after {after}: {:?}",
        reply.body
    );
    h.fake.reset_counters();
}

/// `POST {base}/verify` with the CSRF header, a content type and a raw body.
async fn post_raw(
    h: &Harness,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> Reply {
    let mut request = h
        .client
        .post(format!("{}/verify", h.base))
        .header("x-azdo-connect", "1")
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    common::into_reply(request.send().await.unwrap()).await
}

/// Writes `request` on a fresh connection (without closing our side, so the server answers on
/// its own accord) and returns the status code and body of the answer.
async fn raw_exchange(addr: &str, request: &[u8]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before taking everything; the answer is what counts.
    let _ = stream.write_all(request).await;
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let read_answer = async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if buffer.len() >= end + 4 + length {
                    break;
                }
            }
        }
    };
    // A guard against a hang, not a measurement: the answer comes at once or never.
    tokio::time::timeout(Duration::from_secs(20), read_answer)
        .await
        .expect("the proxy answered");
    let text = String::from_utf8_lossy(&buffer).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn code_of(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["error"]["code"].as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("<not JSON: {body:?}>"))
}

#[tokio::test]
async fn oversized_bodies_are_refused_whatever_their_framing() {
    let h = Harness::start_with(|c| c.max_body_bytes = 1024).await;
    let addr = h.origin.trim_start_matches("http://").to_owned();
    let head = |framing: &str| {
        format!(
            "POST /api/azdo/verify HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nX-Azdo-Connect: 1\r\n{framing}\r\n\r\n"
        )
    };

    // A chunked body announcing a 4 GiB chunk, then streaming past the limit without ending.
    let mut request = head("Transfer-Encoding: chunked").into_bytes();
    request.extend_from_slice(b"100000000\r\n");
    request.extend_from_slice(&[b' '; 8192]);
    let (status, body) = raw_exchange(&addr, &request).await;
    assert_eq!(
        (status, code_of(&body).as_str()),
        (413, "payload_too_large")
    );
    assert_eq!(h.fake.total_requests(), 0);
    still_serving(&h, "a 4 GiB chunk").await;

    // The limit is exact: a body of 1024 bytes is read, one more byte is refused.
    let good = format!(
        r#"{{"organization":"{}","token":"{}"}}"#,
        demo::ORG,
        demo::FULL
    );
    let at_limit = format!("{good}{}", " ".repeat(1024 - good.len()));
    assert_eq!(at_limit.len(), 1024);
    let reply = post_raw(&h, Some("application/json"), at_limit.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    h.fake.reset_counters();
    let reply = post_raw(&h, Some("application/json"), format!("{at_limit} ")).await;
    refused_then_serving(&h, "1025 bytes", reply, 413, "payload_too_large").await;

    // Deep nesting is refused for its size before any parser sees it.
    let reply = post_raw(&h, Some("application/json"), "[".repeat(100_000)).await;
    refused_then_serving(
        &h,
        "100 000 [ over the limit",
        reply,
        413,
        "payload_too_large",
    )
    .await;
    h.stop().await;
}

// axum's body limit only counts bytes as they arrive: without a check of the declared length, a
// request announcing a huge body and sending nothing would hold its connection until the verify
// deadline and be answered 504 `upstream_timeout` although nothing went upstream.
#[tokio::test]
async fn a_declared_content_length_over_the_limit_is_refused_from_the_header() {
    let h = Harness::start_with(|c| c.max_body_bytes = 1024).await;
    let addr = h.origin.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST /api/azdo/verify HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nX-Azdo-Connect: 1\r\nContent-Length: 10000000000\r\n\r\n"
    );
    let (status, body) = raw_exchange(&addr, head.as_bytes()).await;
    assert_eq!(
        (status, code_of(&body).as_str()),
        (413, "payload_too_large")
    );
    assert_eq!(h.fake.total_requests(), 0);
    still_serving(&h, "a 10 GB Content-Length").await;
    h.stop().await;
}

#[tokio::test]
async fn malformed_and_deeply_nested_json_is_invalid_request() {
    // A large limit, so that every body below reaches the JSON parser.
    let h = Harness::start_with(|c| c.max_body_bytes = 1024 * 1024).await;
    let valid = format!(
        r#"{{"organization":"{}","token":"{}"}}"#,
        demo::ORG,
        demo::FULL
    );
    let bodies: Vec<(&str, Vec<u8>)> = vec![
        ("100 000 [", "[".repeat(100_000).into_bytes()),
        (
            "100 000 balanced []",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        ("100 000 {\"a\":", r#"{"a":"#.repeat(100_000).into_bytes()),
        (
            "nesting inside a field",
            format!(
                r#"{{"organization":"contoso","token":"x","requiredScopes":{}}}"#,
                "[".repeat(100_000)
            )
            .into_bytes(),
        ),
        ("empty body", Vec::new()),
        ("null", b"null".to_vec()),
        ("an array", b"[]".to_vec()),
        ("a string", br#""contoso""#.to_vec()),
        ("trailing garbage", format!("{valid}xyz").into_bytes()),
        ("two objects", format!("{valid}{valid}").into_bytes()),
        (
            "byte-order mark",
            [b"\xef\xbb\xbf".as_slice(), valid.as_bytes()].concat(),
        ),
        (
            "invalid UTF-8",
            b"{\"organization\":\"cont\xff\xfeoso\",\"token\":\"x\"}".to_vec(),
        ),
        (
            "a lone surrogate escape",
            br#"{"organization":"\ud800","token":"x"}"#.to_vec(),
        ),
        (
            "duplicate fields",
            format!(
                r#"{{"organization":"contoso","organization":"evil","token":"{}"}}"#,
                demo::FULL
            )
            .into_bytes(),
        ),
        (
            "a number where a string goes",
            br#"{"organization":1e999999,"token":"x"}"#.to_vec(),
        ),
        ("NUL bytes", b"{\"organization\":\"contoso\"\0}".to_vec()),
    ];
    for (what, body) in bodies {
        let reply = post_raw(&h, Some("application/json"), body).await;
        // The message names a position, never echoes the body.
        let message = reply.body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.len() < 300, "{what}: {message}");
        refused_then_serving(&h, what, reply, 400, "invalid_request").await;
    }
    h.stop().await;
}

#[tokio::test]
async fn huge_strings_within_the_limit_are_refused_without_being_echoed() {
    let h = Harness::start_with(|c| c.max_body_bytes = 256 * 1024).await;
    let huge = "a".repeat(200_000);
    let cases = [
        (
            "a 200 000-character organization",
            json!({"organization": huge, "token": demo::FULL}),
            "invalid_organization",
        ),
        (
            "a 200 000-character URL",
            json!({"organization": format!("https://dev.azure.com/{huge}"), "token": demo::FULL}),
            "invalid_organization",
        ),
        (
            "a 200 000-character scope",
            json!({"organization": demo::ORG, "token": demo::FULL, "requiredScopes": [huge]}),
            "invalid_request",
        ),
        (
            "a token with 100 000 spaces inside",
            json!({"organization": demo::ORG, "token": format!("a{}b", " ".repeat(100_000))}),
            "token_format",
        ),
    ];
    for (what, body, code) in cases {
        let reply = h.post("verify", &body).await;
        let text = reply.body.to_string();
        assert!(text.len() < 2_000, "{what}: a {}-byte answer", text.len());
        refused_then_serving(&h, what, reply, 400, code).await;
    }

    // Thousands of copies of one valid scope are one scope: one probe, not thousands.
    let reply = h
        .post(
            "verify",
            &json!({"organization": demo::ORG, "token": demo::FULL, "requiredScopes": vec!["vso.code"; 10_000]}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["scopes"].as_array().unwrap().len(), 1);
    assert_eq!(h.fake.total_requests(), 2, "{:?}", h.fake.requests());
    h.stop().await;
}

// The invalid_request message names unknown scope ids; it must not grow with their number, or a
// 220 KB request would be answered with about 200 KB.
#[tokio::test]
async fn unknown_scopes_are_not_echoed_without_bound() {
    let h = Harness::start_with(|c| c.max_body_bytes = 256 * 1024).await;
    let reply = h
        .post(
            "verify",
            &json!({"organization": demo::ORG, "token": demo::FULL, "requiredScopes": vec!["vso.nope"; 20_000]}),
        )
        .await;
    let text = reply.body.to_string();
    assert!(text.len() < 2_000, "a {}-byte answer", text.len());
    refused_then_serving(&h, "20 000 unknown scopes", reply, 400, "invalid_request").await;
    h.stop().await;
}

#[tokio::test]
async fn only_json_content_types_are_read() {
    let h = Harness::start().await;
    let body = format!(
        r#"{{"organization":"{}","token":"{}"}}"#,
        demo::ORG,
        demo::FULL
    );
    let multipart =
        "--x\r\nContent-Disposition: form-data; name=\"organization\"\r\n\r\ncontoso\r\n--x--\r\n"
            .to_owned();
    let refused: [(Option<&str>, String); 7] = [
        (None, body.clone()),
        (
            Some("application/x-www-form-urlencoded"),
            format!("organization=contoso&token={}", demo::FULL),
        ),
        (Some("multipart/form-data; boundary=x"), multipart),
        (Some("text/json"), body.clone()),
        (Some("application/jsonp"), body.clone()),
        (Some("application/xml"), body.clone()),
        (Some("json"), body.clone()),
    ];
    for (content_type, payload) in refused {
        h.fake.reset_counters();
        let reply = post_raw(&h, content_type, payload).await;
        let what = format!("content type {content_type:?}");
        refused_then_serving(&h, &what, reply, 400, "invalid_request").await;
    }
    // What a JSON client may legitimately send is read.
    for content_type in [
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.api+json",
    ] {
        let reply = post_raw(&h, Some(content_type), body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{content_type}: {:?}",
            reply.body
        );
    }
    h.stop().await;
}

#[tokio::test]
async fn the_csrf_header_must_be_exactly_one_on_every_post() {
    let h = Harness::start().await;
    let body = json!({"organization": demo::ORG, "token": demo::FULL});
    for (endpoint, value) in [
        ("verify", "0"),
        ("verify", "true"),
        ("verify", "11"),
        ("verify", ""),
        ("verify", "1, 1"),
        ("projects", "yes"),
    ] {
        let response = h
            .client
            .post(format!("{}/{endpoint}", h.base))
            .header("x-azdo-connect", value)
            .json(&body)
            .send()
            .await
            .unwrap();
        let reply = common::into_reply(response).await;
        let what = format!("{endpoint} with X-Azdo-Connect: {value:?}");
        refused_then_serving(&h, &what, reply, 400, "invalid_request").await;
    }
    let response = h
        .client
        .post(format!("{}/projects", h.base))
        .json(&json!({"credential": "x"}))
        .send()
        .await
        .unwrap();
    let reply = common::into_reply(response).await;
    refused_then_serving(
        &h,
        "projects without the header",
        reply,
        400,
        "invalid_request",
    )
    .await;
    h.stop().await;
}

#[tokio::test]
async fn look_alike_origins_are_forbidden() {
    let allowed = "https://app.vendor.example";
    let h = Harness::start_with(|c| c.allowed_origins = vec![allowed.to_owned()]).await;
    let own = h.origin.clone();
    let port = own.rsplit(':').next().unwrap().to_owned();
    let long = format!("https://{}.example", "a".repeat(5_000));
    let hostile: Vec<HeaderValue> = [
        "null".to_owned(),
        "http://127.0.0.1.evil.com".to_owned(),
        format!("{own}.evil.com"),
        format!("http://127.0.0.1:{port}@evil.com"),
        format!("http://localhost:{port}"),
        format!("http://127.0.0.1:{}", port.parse::<u16>().unwrap() ^ 1),
        "https://app.vendor.example.evil.com".to_owned(),
        "https://evil.app.vendor.example".to_owned(),
        "https://app-vendor.example".to_owned(),
        "http://app.vendor.example".to_owned(),
        "https://app.vendor.example:8443".to_owned(),
        "https://app.vendor.example/settings".to_owned(),
        "https://user@app.vendor.example".to_owned(),
        "file://".to_owned(),
        long.clone(),
    ]
    .into_iter()
    .map(|o| HeaderValue::from_str(&o).unwrap())
    .chain([HeaderValue::from_bytes(b"https://app.vendor.ex\xe4mple").unwrap()])
    .collect();
    let body = json!({"organization": demo::ORG, "token": demo::FULL});
    for origin in hostile {
        let what = format!("Origin {:?}", String::from_utf8_lossy(origin.as_bytes()));
        let preflight = h
            .client
            .request(reqwest::Method::OPTIONS, format!("{}/verify", h.base))
            .header("origin", origin.clone())
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-azdo-connect",
            )
            .send()
            .await
            .unwrap();
        assert!(
            preflight
                .headers()
                .get("access-control-allow-origin")
                .is_none(),
            "{what}: preflight granted"
        );
        // Built by hand: the origin may be bytes that are not UTF-8.
        let response = h
            .client
            .post(format!("{}/verify", h.base))
            .header("origin", origin)
            .header("x-azdo-connect", "1")
            .json(&body)
            .send()
            .await
            .unwrap();
        let reply = common::into_reply(response).await;
        assert!(reply.headers.get("access-control-allow-origin").is_none());
        // The origin is quoted in the message, but never at length.
        let message = reply.body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.len() < 400, "{what}: {} bytes", message.len());
        refused_then_serving(&h, &what, reply, 403, "forbidden_origin").await;
    }
    // Case and a default port do not make a different origin.
    for origin in [
        "HTTPS://APP.VENDOR.EXAMPLE",
        "https://app.vendor.example:443",
    ] {
        let reply = h.post_as(Some(origin), "verify", &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{origin}");
    }
    h.stop().await;
}

#[tokio::test]
async fn a_flood_past_the_rate_limit_is_refused_then_recovers() {
    const FLOOD: usize = 50;
    const BURST: u32 = 5;
    let h = Harness::start_with(|c| {
        c.rate_limit = RateLimit {
            per_minute: 60,
            burst: BURST,
        }
    })
    .await;
    let h = Arc::new(h);
    let flood_started = std::time::Instant::now();
    let mut flood = tokio::task::JoinSet::new();
    for _ in 0..FLOOD {
        let h = h.clone();
        flood.spawn(async move { h.verify(demo::ORG, demo::FULL, &[]).await });
    }
    let mut verified = 0u64;
    let mut retry_after = 0u64;
    let mut limited = 0;
    while let Some(reply) = flood.join_next().await {
        let reply = reply.unwrap();
        match reply.status {
            StatusCode::OK => verified += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                limited += 1;
                assert_eq!(reply.code(), "rate_limited", "{:?}", reply.body);
                let header: u64 = reply.headers["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!(header >= 1);
                assert_eq!(reply.body["error"]["retryAfter"], header);
                retry_after = retry_after.max(header);
            }
            other => panic!("{other}: {:?}", reply.body),
        }
    }
    // The burst, plus one request per second (the sustained rate) for as long as the flood took
    // on this machine.
    let replenished = flood_started.elapsed().as_secs() + 1;
    assert!(
        (1..=u64::from(BURST) + replenished).contains(&verified),
        "{verified} verified"
    );
    assert_eq!(limited, FLOOD - verified as usize);
    // Refused requests cost Azure DevOps nothing: only the admitted ones went upstream.
    let upstream = h.fake.requests();
    assert_eq!(upstream.len() as u64, verified, "{upstream:?}");
    assert!(upstream
        .iter()
        .all(|r| r.path.ends_with("/_apis/connectionData")));

    // Health and configuration stay readable during the block.
    let health = h
        .client
        .get(format!("{}/healthz", h.origin))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);

    // Waiting as long as Retry-After says is enough.
    tokio::time::sleep(Duration::from_secs(retry_after) + Duration::from_millis(100)).await;
    let reply = h.verify(demo::ORG, demo::FULL, &[]).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    Arc::into_inner(h).expect("flood finished").stop().await;
}

fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

#[tokio::test]
async fn forged_credentials_are_refused_on_projects() {
    let h = Harness::start().await;
    let reply = h.verify(demo::ORG, demo::FULL, &["vso.project"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let credential = reply.body["credential"].as_str().unwrap().to_owned();
    let parts: Vec<&str> = credential.split('.').collect();
    assert_eq!(parts.len(), 5, "a JWE compact token");
    let kid = h.key.kid().to_owned();
    let claims = open_credential(&credential, &Keyring::new(&h.key, &[])).unwrap();
    h.fake.reset_counters();

    // The same ciphertext under a rewritten protected header: what an attacker can try without
    // the key. The header is the AEAD's additional data, so every one must fail to open.
    let with_header = |header: serde_json::Value| {
        let mut forged = parts.clone();
        let encoded = b64(&header.to_string());
        forged[0] = &encoded;
        forged.join(".")
    };
    let traversal_kid = Sealer::new(*SealKey::generate("x").key(), "../../../etc/passwd")
        .unwrap()
        .seal(&claims)
        .unwrap();
    let cases: Vec<(&str, String)> = vec![
        (
            "alg none",
            with_header(json!({"alg": "none", "enc": "A256GCM", "kid": kid})),
        ),
        (
            "another enc",
            with_header(json!({"alg": "dir", "enc": "A128CBC-HS256", "kid": kid})),
        ),
        (
            "a key-wrapping alg",
            with_header(json!({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": kid})),
        ),
        (
            "compression",
            with_header(json!({"alg": "dir", "enc": "A256GCM", "kid": kid, "zip": "DEF"})),
        ),
        (
            "crit",
            with_header(
                json!({"alg": "dir", "enc": "A256GCM", "kid": kid, "crit": ["exp"], "exp": 0}),
            ),
        ),
        ("header not JSON", with_header(json!("not an object"))),
        ("four parts", parts[..4].join(".")),
        ("six parts", format!("{credential}.AAAA")),
        ("empty tag", format!("{}.", parts[..4].join("."))),
        (
            "a JWS with alg none",
            format!(
                "{}.{}.",
                b64(r#"{"alg":"none"}"#),
                b64(&claims_json(&claims))
            ),
        ),
        ("not base64url", credential.replace(['-', '_'], "+")),
        ("a 12 000-character credential", "A".repeat(12_000)),
        ("a path-traversal kid", traversal_kid),
        ("empty", String::new()),
    ];
    for (what, forged) in cases {
        let reply = h.post("projects", &json!({"credential": forged})).await;
        refused_then_serving(&h, what, reply, 401, "token_invalid").await;
    }
    // The untouched credential still lists projects.
    let reply = h.post("projects", &json!({"credential": credential})).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    h.stop().await;
}

fn claims_json(claims: &CredentialClaims) -> String {
    json!({
        "org": claims.org,
        "orgUrl": claims.org_url,
        "pat": "forged",
        "userId": claims.user_id,
        "scopes": claims.scopes,
        "iat": claims.iat,
    })
    .to_string()
}

/// Organization inputs that try to smuggle a header, a path or a NUL byte into the upstream
/// request.
/// The last four are valid addresses of `contoso` with junk after the organization: they are
/// normalized to the plain name, and the junk must be gone from what goes upstream.
const INJECTIONS: [&str; 18] = [
    "contoso\r\nX-Injected: 1",
    "contoso\nX-Injected: 1",
    "contoso%0d%0aX-Injected: 1",
    "contoso%0D%0AX-Injected:%201",
    "contoso\r\n\r\nGET /evil HTTP/1.1",
    "contoso/../../_apis",
    "contoso/..%2f..%2f_apis",
    "dev.azure.com/contoso/../../_apis/evil",
    "https://dev.azure.com/contoso%2f..%2f..%2fevil",
    "contoso\0",
    "contoso\0X-Injected: 1",
    "contoso%00",
    "contoso\tX-Injected: 1",
    "contoso\u{2028}X-Injected: 1",
    "https://dev.azure.com/contoso/Proj%0D%0AX-Injected:%201/_git/r",
    "https://dev.azure.com/contoso/..%2f..%2f_apis",
    "https://contoso.visualstudio.com/%0d%0aX-Injected:%201",
    "git@ssh.dev.azure.com:v3/contoso/x%00/y",
];

/// Whether an upstream path or query carries any trace of an injection.
fn tainted(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "x-injected",
        "..",
        "%2e",
        "%2f",
        "%0d",
        "%0a",
        "%00",
        "evil",
        "\r",
        "\n",
        "\0",
    ]
    .iter()
    .any(|t| lower.contains(t))
}

#[tokio::test]
async fn injections_in_the_organization_never_reach_upstream() {
    let h = Harness::start().await;
    for input in INJECTIONS {
        let reply = h.verify(input, demo::FULL, &["vso.code"]).await;
        let what = format!("organization {input:?}");
        // Either refused as an organization, or reduced to the plain name "contoso": both are
        // safe, and which one is the normalizer's business.
        if reply.status == StatusCode::OK {
            assert_eq!(reply.body["organization"], "contoso", "{what}");
            assert_eq!(
                reply.body["organizationUrl"],
                "https://dev.azure.com/contoso"
            );
        } else {
            reply.assert_organization_refused(&what);
        }
        for r in h.fake.requests() {
            assert_eq!(r.host, "dev.azure.com", "{what}: {r:?}");
            assert!(r.path.starts_with("/contoso/_apis/"), "{what}: {r:?}");
            assert!(
                !tainted(&r.path) && !tainted(r.query.as_deref().unwrap_or_default()),
                "{what}: {r:?}"
            );
        }
        h.fake.reset_counters();
        still_serving(&h, &what).await;
    }

    // The token field is no way in either: control characters are a token_format error.
    for token in [
        format!("{}\r\nX-Injected: 1", demo::FULL),
        format!("{}\0", demo::FULL),
    ] {
        let reply = h.verify(demo::ORG, &token, &[]).await;
        refused_then_serving(
            &h,
            "a token with control characters",
            reply,
            400,
            "token_format",
        )
        .await;
    }
    h.stop().await;
}

/// A raw upstream on loopback that records each request head byte for byte and answers 401, so
/// a test can see exactly what the proxy put on the wire.
struct WireTap {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl WireTap {
    async fn start() -> WireTap {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let recorded = heads.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while find(&buffer, b"\r\n\r\n").is_none() {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    recorded
                        .lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&buffer).into_owned());
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                });
            }
        });
        WireTap { url, heads, task }
    }

    fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn no_injected_header_or_path_is_ever_put_on_the_wire() {
    let tap = WireTap::start().await;
    let fake = azdo_connect_fake::FakeAzureDevOps::start(azdo_connect_fake::Fixture::demo())
        .await
        .unwrap();
    let key = SealKey::generate("tap");
    let mut config = common::test_config(&fake, &key);
    config.upstream_override = Some(tap.url.parse().unwrap());
    let (origin, server) = common::serve(config).await;
    let client = reqwest::Client::new();
    let verify = |organization: &str| {
        client
            .post(format!("{origin}/api/azdo/verify"))
            .header("x-azdo-connect", "1")
            .json(&json!({"organization": organization, "token": demo::FULL}))
            .send()
    };

    // A control: a plain name reaches the tap, which answers 401.
    let reply = common::into_reply(verify(demo::ORG).await.unwrap()).await;
    assert_eq!(reply.code(), "token_invalid", "{:?}", reply.body);
    assert_eq!(tap.heads().len(), 1);

    for input in INJECTIONS {
        let reply = common::into_reply(verify(input).await.unwrap()).await;
        assert!(
            ["token_invalid", "invalid_organization", "host_not_allowed"].contains(&reply.code()),
            "{input:?}: {:?}",
            reply.body
        );
    }
    let heads = tap.heads();
    // The control plus the inputs normalized to "contoso" went out; the rest were refused.
    assert!(heads.len() > 1, "{heads:?}");
    for head in &heads {
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap();
        let target = request_line
            .strip_prefix("GET ")
            .and_then(|rest| rest.strip_suffix(" HTTP/1.1"))
            .unwrap_or_else(|| panic!("request line {request_line:?}"));
        assert!(
            target.starts_with("/dev.azure.com/contoso/_apis/connectionData"),
            "{target}"
        );
        assert!(!tainted(target), "{target}");
        for line in lines.filter(|l| !l.is_empty()) {
            let name = line.split(':').next().unwrap().to_ascii_lowercase();
            assert!(
                [
                    "host",
                    "authorization",
                    "x-tfs-fedauthredirect",
                    "accept",
                    "user-agent",
                    "accept-encoding",
                ]
                .contains(&name.as_str()),
                "unexpected header line {line:?} in {head:?}"
            );
            assert!(!tainted(line) || name == "authorization", "{line:?}");
        }
    }
    server.abort();
    tap.task.abort();
    fake.shutdown().await;
}
