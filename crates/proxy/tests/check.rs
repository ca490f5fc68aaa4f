//! `POST {base}/check` and `azdo-connect-proxy check-credential` against the fake Azure DevOps on
//! loopback: a connection made with verify, then changed behind its back (expired, revoked,
//! scopes gone) the way the fake's run-time controls change a real token.

mod common;

use std::time::Duration;

use azdo_connect_core::contract::{CredentialClaims, Method};
use azdo_connect_core::{Pat, SecretToken};
use azdo_connect_fake::identity as id;
use azdo_connect_proxy::{
    check_credential, open_credential, Checker, Keyring, RateLimit, SealKey, Sealer,
};
use common::{demo, Harness};
use reqwest::StatusCode;
use serde_json::{json, Value};

const REQUIRED: [&str; 2] = ["vso.code", "vso.project"];

/// Connects `token` to the demo organization requiring [`REQUIRED`]; returns the credential.
async fn connect(h: &Harness, token: &str) -> String {
    let reply = h.verify(demo::ORG, token, &REQUIRED).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body["credential"].as_str().unwrap().to_owned()
}

/// `POST {base}/check` the way a vendor's backend does: no `Origin`.
async fn check(h: &Harness, credential: &str) -> common::Reply {
    h.post("check", &json!({ "credential": credential })).await
}

fn claims(pat: &str, scopes: &[&str], required: &[&str], iat: i64) -> CredentialClaims {
    CredentialClaims {
        kind: Method::Pat,
        org: demo::ORG.into(),
        org_url: format!("https://dev.azure.com/{}", demo::ORG),
        pat: Some(Pat::new(pat)),
        tenant: None,
        refresh_token: None,
        expires_at: None,
        user_id: demo::USER_ID.into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        required_scopes: required.iter().map(|s| (*s).to_owned()).collect(),
        iat,
        exp: Some(iat + 30 * 24 * 60 * 60),
    }
}

fn seal(key: &SealKey, claims: &CredentialClaims) -> String {
    Sealer::new(*key.key(), key.kid())
        .unwrap()
        .seal(claims)
        .unwrap()
}

