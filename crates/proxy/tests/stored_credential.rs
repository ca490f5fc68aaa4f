//! A credential the vendor's backend stored keeps opening however old it is (the library and the
//! demo store, over real loopback HTTP), while `POST {base}/projects`, which only the browser calls
//! right after connecting, still refuses an old one with `token_expired`.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use azdo_connect_core::contract::CredentialClaims;
use azdo_connect_proxy::{open_credential, Keyring, Sealer};
use common::{demo, Harness};
use reqwest::StatusCode;
use serde_json::json;

const DAY: i64 = 24 * 60 * 60;

fn now() -> i64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since_epoch.as_secs()).unwrap()
}

/// A real credential from `verify` against the fake, and its claims.
async fn fresh_credential(h: &Harness) -> (String, CredentialClaims) {
    let reply = h
        .verify(demo::ORG, demo::FULL, &["vso.code", "vso.project"])
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let credential = reply.body["credential"].as_str().unwrap().to_owned();
    let claims = open_credential(&credential, &Keyring::new(&h.key, &[])).unwrap();
    (credential, claims)
}

/// The same claims sealed by the harness's key as if issued at `iat` with `exp`.
fn reseal(h: &Harness, claims: &CredentialClaims, iat: i64, exp: Option<i64>) -> String {
    Sealer::new(*h.key.key(), h.key.kid())
        .unwrap()
        .seal(&CredentialClaims {
            iat,
            exp,
            ..claims.clone()
        })
        .unwrap()
}

#[tokio::test]
async fn the_vendor_opens_a_credential_sealed_a_year_ago() {
    let h = Harness::start().await;
    let (_, claims) = fresh_credential(&h).await;
    let year_ago = now() - 365 * DAY;
    // What verify sealed a year ago: the browser's 30-day window long gone.
    let stored = reseal(&h, &claims, year_ago, Some(year_ago + 30 * DAY));

    let opened = open_credential(&stored, &Keyring::new(&h.key, &[])).unwrap();
    assert_eq!(opened.org, "contoso");
    assert_eq!(opened.org_url, "https://dev.azure.com/contoso");
    assert_eq!(opened.user_id, demo::USER_ID);
    assert_eq!(opened.scopes, claims.scopes);
    assert_eq!(opened.iat, year_ago);
    assert_eq!(opened.pat.as_ref().unwrap().expose(), demo::FULL);
    h.stop().await;
}

#[tokio::test]
async fn projects_still_refuses_an_old_credential_with_token_expired() {
    let h = Harness::start_with(|c| c.credential_ttl = Duration::from_secs(3_600)).await;
    let (fresh, claims) = fresh_credential(&h).await;
    let t = now();
    let year_ago = t - 365 * DAY;
    h.fake.reset_counters();

    for (what, credential) in [
        (
            "sealed a year ago",
            reseal(&h, &claims, year_ago, Some(year_ago + 30 * DAY)),
        ),
        (
            "sealed a year ago, no exp",
            reseal(&h, &claims, year_ago, None),
        ),
        (
            "exp ahead but older than the configured window",
            reseal(&h, &claims, t - 2 * 3_600, Some(t + 30 * DAY)),
        ),
    ] {
        let reply = h.post("projects", &json!({"credential": credential})).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(reply.code(), "token_expired", "{what}: {:?}", reply.body);
        assert_eq!(
            reply.body["error"]["message"],
            "The credential has expired. Connect again to renew it.",
            "{what}"
        );
        // The vendor opens every one of them.
        assert!(
            open_credential(&credential, &Keyring::new(&h.key, &[])).is_ok(),
            "{what}"
        );
    }
    assert_eq!(
        h.fake.total_requests(),
        0,
        "an old credential reached Azure"
    );

    // The same claims inside the window list projects.
    let reply = h.post("projects", &json!({"credential": fresh})).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert!(!reply.body["projects"].as_array().unwrap().is_empty());
    h.stop().await;
}

/// The demo store stands in for a vendor's backend: it stores an old credential and opens it again.
#[cfg(feature = "demo")]
#[tokio::test]
async fn the_demo_store_keeps_an_old_credential_usable() {
    use azdo_connect_proxy::{router_with_demo, DemoStore};

    let h = Harness::start().await;
    let (_, claims) = fresh_credential(&h).await;
    let year_ago = now() - 365 * DAY;
    let stored = reseal(&h, &claims, year_ago, Some(year_ago + 30 * DAY));

    let db = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("stored-credential-{}.sqlite3", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = DemoStore::open(&db).unwrap();
    let app = router_with_demo(common::test_config(&h.fake, &h.key), store.clone()).unwrap();
    let (origin, server) = common::serve_app(app).await;
    let reply = common::into_reply(
        h.client
            .post(format!("{origin}/api/azdo/demo/connections"))
            .header("x-azdo-connect", "1")
            .json(&json!({"credential": stored}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);

    let current = store
        .current_claims(&Keyring::new(&h.key, &[]))
        .unwrap()
        .expect("a stored connection");
    assert_eq!(current.iat, year_ago);
    assert_eq!(current.pat.as_ref().unwrap().expose(), demo::FULL);

    server.abort();
    let _ = server.await;
    let _ = std::fs::remove_file(&db);
    h.stop().await;
}
