//! Captures every log line, at TRACE level and for every target (the proxy, the fake, reqwest,
//! hyper, h2, axum, tower), while verifying good and bad tokens, and checks that no token appears
//! in any form.
//!
//! This file is its own test binary because it installs the process-wide default subscriber.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{demo, Harness};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_ever_reaches_the_logs() {
    let buffer = common::log_capture::install();

    let h = Harness::start().await;
    let garbage = "garbagegarbagegarbagegarbagegarbagegarbagegarbage234";
    let tokens = [
        demo::FULL,
        demo::CODE,
        demo::CODE_PROJECT,
        demo::EXPIRED,
        demo::REVOKED,
        demo::ERR500,
        demo::RESET,
        demo::SIGNIN203,
        demo::RATELIMITED,
        garbage,
    ];
    for token in tokens {
        let reply = h
            .verify(
                demo::ORG,
                token,
                &["vso.code", "vso.project", "vso.profile", "vso.code_write"],
            )
            .await;
        assert!(reply.body.is_object(), "{token:.8}…: {:?}", reply.status);
    }
    // Bodies that carry a token in the wrong place (the last one is valid: userinfo is ignored).
    for body in [
        json!({"organization": demo::ORG, "token": demo::FULL, "extra": demo::FULL}),
        json!({"organization": demo::ORG, "token": demo::FULL, "requiredScopes": demo::FULL}),
        json!({"organization": demo::FULL, "token": demo::FULL}),
        json!({"organization": format!("https://{}@dev.azure.com/contoso", demo::FULL), "token": demo::FULL}),
    ] {
        let reply = h.post("verify", &body).await;
        assert!(
            reply.body["error"].is_object() || reply.status == 200,
            "{:?}",
            reply.body
        );
    }
    // A projects page goes through the credential and many upstream calls.
    let reply = h.verify(demo::ORG, demo::FULL, &["vso.project"]).await;
    let credential = reply.body["credential"].as_str().unwrap().to_owned();
    let reply = h.post("projects", &json!({"credential": credential})).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    h.stop().await;

    // Proves a secret logged at TRACE by a dependency would be caught.
    tracing::trace!(target: "hyper::canary", "canary-secret-value");
    let logs = buffer.text();
    assert!(logs.contains("canary-secret-value"));
    // The capture really covers the proxy, the HTTP stacks on both sides, and the request path.
    for expected in [
        "azdo_connect_proxy",
        "upstream answered",
        "hyper",
        "reqwest",
        "tower_http",
    ] {
        assert!(
            logs.contains(expected),
            "no {expected:?} in the captured logs"
        );
    }
    for token in tokens {
        let lower = token.to_ascii_lowercase();
        let basic = STANDARD.encode(format!(":{token}"));
        for needle in [token, lower.as_str(), basic.as_str(), &token[..24]] {
            assert!(
                !logs.contains(needle),
                "a token ({}…) appears in the logs",
                &token[..8]
            );
        }
    }
    assert!(
        logs.len() > 10_000,
        "suspiciously few logs: {} bytes",
        logs.len()
    );
}
