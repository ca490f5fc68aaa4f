//! "Sign in with Microsoft" with a federated credential (`--entra-federated-token-file`, workload
//! identity federation) against the fake identity platform over loopback: the token file is read
//! for every token request (so a rotated file is picked up), the tokens Microsoft refuses reach
//! the operators, and the token never reaches the logs.
//!
//! Its own test binary because it installs the process-wide default subscriber.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use azdo_connect_fake::identity as id;
use azdo_connect_proxy::{
    open_credential, refresh_credential, router, EntraCredential, Keyring, ProxyConfig, Sealer,
};
use common::sign_in::SignIn;
use reqwest::StatusCode;
use serde_json::json;

const HOUR: Duration = Duration::from_secs(3600);

fn logged() -> String {
    common::log_capture::install().text()
}

/// A file for the projected token, in a directory of its own, removed on drop.
struct TokenFile(PathBuf);

impl TokenFile {
    fn new(token: &str) -> TokenFile {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "azdo-connect-federated-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = TokenFile(dir.join("azure-identity-token"));
        file.write(token);
        file
    }

    /// Replaces the content as the kubelet does when it rotates the token.
    fn write(&self, token: &str) {
        std::fs::write(&self.0, token).unwrap();
    }
}

impl Drop for TokenFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
    }
}

/// The demo workload's token, as the API server projects it.
fn workload_token() -> String {
    id::workload_token(id::WORKLOAD_SUBJECT, id::TOKEN_EXCHANGE_AUDIENCE, HOUR)
}

/// A proxy whose Entra app authenticates with the token in `file`.
async fn start(file: &TokenFile) -> SignIn {
    common::log_capture::install();
    let path = file.0.clone();
    SignIn::start_with(move |config| {
        if let Some(entra) = config.entra.as_mut() {
            entra.credential = EntraCredential::FederatedTokenFile(path);
        }
    })
    .await
}

