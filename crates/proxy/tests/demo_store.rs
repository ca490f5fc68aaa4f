//! The demo backend of `serve --demo` over real loopback HTTP: a credential from a real verify
//! against the fake is stored, read back without its token, kept only sealed in the SQLite file,
//! survives a restart, and is deleted; tampered credentials are refused; without the demo the
//! routes do not exist.
#![cfg(feature = "demo")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use azdo_connect_fake::{FakeAzureDevOps, Fixture};
use azdo_connect_proxy::{
    router_with_demo, DemoStore, Keyring, ProxyConfig, SealKey, Sealer, StoredConnection,
};
use base64::Engine as _;
use common::{demo, into_reply, Harness, Reply};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A fresh, not yet existing database path under a nested directory that doesn't exist either,
/// so every test also proves the parent directories are created.
fn fresh_db(test: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "demo-store-{}-{test}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("nested").join("connections.sqlite3")
}

/// The fake plus a proxy with the demo routes, persisting to `db`.
struct Demo {
    fake: FakeAzureDevOps,
    key: SealKey,
    db: PathBuf,
    base: String,
    client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl Demo {
    async fn start(db: PathBuf) -> Demo {
        let fake = FakeAzureDevOps::start(Fixture::demo()).await.unwrap();
        Demo::start_with(fake, SealKey::generate("demo-test"), db).await
    }

    async fn start_with(fake: FakeAzureDevOps, key: SealKey, db: PathBuf) -> Demo {
        let config: ProxyConfig = common::test_config(&fake, &key);
        let store = DemoStore::open(&db).expect("the store opens");
        let app = router_with_demo(config, store).expect("valid config");
        let (origin, server) = common::serve_app(app).await;
        Demo {
            fake,
            key,
            db,
            base: format!("{origin}/api/azdo"),
            client: reqwest::Client::new(),
            server,
        }
    }

    /// Stops the proxy only, keeping the fake (and the database file) for a restart.
    async fn stop_proxy(self) -> (FakeAzureDevOps, SealKey, PathBuf) {
        self.server.abort();
        let _ = self.server.await;
        (self.fake, self.key, self.db)
    }

    async fn stop(self) {
        let (fake, _, db) = self.stop_proxy().await;
        fake.shutdown().await;
        // fresh_db's per-test directory: ".../demo-store-…/nested/connections.sqlite3".
        let _ = std::fs::remove_dir_all(db.parent().and_then(Path::parent).unwrap());
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        into_reply(request.send().await.unwrap()).await
    }

    /// A credential from a real verify of the FULL token, and the verify answer.
    async fn credential(&self) -> (String, Value) {
        let reply = self
            .send(
                self.client
                    .post(format!("{}/verify", self.base))
                    .header("x-azdo-connect", "1")
                    .json(&json!({
                        "organization": "https://dev.azure.com/contoso/Fabrikam%20Fiber",
                        "token": demo::FULL,
                        "requiredScopes": ["vso.code", "vso.project"],
                    })),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        (
            reply.body["credential"].as_str().unwrap().to_owned(),
            reply.body,
        )
    }

    async fn store(&self, body: &Value) -> Reply {
        self.send(
            self.client
                .post(format!("{}/demo/connections", self.base))
                .header("x-azdo-connect", "1")
                .json(body),
        )
        .await
    }

    async fn current(&self) -> Reply {
        self.send(
            self.client
                .get(format!("{}/demo/connections/current", self.base)),
        )
        .await
    }

    /// Asserts that nothing is stored: the first visit's normal answer is a success without a
    /// body (204), never a 4xx a browser would log as an error.
    async fn assert_nothing_stored(&self) {
        let current = self.current().await;
        assert_eq!(current.status, StatusCode::NO_CONTENT, "{:?}", current.body);
        assert_eq!(current.body, Value::String(String::new()));
        assert_eq!(current.headers["cache-control"], "no-store");
    }

    async fn delete(&self, csrf: bool) -> Reply {
        let mut request = self
            .client
            .delete(format!("{}/demo/connections/current", self.base));
        if csrf {
            request = request.header("x-azdo-connect", "1");
        }
        self.send(request).await
    }
}

fn selection() -> Value {
    json!({
        "projects": [{"id": "p-1", "name": "Fabrikam Fiber"}],
        "repositories": [
            {"id": "r-1", "name": "web", "kind": "git", "projectId": "p-1"}
        ],
    })
}

/// Every file in the database's directory (the database plus any journal SQLite left behind).
fn files_bytes(db: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path, bytes)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn stores_a_verified_connection_and_reads_it_back_without_the_token() {
    let h = Demo::start(fresh_db("store")).await;
    h.assert_nothing_stored().await;

    let (credential, verified) = h.credential().await;
    let reply = h
        .store(&json!({
            "credential": credential,
            "displayName": "Dana Demo",
            "selection": selection(),
        }))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let stored: StoredConnection = serde_json::from_value(reply.body.clone()).unwrap();
    assert_eq!(stored.organization, "contoso");
    assert_eq!(stored.organization_url, "https://dev.azure.com/contoso");
    assert_eq!(stored.user_id, demo::USER_ID);
    assert_eq!(stored.display_name.as_deref(), Some("Dana Demo"));
    assert_eq!(stored.scopes, ["vso.code", "vso.project"]);
    let selection_back = serde_json::to_value(stored.selection.as_ref().unwrap()).unwrap();
    assert_eq!(selection_back, selection());
    // verifiedAt is the credential's issue time: RFC 3339, and not after the verify answer's.
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    let stored_at = time::OffsetDateTime::parse(&stored.verified_at, rfc3339).unwrap();
    let answered_at =
        time::OffsetDateTime::parse(verified["verifiedAt"].as_str().unwrap(), rfc3339).unwrap();
    assert!(stored_at <= answered_at, "{stored_at} > {answered_at}");

    // Read back: the same row, with neither the token nor any sealed form of it.
    let current = h.current().await;
    assert_eq!(current.status, StatusCode::OK, "{:?}", current.body);
    assert_eq!(current.headers["cache-control"], "no-store");
    assert_eq!(current.body, reply.body);
    let text = current.body.to_string();
    assert!(!text.contains(demo::FULL), "the token came back: {text}");
    assert!(!text.contains(&credential), "the credential came back");
    for member in ["credential", "token", "pat", "sealedToken"] {
        assert!(current.body.get(member).is_none(), "{member} in {text}");
    }

    // At rest: the file holds the connection, but the token only sealed.
    let files = files_bytes(&h.db);
    assert!(
        files.iter().any(|(_, b)| contains(b, "Dana Demo")),
        "the row is not in the database directory: {:?}",
        files.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(":{}", demo::FULL));
    for (path, bytes) in &files {
        assert!(
            !contains(bytes, demo::FULL),
            "{} holds the raw token",
            path.display()
        );
        assert!(
            !contains(bytes, &basic),
            "{} holds the Basic header",
            path.display()
        );
    }
    // ...and sealed so that the proxy's key opens it: a backend can still use the connection.
    let claims = DemoStore::open(&h.db)
        .unwrap()
        .current_claims(&Keyring::new(&h.key, &[]))
        .unwrap()
        .expect("a sealed token is stored");
    assert_eq!(claims.pat.as_ref().unwrap().expose(), demo::FULL);
    assert_eq!(claims.org, "contoso");
    assert_eq!(claims.user_id, demo::USER_ID);
    // Another key does not open it.
    let other = SealKey::generate("demo-test");
    assert!(DemoStore::open(&h.db)
        .unwrap()
        .current_claims(&Keyring::new(&other, &[]))
        .is_err());
    h.stop().await;
}

#[tokio::test]
async fn the_connection_survives_a_restart_and_a_second_store_replaces_it() {
    let h = Demo::start(fresh_db("restart")).await;
    let (credential, _) = h.credential().await;
    let first = h
        .store(&json!({"credential": credential, "displayName": "Dana Demo"}))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);

    let (fake, key, db) = h.stop_proxy().await;
    let h = Demo::start_with(fake, key, db).await;
    let current = h.current().await;
    assert_eq!(current.status, StatusCode::OK, "{:?}", current.body);
    assert_eq!(current.body, first.body);
    assert!(current.body.get("selection").is_none());

    // Storing again replaces the one current connection (no display name this time).
    let (credential, _) = h.credential().await;
    let second = h.store(&json!({"credential": credential})).await;
    assert_eq!(second.status, StatusCode::CREATED, "{:?}", second.body);
    assert!(second.body.get("displayName").is_none());
    assert_eq!(h.current().await.body, second.body);
    h.stop().await;
}

#[tokio::test]
async fn tampered_or_foreign_credentials_are_refused_and_nothing_is_stored() {
    let h = Demo::start(fresh_db("tampered")).await;
    let (credential, _) = h.credential().await;

    // One character of the ciphertext flipped.
    let mut parts: Vec<String> = credential.split('.').map(str::to_owned).collect();
    let c = parts[3].remove(0);
    parts[3].insert(0, if c == 'A' { 'B' } else { 'A' });
    let tampered = parts.join(".");
    // Sealed by someone else's key under the proxy's key id.
    let foreign = Sealer::new(*SealKey::generate("demo-test").key(), "demo-test")
        .unwrap()
        .seal(
            &azdo_connect_proxy::open_credential(&credential, &Keyring::new(&h.key, &[])).unwrap(),
        )
        .unwrap();

    for (what, bad) in [
        ("tampered", tampered.as_str()),
        ("foreign key", foreign.as_str()),
        ("garbage", "not-a-credential"),
    ] {
        let reply = h
            .store(&json!({"credential": bad, "displayName": "Mallory"}))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{what}: {:?}",
            reply.body
        );
        assert_eq!(reply.code(), "token_invalid", "{what}");
        assert_eq!(reply.headers["content-type"], "application/json", "{what}");
    }
    h.assert_nothing_stored().await;
    assert!(!files_bytes(&h.db)
        .iter()
        .any(|(_, b)| contains(b, "Mallory")));
    h.stop().await;
}

