//! The proxy behind a real nginx (Debian's), configured exactly as the proxy's README shows
//! (`tests/nginx/location.conf`), on a port of its own as a vendor's staging site often is: the
//! browser's same-origin calls, the rate limit per client address nginx saw, and a Microsoft
//! sign-in whose redirect URI is nginx's address.

mod common;
mod nginx;

use std::net::{IpAddr, Ipv4Addr};

use azdo_connect_core::SecretToken;
use azdo_connect_fake::identity::{self as id, CLIENT_ID, CLIENT_SECRET};
use azdo_connect_fake::{FakeAzureDevOps, Fixture};
use azdo_connect_proxy::{
    ClientIpSource, EntraConfig, EntraCredential, ProxyConfig, RateLimit, SealKey,
};
use common::{demo, into_reply, serve, test_config, Reply};
use nginx::Nginx;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The fake, a proxy configured by `tweak` (after `--client-ip-source x-real-ip`, as the README
/// says to run it behind nginx) and nginx in front of it.
async fn behind_nginx(
    tweak: impl FnOnce(&mut ProxyConfig, &FakeAzureDevOps, &str),
) -> (FakeAzureDevOps, Nginx, tokio::task::JoinHandle<()>) {
    let fake = FakeAzureDevOps::start(Fixture::demo()).await.unwrap();
    let key = SealKey::generate("test-key");
    let port = Nginx::free_port();
    let mut config = test_config(&fake, &key);
    config.client_ip_source = ClientIpSource::XRealIp;
    tweak(&mut config, &fake, &format!("http://127.0.0.1:{port}"));
    let (origin, server) = serve(config).await;
    let nginx = Nginx::start(port, origin.trim_start_matches("http://"));
    (fake, nginx, server)
}

/// A browser at `local` (a loopback address of its own, so nginx sees distinct clients) that
/// does not follow redirects.
fn browser(local: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(local))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `POST {nginx}/api/azdo/{endpoint}` as the widget on a page at `origin` sends it, without a
/// body yet.
fn widget_post(
    client: &reqwest::Client,
    nginx: &Nginx,
    origin: &str,
    endpoint: &str,
) -> reqwest::RequestBuilder {
    client
        .post(format!("{}/api/azdo/{endpoint}", nginx.origin()))
        .header("origin", origin)
        .header("x-azdo-connect", "1")
}

/// [`widget_post`] with `body`, and its answer.
async fn post(
    client: &reqwest::Client,
    nginx: &Nginx,
    origin: &str,
    endpoint: &str,
    body: Value,
) -> Reply {
    let request = widget_post(client, nginx, origin, endpoint).json(&body);
    into_reply(request.send().await.unwrap()).await
}

#[test]
fn the_readme_shows_the_tested_nginx_location() {
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(nginx::LOCATION.trim_end()),
        "crates/proxy/README.md must show tests/nginx/location.conf as it is"
    );
}

#[tokio::test]
async fn a_page_on_the_sites_own_port_verifies_same_origin_through_nginx() {
    let (fake, nginx, server) = behind_nginx(|_, _, _| {}).await;
    let client = browser(Ipv4Addr::LOCALHOST);
    let page = nginx.origin();
    let body = json!({"organization": demo::ORG, "token": demo::FULL});
    let reply = post(&client, &nginx, &page, "verify", body.clone()).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{:?}\n{}",
        reply.body,
        nginx.error_log()
    );
    assert_eq!(reply.body["organization"], demo::ORG);
    // Another origin is still refused: the Host nginx passes on is what the page's is compared to.
    let other = post(&client, &nginx, "http://127.0.0.1:1", "verify", body).await;
    assert_eq!(other.code(), "forbidden_origin", "{:?}", other.body);
    server.abort();
    fake.shutdown().await;
}

#[tokio::test]
async fn the_rate_limit_counts_the_address_nginx_saw_not_a_header_the_client_sent() {
    let (fake, nginx, server) = behind_nginx(|config, _, _| {
        config.rate_limit = RateLimit {
            per_minute: 1,
            burst: 1,
        };
    })
    .await;
    let page = nginx.origin();
    // Refused before Azure DevOps is asked, so the status says whether the limit let it through.
    let bad = json!({"organization": "-bad-", "token": demo::FULL});
    let first = browser(Ipv4Addr::new(127, 0, 0, 2));
    let reply = post(&first, &nginx, &page, "verify", bad.clone()).await;
    assert_eq!(reply.code(), "invalid_organization", "{:?}", reply.body);
    // A client that names another address in X-Real-IP is still counted at its own.
    let spoofed = widget_post(&first, &nginx, &page, "verify")
        .header("x-real-ip", "203.0.113.9")
        .json(&bad);
    let spoofed = into_reply(spoofed.send().await.unwrap()).await;
    assert_eq!(spoofed.code(), "rate_limited", "{:?}", spoofed.body);
    // Another client has a bucket of its own.
    let second = browser(Ipv4Addr::new(127, 0, 0, 3));
    let reply = post(&second, &nginx, &page, "verify", bad).await;
    assert_eq!(reply.code(), "invalid_organization", "{:?}", reply.body);
    server.abort();
    fake.shutdown().await;
}

#[tokio::test]
async fn a_microsoft_sign_in_returns_through_nginx_and_is_collected_there() {
    let (fake, nginx, server) = behind_nginx(|config, fake, public| {
        config.entra = Some(EntraConfig {
            client_id: CLIENT_ID.into(),
            credential: EntraCredential::Secret(SecretToken::new(CLIENT_SECRET)),
            authority: fake.authority().parse().unwrap(),
            public_url: format!("{public}/api/azdo").parse().unwrap(),
        });
    })
    .await;
    let client = browser(Ipv4Addr::LOCALHOST);
    let page = nginx.origin();
    let start = post(
        &client,
        &nginx,
        &page,
        "oauth/start",
        json!({"organization": demo::ORG, "loginHint": id::MEMBER, "requiredScopes": ["vso.project"]}),
    )
    .await;
    assert_eq!(start.status, StatusCode::OK, "{:?}", start.body);
    let flow = start.body["flow"].as_str().unwrap();
    let authorize_url = start.body["authorizeUrl"].as_str().unwrap();
    assert!(
        authorize_url.contains(&format!(
            "redirect_uri={}",
            url_encoded(&format!("{page}/api/azdo/oauth/callback"))
        )),
        "{authorize_url}"
    );
    // Microsoft sends the window back to the redirect URI: nginx.
    let answer = client.get(authorize_url).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::FOUND);
    let callback = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        callback.starts_with(&format!("{page}/api/azdo/oauth/callback?")),
        "{callback}"
    );
    let landed = client.get(&callback).send().await.unwrap();
    assert_eq!(landed.status(), StatusCode::OK, "{}", nginx.error_log());
    let result = client
        .get(format!("{page}/api/azdo/oauth/result?flow={flow}&wait=1"))
        .send()
        .await
        .unwrap();
    let result = into_reply(result).await;
    assert_eq!(result.status, StatusCode::OK, "{:?}", result.body);
    assert_eq!(result.body["method"], "entra");
    assert_eq!(result.body["organization"], demo::ORG);
    server.abort();
    fake.shutdown().await;
}

fn url_encoded(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
