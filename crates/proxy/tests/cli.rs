//! The `azdo-connect-proxy` binary's subcommands, and opening a credential with npm `jose`.
#![cfg(feature = "cli")]

use std::path::PathBuf;
use std::process::Command;

use azdo_connect_core::contract::CredentialClaims;
use azdo_connect_core::Pat;
use azdo_connect_proxy::{SealKey, Sealer};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_azdo-connect-proxy");
const SECRET: &str = "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7";

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(BIN)
        .args(args)
        .env_remove("AZDO_CONNECT_SEAL_KEY")
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn one_json_line(stdout: &str) -> Value {
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    serde_json::from_str(stdout.trim()).unwrap()
}

#[test]
fn normalize_prints_the_canonical_organization() {
    let (code, stdout, _) = run(&[
        "normalize",
        "https://dev.azure.com/Contoso/Fabrikam%20Fiber/_git/repo",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        one_json_line(&stdout),
        json!({"organization": "Contoso", "organizationUrl": "https://dev.azure.com/Contoso", "deploymentType": "hosted"})
    );
    let (code, stdout, _) = run(&["normalize", "contoso.visualstudio.com"]);
    assert_eq!(code, 0);
    assert_eq!(
        one_json_line(&stdout)["organizationUrl"],
        "https://dev.azure.com/contoso"
    );
}

#[test]
fn normalize_prints_errors_as_json_and_exits_1() {
    for (input, code) in [
        ("https://evil.example/contoso", "host_not_allowed"),
        ("-bad-", "invalid_organization"),
        (
            "https://tfs.corp.example/tfs/DefaultCollection",
            "host_not_allowed",
        ),
    ] {
        let (exit, stdout, _) = run(&["normalize", input]);
        assert_eq!(exit, 1, "{input}");
        let body = one_json_line(&stdout);
        assert_eq!(body["error"]["code"], code, "{input}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
}

#[test]
fn normalize_accepts_allowlisted_servers() {
    let (code, stdout, _) = run(&[
        "normalize",
        "https://tfs.corp.example/tfs/DefaultCollection/Project",
        "--allow-server",
        "other.example",
        "--allow-server",
        "tfs.corp.example",
    ]);
    assert_eq!(code, 0, "{stdout}");
    let body = one_json_line(&stdout);
    assert_eq!(body["deploymentType"], "onPremises");
    assert_eq!(body["organization"], "DefaultCollection");
}

#[test]
fn generate_key_prints_32_random_bytes() {
    let (code, first, _) = run(&["generate-key"]);
    assert_eq!(code, 0);
    let (_, second, _) = run(&["generate-key"]);
    assert_ne!(first, second);
    assert_eq!(URL_SAFE_NO_PAD.decode(first.trim()).unwrap().len(), 32);
}

fn sealed(key: &SealKey) -> (String, CredentialClaims) {
    sealed_at(key, 1_790_000_000, Some(4_000_000_000))
}

fn sealed_at(key: &SealKey, iat: i64, exp: Option<i64>) -> (String, CredentialClaims) {
    let claims = CredentialClaims {
        org: "contoso".into(),
        org_url: "https://dev.azure.com/contoso".into(),
        kind: azdo_connect_core::contract::Method::Pat,
        pat: Some(Pat::new(SECRET)),
        tenant: None,
        refresh_token: None,
        expires_at: None,
        user_id: "6f1c5e0a-3b7d-4c1e-9a55-2f0d3c4b5a61".into(),
        scopes: vec!["vso.code".into(), "vso.project".into()],
        required_scopes: Vec::new(),
        iat,
        exp,
    };
    let token = Sealer::new(*key.key(), key.kid())
        .unwrap()
        .seal(&claims)
        .unwrap();
    (token, claims)
}

#[test]
fn a_key_starting_with_a_hyphen_is_a_key_not_a_flag() {
    // 0xF8 encodes to a leading `-` in base64url, as one generated key in 64 does.
    let key = SealKey::new("k1", [0xF8; 32]);
    let key_text = key.to_base64url();
    assert!(key_text.starts_with('-'), "{key_text}");
    let (token, _) = sealed(&key);
    let (code, stdout, stderr) = run(&["open-credential", &token, "--seal-key", &key_text]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(one_json_line(&stdout)["org"], "contoso");
}

#[test]
fn open_credential_redacts_the_token_unless_asked() {
    let key = SealKey::generate("k1");
    let (token, claims) = sealed(&key);
    let key_text = key.to_base64url();
    let (code, stdout, stderr) = run(&["open-credential", &token, "--seal-key", &key_text]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains(SECRET));
    let body = one_json_line(&stdout);
    assert_eq!(body["pat"], "***");
    assert_eq!(body["org"], "contoso");
    assert_eq!(body["userId"], claims.user_id);

    let (code, stdout, _) = run(&[
        "open-credential",
        &token,
        "--seal-key",
        &key_text,
        "--show-token",
    ]);
    assert_eq!(code, 0);
    assert_eq!(one_json_line(&stdout)["pat"], SECRET);

    let other = SealKey::generate("k1").to_base64url();
    let (code, stdout, stderr) = run(&["open-credential", &token, "--seal-key", &other]);
    assert_eq!(code, 1);
    assert!(
        stdout.is_empty() && stderr.contains("not valid"),
        "{stderr}"
    );
    assert!(!stderr.contains(&other), "the key was echoed");
}

#[test]
fn open_credential_opens_a_credential_sealed_a_year_ago() {
    // A vendor's stored credential: issued a year ago, its 30-day browser window long gone.
    let year_ago = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
        - 365 * 24 * 60 * 60;
    let key = SealKey::generate("k1");
    let key_text = key.to_base64url();
    for exp in [Some(year_ago + 30 * 24 * 60 * 60), None] {
        let (token, claims) = sealed_at(&key, year_ago, exp);
        let (code, stdout, stderr) = run(&[
            "open-credential",
            &token,
            "--seal-key",
            &key_text,
            "--show-token",
        ]);
        assert_eq!(code, 0, "{stderr}");
        let opened: CredentialClaims = serde_json::from_value(one_json_line(&stdout)).unwrap();
        assert_eq!(opened, claims);
        assert_eq!(opened.pat.as_ref().unwrap().expose(), SECRET);
    }
}

#[test]
fn help_documents_every_option() {
    let (code, stdout, _) = run(&["serve", "--help"]);
    assert_eq!(code, 0);
    for flag in [
        "--bind",
        "--upstream-override",
        "--seal-key",
        "AZDO_CONNECT_SEAL_KEY",
        "--key-id",
        "--allowed-origin",
        "--allow-server",
        "--base-path",
        "--connect-timeout-ms",
        "--verify-timeout-ms",
        "--rate-limit-per-minute",
        "--rate-limit-burst",
        "--max-body-bytes",
        "--log-format",
        "127.0.0.1:8787",
        "/api/azdo",
    ] {
        assert!(stdout.contains(flag), "--help lacks {flag}");
    }
    let (_, top, _) = run(&["--help"]);
    for sub in ["serve", "normalize", "open-credential", "generate-key"] {
        assert!(top.contains(sub), "--help lacks {sub}");
    }
}

#[test]
fn client_ip_source_takes_exactly_the_listed_names() {
    let (code, stdout, _) = run(&["serve", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("--client-ip-source"), "{stdout}");
    for name in [
        "peer",
        "x-forwarded-for",
        "x-real-ip",
        "cf-connecting-ip",
        "forwarded",
    ] {
        assert!(stdout.contains(name), "--help lacks {name}: {stdout}");
    }
    // A header the proxy does not support is refused before anything starts.
    let (code, _, stderr) = run(&[
        "--client-ip-source",
        "true-client-ip",
        "--bind",
        "127.0.0.1:0",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("true-client-ip") && stderr.contains("x-forwarded-for"),
        "{stderr}"
    );
}

#[test]
fn a_bad_seal_key_stops_serve() {
    let (code, _, stderr) = run(&["--seal-key", "too-short", "--bind", "127.0.0.1:0"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("seal key"), "{stderr}");
}

#[test]
fn node_jose_opens_the_credential() {
    let tools = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tools");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/open_credential.mjs");
    assert!(
        tools.join("node_modules/jose/package.json").exists(),
        "npm jose is missing under {}: run `cargo xtask test`, which installs it",
        tools.display()
    );
    let key = SealKey::generate("2026-11");
    let (token, claims) = sealed(&key);
    let output = Command::new("node")
        .arg(&script)
        .arg(&tools)
        .arg(&token)
        .arg(key.to_base64url())
        .output()
        .unwrap_or_else(|e| {
            panic!("node could not run ({e}): run `cargo xtask test`, which sets it up")
        });
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let body: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(body["protectedHeader"]["alg"], "dir");
    assert_eq!(body["protectedHeader"]["enc"], "A256GCM");
    assert_eq!(body["protectedHeader"]["kid"], "2026-11");
    let opened: CredentialClaims = serde_json::from_value(body["claims"].clone()).unwrap();
    assert_eq!(opened, claims);
    assert_eq!(opened.pat.as_ref().unwrap().expose(), SECRET);

    // The recipe opens a stored credential whose `exp` passed long ago, as the Rust API does.
    let (old_token, old_claims) = sealed_at(&key, 1_700_000_000, Some(1_702_592_000));
    let output = Command::new("node")
        .arg(&script)
        .arg(&tools)
        .arg(&old_token)
        .arg(key.to_base64url())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "node refused an old credential: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let body: Value = serde_json::from_slice(&output.stdout).unwrap();
    let opened: CredentialClaims = serde_json::from_value(body["claims"].clone()).unwrap();
    assert_eq!(opened, old_claims);

    // And jose refuses it with another key.
    let output = Command::new("node")
        .arg(&script)
        .arg(&tools)
        .arg(&token)
        .arg(SealKey::generate("x").to_base64url())
        .output()
        .unwrap();
    assert!(!output.status.success());
}

#[tokio::test]
async fn serve_verifies_through_the_override_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let fake = azdo_connect_fake::FakeAzureDevOps::start(azdo_connect_fake::Fixture::demo())
        .await
        .unwrap();
    let key = SealKey::generate("cli");
    let mut child = Command::new(BIN)
        .args([
            "--bind",
            "127.0.0.1:0",
            "--upstream-override",
            &fake.base_url(),
        ])
        .args(["--key-id", "cli", "--log-format", "json"])
        .env("AZDO_CONNECT_SEAL_KEY", key.to_base64url())
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let addr = loop {
        let line = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("the proxy logs that it listens");
        let entry: Value = serde_json::from_str(&line).unwrap();
        if entry["fields"]["message"] == "azdo-connect-proxy listening" {
            break entry["fields"]["addr"].as_str().unwrap().to_owned();
        }
    };
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/api/azdo/verify"))
        .header("x-azdo-connect", "1")
        .json(&json!({"organization": "contoso", "token": SECRET, "requiredScopes": ["vso.code"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let claims = azdo_connect_proxy::open_credential(
        body["credential"].as_str().unwrap(),
        &azdo_connect_proxy::Keyring::new(&key, &[]),
    )
    .unwrap();
    assert_eq!(claims.scopes, ["vso.code"]);
    assert!(fake.total_requests() >= 2);

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "graceful shutdown exits 0: {exit:?}");
    // The reader ends at EOF, once the child has exited.
    let rest: Vec<String> = rx.iter().collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
    assert!(rest.iter().all(|l| !l.contains(SECRET)));
    fake.shutdown().await;
}
