//! "Sign in with Microsoft" end to end: the proxy against the fake Microsoft identity platform
//! and fake Azure DevOps over real HTTP on loopback; reqwest (redirects off) plays the browser's
//! sign-in window.

mod common;

use std::time::Duration;

use azdo_connect_core::contract::Method;
use azdo_connect_fake::identity::{self as id, CONTOSO_TENANT_ID};
use azdo_connect_proxy::{open_credential, refresh_credential, Keyring, Sealer};
use common::sign_in::SignIn;
use common::{demo, Harness};
use reqwest::StatusCode;
use serde_json::json;

fn keyring(h: &SignIn) -> Keyring {
    Keyring::new(&h.key, &[])
}

#[tokio::test]
async fn a_typed_organization_connects_with_an_entra_credential() {
    let h = SignIn::start().await;
    let (flow, url) = h
        .begin(Some("https://dev.azure.com/contoso/"), id::MEMBER)
        .await;
    // The tenant was discovered from the organization, and PKCE, state and nonce are sent.
    assert!(
        url.starts_with(&format!(
            "{}/{CONTOSO_TENANT_ID}/oauth2/v2.0/authorize?",
            h.fake.authority()
        )),
        "{url}"
    );
    for part in [
        "code_challenge_method=S256",
        "nonce=",
        "state=",
        "login_hint=",
    ] {
        assert!(url.contains(part), "{part}");
    }
    assert_eq!(h.result(&flow).await.status, StatusCode::ACCEPTED);

    let (_, page) = h.window(&url).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.starts_with("default-src 'none'; script-src 'sha256-"),
        "{csp}"
    );
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");

    let reply = h.result(&flow).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["method"], "entra");
    assert_eq!(reply.body["organization"], "contoso");
    assert_eq!(reply.body["user"]["email"], "dana@contoso.example");
    assert_eq!(reply.body["scopes"][0]["status"], "granted");
    let claims = open_credential(reply.body["credential"].as_str().unwrap(), &keyring(&h)).unwrap();
    assert_eq!(claims.kind, Method::Entra);
    assert_eq!(claims.tenant.as_deref(), Some(CONTOSO_TENANT_ID));
    assert!(claims.pat.is_none());
    assert!(!claims.refresh_token.as_ref().unwrap().is_empty());
    assert_eq!(claims.org_url, "https://dev.azure.com/contoso");
    // An answer lost on its way is not a lost sign-in: asked again, the same credential.
    let again = h.result(&flow).await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    assert_eq!(again.body["credential"], reply.body["credential"]);

    // The credential lists projects: the proxy redeems the refresh token for this call.
    let projects = h
        .post("projects", &json!({"credential": reply.body["credential"]}))
        .await;
    assert_eq!(projects.status, StatusCode::OK, "{:?}", projects.body);
    assert_eq!(projects.body["projects"].as_array().unwrap().len(), 10);
    // The next page reuses the access token: one redemption for the whole picker.
    let token_calls = || {
        h.fake
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/oauth2/v2.0/token"))
            .count()
    };
    let before = token_calls();
    let next = h
        .post(
            "projects",
            &json!({"credential": reply.body["credential"], "continuationToken": projects.body["continuationToken"]}),
        )
        .await;
    assert_eq!(next.status, StatusCode::OK, "{:?}", next.body);
    assert_eq!(token_calls(), before);
    assert!(
        before >= 2,
        "the code and one refresh were redeemed: {before}"
    );
    h.stop().await;
}

