//! The fake Microsoft identity platform and the fake Azure DevOps' Entra side, over real HTTP on
//! loopback (no redirects followed).

mod common;

use std::collections::HashMap;
use std::time::Duration;

use azdo_connect_fake::identity::{self as id, CLIENT_ID, CLIENT_SECRET};
use azdo_connect_fake::{demo, FakeAzureDevOps, Fixture};
use base64::Engine as _;
use common::*;
use reqwest::{Response, StatusCode};
use serde_json::Value;

/// `application/x-www-form-urlencoded` bodies (the workspace's reqwest has no `form` feature).
trait FormBody {
    fn form_body<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self;
}

impl FormBody for reqwest::RequestBuilder {
    fn form_body<K: AsRef<str>, V: AsRef<str>>(self, pairs: &[(K, V)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_ref())))
            .finish();
        self.header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
    }
}

const VERIFIER: &str = "a-pkce-verifier-that-is-long-enough-0123456789abcdefghijkl";
const STATE: &str = "opaque-state-123";
const NONCE: &str = "nonce-456";
/// A registered loopback redirect URI with a port the registration does not name.
const REDIRECT: &str = "http://127.0.0.1:49152/api/azdo/oauth/callback";

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(openssl::sha::sha256(verifier.as_bytes()))
}

fn authorize_params(hint: Option<&str>) -> Vec<(&'static str, String)> {
    let mut p = vec![
        ("client_id", CLIENT_ID.to_owned()),
        ("response_type", "code".to_owned()),
        ("redirect_uri", REDIRECT.to_owned()),
        ("scope", id::SCOPE.to_owned()),
        ("state", STATE.to_owned()),
        ("nonce", NONCE.to_owned()),
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".to_owned()),
    ];
    if let Some(h) = hint {
        p.push(("login_hint", h.to_owned()));
    }
    p
}

