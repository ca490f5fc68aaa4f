//! Shared helpers: a real fake on loopback and a reqwest client that behaves like the proxy
//! (no redirects followed, no proxies).
#![allow(dead_code)]

use std::time::Duration;

use azdo_connect_fake::{FakeAzureDevOps, Fixture};
use reqwest::{Client, Method, Response};

pub async fn start() -> FakeAzureDevOps {
    start_with(Fixture::demo()).await
}

pub async fn start_with(fixture: Fixture) -> FakeAzureDevOps {
    FakeAzureDevOps::start(fixture)
        .await
        .expect("fake starts on loopback")
}

pub fn client() -> Client {
    client_with_timeout(Duration::from_secs(30))
}

pub fn client_with_timeout(timeout: Duration) -> Client {
    Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()
        .expect("client builds")
}

/// A request as the proxy sends it: `{base}/{host}/{path}`, Basic `:PAT`, optional Suppress.
pub fn request(
    client: &Client,
    fake: &FakeAzureDevOps,
    method: Method,
    host_path: &str,
    token: Option<&str>,
    suppress: bool,
) -> reqwest::RequestBuilder {
    let mut rb = client.request(method, format!("{}/{}", fake.base_url(), host_path));
    if let Some(t) = token {
        rb = rb.basic_auth("", Some(t));
    }
    if suppress {
        rb = rb.header("X-TFS-FedAuthRedirect", "Suppress");
    }
    rb.header("Accept", "application/json")
}

pub async fn get(
    fake: &FakeAzureDevOps,
    host_path: &str,
    token: Option<&str>,
    suppress: bool,
) -> Response {
    request(&client(), fake, Method::GET, host_path, token, suppress)
        .send()
        .await
        .expect("the fake answers")
}

pub fn header<'a>(r: &'a Response, name: &str) -> Option<&'a str> {
    r.headers().get(name).and_then(|v| v.to_str().ok())
}

pub async fn json(r: Response) -> serde_json::Value {
    let text = r.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}