fn statuses(scopes: &Value) -> Vec<(String, String)> {
    scopes
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_healthy_connection_is_ok_with_its_required_scopes() {
    let h = Harness::start().await;
    let credential = connect(&h, demo::FULL).await;
    let reply = check(&h, &credential).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["status"], "ok");
    assert_eq!(reply.body["user"]["id"], demo::USER_ID);
    assert_eq!(reply.body["user"]["displayName"], demo::USER_NAME);
    assert_eq!(
        statuses(&reply.body["scopes"]),
        [
            ("vso.code".to_owned(), "granted".to_owned()),
            ("vso.project".to_owned(), "granted".to_owned())
        ]
    );
    let checked_at = reply.body["checkedAt"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(checked_at, &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{checked_at}"
    );
    // A PAT credential is not re-sealed; nothing secret comes back.
    assert!(reply.body.get("credential").is_none(), "{:?}", reply.body);
    assert!(!reply.body.to_string().contains(demo::FULL));
    h.stop().await;
}

#[tokio::test]
async fn a_token_expired_after_connecting_is_token_expired() {
    let h = Harness::start().await;
    let credential = connect(&h, demo::FULL).await;
    assert!(h.fake.expire_token(demo::FULL));
    let reply = check(&h, &credential).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{:?}", reply.body);
    assert_eq!(reply.code(), "token_expired");
    h.stop().await;
}

#[tokio::test]
async fn a_token_revoked_after_connecting_is_token_invalid() {
    let h = Harness::start().await;
    let credential = connect(&h, demo::FULL).await;
    assert!(h.fake.revoke_token(demo::FULL));
    let reply = check(&h, &credential).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{:?}", reply.body);
    assert_eq!(reply.code(), "token_invalid");
    h.stop().await;
}

#[tokio::test]
async fn a_scope_lost_since_connecting_is_missing_scopes_with_the_checklist() {
    let h = Harness::start().await;
    // Connected when the token had Code and Project; it has only Code now.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let credential = seal(&h.key, &claims(demo::CODE, &REQUIRED, &REQUIRED, now));
    let reply = check(&h, &credential).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{:?}", reply.body);
    assert_eq!(reply.code(), "missing_scopes");
    assert_eq!(reply.body["error"]["missingScopes"], json!(["vso.project"]));
    assert_eq!(
        statuses(&reply.body["error"]["scopes"]),
        [
            ("vso.code".to_owned(), "granted".to_owned()),
            ("vso.project".to_owned(), "missing".to_owned())
        ]
    );
    h.stop().await;
}

#[tokio::test]
async fn verify_records_the_required_scopes_that_check_probes_again() {
    let h = Harness::start().await;
    // Only Code required: a Code-only token stays healthy although Project was never granted.
    let reply = h.verify(demo::ORG, demo::CODE, &["vso.code"]).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let credential = reply.body["credential"].as_str().unwrap();
    let reply = check(&h, credential).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(
        statuses(&reply.body["scopes"]),
        [("vso.code".to_owned(), "granted".to_owned())]
    );
    h.stop().await;
}

#[tokio::test]
async fn an_old_credential_without_required_scopes_checks_its_granted_ones_at_any_age() {
    let h = Harness::start().await;
    let year_ago = time::OffsetDateTime::now_utc().unix_timestamp() - 365 * 24 * 60 * 60;
    let credential = seal(
        &h.key,
        &claims(demo::CODE_PROJECT, &REQUIRED, &[], year_ago),
    );
    let reply = check(&h, &credential).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(statuses(&reply.body["scopes"]).len(), 2);
    // The same credential is long past the browser's window on /projects.
    let projects = h
        .post("projects", &json!({ "credential": credential }))
        .await;
    assert_eq!(projects.code(), "token_expired", "{:?}", projects.body);
    h.stop().await;
}

#[tokio::test]
async fn a_tampered_or_foreign_credential_is_token_invalid() {
    let h = Harness::start().await;
    let credential = connect(&h, demo::FULL).await;
    let mut parts: Vec<String> = credential.split('.').map(str::to_owned).collect();
    let c = parts[3].remove(0);
    parts[3].insert(0, if c == 'A' { 'B' } else { 'A' });
    let foreign = seal(
        &SealKey::generate("someone-else"),
        &claims(demo::FULL, &REQUIRED, &REQUIRED, 0),
    );
    for bad in [parts.join("."), foreign, "not a credential".to_owned()] {
        let reply = check(&h, &bad).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{:?}", reply.body);
        assert_eq!(reply.code(), "token_invalid");
    }
    // Nothing was asked of Azure DevOps for a credential that does not open.
    h.fake.reset_counters();
    check(&h, "not a credential").await;
    assert_eq!(h.fake.total_requests(), 0);
    h.stop().await;
}

#[tokio::test]
async fn an_entra_connection_is_checked_with_a_fresh_access_token_and_resealed() {
    let h = common::sign_in::SignIn::start().await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let first = reply.body["credential"].as_str().unwrap().to_owned();
    let keys = Keyring::new(&h.key, &[]);
    let before = open_credential(&first, &keys).unwrap();

    let ok = h.post("check", &json!({ "credential": first })).await;
    assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
    assert_eq!(ok.body["status"], "ok");
    assert!(ok.body["user"]["id"].is_string());
    // Re-sealed with the rotated refresh token: the vendor stores it in place of the old one.
    let resealed = ok.body["credential"].as_str().unwrap();
    let after = open_credential(resealed, &keys).unwrap();
    assert_eq!(after.kind, Method::Entra);
    assert_eq!((&after.org, &after.user_id), (&before.org, &before.user_id));
    assert_ne!(after.refresh_token, before.refresh_token);
    // No access or refresh token in the answer, other than sealed.
    let text = ok.body.to_string();
    assert!(!text.contains(before.refresh_token.as_ref().unwrap().expose()));
    assert!(!text.contains(after.refresh_token.as_ref().unwrap().expose()));

    // "Revoke sessions": the person must sign in again.
    h.fake.revoke_account(id::MEMBER).unwrap();
    let lapsed = h.post("check", &json!({ "credential": resealed })).await;
    assert_eq!(lapsed.status, StatusCode::UNAUTHORIZED, "{:?}", lapsed.body);
    assert_eq!(lapsed.code(), "token_expired");
    assert!(lapsed.body.get("credential").is_none());
    h.stop().await;
}

#[tokio::test]
async fn an_entra_credential_without_an_entra_app_gets_a_clear_error_never_ok() {
    let h = Harness::start().await;
    let entra = CredentialClaims {
        kind: Method::Entra,
        pat: None,
        tenant: Some(demo::TENANT_ID.into()),
        refresh_token: Some(SecretToken::new("1.refresh")),
        ..claims(demo::FULL, &REQUIRED, &REQUIRED, 0)
    };
    let reply = check(&h, &seal(&h.key, &entra)).await;
    assert!(reply.status.is_client_error(), "{:?}", reply.body);
    assert_ne!(reply.body["status"], "ok");
    assert_eq!(reply.code(), "entra_not_configured");
    h.stop().await;
}

#[tokio::test]
async fn the_guard_applies_origin_and_csrf_but_lets_servers_without_origin_in() {
    let h = Harness::start().await;
    let credential = connect(&h, demo::FULL).await;
    let body = json!({ "credential": credential });
    assert_eq!(h.post_as(None, "check", &body).await.status, StatusCode::OK);
    let foreign = h
        .post_as(Some("https://evil.example"), "check", &body)
        .await;
    assert_eq!(foreign.code(), "forbidden_origin");
    let no_header = h
        .client
        .post(format!("{}/check", h.base))
        .json(&body)
        .send()
        .await
        .unwrap();
    let no_header = common::into_reply(no_header).await;
    assert_eq!(no_header.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_header.code(), "invalid_request");
    let unknown_field = h
        .post("check", &json!({ "credential": credential, "token": "x" }))
        .await;
    assert_eq!(unknown_field.code(), "invalid_request");
    h.stop().await;
}

#[tokio::test]
async fn check_has_its_own_rate_limit_apart_from_the_browsers() {
    let tight = RateLimit {
        per_minute: 1,
        burst: 1,
    };
    let wide = RateLimit {
        per_minute: 60_000,
        burst: 1_000,
    };

    // The browsers used up their limit: the backend's checks still go through.
    let h = Harness::start_with(|c| {
        c.rate_limit = tight;
        c.check_rate_limit = wide;
    })
    .await;
    let credential = connect(&h, demo::FULL).await;
    assert_eq!(
        h.verify(demo::ORG, demo::FULL, &[]).await.code(),
        "rate_limited"
    );
    for _ in 0..5 {
        assert_eq!(check(&h, &credential).await.status, StatusCode::OK);
    }
    h.stop().await;

    // A sweep used up the check limit: the browsers still verify.
    let h = Harness::start_with(|c| c.check_rate_limit = tight).await;
    let credential = connect(&h, demo::FULL).await;
    assert_eq!(check(&h, &credential).await.status, StatusCode::OK);
    let limited = check(&h, &credential).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body["error"]["retryAfter"].as_u64().unwrap() >= 1);
    assert!(limited.headers.contains_key("retry-after"));
    assert_eq!(
        h.verify(demo::ORG, demo::FULL, &[]).await.status,
        StatusCode::OK
    );
    h.stop().await;
}