fn with(
    mut params: Vec<(&'static str, String)>,
    key: &'static str,
    value: Option<&str>,
) -> Vec<(&'static str, String)> {
    params.retain(|(k, _)| *k != key);
    if let Some(v) = value {
        params.push((key, v.to_owned()));
    }
    params
}

async fn authorize(
    fake: &FakeAzureDevOps,
    tenant: &str,
    params: &[(&'static str, String)],
) -> Response {
    let url = url::Url::parse_with_params(
        &format!("{}/{tenant}/oauth2/v2.0/authorize", fake.authority()),
        params.iter().map(|(k, v)| (*k, v.as_str())),
    )
    .unwrap();
    client().get(url).send().await.expect("the fake answers")
}

/// The query of a 302's `Location`, which must go to [`REDIRECT`].
fn redirected(r: &Response) -> HashMap<String, String> {
    assert_eq!(r.status(), StatusCode::FOUND, "expected a redirect");
    let location = header(r, "location").expect("Location");
    let url = url::Url::parse(location).unwrap();
    assert_eq!(&location[..REDIRECT.len()], REDIRECT, "{location}");
    url.query_pairs().into_owned().collect()
}

async fn code_for(fake: &FakeAzureDevOps, tenant: &str, hint: &str) -> String {
    let r = authorize(fake, tenant, &authorize_params(Some(hint))).await;
    let q = redirected(&r);
    assert_eq!(q.get("state").map(String::as_str), Some(STATE));
    q.get("code")
        .cloned()
        .unwrap_or_else(|| panic!("no code: {q:?}"))
}

async fn token<K: AsRef<str>, V: AsRef<str>>(
    fake: &FakeAzureDevOps,
    tenant: &str,
    form: &[(K, V)],
) -> Response {
    client()
        .post(format!("{}/{tenant}/oauth2/v2.0/token", fake.authority()))
        .form_body(form)
        .send()
        .await
        .expect("the fake answers")
}

/// The form redeeming `code` as the proxy does.
fn redemption(code: &str) -> Vec<(&'static str, String)> {
    [
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", VERIFIER),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

async fn redeem(fake: &FakeAzureDevOps, tenant: &str, code: &str) -> Response {
    token(fake, tenant, &redemption(code)).await
}

/// A 400 `invalid_grant` with this AADSTS code.
async fn assert_grant_error(r: Response, code: u64) -> Value {
    assert_error(r, StatusCode::BAD_REQUEST, "invalid_grant", code).await
}

async fn refresh(fake: &FakeAzureDevOps, tenant: &str, rt: &str) -> Response {
    refresh_as(fake, tenant, rt, &[("client_secret", CLIENT_SECRET)]).await
}

/// A refresh authenticated by `credential` (a secret, or an assertion and its type).
async fn refresh_as(
    fake: &FakeAzureDevOps,
    tenant: &str,
    rt: &str,
    credential: &[(&str, &str)],
) -> Response {
    let mut form = vec![
        ("client_id", CLIENT_ID),
        ("grant_type", "refresh_token"),
        ("refresh_token", rt),
        ("scope", id::SCOPE),
    ];
    form.extend_from_slice(credential);
    token(fake, tenant, &form).await
}

/// Signs in as `hint` at `tenant` and redeems the code: the token response.
async fn sign_in(fake: &FakeAzureDevOps, tenant: &str, hint: &str) -> Value {
    let code = code_for(fake, tenant, hint).await;
    let r = redeem(fake, tenant, &code).await;
    assert_eq!(r.status(), StatusCode::OK);
    json(r).await
}

/// An identity-platform JSON error: status, `error` and the AADSTS code, with the documented shape.
async fn assert_error(r: Response, status: StatusCode, error: &str, code: u64) -> Value {
    assert_eq!(r.status(), status);
    assert_eq!(header(&r, "cache-control"), Some("no-store, no-cache"));
    let body = json(r).await;
    assert_eq!(body["error"], error, "{body}");
    assert_eq!(body["error_codes"][0], code, "{body}");
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    for part in ["\r\nTrace ID: ", "\r\nCorrelation ID: ", "\r\nTimestamp: "] {
        assert!(description.contains(part), "{description}");
    }
    assert_eq!(
        body["error_uri"],
        format!("https://login.microsoftonline.com/error?code={code}")
    );
    assert!(body["trace_id"].as_str().is_some_and(|s| s.len() == 36));
    assert!(body["correlation_id"]
        .as_str()
        .is_some_and(|s| s.len() == 36));
    assert!(body["timestamp"].as_str().is_some_and(|s| s.ends_with('Z')));
    body
}

/// A redirect carrying an identity-platform error back to the app.
fn assert_redirect_error(r: &Response, error: &str, code: u32) {
    let q = redirected(r);
    assert_eq!(q.get("error").map(String::as_str), Some(error), "{q:?}");
    assert_eq!(q.get("state").map(String::as_str), Some(STATE));
    assert!(
        q["error_description"].starts_with(&format!("AADSTS{code}: ")),
        "{q:?}"
    );
    assert!(q["error_description"].contains("Trace ID: "));
    assert_eq!(
        q["error_uri"],
        format!("https://login.microsoftonline.com/error?code={code}")
    );
    assert!(!q.contains_key("code"));
}

/// `GET {path}` on the fake Azure DevOps with an Entra access token, as the proxy calls it.
async fn bearer(fake: &FakeAzureDevOps, path: &str, at: &str) -> Response {
    client()
        .get(format!("{}/{path}", fake.base_url()))
        .bearer_auth(at)
        .header("X-TFS-FedAuthRedirect", "Suppress")
        .header("Accept", "application/json")
        .send()
        .await
        .expect("the fake answers")
}

fn at(body: &Value) -> &str {
    body["access_token"].as_str().expect("access_token")
}

fn rt(body: &Value) -> &str {
    body["refresh_token"].as_str().expect("refresh_token")
}

// ---------------------------------------------------------------- authorize

#[tokio::test]
async fn scripted_hint_redirects_with_a_long_code_and_the_state_on_any_loopback_port() {
    let fake = start().await;
    for (tenant, redirect) in [
        ("organizations", REDIRECT),
        (
            id::CONTOSO_TENANT_ID,
            "http://localhost:3000/api/azdo/oauth/callback",
        ),
        (
            "contoso.example",
            "http://127.0.0.1/api/azdo/oauth/callback",
        ),
    ] {
        let params = with(
            authorize_params(Some(id::MEMBER)),
            "redirect_uri",
            Some(redirect),
        );
        let r = authorize(&fake, tenant, &params).await;
        assert_eq!(r.status(), StatusCode::FOUND);
        let location = header(&r, "location").unwrap();
        assert!(
            location.starts_with(&format!("{redirect}?code=")),
            "{location}"
        );
        let q: HashMap<String, String> = url::Url::parse(location)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
        assert!(q["code"].len() > 200);
        assert_eq!(q["state"], STATE);
    }
}

#[tokio::test]
async fn unknown_app_or_redirect_uri_is_a_400_page_that_never_redirects() {
    let fake = start().await;
    let cases = [
        (
            with(
                authorize_params(Some(id::MEMBER)),
                "client_id",
                Some("00000000-1111-2222-3333-444444444444"),
            ),
            "AADSTS700016",
        ),
        (
            with(
                authorize_params(Some(id::MEMBER)),
                "redirect_uri",
                Some("https://evil.example/api/azdo/oauth/callback"),
            ),
            "AADSTS50011",
        ),
        (
            with(
                authorize_params(Some(id::MEMBER)),
                "redirect_uri",
                Some("http://127.0.0.1:8080/other/callback"),
            ),
            "AADSTS50011",
        ),
    ];
    for (params, code) in cases {
        let r = authorize(&fake, "organizations", &params).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(header(&r, "location").is_none());
        assert!(header(&r, "content-type").unwrap().starts_with("text/html"));
        let text = r.text().await.unwrap();
        assert!(text.contains(code), "{text}");
    }
    // An unknown tenant, and `consumers` where this work-or-school app does not exist.
    for (tenant, aadsts) in [
        ("nosuchtenant.example", "AADSTS90002"),
        ("consumers", "AADSTS700016"),
    ] {
        let r = authorize(&fake, tenant, &authorize_params(Some(id::MEMBER))).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(header(&r, "location").is_none());
        assert!(r.text().await.unwrap().contains(aadsts));
    }
    let code = code_for(&fake, "organizations", id::MEMBER).await;
    let r = redeem(&fake, "nosuchtenant.example", &code).await;
    assert_error(r, StatusCode::BAD_REQUEST, "invalid_request", 90002).await;
    let r = redeem(&fake, "consumers", &code).await;
    assert_error(r, StatusCode::BAD_REQUEST, "unauthorized_client", 700016).await;
}

#[tokio::test]
async fn bad_requests_from_a_known_app_are_redirect_errors() {
    let fake = start().await;
    let cases = [
        // PKCE S256 is required, with a 43-character challenge.
        ("code_challenge", None, "invalid_request", 9002325),
        ("code_challenge_method", Some("plain"), "invalid_request", 9002325),
        ("code_challenge", Some("abc"), "invalid_request", 501491),
        ("scope", Some("vso.code openid"), "invalid_scope", 70011),
        (
            "scope",
            Some("499b84ac-1321-427f-aa17-267ca6975798/.default 499b84ac-1321-427f-aa17-267ca6975798/vso.code"),
            "invalid_scope",
            70011,
        ),
        ("response_type", Some("token"), "unsupported_response_type", 700054),
        // A silent sign-in without anyone signed in.
        ("login_hint", None, "login_required", 50058),
    ];
    for (key, value, error, code) in cases {
        let mut params = with(authorize_params(Some(id::MEMBER)), key, value);
        if error == "login_required" {
            params.push(("prompt", "none".to_owned()));
        }
        let r = authorize(&fake, "organizations", &params).await;
        assert_redirect_error(&r, error, code);
    }
}

#[tokio::test]
async fn scripted_accounts_get_their_documented_errors() {
    let fake = start().await;
    let cases = [
        (id::CANCEL, "organizations", "access_denied", 65004),
        (
            id::CONSENT_REQUIRED,
            "organizations",
            "consent_required",
            65001,
        ),
        (id::ADMIN_APPROVAL, "organizations", "access_denied", 90094),
        (
            id::CONDITIONAL_ACCESS,
            "organizations",
            "access_denied",
            53003,
        ),
        (id::PERSONAL, "organizations", "access_denied", 50020),
        // Not a member nor a guest of Northwind.
        (
            id::NOT_MEMBER,
            id::NORTHWIND_TENANT_ID,
            "access_denied",
            50020,
        ),
    ];
    for (hint, tenant, error, code) in cases {
        let r = authorize(&fake, tenant, &authorize_params(Some(hint))).await;
        assert_redirect_error(&r, error, code);
    }
}

#[tokio::test]
async fn form_post_and_fragment_response_modes() {
    let fake = start().await;
    let mode = |m: &str| with(authorize_params(Some(id::MEMBER)), "response_mode", Some(m));
    let r = authorize(&fake, "organizations", &mode("form_post")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!("action=\"{REDIRECT}\"")), "{html}");
    assert!(html.contains("document.forms[0].submit()"));
    assert!(html.contains("name=\"code\" value=\""));
    assert!(html.contains(&format!("name=\"state\" value=\"{STATE}\"")));

    let r = authorize(&fake, "organizations", &mode("fragment")).await;
    let location = header(&r, "location").unwrap();
    assert!(
        location.starts_with(&format!("{REDIRECT}#code=")),
        "{location}"
    );
}

#[tokio::test]
async fn interactive_sign_in_and_consent_pages_lead_to_a_code_or_a_cancel() {
    let fake = start().await;
    let http = client();
    for (decision, expect_code) in [("accept", true), ("cancel", false)] {
        let r = authorize(&fake, "organizations", &authorize_params(None)).await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\">") && html.contains("Pick an account"));
        assert!(html.contains(id::MEMBER) && html.contains(id::GUEST));
        let flow = between(&html, "name=\"flowToken\" value=\"", "\"");
        let consent = http
            .post(format!("{}/organizations/login", fake.authority()))
            .form_body(&[("flowToken", flow.as_str()), ("login", id::MEMBER)])
            .send()
            .await
            .unwrap();
        assert_eq!(consent.status(), StatusCode::OK);
        let html = consent.text().await.unwrap();
        assert!(
            html.contains(&format!(
                "{} wants to access Azure DevOps on your behalf",
                id::APP_NAME
            )),
            "{html}"
        );
        let r = http
            .post(format!("{}/organizations/Consent/Set", fake.authority()))
            .form_body(&[("flowToken", flow.as_str()), ("decision", decision)])
            .send()
            .await
            .unwrap();
        if expect_code {
            let q = redirected(&r);
            assert_eq!(q["state"], STATE);
            let r = redeem(&fake, "organizations", &q["code"]).await;
            assert_eq!(r.status(), StatusCode::OK);
        } else {
            assert_redirect_error(&r, "access_denied", 65004);
        }
        // The flow is over: its token cannot be used again.
        let again = http
            .post(format!("{}/organizations/Consent/Set", fake.authority()))
            .form_body(&[("flowToken", flow.as_str()), ("decision", "accept")])
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::BAD_REQUEST);
        assert!(again.text().await.unwrap().contains("AADSTS50089"));
    }
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).expect("start marker") + start.len();
    let len = text[from..].find(end).expect("end marker");
    text[from..from + len].to_owned()
}