#[tokio::test]
async fn malformed_and_unguarded_requests_get_contract_errors() {
    let h = Demo::start(fresh_db("guards")).await;
    let (credential, _) = h.credential().await;

    let no_csrf = h
        .send(
            h.client
                .post(format!("{}/demo/connections", h.base))
                .json(&json!({"credential": credential})),
        )
        .await;
    assert_eq!(no_csrf.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_csrf.code(), "invalid_request");

    let foreign_origin = h
        .send(
            h.client
                .post(format!("{}/demo/connections", h.base))
                .header("x-azdo-connect", "1")
                .header("origin", "https://evil.example")
                .json(&json!({"credential": credential})),
        )
        .await;
    assert_eq!(foreign_origin.status, StatusCode::FORBIDDEN);
    assert_eq!(foreign_origin.code(), "forbidden_origin");

    let unknown_field = h
        .store(&json!({"credential": credential, "token": demo::FULL}))
        .await;
    assert_eq!(unknown_field.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown_field.code(), "invalid_request");
    assert!(!unknown_field.body.to_string().contains(demo::FULL));

    let long_name = h
        .store(&json!({"credential": credential, "displayName": "x".repeat(300)}))
        .await;
    assert_eq!(long_name.status, StatusCode::BAD_REQUEST);
    assert_eq!(long_name.code(), "invalid_request");

    let too_large = h.store(&json!({"credential": "x".repeat(20_000)})).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(too_large.code(), "payload_too_large");

    h.assert_nothing_stored().await;
    h.stop().await;
}

