//! One test per fault switch, against the real fake on loopback. Slow answers are detected by
//! short client deadlines firing, never by measuring elapsed time.

mod common;

use std::time::Duration;

use azdo_connect_fake::{demo, Faults, Fixture};
use common::*;
use reqwest::{Method, StatusCode};

const CD: &str = "dev.azure.com/contoso/_apis/connectionData";

#[tokio::test]
async fn slow_token_answers_late_but_correctly() {
    let fake = start().await;
    // A deadline far below the injected latency must fire...
    let short = client_with_timeout(Duration::from_millis(50));
    let err = request(&short, &fake, Method::GET, CD, Some(demo::SLOW), true)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    // ...while a patient client gets the normal answer.
    let r = get(&fake, CD, Some(demo::SLOW), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["authenticatedUser"]["id"], demo::USER_ID);
}

#[tokio::test]
async fn err500_token_gets_internal_error() {
    let fake = start().await;
    for path in [CD, "dev.azure.com/contoso/_apis/projects"] {
        let r = get(&fake, path, Some(demo::ERR500), true).await;
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = json(r).await;
        assert!(body["message"]
            .as_str()
            .unwrap()
            .starts_with("TF400898: An Internal Error Occurred."));
    }
}

#[tokio::test]
async fn reset_token_gets_no_response_at_all() {
    let fake = start().await;
    let err = request(&client(), &fake, Method::GET, CD, Some(demo::RESET), true)
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "{err}");
    assert!(err.status().is_none());
    assert!(err.is_request() || err.is_connect(), "{err:?}");
    // The fake itself keeps serving.
    assert_eq!(
        get(&fake, CD, Some(demo::FULL), true).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn hang_token_never_answers_and_shutdown_is_not_blocked() {
    let fake = start().await;
    let short = client_with_timeout(Duration::from_millis(300));
    let err = request(&short, &fake, Method::GET, CD, Some(demo::HANG), true)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert_eq!(fake.total_requests(), 1);

    // A hanging request still in flight must not keep the fake alive.
    let url = format!("{}/{CD}", fake.base_url());
    let pending = tokio::spawn(async move {
        client()
            .get(url)
            .basic_auth("", Some(demo::HANG))
            .send()
            .await
    });
    // Bounded wait for the request to reach the fake (a safety net, not a timing assertion).
    for _ in 0..1000 {
        if fake.total_requests() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(fake.total_requests(), 2);
    fake.shutdown().await;
    let outcome = pending.await.unwrap();
    assert!(
        outcome.is_err(),
        "a hanging request must end without an answer"
    );
}

#[tokio::test]
async fn trickle_token_sends_headers_then_a_few_bytes_at_a_time() {
    let fake = start().await;
    let mut r = get(&fake, CD, Some(demo::TRICKLE), true).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-length").is_none());
    let first = r.chunk().await.unwrap().expect("a first chunk");
    assert!(!first.is_empty() && first.len() <= 4, "{}", first.len());
    assert_eq!(&first[..], &b"{\"authenticatedUser\""[..first.len()]);
    // The whole body would take tens of seconds: a short deadline on the rest must fire.
    let rest = tokio::time::timeout(Duration::from_millis(500), r.text()).await;
    assert!(rest.is_err(), "the trickled body must not complete quickly");
}

#[tokio::test]
async fn ratelimited_token_is_blocked_on_every_host() {
    let fake = start().await;
    for path in [
        CD,
        "vssps.dev.azure.com/contoso/_apis/profile/profiles/me",
        "contoso.visualstudio.com/_apis/projects",
    ] {
        let r = get(&fake, path, Some(demo::RATELIMITED), true).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            header(&r, "retry-after"),
            Some(demo::RATELIMITED_RETRY_AFTER.to_string().as_str())
        );
    }
}

#[tokio::test]
async fn signin203_token_gets_sign_in_page_despite_suppress() {
    let fake = start().await;
    let r = get(&fake, CD, Some(demo::SIGNIN203), true).await;
    assert_eq!(r.status(), StatusCode::NON_AUTHORITATIVE_INFORMATION);
    assert_eq!(header(&r, "content-type"), Some("text/html; charset=utf-8"));
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Azure DevOps Services | Sign In"));
}

#[tokio::test]
async fn redirect302_token_gets_redirect_despite_suppress() {
    let fake = start().await;
    let r = get(&fake, CD, Some(demo::REDIRECT302), true).await;
    assert_eq!(r.status(), StatusCode::FOUND);
    assert!(header(&r, "location")
        .unwrap()
        .starts_with("https://spsprodcus3.vssps.visualstudio.com/_signin?realm=dev.azure.com"));
    assert!(r.text().await.unwrap().contains("Object moved"));
}

#[tokio::test]
async fn org_level_faults_apply_to_every_caller() {
    let mut fixture = Fixture::demo();
    let mut faults = Faults::default();
    faults.status500 = true;
    fixture.organization_mut(demo::ORG).unwrap().faults = faults;
    let fake = start_with(fixture).await;
    for token in [Some(demo::FULL), Some("garbage"), None] {
        assert_eq!(
            get(&fake, CD, token, true).await.status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
    // Other organizations are unaffected.
    let r = get(
        &fake,
        "dev.azure.com/fabrikam/_apis/connectionData",
        Some(demo::FABRIKAM_FULL),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn faults_load_from_fixture_json() {
    let text = r#"{
      "users": [{"id": "u1", "displayName": "U", "email": "u@x.example"}],
      "organizations": [{
        "name": "acme", "tenantId": "00000000-0000-0000-0000-000000000000",
        "instanceId": "i", "deploymentId": "d",
        "tokens": [{"token": "tok", "user": "u1", "scopes": ["vso.code"],
                    "faults": {"signIn203": true, "latencyMs": 1}}]
      }]
    }"#;
    let fixture = Fixture::from_json(text, "inline").unwrap();
    let fake = start_with(fixture).await;
    let r = get(
        &fake,
        "dev.azure.com/acme/_apis/connectionData",
        Some("tok"),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NON_AUTHORITATIVE_INFORMATION);
}
