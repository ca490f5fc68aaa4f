//! Captures every log line at TRACE level, for every target (the proxy, the fakes, reqwest,
//! hyper, axum, tower), through whole Microsoft sign-ins, and checks that no authorization code,
//! access token, refresh token, PKCE verifier or client secret appears.
//!
//! Its own test binary because it installs the process-wide default subscriber.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use azdo_connect_fake::identity as id;
use azdo_connect_proxy::{open_credential, refresh_credential, Keyring, Sealer};
use common::sign_in::SignIn;
use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_sign_in_secret_ever_reaches_the_logs() {
    let buffer = Buffer::default();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(buffer.clone())
        .with_ansi(false)
        .with_target(true)
        .try_init()
        .expect("the only subscriber in this process");

    let h = SignIn::start().await;
    let keyring = Keyring::new(&h.key, &[]);
    let mut secrets: Vec<String> = vec![id::CLIENT_SECRET.to_owned()];

    // A typed organization: the callback URL carries the code.
    let (flow, url) = h.begin(Some("contoso"), id::MEMBER).await;
    let (callback, _) = h.window(&url).await;
    let code = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code");
    secrets.push(code);
    let reply = h.result(&flow).await;
    let credential = reply.body["credential"].as_str().unwrap().to_owned();
    let claims = open_credential(&credential, &keyring).unwrap();
    secrets.push(claims.refresh_token.clone().unwrap().expose().to_owned());

    // Projects (a refresh inside), refresh_credential (a rotation), a refused refresh.
    assert_eq!(
        h.post("projects", &json!({"credential": credential}))
            .await
            .status,
        200
    );
    let sealer = Sealer::new(*h.key.key(), h.key.kid()).unwrap();
    let refreshed = refresh_credential(&h.entra, &sealer, &claims)
        .await
        .unwrap();
    secrets.push(refreshed.access_token.expose().to_owned());
    let renewed = open_credential(&refreshed.credential, &keyring).unwrap();
    secrets.push(renewed.refresh_token.clone().unwrap().expose().to_owned());

    // Discovered organizations and a session, then a cancelled and a replayed sign-in.
    let (flow, url) = h.begin(None, id::MULTI_ORG).await;
    h.window(&url).await;
    let choose = h.result(&flow).await;
    let session = choose.body["session"].as_str().unwrap();
    let verified = h
        .post(
            "verify",
            &json!({"organization": "contoso", "session": session}),
        )
        .await;
    assert_eq!(verified.status, 200, "{:?}", verified.body);
    let claims = open_credential(verified.body["credential"].as_str().unwrap(), &keyring).unwrap();
    secrets.push(claims.refresh_token.unwrap().expose().to_owned());
    assert_eq!(
        h.sign_in(Some("contoso"), id::CANCEL).await.code(),
        "sign_in_cancelled"
    );
    assert_eq!(h.client.get(&callback).send().await.unwrap().status(), 410);
    h.fake.revoke_account(id::MEMBER).unwrap();
    assert!(refresh_credential(&h.entra, &sealer, &renewed)
        .await
        .is_err());
    h.stop().await;

    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    // The capture covers the proxy's sign-in steps, both HTTP stacks and the request spans.
    for expected in [
        "sign-in: started",
        "sign-in: outcome recorded",
        "/oauth/callback",
        "hyper",
        "reqwest",
        "tower_http",
    ] {
        assert!(
            logs.contains(expected),
            "no {expected:?} in the captured logs"
        );
    }
    for secret in &secrets {
        assert!(secret.len() >= 16, "a real secret");
        assert!(
            !logs.contains(secret.as_str()) && !logs.contains(&secret[..16]),
            "a secret ({}…) appears in the logs",
            &secret[..6]
        );
    }
    for needle in [
        "code_verifier",
        "?code=",
        "&code=",
        "refresh_token=",
        "client_secret",
    ] {
        let line = logs.lines().find(|l| l.contains(needle));
        assert!(line.is_none(), "{needle} appears in the logs: {line:?}");
    }
}
