//! A proxy with "Sign in with Microsoft" against the fake identity platform, and a browser
//! stand-in (reqwest without redirect-following) that walks the sign-in window's redirects.
#![allow(dead_code)]

use std::net::SocketAddr;

use azdo_connect_core::SecretToken;
use azdo_connect_fake::identity::{CLIENT_ID, CLIENT_SECRET};
use azdo_connect_fake::{FakeAzureDevOps, Fixture};
use azdo_connect_proxy::{router, EntraConfig, EntraCredential, ProxyConfig, SealKey};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{into_reply, test_config, Reply};

/// The fake, and a proxy whose `--public-url` is its real loopback address.
pub struct SignIn {
    pub fake: FakeAzureDevOps,
    /// `{origin}/api/azdo`.
    pub base: String,
    pub origin: String,
    pub key: SealKey,
    pub entra: EntraConfig,
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

impl SignIn {
    /// The demo fake and a proxy with the demo app registration.
    pub async fn start() -> SignIn {
        SignIn::start_with(|_| {}).await
    }

    /// As [`SignIn::start`], with `tweak` applied to the configuration last.
    pub async fn start_with(tweak: impl FnOnce(&mut ProxyConfig)) -> SignIn {
        let fake = FakeAzureDevOps::start(Fixture::demo()).await.unwrap();
        let key = SealKey::generate("test-key");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let entra = EntraConfig {
            client_id: CLIENT_ID.into(),
            credential: EntraCredential::Secret(SecretToken::new(CLIENT_SECRET)),
            authority: fake.authority().parse().unwrap(),
            public_url: format!("{origin}/api/azdo").parse().unwrap(),
        };
        let mut config = test_config(&fake, &key);
        config.entra = Some(entra.clone());
        tweak(&mut config);
        let entra = config.entra.clone().unwrap_or(entra);
        let app = router(config).expect("valid config");
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        SignIn {
            fake,
            base: format!("{origin}/api/azdo"),
            origin,
            key,
            entra,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            server,
        }
    }

    /// `POST {base}/{endpoint}` as the widget does.
    pub async fn post(&self, endpoint: &str, body: &Value) -> Reply {
        let response = self
            .client
            .post(format!("{}/{endpoint}", self.base))
            .header("x-azdo-connect", "1")
            .json(body)
            .send()
            .await
            .unwrap();
        into_reply(response).await
    }

    /// `GET {base}/{path_and_query}`.
    pub async fn get(&self, path_and_query: &str) -> Reply {
        let response = self
            .client
            .get(format!("{}/{path_and_query}", self.base))
            .send()
            .await
            .unwrap();
        into_reply(response).await
    }

    /// `oauth/start` for `organization` (or none) as `login_hint`; asserts 200 and returns
    /// `(flow, authorizeUrl)`.
    pub async fn begin(&self, organization: Option<&str>, login_hint: &str) -> (String, String) {
        let mut body = json!({"loginHint": login_hint, "requiredScopes": ["vso.project"]});
        if let Some(org) = organization {
            body["organization"] = json!(org);
        }
        let reply = self.post("oauth/start", &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        (
            reply.body["flow"].as_str().unwrap().to_owned(),
            reply.body["authorizeUrl"].as_str().unwrap().to_owned(),
        )
    }

    /// The sign-in window: opens `authorize_url` at the fake, which answers at once for a
    /// `login_hint`, and follows its redirect to the proxy's callback. Returns the callback URL
    /// and the callback's answer.
    pub async fn window(&self, authorize_url: &str) -> (String, reqwest::Response) {
        let answer = self.client.get(authorize_url).send().await.unwrap();
        assert_eq!(answer.status(), StatusCode::FOUND, "the fake's authorize");
        let callback = answer.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            callback.starts_with(&format!("{}/oauth/callback?", self.base)),
            "{callback}"
        );
        let response = self.client.get(&callback).send().await.unwrap();
        (callback, response)
    }

    /// `oauth/result` for `flow`, without waiting.
    pub async fn result(&self, flow: &str) -> Reply {
        self.get(&format!("oauth/result?flow={flow}&wait=0")).await
    }

    /// Start, sign in and collect: the result of a whole sign-in.
    pub async fn sign_in(&self, organization: Option<&str>, login_hint: &str) -> Reply {
        let (flow, url) = self.begin(organization, login_hint).await;
        let (_, page) = self.window(&url).await;
        let html = page.text().await.unwrap();
        assert!(html.contains("You can close this window"), "{html}");
        self.result(&flow).await
    }

    /// `azdo-connect-proxy refresh-credential` for this proxy's app and key with `extra` flags (a
    /// credential of the app), `credential` on stdin: the exit code, and stdout and stderr
    /// together. Call it from `block_in_place`: it waits for the process.
    #[cfg(feature = "cli")]
    pub fn refresh_credential_cli(
        &self,
        credential: &str,
        extra: &[&str],
    ) -> (Option<i32>, String) {
        use std::io::Write as _;
        use std::process::{Command, Stdio};

        let mut child = Command::new(env!("CARGO_BIN_EXE_azdo-connect-proxy"))
            .args(["refresh-credential", "--entra-client-id", CLIENT_ID])
            .args(["--entra-authority", &self.fake.authority()])
            .args(["--public-url", &self.base])
            .args(extra)
            .env_clear()
            .env("AZDO_CONNECT_SEAL_KEY", self.key.to_base64url())
            .env("AZDO_CONNECT_KEY_ID", self.key.kid())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(credential.as_bytes()).unwrap();
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        let text =
            String::from_utf8(output.stdout).unwrap() + &String::from_utf8(output.stderr).unwrap();
        (output.status.code(), text)
    }

    pub async fn stop(self) {
        self.server.abort();
        let _ = self.server.await;
        self.fake.shutdown().await;
    }
}