#[tokio::test]
async fn verify_validates_and_carries_the_expiry_date() {
    let h = Harness::start().await;
    let next_year = (time::OffsetDateTime::now_utc().year() + 1).to_string() + "-03-01";
    let body = |expires: &str| json!({"organization": demo::ORG, "token": demo::FULL, "expiresAt": expires});
    let reply = h.post("verify", &body(&next_year)).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["expiresAt"], next_year.as_str());
    let claims =
        azdo_connect_proxy::open_credential(reply.body["credential"].as_str().unwrap(), &{
            azdo_connect_proxy::Keyring::new(&h.key, &[])
        })
        .unwrap();
    assert_eq!(claims.expires_at.as_deref(), Some(next_year.as_str()));

    for (bad, says) in [
        ("2020-01-01", "in the past"),
        ("next tuesday", "must be a date"),
    ] {
        let reply = h.post("verify", &body(bad)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(reply.code(), "invalid_request");
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{bad}: {message}");
    }
    // No date at all stays fine, and the answer has none.
    let reply = h.verify(demo::ORG, demo::FULL, &[]).await;
    assert!(reply.body.get("expiresAt").is_none());
    h.stop().await;
}

#[tokio::test]
async fn the_openapi_document_describes_check() {
    let h = Harness::start().await;
    let doc = h.get("openapi.json").await.body;
    let check = &doc["paths"]["/api/azdo/check"]["post"];
    assert!(check["requestBody"].is_object(), "{check}");
    for status in ["200", "401", "403", "429"] {
        assert!(check["responses"][status].is_object(), "{status}: {check}");
    }
    assert!(doc["components"]["schemas"]["CheckResponse"].is_object());
    h.stop().await;
}