/// `sign_in_failed`, and an ERROR line for the operators naming `what`.
fn assert_refused_for_the_operators(reply: &common::Reply, message_part: &str, what: &str) {
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{:?}", reply.body);
    assert_eq!(reply.code(), "sign_in_failed", "{:?}", reply.body);
    let message = reply.body["error"]["message"].as_str().unwrap();
    assert!(message.contains(message_part), "{message}");
    let logs = logged();
    assert!(
        logs.lines()
            .any(|l| l.contains("ERROR") && l.contains(what)),
        "no ERROR line names {what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workload_token_signs_in_refreshes_from_a_rotated_file_and_never_reaches_the_logs() {
    let first = workload_token();
    let file = TokenFile::new(&format!("{first}\n"));
    let h = start(&file).await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["method"], "entra");
    let credential = reply.body["credential"].as_str().unwrap().to_owned();

    let projects = h.post("projects", &json!({"credential": credential})).await;
    assert_eq!(projects.status, StatusCode::OK, "{:?}", projects.body);

    // Every redemption reads the file again: a token for another workload is refused at once,
    // and the rotated one works without a restart.
    let keyring = Keyring::new(&h.key, &[]);
    let claims = open_credential(&credential, &keyring).unwrap();
    let sealer = Sealer::new(*h.key.key(), h.key.kid()).unwrap();
    file.write(&id::workload_token(
        "system:serviceaccount:default:default",
        id::TOKEN_EXCHANGE_AUDIENCE,
        HOUR,
    ));
    let refused = refresh_credential(&h.entra, &sealer, &claims).await;
    assert!(
        refused.is_err_and(|e| e.to_string().contains("AADSTS700213")),
        "a token of another subject was used"
    );
    let rotated = workload_token();
    file.write(&rotated);
    let refreshed = refresh_credential(&h.entra, &sealer, &claims)
        .await
        .unwrap();
    assert_ne!(refreshed.claims.refresh_token, claims.refresh_token);
    // Debug of the configuration shows the path, not the token.
    let debug = format!("{:?}", h.entra);
    assert!(debug.contains("azure-identity-token"), "{debug}");
    h.stop().await;

    let logs = logged();
    assert!(
        logs.contains("reqwest") && logs.contains("hyper"),
        "TRACE captured"
    );
    for needle in ["client_assertion", "eyJ", first.as_str(), rotated.as_str()] {
        let line = logs.lines().find(|l| l.contains(needle));
        assert!(
            line.is_none(),
            "{needle:.20}… appears in the logs: {line:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_no_federated_credential_trusts_or_a_lost_file_is_for_the_operators() {
    // Another service account's token: Microsoft finds no record for its subject.
    let file = TokenFile::new(&id::workload_token(
        "system:serviceaccount:default:default",
        id::TOKEN_EXCHANGE_AUDIENCE,
        HOUR,
    ));
    let h = start(&file).await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_refused_for_the_operators(&reply, "AADSTS700213", "AADSTS700213");
    assert!(
        logged().contains("system:serviceaccount:NAMESPACE:NAME"),
        "the operators' hint names the expected subject's form"
    );

    // A token projected for another audience.
    file.write(&id::workload_token(
        id::WORKLOAD_SUBJECT,
        "api://other",
        HOUR,
    ));
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_refused_for_the_operators(&reply, "AADSTS700212", "AADSTS700212");

    // The file disappears (a volume unmounted): the person gets sign_in_failed, the log the path.
    std::fs::remove_file(&file.0).unwrap();
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_refused_for_the_operators(&reply, "could not be read", "azure-identity-token");
    h.stop().await;
}

#[tokio::test]
async fn a_token_file_that_cannot_be_read_stops_the_proxy_at_start_up() {
    let fake = azdo_connect_fake::FakeAzureDevOps::start(azdo_connect_fake::Fixture::demo())
        .await
        .unwrap();
    let file = TokenFile::new("");
    let config = ProxyConfig {
        entra: Some(azdo_connect_proxy::EntraConfig {
            client_id: id::CLIENT_ID.into(),
            credential: EntraCredential::FederatedTokenFile(file.0.clone()),
            authority: fake.authority().parse().unwrap(),
            public_url: "http://127.0.0.1:9/api/azdo".parse().unwrap(),
        }),
        ..ProxyConfig::default()
    };
    let error = router(config.clone()).unwrap_err().to_string();
    assert!(
        error.contains("azure-identity-token") && error.contains("empty"),
        "{error}"
    );
    std::fs::remove_file(&file.0).unwrap();
    let error = router(config).unwrap_err().to_string();
    assert!(error.contains("azure-identity-token"), "{error}");
    fake.shutdown().await;
}

#[cfg(feature = "cli")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_takes_a_federated_token_file_as_the_one_credential() {
    let file = TokenFile::new(&workload_token());
    let h = start(&file).await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    let credential = reply.body["credential"].as_str().unwrap().to_owned();
    let token_path = file.0.display().to_string();
    let run = |extra: &[&str]| h.refresh_credential_cli(&credential, extra);
    let (status, out) =
        tokio::task::block_in_place(|| run(&["--entra-federated-token-file", &token_path]));
    assert_eq!(status, Some(0), "{out}");
    assert!(out.contains("\"credential\""), "{out}");

    let (status, out) = tokio::task::block_in_place(|| {
        run(&[
            "--entra-federated-token-file",
            &token_path,
            "--entra-client-secret",
            id::CLIENT_SECRET,
        ])
    });
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("not several"), "{out}");
    assert!(!out.contains(id::CLIENT_SECRET), "{out}");

    let missing = format!("{token_path}.gone");
    let (status, out) =
        tokio::task::block_in_place(|| run(&["--entra-federated-token-file", &missing]));
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains(".gone"), "{out}");
    assert!(!out.contains("eyJ"), "{out}");
    h.stop().await;
}
