//! "Sign in with Microsoft" with a certificate credential (`--entra-certificate`) against the fake
//! identity platform over loopback: a whole sign-in and refreshes, the assertions Microsoft
//! refuses, the logs at TRACE, and the sign-in GETs' rate limit.
//!
//! Its own test binary because it installs the process-wide default subscriber.

mod common;

use std::time::Duration;

use azdo_connect_fake::identity as id;
use azdo_connect_proxy::{
    open_credential, refresh_credential, EntraCertificate, EntraCredential, Keyring, ProxyConfig,
    RateLimit, Sealer,
};
use common::sign_in::SignIn;
use reqwest::StatusCode;
use serde_json::json;

fn logged() -> String {
    common::log_capture::install().text()
}

fn certificate(pem: &str) -> EntraCredential {
    EntraCredential::Certificate(EntraCertificate::from_pem(pem.as_bytes()).unwrap())
}

/// A proxy whose Entra app authenticates with `pem`'s certificate.
async fn start(pem: &'static str, tweak: impl FnOnce(&mut ProxyConfig)) -> SignIn {
    common::log_capture::install();
    SignIn::start_with(|config| {
        if let Some(entra) = config.entra.as_mut() {
            entra.credential = certificate(pem);
        }
        tweak(config);
    })
    .await
}

/// `sign_in_failed` naming `aadsts`, and an ERROR line for the operators naming it too.
fn assert_vendor_credential_refused(reply: &common::Reply, aadsts: &str) {
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{:?}", reply.body);
    assert_eq!(reply.code(), "sign_in_failed", "{:?}", reply.body);
    let message = reply.body["error"]["message"].as_str().unwrap();
    assert!(message.contains(aadsts), "{message}");
    let logs = logged();
    assert!(
        logs.lines()
            .any(|l| l.contains("ERROR") && l.contains(aadsts) && l.contains("credential")),
        "no ERROR line names {aadsts}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_signs_in_refreshes_and_never_reaches_the_logs() {
    let h = start(id::CLIENT_CERTIFICATE_PEM, |_| {}).await;
    let keyring = Keyring::new(&h.key, &[]);
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let credential = reply.body["credential"].as_str().unwrap().to_owned();
    let claims = open_credential(&credential, &keyring).unwrap();
    // The proxy's own refresh (projects), then a vendor backend's (refresh_credential).
    let projects = h.post("projects", &json!({"credential": credential})).await;
    assert_eq!(projects.status, StatusCode::OK, "{:?}", projects.body);
    let sealer = Sealer::new(*h.key.key(), h.key.kid()).unwrap();
    assert!(matches!(
        h.entra.credential,
        EntraCredential::Certificate(_)
    ));
    let refreshed = refresh_credential(&h.entra, &sealer, &claims)
        .await
        .unwrap();
    assert_ne!(refreshed.claims.refresh_token, claims.refresh_token);
    // Debug of the configuration shows the thumbprint, not the key.
    let debug = format!("{:?}", h.entra);
    assert!(debug.contains(id::CLIENT_CERTIFICATE_THUMBPRINT), "{debug}");
    h.stop().await;

    let logs = logged();
    assert!(
        logs.contains("reqwest") && logs.contains("hyper"),
        "TRACE captured"
    );
    // No assertion (nor any other JWT or JWE) and no part of the private key.
    let key = id::CLIENT_CERTIFICATE_PEM
        .split("-----BEGIN PRIVATE KEY-----")
        .nth(1)
        .unwrap();
    for needle in ["client_assertion", "eyJ", "PRIVATE KEY"]
        .into_iter()
        .chain(key.lines().filter(|l| l.len() > 40))
    {
        let line = logs.lines().find(|l| l.contains(needle));
        assert!(line.is_none(), "{needle} appears in the logs: {line:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn microsoft_refusing_the_assertion_is_sign_in_failed_for_the_operators() {
    // A certificate not uploaded to the app registration.
    let h = start(id::UNREGISTERED_CERTIFICATE_PEM, |_| {}).await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_vendor_credential_refused(&reply, "AADSTS700027");
    h.stop().await;

    // The proxy's clock is 11 minutes behind Microsoft's: its assertions have expired.
    let h = start(id::CLIENT_CERTIFICATE_PEM, |_| {}).await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    let credential = reply.body["credential"].as_str().unwrap().to_owned();
    h.fake.advance_clock(Duration::from_secs(11 * 60));
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_vendor_credential_refused(&reply, "AADSTS700024");
    // The same on a refresh.
    let projects = h.post("projects", &json!({"credential": credential})).await;
    assert_vendor_credential_refused(&projects, "AADSTS700024");
    h.stop().await;

    // The proxy reaches the identity platform under another name than the one it answers to
    // (`localhost` for `127.0.0.1`): the audience is not its token endpoint.
    let h = start(id::CLIENT_CERTIFICATE_PEM, |config| {
        if let Some(entra) = config.entra.as_mut() {
            let mut authority = entra.authority.clone();
            authority.set_host(Some("localhost")).unwrap();
            entra.authority = authority;
        }
    })
    .await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_vendor_credential_refused(&reply, "AADSTS700023");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn result_polling_has_its_own_rate_limit() {
    let h = start(id::CLIENT_CERTIFICATE_PEM, |config| {
        config.rate_limit = RateLimit {
            per_minute: 1,
            burst: 1,
        };
    })
    .await;
    // The sign-in GETs' budget: a burst of 2 at this setting.
    let (flow, _) = h.begin(Some("contoso"), id::MEMBER).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(h.result(&flow).await);
    }
    assert_eq!(
        statuses[0].status,
        StatusCode::ACCEPTED,
        "{:?}",
        statuses[0].body
    );
    let limited = statuses.last().unwrap();
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.code(), "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
    // The callback shares that budget, and says so with a page in the sign-in window.
    let callback = h
        .client
        .get(format!("{}/oauth/callback?state=x&code=y", h.base))
        .header("accept-language", "de")
        .send()
        .await
        .unwrap();
    assert_eq!(callback.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(callback.headers().contains_key("retry-after"));
    let html = callback.text().await.unwrap();
    assert!(
        html.contains("lang=\"de\"") && html.contains("(rate_limited)"),
        "{html}"
    );
    h.stop().await;
}

#[cfg(feature = "cli")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_takes_one_credential_a_certificate_file_or_a_secret() {
    let h = start(id::CLIENT_CERTIFICATE_PEM, |_| {}).await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    let credential = reply.body["credential"].as_str().unwrap().to_owned();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../fake/fixtures");
    let run = |extra: &[&str]| h.refresh_credential_cli(&credential, extra);
    let good = format!("{fixtures}/app-certificate.pem");
    let (status, out) = tokio::task::block_in_place(|| run(&["--entra-certificate", &good]));
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("\"credential\""), "{out}");

    let (status, out) = tokio::task::block_in_place(|| {
        run(&[
            "--entra-certificate",
            &good,
            "--entra-client-secret",
            id::CLIENT_SECRET,
        ])
    });
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("not several"), "{out}");
    assert!(!out.contains(id::CLIENT_SECRET), "{out}");

    let missing = format!("{fixtures}/no-such.pem");
    let (status, out) = tokio::task::block_in_place(|| run(&["--entra-certificate", &missing]));
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("no-such.pem"), "{out}");

    let other = format!("{fixtures}/unregistered-certificate.pem");
    let (status, out) = tokio::task::block_in_place(|| run(&["--entra-certificate", &other]));
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("AADSTS700027"), "{out}");
    assert!(
        !out.contains("PRIVATE KEY") && !out.contains("eyJ"),
        "{out}"
    );
    h.stop().await;
}