#[tokio::test]
async fn the_library_function_checks_like_the_endpoint_within_its_deadline() {
    let h = Harness::start().await;
    let credential = connect(&h, demo::FULL).await;
    let config = common::test_config(&h.fake, &h.key);
    let checker = Checker::new(&config).unwrap();
    let answer = check_credential(&checker, &credential).await.unwrap();
    assert_eq!(answer.user.id, demo::USER_ID);
    assert_eq!(answer.scopes.len(), 2);

    let hang = seal(&h.key, &claims(demo::HANG, &REQUIRED, &REQUIRED, 0));
    let quick = Checker::new(&azdo_connect_proxy::ProxyConfig {
        verify_timeout: Duration::from_millis(300),
        ..config
    })
    .unwrap();
    let error = check_credential(&quick, &hang).await.unwrap_err();
    assert_eq!(error.code().as_str(), "upstream_timeout");
    h.stop().await;
}

#[cfg(feature = "cli")]
mod cli {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    use super::*;

    const BIN: &str = env!("CARGO_BIN_EXE_azdo-connect-proxy");

    /// Runs `check-credential` with `input` on stdin, off the async runtime that serves the fake.
    async fn sweep(h: &Harness, args: &[&str], input: String) -> (i32, Vec<Value>, String) {
        sweep_with(&h.fake.base_url(), h.key.kid(), args, input).await
    }