#[tokio::test]
async fn delete_forgets_the_connection_and_is_idempotent() {
    let h = Demo::start(fresh_db("delete")).await;
    let (credential, _) = h.credential().await;
    let stored = h
        .store(&json!({"credential": credential, "displayName": "Dana Demo"}))
        .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{:?}", stored.body);

    // A DELETE needs the CSRF header just like a POST, and without it nothing is deleted.
    let refused = h.delete(false).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.code(), "invalid_request");
    assert_eq!(h.current().await.status, StatusCode::OK);

    let deleted = h.delete(true).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);

    h.assert_nothing_stored().await;
    // Deleting again asks for what is already true: the same success, still nothing stored.
    let again = h.delete(true).await;
    assert_eq!(again.status, StatusCode::NO_CONTENT, "{:?}", again.body);
    h.assert_nothing_stored().await;
    assert!(DemoStore::open(&h.db)
        .unwrap()
        .current_claims(&Keyring::new(&h.key, &[]))
        .unwrap()
        .is_none());
    h.stop().await;
}

#[tokio::test]
async fn without_the_demo_the_routes_do_not_exist() {
    let h = Harness::start().await;
    let credential = {
        let reply = h.verify(demo::ORG, demo::FULL, &["vso.code"]).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        reply.body["credential"].as_str().unwrap().to_owned()
    };
    let posted = h
        .post("demo/connections", &json!({"credential": credential}))
        .await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND, "{:?}", posted.body);
    let current = h.get("demo/connections/current").await;
    assert_eq!(current.status, StatusCode::NOT_FOUND, "{:?}", current.body);
    let deleted = h
        .client
        .delete(format!("{}/demo/connections/current", h.base))
        .header("x-azdo-connect", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NOT_FOUND);
    // The contract's own endpoints are unaffected.
    assert_eq!(h.get("config").await.status, StatusCode::OK);
    h.stop().await;
}