// ---------------------------------------------------------------- token

#[tokio::test]
async fn code_redemption_returns_the_documented_body_and_a_signed_id_token() {
    let fake = start().await;
    let code = code_for(&fake, "organizations", id::MEMBER).await;
    let r = redeem(&fake, "organizations", &code).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "cache-control"), Some("no-store, no-cache"));
    assert_eq!(header(&r, "pragma"), Some("no-cache"));
    let body = json(r).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["scope"], id::GRANTED_SCOPE);
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["ext_expires_in"], 3599);
    assert!(at(&body).len() > 40);
    assert!(rt(&body).len() > 40);

    let jwks = json(
        client()
            .get(format!(
                "{}/organizations/discovery/v2.0/keys",
                fake.authority()
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let jwk = josekit::jwk::Jwk::from_map(jwks["keys"][0].as_object().unwrap().clone()).unwrap();
    let verifier = josekit::jws::RS256.verifier_from_jwk(&jwk).unwrap();
    let (claims, header) =
        josekit::jwt::decode_with_verifier(body["id_token"].as_str().unwrap(), &verifier)
            .expect("signature verifies");
    assert_eq!(header.key_id(), jwk.key_id());
    let claims: &serde_json::Map<String, Value> = claims.as_ref();
    assert_eq!(claims["aud"], CLIENT_ID);
    assert_eq!(
        claims["iss"],
        format!("{}/{}/v2.0", fake.authority(), id::CONTOSO_TENANT_ID)
    );
    assert_eq!(claims["tid"], id::CONTOSO_TENANT_ID);
    assert_eq!(claims["oid"], id::MEMBER_OID);
    assert_eq!(claims["preferred_username"], id::MEMBER);
    assert_eq!(claims["name"], demo::USER_NAME);
    assert_eq!(claims["email"], id::MEMBER);
    assert_eq!(claims["nonce"], NONCE);
    assert!(claims["exp"].as_i64() > claims["iat"].as_i64());

    let config = json(
        client()
            .get(format!(
                "{}/organizations/v2.0/.well-known/openid-configuration",
                fake.authority()
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        config["issuer"],
        format!("{}/{{tenantid}}/v2.0", fake.authority())
    );
    assert_eq!(
        config["token_endpoint"],
        format!("{}/organizations/oauth2/v2.0/token", fake.authority())
    );
}

#[tokio::test]
async fn refresh_and_id_tokens_only_when_asked_for() {
    let fake = start().await;
    let params = with(
        authorize_params(Some(id::MEMBER)),
        "scope",
        Some("499b84ac-1321-427f-aa17-267ca6975798/vso.code"),
    );
    let q = redirected(&authorize(&fake, "organizations", &params).await);
    let body = json(redeem(&fake, "organizations", &q["code"]).await).await;
    assert!(
        body.get("refresh_token").is_none() && body.get("id_token").is_none(),
        "{body}"
    );
    assert_eq!(
        body["scope"],
        "499b84ac-1321-427f-aa17-267ca6975798/vso.code"
    );
    // A Code-scoped token reads repositories but not work item fields.
    let r = bearer(
        &fake,
        "dev.azure.com/contoso/_apis/git/repositories",
        at(&body),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = bearer(&fake, "dev.azure.com/contoso/_apis/wit/fields", at(&body)).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn codes_are_single_use_bound_to_verifier_redirect_tenant_and_expire() {
    let fake = start().await;
    let code = code_for(&fake, "organizations", id::MEMBER).await;
    let other_verifier = "not-the-verifier-not-the-verifier-not-the-verifier";
    let other_redirect = "http://localhost/api/azdo/oauth/callback";
    for (key, value, aadsts) in [
        ("code_verifier", Some(other_verifier), 501481),
        ("code_verifier", None, 501481),
        ("redirect_uri", Some(other_redirect), 500112),
    ] {
        let form = with(redemption(&code), key, value);
        assert_grant_error(token(&fake, "organizations", &form).await, aadsts).await;
    }
    assert_grant_error(redeem(&fake, id::NORTHWIND_TENANT_ID, &code).await, 700005).await;
    // None of those used the code up; the first redemption does.
    assert_eq!(
        redeem(&fake, "organizations", &code).await.status(),
        StatusCode::OK
    );
    assert_grant_error(redeem(&fake, "organizations", &code).await, 54005).await;

    let late = code_for(&fake, id::CONTOSO_TENANT_ID, id::MEMBER).await;
    fake.advance_clock(Duration::from_secs(11 * 60));
    assert_grant_error(redeem(&fake, id::CONTOSO_TENANT_ID, &late).await, 70008).await;
    assert_grant_error(
        redeem(&fake, "organizations", "made-up-code").await,
        9002313,
    )
    .await;
}

#[tokio::test]
async fn client_authentication_and_request_shape() {
    let fake = start().await;
    let url = format!("{}/organizations/oauth2/v2.0/token", fake.authority());
    let get = client().get(&url).send().await.unwrap();
    assert_error(get, StatusCode::BAD_REQUEST, "invalid_request", 900561).await;
    let as_json = client()
        .post(&url)
        .json(&serde_json::json!({"grant_type": "authorization_code", "client_id": CLIENT_ID}))
        .send()
        .await
        .unwrap();
    assert_error(as_json, StatusCode::BAD_REQUEST, "invalid_request", 900144).await;

    let code = code_for(&fake, "organizations", id::MEMBER).await;
    for (secret, aadsts) in [
        (None, 7000218),
        (Some("wrong-secret"), 7000215),
        (Some(id::EXPIRED_CLIENT_SECRET), 7000222),
    ] {
        let form = with(redemption(&code), "client_secret", secret);
        let r = token(&fake, "organizations", &form).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_client", aadsts).await;
    }
    let from_browser = client()
        .post(&url)
        .header("Origin", "https://vendor.example")
        .form_body(&redemption(&code))
        .send()
        .await
        .unwrap();
    assert_error(
        from_browser,
        StatusCode::BAD_REQUEST,
        "invalid_request",
        9002326,
    )
    .await;
    // None of those used the code up; HTTP Basic works as well as the body.
    let basic = client()
        .post(&url)
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form_body(&with(redemption(&code), "client_secret", None))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), StatusCode::OK);
}

#[tokio::test]
async fn refresh_rotates_without_revoking_the_old_token() {
    let fake = start().await;
    let first = sign_in(&fake, "organizations", id::MEMBER).await;
    let second = json(refresh(&fake, "organizations", rt(&first)).await).await;
    assert_ne!(rt(&second), rt(&first));
    assert_ne!(at(&second), at(&first));
    assert!(second.get("id_token").is_some());
    let again = refresh(&fake, "organizations", rt(&first)).await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "the old refresh token stays valid"
    );

    let no_scope = token(
        &fake,
        "organizations",
        &[
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("grant_type", "refresh_token"),
            ("refresh_token", rt(&first)),
        ],
    )
    .await;
    assert_error(no_scope, StatusCode::BAD_REQUEST, "invalid_request", 90009).await;
}

#[tokio::test]
async fn refresh_tokens_expire_after_90_idle_days_and_die_when_revoked() {
    let fake = start().await;
    let used = sign_in(&fake, "organizations", id::MEMBER).await;
    let idle = sign_in(&fake, "organizations", id::MEMBER).await;
    fake.advance_clock(Duration::from_secs(60 * 24 * 3600));
    let used = json(refresh(&fake, "organizations", rt(&used)).await).await;
    fake.advance_clock(Duration::from_secs(31 * 24 * 3600));
    assert_error(
        refresh(&fake, "organizations", rt(&idle)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        700082,
    )
    .await;
    assert_eq!(
        refresh(&fake, "organizations", rt(&used)).await.status(),
        StatusCode::OK
    );

    assert!(fake.revoke_token(rt(&used)));
    assert_error(
        refresh(&fake, "organizations", rt(&used)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        50173,
    )
    .await;

    let code = code_for(&fake, "organizations", id::AZURE_DEVOPS_NOT_IN_TENANT).await;
    assert_error(
        redeem(&fake, "organizations", &code).await,
        StatusCode::BAD_REQUEST,
        "invalid_resource",
        500011,
    )
    .await;

    let mfa = sign_in(&fake, "organizations", id::MFA_ON_REFRESH).await;
    let body = assert_error(
        refresh(&fake, "organizations", rt(&mfa)).await,
        StatusCode::BAD_REQUEST,
        "interaction_required",
        50076,
    )
    .await;
    assert_eq!(body["suberror"], "basic_action");
}

// ---------------------------------------------------------------- Azure DevOps with a bearer token

#[tokio::test]
async fn a_member_s_token_works_like_a_full_pat() {
    let fake = start().await;
    let body = sign_in(&fake, "organizations", id::MEMBER).await;
    let r = bearer(
        &fake,
        "dev.azure.com/contoso/_apis/connectionData",
        at(&body),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["authenticatedUser"]["id"], demo::USER_ID);
    let r = bearer(&fake, "dev.azure.com/contoso/_apis/projects", at(&body)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["count"], demo::PROJECT_COUNT);
    let r = bearer(
        &fake,
        "app.vssps.visualstudio.com/_apis/profile/profiles/me",
        at(&body),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await["emailAddress"], demo::USER_EMAIL);
}

async fn refused_message(r: Response) -> String {
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body = json(r).await;
    assert_eq!(body["typeKey"], "UnauthorizedRequestException");
    body["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn wrong_tenant_never_signed_in_and_non_members_are_refused() {
    let fake = start().await;
    // Gita signs in at `organizations`: her token is Northwind's, and contoso is Contoso's.
    let home = sign_in(&fake, "organizations", id::GUEST).await;
    let msg =
        refused_message(bearer(&fake, "dev.azure.com/contoso/_apis/projects", at(&home)).await)
            .await;
    assert!(
        msg.starts_with(&format!(
            "TF400813: The user '{}\\{}'",
            id::NORTHWIND_TENANT_ID,
            id::GUEST
        )),
        "{msg}"
    );
    // At Contoso's tenant she is a guest, and contoso lets her in.
    let guest = sign_in(&fake, id::CONTOSO_TENANT_ID, id::GUEST).await;
    assert_eq!(
        bearer(&fake, "dev.azure.com/contoso/_apis/projects", at(&guest))
            .await
            .status(),
        StatusCode::OK
    );

    let nico = sign_in(&fake, "organizations", id::NEVER_SIGNED_IN).await;
    let msg =
        refused_message(bearer(&fake, "dev.azure.com/contoso/_apis/projects", at(&nico)).await)
            .await;
    assert!(
        msg.contains("TF400813") && msg.contains("TF401444"),
        "{msg}"
    );

    let olu = sign_in(&fake, "organizations", id::NOT_MEMBER).await;
    let msg = refused_message(
        bearer(
            &fake,
            "dev.azure.com/contoso/_apis/connectionData",
            at(&olu),
        )
        .await,
    )
    .await;
    assert!(
        msg.starts_with("TF400813") && !msg.contains("TF401444"),
        "{msg}"
    );
}

#[tokio::test]
async fn expired_and_revoked_access_tokens() {
    let fake = start().await;
    let body = sign_in(&fake, "organizations", id::MEMBER).await;
    fake.advance_clock(Duration::from_secs(3600));
    let r = bearer(&fake, "dev.azure.com/contoso/_apis/projects", at(&body)).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(r).await["typeKey"], "AccessCheckException");

    let fresh = json(refresh(&fake, "organizations", rt(&body)).await).await;
    assert!(fake.revoke_token(at(&fresh)));
    let r = bearer(&fake, "dev.azure.com/contoso/_apis/projects", at(&fresh)).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&r, "content-length"), Some("0"));
}

#[tokio::test]
async fn organization_discovery_lists_the_token_s_tenant_only() {
    let fake = start().await;
    let accounts = |at: String| {
        let fake = &fake;
        async move {
            let r = bearer(
                fake,
                &format!(
                    "app.vssps.visualstudio.com/_apis/accounts?memberId={}&api-version=7.1",
                    id::MULTI_ORG_USER_ID
                ),
                &at,
            )
            .await;
            assert_eq!(r.status(), StatusCode::OK);
            let body = json(r).await;
            assert_eq!(body["count"], body["value"].as_array().unwrap().len());
            body["value"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| {
                    (
                        a["accountName"].as_str().unwrap().to_owned(),
                        a["accountUri"].as_str().unwrap().to_owned(),
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let contoso = sign_in(&fake, "organizations", id::MULTI_ORG).await;
    assert_eq!(
        accounts(at(&contoso).to_owned()).await,
        vec![
            (
                "contoso".to_owned(),
                "https://vssps.dev.azure.com/contoso/".to_owned()
            ),
            (
                "contoso-labs".to_owned(),
                "https://vssps.dev.azure.com/contoso-labs/".to_owned()
            ),
        ]
    );
    // The same refresh token redeemed at Northwind, where Morgan is a guest.
    let northwind = json(refresh(&fake, id::NORTHWIND_TENANT_ID, rt(&contoso)).await).await;
    assert_eq!(
        accounts(at(&northwind).to_owned()).await,
        vec![(
            "northwind".to_owned(),
            "https://vssps.dev.azure.com/northwind/".to_owned()
        )]
    );

    let r = bearer(
        &fake,
        "app.vssps.visualstudio.com/_apis/accounts?api-version=7.1",
        at(&contoso),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn unauthenticated_head_of_an_organization_names_its_tenant() {
    let fake = start().await;
    for (org, tenant) in [
        (demo::ORG, id::CONTOSO_TENANT_ID),
        (id::MSA_ORG, id::MSA_ORG_TENANT_ID),
        (id::NORTHWIND_ORG, id::NORTHWIND_TENANT_ID),
    ] {
        for method in [reqwest::Method::HEAD, reqwest::Method::GET] {
            let r = client()
                .request(method, format!("{}/dev.azure.com/{org}", fake.base_url()))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{org}");
            let www = header(&r, "www-authenticate").unwrap();
            assert!(
                www.starts_with(&format!(
                    "Bearer authorization_uri={}/{tenant}",
                    fake.authority()
                )),
                "{www}"
            );
            assert_eq!(header(&r, "x-vss-resourcetenant"), Some(tenant));
        }
    }
    // PATs are unchanged: a bad one still gets the sign-in page without Suppress.
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/projects",
        Some("garbage"),
        false,
    )
    .await;
    assert_eq!(r.status(), StatusCode::NON_AUTHORITATIVE_INFORMATION);
}

// ---------------------------------------------------------------- run-time controls

#[tokio::test]
async fn pats_can_be_revoked_and_expired_after_the_fact_over_http() {
    let fake = start().await;
    let control = |path: &str, body: Value| {
        client()
            .post(format!("{}/_fake/{path}", fake.base_url()))
            .json(&body)
            .send()
    };
    assert_eq!(
        get(
            &fake,
            "dev.azure.com/contoso/_apis/projects",
            Some(demo::FULL),
            true
        )
        .await
        .status(),
        StatusCode::OK
    );
    let r = control("tokens/expire", serde_json::json!({"label": "FULL"}))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/projects",
        Some(demo::FULL),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(r).await["typeKey"], "AccessCheckException");

    control("tokens/revoke", serde_json::json!({"token": demo::CODE}))
        .await
        .unwrap();
    let r = get(
        &fake,
        "dev.azure.com/contoso/_apis/git/repositories",
        Some(demo::CODE),
        true,
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&r, "content-length"), Some("0"));

    let r = control(
        "tokens/revoke",
        serde_json::json!({"token": "nothing-like-it"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = control(
        "tokens/revoke",
        serde_json::json!({"token": "a", "label": "b"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Controls are not counted as requests to the fakes.
    assert!(!fake.requests_by_host().contains_key("_fake"));
}

#[tokio::test]
async fn sessions_and_clock_over_http() {
    let fake = start().await;
    let body = sign_in(&fake, "organizations", id::MEMBER).await;
    let r = client()
        .post(format!("{}/_fake/tokens/revoke", fake.base_url()))
        .json(&serde_json::json!({"user": id::MEMBER}))
        .send()
        .await
        .unwrap();
    assert_eq!(json(r).await["changed"], 1);
    assert_error(
        refresh(&fake, "organizations", rt(&body)).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        50173,
    )
    .await;

    let before = fake.now();
    let r = client()
        .post(format!("{}/_fake/clock", fake.base_url()))
        .json(&serde_json::json!({"advanceSecs": 86400}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(fake.now() - before >= Duration::from_secs(86400));
    let code = code_for(&fake, "organizations", id::MEMBER).await;
    assert_eq!(
        redeem(&fake, "organizations", &code).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn tokens_can_be_issued_without_the_browser_steps() {
    let fake = start().await;
    let tokens = fake
        .issue_tokens(id::MULTI_ORG, id::NORTHWIND_TENANT_ID)
        .expect("a guest of Northwind");
    assert_eq!(tokens.tenant_id, id::NORTHWIND_TENANT_ID);
    assert!(!format!("{tokens:?}").contains(&tokens.refresh_token));
    let r = bearer(
        &fake,
        "dev.azure.com/northwind/_apis/projects",
        &tokens.access_token,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = refresh(&fake, id::NORTHWIND_TENANT_ID, &tokens.refresh_token).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(fake
        .issue_tokens(id::NOT_MEMBER, id::NORTHWIND_TENANT_ID)
        .is_none());
    assert!(fake
        .issue_tokens("nobody@contoso.example", "organizations")
        .is_none());
}

// ---------------------------------------------------------------- fixture

#[test]
fn identity_constants_match_the_demo_fixture() {
    let fixture = Fixture::demo();
    let identity = &fixture.identity;
    let app = identity.app(CLIENT_ID).expect("the demo app");
    assert_eq!(app.display_name, id::APP_NAME);
    assert!(app
        .secrets
        .iter()
        .any(|s| s.value == CLIENT_SECRET && !s.expired));
    assert!(app
        .secrets
        .iter()
        .any(|s| s.value == id::EXPIRED_CLIENT_SECRET && s.expired));
    assert_eq!(app.redirect_uris, id::REDIRECT_URIS);
    assert!(app
        .federated_credentials
        .iter()
        .any(|f| f.issuer == id::WORKLOAD_ISSUER
            && f.subject == id::WORKLOAD_SUBJECT
            && f.audiences == [id::TOKEN_EXCHANGE_AUDIENCE]));
    assert!(identity
        .workload_issuers
        .iter()
        .any(|i| i.issuer == id::WORKLOAD_ISSUER));
    for hint in [
        id::MEMBER,
        id::MULTI_ORG,
        id::NEVER_SIGNED_IN,
        id::GUEST,
        id::NOT_MEMBER,
        id::PERSONAL,
        id::CANCEL,
        id::CONSENT_REQUIRED,
        id::ADMIN_APPROVAL,
        id::CONDITIONAL_ACCESS,
        id::MFA_ON_REFRESH,
        id::AZURE_DEVOPS_NOT_IN_TENANT,
    ] {
        assert!(identity.account(hint).is_some(), "{hint}");
    }
    assert_eq!(identity.account(id::MEMBER).unwrap().oid, id::MEMBER_OID);
    assert_eq!(
        identity
            .account(id::MULTI_ORG)
            .unwrap()
            .azure_devops_user
            .as_deref(),
        Some(id::MULTI_ORG_USER_ID)
    );
    assert_eq!(
        fixture.organization(id::MSA_ORG).unwrap().tenant_id,
        id::MSA_ORG_TENANT_ID
    );
    assert_eq!(
        fixture
            .organization(id::CONTOSO_LABS_ORG)
            .unwrap()
            .tenant_id,
        id::CONTOSO_TENANT_ID
    );
    assert_eq!(
        fixture.organization(id::NORTHWIND_ORG).unwrap().tenant_id,
        id::NORTHWIND_TENANT_ID
    );
}

#[test]
fn every_scripted_behaviour_is_documented_in_the_readme() {
    use strum::IntoEnumIterator;
    let readme = include_str!("../README.md");
    for script in azdo_connect_fake::Script::iter() {
        let name: &'static str = script.into();
        assert!(
            readme.contains(&format!("`{name}`")),
            "README misses `{name}`"
        );
    }
}

// ---------------------------------------------------------------- certificate credentials

/// A client assertion as Microsoft documents it, signed with the key in `pem` and named by the
/// thumbprint of the certificate in `named_by` (`x5t#S256` for PS256, the SHA-1 `x5t` for RS256);
/// `claims` override the defaults (`aud` the token endpoint at `tenant`, five minutes' life).
fn assertion(
    fake: &FakeAzureDevOps,
    tenant: &str,
    pem: &str,
    named_by: &str,
    alg: &str,
    claims: &[(&str, Value)],
) -> String {
    use josekit::jws::{JwsHeader, PS256, RS256};
    use josekit::jwt::{self, JwtPayload};
    use openssl::hash::MessageDigest;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let cert = openssl::x509::X509::from_pem(named_by.as_bytes()).unwrap();
    let mut header = JwsHeader::new();
    header.set_token_type("JWT");
    let (name, digest) = match alg {
        "PS256" => ("x5t#S256", MessageDigest::sha256()),
        _ => ("x5t", MessageDigest::sha1()),
    };
    header
        .set_claim(name, Some(b64(&cert.digest(digest).unwrap()).into()))
        .unwrap();
    let now = fake.now().unix_timestamp();
    let mut payload = JwtPayload::new();
    let defaults = [
        (
            "aud",
            Value::from(format!("{}/{tenant}/oauth2/v2.0/token", fake.authority())),
        ),
        ("iss", CLIENT_ID.into()),
        ("sub", CLIENT_ID.into()),
        ("jti", format!("jti-{}", next_jti()).into()),
        ("nbf", now.into()),
        ("iat", now.into()),
        ("exp", (now + 300).into()),
    ];
    for (k, v) in defaults.into_iter().chain(claims.iter().cloned()) {
        payload.set_claim(k, Some(v)).unwrap();
    }
    let key = openssl::pkey::PKey::private_key_from_pem(pem.as_bytes())
        .unwrap()
        .private_key_to_pem_pkcs8()
        .unwrap();
    let mut jwk = RS256.key_pair_from_pem(key).unwrap().to_jwk_key_pair();
    jwk.set_parameter("alg", None).unwrap();
    match alg {
        "PS256" => {
            jwt::encode_with_signer(&payload, &header, &PS256.signer_from_jwk(&jwk).unwrap())
        }
        _ => jwt::encode_with_signer(&payload, &header, &RS256.signer_from_jwk(&jwk).unwrap()),
    }
    .unwrap()
}

fn next_jti() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A refresh authenticated by `assertion` of type `assertion_type`.
async fn refresh_with_assertion(
    fake: &FakeAzureDevOps,
    tenant: &str,
    rt: &str,
    assertion: &str,
    assertion_type: &str,
) -> Response {
    let credential = [
        ("client_assertion_type", assertion_type),
        ("client_assertion", assertion),
    ];
    refresh_as(fake, tenant, rt, &credential).await
}

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The demo fake and a refresh token of Dana's at Contoso, the tenant the assertions are for.
async fn fake_with_refresh_token() -> (FakeAzureDevOps, String) {
    let fake = start().await;
    let tokens = fake
        .issue_tokens(id::MEMBER, id::CONTOSO_TENANT_ID)
        .unwrap();
    (fake, tokens.refresh_token)
}

#[tokio::test]
async fn a_certificate_assertion_authenticates_the_app_once() {
    let (fake, rt) = fake_with_refresh_token().await;
    let pem = id::CLIENT_CERTIFICATE_PEM;
    let tenant = id::CONTOSO_TENANT_ID;
    let ps256 = assertion(&fake, tenant, pem, pem, "PS256", &[]);
    let r = refresh_with_assertion(&fake, tenant, &rt, &ps256, JWT_BEARER).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(json(r).await["access_token"].is_string());
    // The same assertion again: a replay.
    let again = refresh_with_assertion(&fake, tenant, &rt, &ps256, JWT_BEARER).await;
    assert_error(again, StatusCode::UNAUTHORIZED, "invalid_client", 70002).await;
    // The older form Microsoft still describes: RS256 with the SHA-1 `x5t`.
    let rs256 = assertion(&fake, tenant, pem, pem, "RS256", &[]);
    let r = refresh_with_assertion(&fake, tenant, &rt, &rs256, JWT_BEARER).await;
    assert_eq!(r.status(), StatusCode::OK);
    // A code redemption with an assertion (no secret anywhere).
    let code = code_for(&fake, "organizations", id::MEMBER).await;
    let mut form = redemption(&code);
    form.retain(|(k, _)| *k != "client_secret");
    form.push(("client_assertion_type", JWT_BEARER.to_owned()));
    let fresh = assertion(&fake, "organizations", pem, pem, "PS256", &[]);
    form.push(("client_assertion", fresh));
    let r = token(&fake, "organizations", &form).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_bad_assertion_is_refused_as_microsoft_refuses_it() {
    let (fake, rt) = fake_with_refresh_token().await;
    let (tenant, pem, other) = (
        id::CONTOSO_TENANT_ID,
        id::CLIENT_CERTIFICATE_PEM,
        id::UNREGISTERED_CERTIFICATE_PEM,
    );
    let now = fake.now().unix_timestamp();
    // A good assertion but for one claim.
    let signed_with =
        |claim: &str, value: Value| assertion(&fake, tenant, pem, pem, "PS256", &[(claim, value)]);
    let cases: Vec<(&str, String, &str, u64)> = vec![
        (
            "an unregistered certificate",
            assertion(&fake, tenant, other, other, "PS256", &[]),
            JWT_BEARER,
            700027,
        ),
        (
            "the registered thumbprint, another key",
            assertion(&fake, tenant, other, pem, "PS256", &[]),
            JWT_BEARER,
            700027,
        ),
        (
            "the token endpoint of another tenant",
            assertion(&fake, "organizations", pem, pem, "PS256", &[]),
            JWT_BEARER,
            700023,
        ),
        (
            "another app as issuer",
            signed_with("iss", "someone-else".into()),
            JWT_BEARER,
            700021,
        ),
        (
            "expired",
            signed_with("exp", (now - 60).into()),
            JWT_BEARER,
            700024,
        ),
        (
            "not yet valid",
            signed_with("nbf", (now + 600).into()),
            JWT_BEARER,
            700024,
        ),
        (
            "another assertion type",
            assertion(&fake, tenant, pem, pem, "PS256", &[]),
            "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
            70002,
        ),
        ("not a JWT", "garbage".to_owned(), JWT_BEARER, 50027),
    ];
    for (what, jwt, kind, code) in cases {
        let r = refresh_with_assertion(&fake, tenant, &rt, &jwt, kind).await;
        let body = assert_error(r, StatusCode::UNAUTHORIZED, "invalid_client", code).await;
        assert!(
            !body.to_string().contains(&jwt),
            "{what}: echoes the assertion"
        );
    }
    // An assertion outlived by the fake's clock.
    let late = assertion(&fake, tenant, pem, pem, "PS256", &[]);
    fake.advance_clock(Duration::from_secs(11 * 60));
    let r = refresh_with_assertion(&fake, tenant, &rt, &late, JWT_BEARER).await;
    assert_error(r, StatusCode::UNAUTHORIZED, "invalid_client", 700024).await;
}

#[test]
fn the_demo_app_registers_the_fixture_certificate() {
    use openssl::hash::MessageDigest;
    let fixture = Fixture::demo();
    let app = fixture.identity.app(CLIENT_ID).unwrap();
    let fixture_cert =
        openssl::x509::X509::from_pem(id::CLIENT_CERTIFICATE_PEM.as_bytes()).unwrap();
    let registered: Vec<_> = app
        .certificates
        .iter()
        .map(|c| openssl::x509::X509::from_pem(c.pem.as_bytes()).unwrap())
        .collect();
    assert_eq!(registered.len(), 1);
    assert_eq!(
        registered[0].to_der().unwrap(),
        fixture_cert.to_der().unwrap()
    );
    assert!(!app.certificates[0].pem.contains("PRIVATE KEY"));
    let s256 = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(fixture_cert.digest(MessageDigest::sha256()).unwrap());
    assert_eq!(s256, id::CLIENT_CERTIFICATE_THUMBPRINT);
    let unregistered =
        openssl::x509::X509::from_pem(id::UNREGISTERED_CERTIFICATE_PEM.as_bytes()).unwrap();
    assert_ne!(
        unregistered.to_der().unwrap(),
        fixture_cert.to_der().unwrap()
    );
}

#[tokio::test]
async fn a_federated_workload_token_authenticates_the_app_without_a_secret() {
    let (fake, rt) = fake_with_refresh_token().await;
    let tenant = id::CONTOSO_TENANT_ID;
    let hour = std::time::Duration::from_secs(3600);
    let workload = id::workload_token(id::WORKLOAD_SUBJECT, id::TOKEN_EXCHANGE_AUDIENCE, hour);
    let r = refresh_with_assertion(&fake, tenant, &rt, &workload, JWT_BEARER).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(json(r).await["access_token"].is_string());
    // Unlike an app's own assertion, the same projected token is used again until it expires.
    let r = refresh_with_assertion(&fake, tenant, &rt, &workload, JWT_BEARER).await;
    assert_eq!(r.status(), StatusCode::OK);
    // A code redemption authenticated by it.
    let code = code_for(&fake, "organizations", id::MEMBER).await;
    let mut form = redemption(&code);
    form.retain(|(k, _)| *k != "client_secret");
    form.push(("client_assertion_type", JWT_BEARER.to_owned()));
    form.push(("client_assertion", workload));
    let r = token(&fake, "organizations", &form).await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_workload_token_that_matches_no_federated_credential_is_refused_by_what_differs() {
    let (fake, rt) = fake_with_refresh_token().await;
    let tenant = id::CONTOSO_TENANT_ID;
    let hour = std::time::Duration::from_secs(3600);
    let good = id::workload_token(id::WORKLOAD_SUBJECT, id::TOKEN_EXCHANGE_AUDIENCE, hour);
    // The same claims signed by a key that is not the issuer's: the unregistered certificate's.
    let forged = {
        let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
        let other = assertion(
            &fake,
            tenant,
            id::UNREGISTERED_CERTIFICATE_PEM,
            id::UNREGISTERED_CERTIFICATE_PEM,
            "RS256",
            &[],
        );
        parts[2] = other.split('.').nth(2).unwrap().to_owned();
        parts.join(".")
    };
    let cases = [
        (
            "another service account",
            id::workload_token(
                "system:serviceaccount:default:other",
                id::TOKEN_EXCHANGE_AUDIENCE,
                hour,
            ),
            700213,
        ),
        (
            "a subject differing in case only",
            id::workload_token(
                &id::WORKLOAD_SUBJECT.to_uppercase(),
                id::TOKEN_EXCHANGE_AUDIENCE,
                hour,
            ),
            700213,
        ),
        (
            "another audience",
            id::workload_token(id::WORKLOAD_SUBJECT, "api://other", hour),
            700212,
        ),
        (
            "an expired token",
            id::workload_token(
                id::WORKLOAD_SUBJECT,
                id::TOKEN_EXCHANGE_AUDIENCE,
                std::time::Duration::ZERO,
            ),
            700024,
        ),
        ("a forged signature", forged, 50027),
    ];
    for (what, assertion, code) in cases {
        if code == 700024 {
            // Past its `exp` on the fake's clock too.
            fake.advance_clock(std::time::Duration::from_secs(5));
        }
        eprintln!("case: {what}");
        let r = refresh_with_assertion(&fake, tenant, &rt, &assertion, JWT_BEARER).await;
        assert_error(r, StatusCode::UNAUTHORIZED, "invalid_client", code).await;
    }
}