#[tokio::test]
async fn without_an_organization_the_person_picks_one_then_verify_finishes_it() {
    let h = SignIn::start().await;
    let (flow, url) = h.begin(None, id::MULTI_ORG).await;
    assert!(
        url.contains("/organizations/oauth2/v2.0/authorize?"),
        "{url}"
    );
    h.window(&url).await;
    let reply = h.result(&flow).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    assert_eq!(reply.body["status"], "choose_organization");
    let names: Vec<&str> = reply.body["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["contoso", "contoso-labs"]);
    assert_eq!(
        reply.body["organizations"][0]["url"],
        "https://dev.azure.com/contoso"
    );
    let session = reply.body["session"].as_str().unwrap().to_owned();

    // Both a session and a token: refused, nothing used up.
    let both = h
        .post(
            "verify",
            &json!({"organization": "contoso", "session": session, "token": demo::FULL}),
        )
        .await;
    assert_eq!(both.code(), "invalid_request");
    // An organization the person cannot access leaves the session usable.
    let fabrikam = h
        .post(
            "verify",
            &json!({"organization": id::MSA_ORG, "session": session}),
        )
        .await;
    assert_eq!(
        fabrikam.code(),
        "personal_account_organization",
        "{:?}",
        fabrikam.body
    );
    let verified = h
        .post(
            "verify",
            &json!({"organization": "contoso-labs", "session": session, "requiredScopes": ["vso.project"]}),
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{:?}", verified.body);
    assert_eq!(verified.body["method"], "entra");
    assert_eq!(verified.body["organization"], "contoso-labs");
    // Used up on success.
    let again = h
        .post(
            "verify",
            &json!({"organization": "contoso", "session": session}),
        )
        .await;
    assert_eq!(again.code(), "flow_expired");
    assert_eq!(again.status, StatusCode::GONE);
    h.stop().await;
}

#[tokio::test]
async fn microsofts_refusals_map_to_actionable_codes() {
    let h = SignIn::start().await;
    let cases = [
        (id::CANCEL, "sign_in_cancelled", "AADSTS65004"),
        (id::CONSENT_REQUIRED, "consent_required", "AADSTS65001"),
        (id::ADMIN_APPROVAL, "consent_required", "AADSTS90094"),
        (id::CONDITIONAL_ACCESS, "sign_in_failed", "AADSTS53003"),
        // A personal account at the organization's tenant.
        (id::PERSONAL, "not_a_member", "AADSTS50020"),
    ];
    for (account, code, aadsts) in cases {
        let reply = h.sign_in(Some("contoso"), account).await;
        assert_eq!(reply.code(), code, "{account}: {:?}", reply.body);
        let message = reply.body["error"]["message"].as_str().unwrap();
        assert!(message.contains(aadsts), "{account}: {message}");
    }
    h.stop().await;
}

#[tokio::test]
async fn azure_devops_refusals_are_not_a_member() {
    let h = SignIn::start().await;
    let never = h.sign_in(Some("contoso"), id::NEVER_SIGNED_IN).await;
    assert_eq!(never.code(), "not_a_member", "{:?}", never.body);
    assert!(never.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("https://dev.azure.com"));
    let outsider = h.sign_in(Some("contoso"), id::NOT_MEMBER).await;
    assert_eq!(outsider.code(), "not_a_member", "{:?}", outsider.body);
    // A guest of the organization's tenant connects with that tenant's tokens.
    let guest = h.sign_in(Some("contoso"), id::GUEST).await;
    assert_eq!(guest.status, StatusCode::OK, "{:?}", guest.body);
    let claims = open_credential(guest.body["credential"].as_str().unwrap(), &keyring(&h)).unwrap();
    assert_eq!(claims.tenant.as_deref(), Some(CONTOSO_TENANT_ID));
    h.stop().await;
}

#[tokio::test]
async fn flows_are_single_use_and_bounded() {
    let h = SignIn::start().await;
    // An organization backed by personal accounts can't use Entra sign-in.
    let msa = h
        .post("oauth/start", &json!({"organization": id::MSA_ORG}))
        .await;
    assert_eq!(msa.code(), "personal_account_organization");
    assert_eq!(
        h.post("oauth/start", &json!({"organization": "nosuchorg"}))
            .await
            .code(),
        "organization_not_found"
    );
    assert_eq!(h.result("no-such-flow").await.code(), "flow_expired");
    assert_eq!(h.result("bad:flow").await.code(), "flow_expired");

    // An unknown state is a dead end, never a credential.
    let unknown = h.get("oauth/callback?code=abc&state=unknownstate").await;
    assert_eq!(unknown.status, StatusCode::GONE);
    assert!(unknown.body.as_str().unwrap().contains("expired"));
    let german = h
        .client
        .get(format!("{}/oauth/callback?state=unknownstate", h.base))
        .header("accept-language", "de-CH,de;q=0.9,en;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(german.status(), StatusCode::GONE);
    let text = german.text().await.unwrap();
    assert!(
        text.contains("lang=\"de\"") && text.contains("(flow_expired)"),
        "{text}"
    );

    // A replayed callback finds its state taken.
    let (flow, url) = h.begin(Some("contoso"), id::MEMBER).await;
    let (callback, first) = h.window(&url).await;
    assert_eq!(first.status(), StatusCode::OK);
    let replay = h.client.get(&callback).send().await.unwrap();
    assert_eq!(replay.status(), StatusCode::GONE);
    assert_eq!(h.result(&flow).await.status, StatusCode::OK);

    // The POST guard applies to start.
    let no_header = h
        .client
        .post(format!("{}/oauth/start", h.base))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_header.status(), StatusCode::BAD_REQUEST);

    // returnTo: only an allowed origin or the proxy's own; the callback then redirects there.
    let evil = h
        .post(
            "oauth/start",
            &json!({"returnTo": "https://evil.example/x"}),
        )
        .await;
    assert_eq!(evil.code(), "invalid_request");
    let start = h
        .post(
            "oauth/start",
            &json!({"organization": "contoso", "loginHint": id::MEMBER, "returnTo": format!("{}/settings#old", h.origin)}),
        )
        .await;
    let flow = start.body["flow"].as_str().unwrap();
    let (_, redirect) = h.window(start.body["authorizeUrl"].as_str().unwrap()).await;
    assert_eq!(redirect.status(), StatusCode::FOUND);
    assert_eq!(
        redirect.headers()["location"].to_str().unwrap(),
        format!("{}/settings#azdo-connect-flow={flow}", h.origin)
    );
    assert_eq!(h.result(flow).await.status, StatusCode::OK);
    h.stop().await;
}

#[tokio::test]
async fn long_poll_answers_as_soon_as_the_callback_lands() {
    let h = SignIn::start().await;
    let (flow, url) = h.begin(Some("contoso"), id::MEMBER).await;
    let poll = {
        let client = h.client.clone();
        let target = format!("{}/oauth/result?flow={flow}", h.base);
        tokio::spawn(async move { client.get(target).send().await.unwrap().status() })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    h.window(&url).await;
    let status = tokio::time::timeout(Duration::from_secs(10), poll)
        .await
        .expect("the long poll returns once the outcome is recorded")
        .unwrap();
    assert_eq!(status, StatusCode::OK);
    h.stop().await;
}

#[tokio::test]
async fn refresh_credential_rotates_and_reports_a_lapsed_sign_in() {
    let h = SignIn::start().await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    let credential = reply.body["credential"].as_str().unwrap();
    let claims = open_credential(credential, &keyring(&h)).unwrap();
    let sealer = Sealer::new(*h.key.key(), h.key.kid()).unwrap();
    let refreshed = refresh_credential(&h.entra, &sealer, &claims)
        .await
        .unwrap();
    assert!(!refreshed.access_token.is_empty());
    assert!(refreshed.expires_at > claims.iat);
    let renewed = open_credential(&refreshed.credential, &keyring(&h)).unwrap();
    assert_ne!(renewed.refresh_token, claims.refresh_token, "rotated");
    assert_eq!(renewed.org, claims.org);
    assert_eq!(renewed.user_id, claims.user_id);
    assert!(!format!("{refreshed:?}").contains(refreshed.access_token.expose()));
    // The old refresh token stays valid, as Microsoft documents.
    assert!(refresh_credential(&h.entra, &sealer, &claims).await.is_ok());

    // "Revoke sessions" in the admin center: token_expired, naming the AADSTS code.
    h.fake.revoke_account(id::MEMBER).unwrap();
    let error = refresh_credential(&h.entra, &sealer, &renewed)
        .await
        .unwrap_err();
    assert_eq!(error.code().as_str(), "token_expired");
    assert!(error.to_string().contains("AADSTS50173"), "{error}");
    // A PAT credential is not refreshed.
    let mut pat = claims.clone();
    pat.kind = Method::Pat;
    assert_eq!(
        refresh_credential(&h.entra, &sealer, &pat)
            .await
            .unwrap_err()
            .code()
            .as_str(),
        "invalid_request"
    );
    h.stop().await;
}

#[tokio::test]
async fn config_says_whether_sign_in_is_on_and_start_refuses_without_it() {
    let h = SignIn::start().await;
    assert_eq!(h.get("config").await.body["entra"], true);
    let openapi = h.get("openapi.json").await;
    for path in [
        "/api/azdo/oauth/start",
        "/api/azdo/oauth/callback",
        "/api/azdo/oauth/result",
    ] {
        assert!(openapi.body["paths"][path].is_object(), "{path}");
    }
    h.stop().await;

    let plain = Harness::start().await;
    assert_eq!(plain.get("config").await.body["entra"], false);
    let start = plain
        .post("oauth/start", &json!({"organization": "contoso"}))
        .await;
    assert_eq!(start.code(), "entra_not_configured");
    let session = plain
        .post(
            "verify",
            &json!({"organization": "contoso", "session": "abc"}),
        )
        .await;
    assert_eq!(session.code(), "entra_not_configured");
    plain.stop().await;
}

#[cfg(feature = "cli")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_refresh_credential_command_reads_stdin_and_prints_the_renewed_credential() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    let h = SignIn::start().await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    let credential = reply.body["credential"].as_str().unwrap().to_owned();
    let old = open_credential(&credential, &keyring(&h)).unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_azdo-connect-proxy"))
            .args(args)
            .env_clear()
            .env("AZDO_CONNECT_SEAL_KEY", h.key.to_base64url())
            .env("AZDO_CONNECT_KEY_ID", h.key.kid())
            .env("AZDO_CONNECT_ENTRA_CLIENT_SECRET", id::CLIENT_SECRET)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let authority = h.fake.authority();
    let public_url = h.base.clone();
    let args = [
        "refresh-credential",
        "--entra-client-id",
        id::CLIENT_ID,
        "--entra-authority",
        &authority,
        "--public-url",
        &public_url,
    ];
    let (status, stdout, stderr) =
        tokio::task::block_in_place(|| run(&args, &format!("{credential}\n")));
    assert_eq!(status, Some(0), "{stdout}{stderr}");
    let out: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert!(out["expiresAt"].as_i64().unwrap() > old.iat);
    assert!(!out["accessToken"].as_str().unwrap().is_empty());
    let renewed = open_credential(out["credential"].as_str().unwrap(), &keyring(&h)).unwrap();
    assert_ne!(renewed.refresh_token, old.refresh_token);
    assert!(!stderr.contains(id::CLIENT_SECRET));

    // All or none of the Entra flags.
    let (status, stdout, _) = tokio::task::block_in_place(|| {
        run(
            &["refresh-credential", "--entra-client-id", id::CLIENT_ID],
            &credential,
        )
    });
    assert_eq!(status, Some(1));
    assert!(stdout.contains("missing: --public-url"), "{stdout}");
    // serve refuses to start half-configured, and never prints the secret.
    let (status, stdout, stderr) = tokio::task::block_in_place(|| {
        run(
            &[
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--entra-client-id",
                id::CLIENT_ID,
            ],
            "",
        )
    });
    assert_eq!(status, Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("missing: --public-url"), "{stderr}");
    assert!(!stderr.contains(id::CLIENT_SECRET));
    h.stop().await;
}

#[tokio::test]
async fn a_session_reaches_an_organization_in_another_tenant_the_person_is_a_guest_of() {
    let h = SignIn::start().await;
    let choose = h.sign_in(None, id::MULTI_ORG).await;
    let session = choose.body["session"].as_str().unwrap();
    // Only the home tenant's organizations are listed; northwind is typed.
    let verified = h
        .post(
            "verify",
            &json!({"organization": id::NORTHWIND_ORG, "session": session}),
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK, "{:?}", verified.body);
    let claims =
        open_credential(verified.body["credential"].as_str().unwrap(), &keyring(&h)).unwrap();
    assert_eq!(claims.tenant.as_deref(), Some(id::NORTHWIND_TENANT_ID));
    h.stop().await;
}

#[tokio::test]
async fn an_expired_code_a_refused_secret_and_mfa_on_refresh_are_explained() {
    let h = SignIn::start().await;
    // The person took longer than the code lives (ten minutes): the flow has expired.
    let (flow, url) = h.begin(Some("contoso"), id::MEMBER).await;
    let answer = h.client.get(&url).send().await.unwrap();
    let callback = answer.headers()["location"].to_str().unwrap().to_owned();
    h.fake.advance_clock(Duration::from_secs(11 * 60));
    let page = h.client.get(&callback).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::GONE);
    assert_eq!(h.result(&flow).await.code(), "flow_expired");

    // MFA required on every refresh: the credential needs a new interactive sign-in.
    let reply = h.sign_in(Some("contoso"), id::MFA_ON_REFRESH).await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    let projects = h
        .post("projects", &json!({"credential": reply.body["credential"]}))
        .await;
    assert_eq!(projects.code(), "token_expired", "{:?}", projects.body);
    assert!(projects.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("AADSTS50076"));
    h.stop().await;

    // The vendor's client secret has expired: sign_in_failed naming the code, for the operators.
    let h = SignIn::start_with(|config| {
        if let Some(entra) = config.entra.as_mut() {
            entra.credential = azdo_connect_proxy::EntraCredential::Secret(
                azdo_connect_core::SecretToken::new(id::EXPIRED_CLIENT_SECRET),
            );
        }
    })
    .await;
    let reply = h.sign_in(Some("contoso"), id::MEMBER).await;
    assert_eq!(reply.code(), "sign_in_failed", "{:?}", reply.body);
    assert!(reply.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("AADSTS7000222"));
    h.stop().await;
}