    async fn sweep_with(
        fake: &str,
        kid: &str,
        args: &[&str],
        input: String,
    ) -> (i32, Vec<Value>, String) {
        let mut command = Command::new(BIN);
        command
            .arg("check-credential")
            .args(["--upstream-override", fake])
            .args(["--key-id", kid])
            .args(args)
            .env_remove("AZDO_CONNECT_SEAL_KEY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        tokio::task::spawn_blocking(move || {
            let mut child = command.spawn().unwrap();
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
            let output = child.wait_with_output().unwrap();
            let stdout = String::from_utf8(output.stdout).unwrap();
            let lines = stdout
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            (
                output.status.code().unwrap_or(-1),
                lines,
                String::from_utf8(output.stderr).unwrap(),
            )
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn a_sweep_reports_each_credential_and_a_summary() {
        let h = Harness::start().await;
        let key = h.key.to_base64url();
        let healthy = connect(&h, demo::FULL).await;
        let doomed = connect(&h, demo::CODE_PROJECT).await;
        assert!(h.fake.expire_token(demo::CODE_PROJECT));
        let input = format!("# nightly\nacme\t{healthy}\n\nglobex\t{doomed}\n{healthy}\n");
        let (code, lines, stderr) = sweep(&h, &["--seal-key", &key], input).await;
        assert_eq!(code, 1, "{stderr}");
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(lines[0]["name"], "acme");
        assert_eq!(lines[0]["status"], "ok");
        assert_eq!(lines[0]["user"]["displayName"], demo::USER_NAME);
        assert_eq!(statuses(&lines[0]["scopes"]).len(), 2);
        assert_eq!(lines[1]["name"], "globex");
        assert_eq!(lines[1]["status"], "token_expired");
        assert!(lines[1]["message"].as_str().unwrap().contains("expired"));
        assert_eq!(lines[2]["name"], "line 5");
        assert_eq!(lines[2]["status"], "ok");
        assert_eq!(
            lines[3],
            json!({"summary": {"checked": 3, "ok": 2, "broken": 1}})
        );
        let all = lines.iter().map(Value::to_string).collect::<String>() + &stderr;
        for secret in [demo::FULL, demo::CODE_PROJECT, &key] {
            assert!(!all.contains(secret));
        }

        let (code, lines, _) = sweep(&h, &["--seal-key", &key], format!("{healthy}\n")).await;
        assert_eq!(code, 0);
        assert_eq!(lines[1]["summary"]["ok"], 1);
        h.stop().await;
    }

    #[tokio::test]
    async fn a_sweep_prints_an_entra_credential_resealed() {
        let h = common::sign_in::SignIn::start().await;
        let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
        let credential = reply.body["credential"].as_str().unwrap().to_owned();
        let key = h.key.to_base64url();
        let authority = h.entra.authority.to_string();
        let public_url = h.entra.public_url.to_string();
        let args = [
            "--seal-key",
            key.as_str(),
            "--entra-client-id",
            h.entra.client_id.as_str(),
            "--entra-client-secret",
            azdo_connect_fake::identity::CLIENT_SECRET,
            "--entra-authority",
            authority.as_str(),
            "--public-url",
            public_url.as_str(),
        ];
        let (code, lines, stderr) = sweep_with(
            &h.fake.base_url(),
            h.key.kid(),
            &args,
            format!("acme\t{credential}\n"),
        )
        .await;
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(lines[0]["status"], "ok", "{lines:?}");
        let resealed = lines[0]["credential"].as_str().unwrap();
        assert_ne!(resealed, credential);
        assert!(open_credential(resealed, &Keyring::new(&h.key, &[])).is_ok());
        h.stop().await;
    }

    #[tokio::test]
    async fn bad_input_exits_2_with_a_reason() {
        let h = Harness::start().await;
        let key = h.key.to_base64url();
        for (args, input, says) in [
            (vec![], "x\n".to_owned(), "needs the key"),
            (
                vec!["--seal-key", key.as_str()],
                "\n# none\n".to_owned(),
                "no credentials",
            ),
            (
                vec!["--seal-key", key.as_str()],
                "acme\t\n".to_owned(),
                "no credential after",
            ),
            (vec!["--seal-key", "short"], "x\n".to_owned(), "seal key"),
            (
                vec!["--seal-key", key.as_str(), "/nonexistent/creds.txt"],
                String::new(),
                "could not read",
            ),
        ] {
            let (code, lines, stderr) = sweep(&h, &args, input).await;
            assert_eq!(code, 2, "{args:?}: {stderr}");
            assert!(lines.is_empty(), "{lines:?}");
            assert!(stderr.contains(says), "{args:?}: {stderr}");
        }
        h.stop().await;
    }
}