#[tokio::test]
async fn the_demo_checks_the_stored_connection_and_can_break_it_on_purpose() {
    let h = Demo::start(fresh_db("check")).await;
    let post = |path: &str, body: Value| {
        h.client
            .post(format!("{}/demo/{path}", h.base))
            .header("x-azdo-connect", "1")
            .json(&body)
    };
    let nothing = h.send(post("check", json!({}))).await;
    assert_eq!(nothing.body["error"]["code"], "invalid_request");
    assert!(nothing.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("connect first"));

    let (credential, _) = h.credential().await;
    assert_eq!(
        h.store(&json!({ "credential": credential })).await.status,
        StatusCode::CREATED
    );
    let healthy = h.send(post("check", json!({}))).await;
    assert_eq!(healthy.status, StatusCode::OK, "{:?}", healthy.body);
    assert_eq!(healthy.body["status"], "ok");
    assert_eq!(healthy.body["scopes"].as_array().unwrap().len(), 2);

    let bad = h.send(post("break", json!({"how": "melt"}))).await;
    assert_eq!(bad.body["error"]["code"], "invalid_request");
    let broken = h.send(post("break", json!({"how": "expire"}))).await;
    assert_eq!(broken.status, StatusCode::NO_CONTENT, "{:?}", broken.body);
    let expired = h.send(post("check", json!({}))).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(expired.body["error"]["code"], "token_expired");

    let revoked = h.send(post("break", json!({"how": "revoke"}))).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let after = h.send(post("check", json!({}))).await;
    assert!(
        ["token_invalid", "token_expired"].contains(&after.body["error"]["code"].as_str().unwrap()),
        "{:?}",
        after.body
    );
    h.stop().await;
}

#[tokio::test]
async fn the_stored_connection_carries_the_expiry_date_given_at_connect() {
    let h = Demo::start(fresh_db("expiry")).await;
    let next_year = (time::OffsetDateTime::now_utc().year() + 1).to_string() + "-03-01";
    let reply = h
        .send(
            h.client
                .post(format!("{}/verify", h.base))
                .header("x-azdo-connect", "1")
                .json(&json!({"organization": "contoso", "token": demo::FULL, "expiresAt": next_year})),
        )
        .await;
    let credential = reply.body["credential"].as_str().unwrap();
    let stored = h.store(&json!({ "credential": credential })).await;
    assert_eq!(stored.body["expiresAt"], next_year.as_str());
    assert_eq!(h.current().await.body["expiresAt"], next_year.as_str());
    h.stop().await;
}
