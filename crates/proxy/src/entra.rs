//! The proxy as a confidential OAuth client of the Microsoft identity platform (Entra ID): the
//! authorize URL (authorization code + PKCE S256, `state`, `nonce`), code redemption and refresh,
//! with the `oauth2` crate over the proxy's own HTTP client.
//!
//! Tokens only ever live in redacted [`SecretToken`]s; the PKCE verifier and the code too.

use std::fmt;
use std::time::Duration;

use azdo_connect_core::SecretToken;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use futures_util::future::BoxFuture;
use oauth2::basic::{
    BasicRevocationErrorResponse, BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, StandardRevocableToken, StandardTokenResponse, TokenResponse as _, TokenUrl,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::aadsts::{self, EntraErrorResponse, Stage};
use crate::config::{EntraConfig, EntraCredential};
use crate::entra_certificate::ASSERTION_TYPE;
use crate::Error;

/// Azure DevOps' resource id with `.default`: every Azure DevOps permission the app registration
/// lists (the delegated `user_impersonation`).
pub(crate) const AZURE_DEVOPS_SCOPE: &str = "499b84ac-1321-427f-aa17-267ca6975798/.default";

/// What sign-in asks for: Azure DevOps, a refresh token, and an id_token with the person's name.
const SIGN_IN_SCOPES: [&str; 5] = [
    AZURE_DEVOPS_SCOPE,
    "offline_access",
    "openid",
    "profile",
    "email",
];

/// A refresh sends `scope` too: without it Microsoft answers AADSTS90009.
const REFRESH_SCOPES: [&str; 2] = [AZURE_DEVOPS_SCOPE, "offline_access"];

/// The tenant segment when the organization (and so its tenant) is unknown: work and school
/// accounts only. `common` would also let personal accounts in, which Entra apps cannot use with
/// Azure DevOps.
pub(crate) const ORGANIZATIONS: &str = "organizations";

/// The largest token-endpoint answer read (a real one is a few KB).
const MAX_TOKEN_RESPONSE: usize = 256 * 1024;

/// Extra fields of Microsoft's token answer that the proxy reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EntraTokenFields {
    /// Present when `openid` was asked for.
    #[serde(default)]
    id_token: Option<SecretToken>,
}

impl oauth2::ExtraTokenFields for EntraTokenFields {}

type EntraTokenResponse = StandardTokenResponse<EntraTokenFields, BasicTokenType>;

type EntraClient = oauth2::Client<
    EntraErrorResponse,
    EntraTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// The start of a sign-in: where to send the browser, and what the callback needs to finish it.
pub(crate) struct Authorization {
    /// Microsoft's authorize URL.
    pub(crate) url: Url,
    /// The `state` parameter: random, the key of the flow record.
    pub(crate) state: String,
    /// The PKCE verifier, kept on the proxy only.
    pub(crate) verifier: SecretToken,
    /// The `nonce` the id_token must carry.
    pub(crate) nonce: String,
}

/// Tokens from the token endpoint.
pub(crate) struct Tokens {
    /// For `Authorization: Bearer` to Azure DevOps. Opaque: never decoded.
    pub(crate) access_token: SecretToken,
    /// A new refresh token (Microsoft returns one on every redemption).
    pub(crate) refresh_token: Option<SecretToken>,
    /// Seconds the access token lives.
    pub(crate) expires_in: u64,
    /// The id_token's claims, checked (code redemption only).
    pub(crate) id: Option<IdClaims>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_in", &self.expires_in)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// The id_token claims the proxy uses. Identity for Azure DevOps still comes from its own
/// connectionData; these say which tenant the tokens are for.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct IdClaims {
    /// The tenant the tokens were issued in.
    pub(crate) tid: String,
    /// The audience: the app's client id.
    aud: String,
    /// `{authority}/{tid}/v2.0`.
    iss: String,
    #[serde(default)]
    nonce: Option<String>,
    /// The account's sign-in name.
    #[serde(default)]
    pub(crate) preferred_username: Option<String>,
}

/// The vendor's Entra app as an OAuth client.
#[derive(Debug, Clone)]
pub(crate) struct Entra {
    config: EntraConfig,
    http: reqwest::Client,
}

impl Entra {
    /// A client for `config`, whose token requests time out after `timeout`.
    pub(crate) fn new(
        config: &EntraConfig,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("azdo-connect-proxy/", env!("CARGO_PKG_VERSION")))
            // The token endpoint never redirects; following one would be server-side request
            // forgery with the app's credential attached (the oauth2 crate's own advice).
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .build()
            .map_err(|e| Error::Config(format!("the HTTP client could not be built: {e}")))?;
        for (what, url) in [
            ("authority", &config.authority),
            ("public URL", &config.public_url),
        ] {
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(Error::Config(format!(
                    "the Entra {what} must be an http(s) URL: {url}"
                )));
            }
        }
        let no_secret = matches!(&config.credential, EntraCredential::Secret(s) if s.is_empty());
        if config.client_id.trim().is_empty() || no_secret {
            return Err(Error::Config(
                "the Entra app needs a client id and a client secret, certificate or federated token file".into(),
            ));
        }
        // A token file that cannot be read now is a deployment mistake: say so at start-up, not
        // on a person's sign-in.
        if let EntraCredential::FederatedTokenFile(path) = &config.credential {
            read_federated_token(path).map_err(Error::Config)?;
        }
        let entra = Entra {
            config: config.clone(),
            http,
        };
        // Every URL the client builds is checked once, here, rather than on a person's sign-in.
        entra.client(ORGANIZATIONS)?;
        Ok(entra)
    }

    /// The origin of `--public-url`: the proxy's own, where `returnTo` may point.
    pub(crate) fn public_origin(&self) -> String {
        self.config.public_url.origin().ascii_serialization()
    }

    /// `{public_url}/oauth/callback`, the redirect URI registered with the app.
    pub(crate) fn redirect_uri(&self) -> String {
        redirect_uri(&self.config.public_url)
    }

    /// `{authority}/{tenant}/oauth2/v2.0/{name}`.
    fn endpoint(&self, tenant: &str, name: &str) -> String {
        let base = self.config.authority.as_str().trim_end_matches('/');
        format!("{base}/{tenant}/oauth2/v2.0/{name}")
    }

    fn client(&self, tenant: &str) -> Result<EntraClient, Error> {
        let bad = |e: url::ParseError| Error::Config(format!("the Entra authority URL: {e}"));
        let client = oauth2::Client::new(ClientId::new(self.config.client_id.clone()))
            // In the form body, as Microsoft's examples do (Basic works too). Without a secret
            // the body carries the client id, and the assertion goes next to it.
            .set_auth_type(AuthType::RequestBody)
            .set_auth_uri(AuthUrl::new(self.endpoint(tenant, "authorize")).map_err(bad)?)
            .set_token_uri(TokenUrl::new(self.endpoint(tenant, "token")).map_err(bad)?)
            .set_redirect_uri(RedirectUrl::new(self.redirect_uri()).map_err(bad)?);
        Ok(match &self.config.credential {
            EntraCredential::Secret(secret) => {
                client.set_client_secret(ClientSecret::new(secret.expose().to_owned()))
            }
            EntraCredential::Certificate(_) | EntraCredential::FederatedTokenFile(_) => client,
        })
    }

    /// The form fields that authenticate one token request at `tenant`: none with a secret (the
    /// client sends it), a fresh `client_assertion` with a certificate, the token file's current
    /// token with a federated credential.
    fn assertion_params(&self, tenant: &str) -> Result<Vec<(&'static str, String)>, Error> {
        let assertion = match &self.config.credential {
            EntraCredential::Secret(_) => return Ok(Vec::new()),
            EntraCredential::Certificate(certificate) => {
                let token_url = self.endpoint(tenant, "token");
                certificate.assertion(&self.config.client_id, &token_url)?
            }
            EntraCredential::FederatedTokenFile(path) => {
                read_federated_token(path).map_err(|why| {
                    tracing::error!(%why, "the Entra federated token file could not be read");
                    Error::SignInFailed(
                        "This service's Microsoft app credential could not be read; its operators have been alerted. Try again later, or use a personal access token.".into(),
                    )
                })?
            }
        };
        Ok(vec![
            ("client_assertion_type", ASSERTION_TYPE.to_owned()),
            ("client_assertion", assertion.expose().to_owned()),
        ])
    }

    /// Microsoft's authorize URL at `tenant`: `prompt=select_account` unless a `login_hint` names
    /// the account.
    pub(crate) fn authorize(
        &self,
        tenant: &str,
        login_hint: Option<&str>,
    ) -> Result<Authorization, Error> {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let nonce = CsrfToken::new_random();
        let client = self.client(tenant)?;
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(SIGN_IN_SCOPES.map(|s| Scope::new(s.to_owned())))
            .set_pkce_challenge(challenge)
            .add_extra_param("nonce", nonce.secret().clone())
            .add_extra_param("response_mode", "query");
        request = match login_hint {
            Some(hint) => request.add_extra_param("login_hint", hint.to_owned()),
            None => request.add_extra_param("prompt", "select_account"),
        };
        let (url, state) = request.url();
        Ok(Authorization {
            url,
            state: state.secret().clone(),
            verifier: SecretToken::new(verifier.secret().clone()),
            nonce: nonce.secret().clone(),
        })
    }

    /// Redeems an authorization code at the tenant it was issued for, and checks the id_token
    /// against `nonce`.
    pub(crate) async fn redeem_code(
        &self,
        tenant: &str,
        code: &SecretToken,
        verifier: &SecretToken,
        nonce: &str,
    ) -> Result<Tokens, Error> {
        let client = self.client(tenant)?;
        let mut request = client
            .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.expose().to_owned()));
        for (name, value) in self.assertion_params(tenant)? {
            request = request.add_extra_param(name, value);
        }
        let http = self.hook();
        let response = request
            .request_async(&http)
            .await
            .map_err(|e| token_error(e, Stage::SignIn))?;
        let id_token = response.extra_fields().id_token.as_ref().ok_or_else(|| {
            Error::SignInFailed(
                "Microsoft answered without an id_token. Try again; if it keeps failing, contact support."
                    .into(),
            )
        })?;
        let id = self.check_id_token(id_token, tenant, Some(nonce))?;
        Ok(tokens(&response, Some(id)))
    }

    /// Redeems a refresh token at `tenant` (any tenant the account is in: refresh tokens are not
    /// bound to one). The answer carries a new refresh token; the old one stays valid.
    pub(crate) async fn refresh(
        &self,
        tenant: &str,
        refresh_token: &SecretToken,
    ) -> Result<Tokens, Error> {
        let client = self.client(tenant)?;
        let token = RefreshToken::new(refresh_token.expose().to_owned());
        let mut request = client
            .exchange_refresh_token(&token)
            .add_scopes(REFRESH_SCOPES.map(|s| Scope::new(s.to_owned())));
        for (name, value) in self.assertion_params(tenant)? {
            request = request.add_extra_param(name, value);
        }
        let http = self.hook();
        let response = request
            .request_async(&http)
            .await
            .map_err(|e| token_error(e, Stage::Refresh))?;
        Ok(tokens(&response, None))
    }

    /// The oauth2 crate's HTTP hook. Each request's future owns its (reference-counted) client,
    /// so it borrows nothing and the handlers awaiting it stay `Send`.
    fn hook(
        &self,
    ) -> impl Fn(oauth2::HttpRequest) -> BoxFuture<'static, Result<oauth2::HttpResponse, Transport>>
    {
        let client = self.http.clone();
        move |request| {
            let client = client.clone();
            Box::pin(async move { send(&client, request).await })
        }
    }

    /// Reads the id_token and checks `aud`, `iss`, `tid` and `nonce`.
    ///
    /// The signature is not checked: the token came straight from the token endpoint over TLS,
    /// which OpenID Connect Core (3.1.3.7, item 6) allows in place of it. The proxy takes the
    /// person's identity from Azure DevOps' connectionData anyway; the id_token only tells which
    /// tenant the tokens are for.
    fn check_id_token(
        &self,
        id_token: &SecretToken,
        tenant: &str,
        nonce: Option<&str>,
    ) -> Result<IdClaims, Error> {
        let refused = |what: &str| {
            tracing::warn!(check = what, "the id_token failed a check");
            Error::SignInFailed(format!(
                "Microsoft's answer did not match this sign-in ({what}). Start again."
            ))
        };
        let claims: IdClaims = id_token
            .expose()
            .split('.')
            .nth(1)
            .and_then(|payload| URL_SAFE_NO_PAD.decode(payload).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| refused("unreadable id_token"))?;
        if claims.aud != self.config.client_id {
            return Err(refused("audience"));
        }
        let base = self.config.authority.as_str().trim_end_matches('/');
        if claims.iss != format!("{base}/{}/v2.0", claims.tid) {
            return Err(refused("issuer"));
        }
        if tenant != ORGANIZATIONS && !tenant.eq_ignore_ascii_case(&claims.tid) {
            return Err(refused("tenant"));
        }
        if nonce.is_some() && claims.nonce.as_deref() != nonce {
            return Err(refused("nonce"));
        }
        Ok(claims)
    }
}

/// `{public_url}/oauth/callback`.
/// The token in a federated token file, or why there is none (naming the path, never the
/// content).
fn read_federated_token(path: &std::path::Path) -> Result<SecretToken, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("the federated token file {}: {e}", path.display()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!(
            "the federated token file {} is empty",
            path.display()
        ));
    }
    Ok(SecretToken::new(token))
}

pub(crate) fn redirect_uri(public_url: &Url) -> String {
    format!(
        "{}/oauth/callback",
        public_url.as_str().trim_end_matches('/')
    )
}

fn tokens(response: &EntraTokenResponse, id: Option<IdClaims>) -> Tokens {
    Tokens {
        access_token: SecretToken::new(response.access_token().secret().clone()),
        refresh_token: response
            .refresh_token()
            .map(|t| SecretToken::new(t.secret().clone())),
        expires_in: response.expires_in().map_or(3599, |d| d.as_secs()),
        id,
    }
}

/// Maps the oauth2 crate's error without ever formatting a body (a body that failed to parse may
/// be a success answer, with tokens in it).
fn token_error(error: RequestTokenError<Transport, EntraErrorResponse>, stage: Stage) -> Error {
    match error {
        RequestTokenError::ServerResponse(response) => aadsts::to_error(&response, stage),
        RequestTokenError::Request(Transport::Timeout) => Error::SignInFailed(
            "Microsoft's sign-in service did not answer in time. Try again in a moment.".into(),
        ),
        RequestTokenError::Request(_) => Error::SignInFailed(
            "Microsoft's sign-in service could not be reached. Try again in a moment.".into(),
        ),
        RequestTokenError::Parse(error, _) => {
            tracing::warn!(path = %error.path(), "unreadable token endpoint answer");
            Error::SignInFailed(
                "Microsoft's sign-in service gave an unreadable answer. Try again.".into(),
            )
        }
        RequestTokenError::Other(_) => Error::SignInFailed(
            "Microsoft's sign-in service gave an unexpected answer. Try again.".into(),
        ),
    }
}

/// Why a token request got no answer. Carries no text from the request: its body holds secrets.
#[derive(Debug)]
enum Transport {
    Timeout,
    Failed,
    TooLarge,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Timeout => "timed out",
            Transport::Failed => "connection failed",
            Transport::TooLarge => "answer too large",
        })
    }
}

impl std::error::Error for Transport {}

/// The oauth2 crate's HTTP hook: one request through the proxy's reqwest client, with a bounded
/// answer.
async fn send(
    client: &reqwest::Client,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, Transport> {
    let (parts, body) = request.into_parts();
    let failed = |e: reqwest::Error| {
        tracing::debug!(
            timeout = e.is_timeout(),
            connect = e.is_connect(),
            "token endpoint transport error"
        );
        if e.is_timeout() {
            Transport::Timeout
        } else {
            Transport::Failed
        }
    };
    let mut response = client
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(failed)?;
    let mut answer = http::Response::builder().status(response.status());
    if let Some(headers) = answer.headers_mut() {
        *headers = response.headers().clone();
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        if bytes.len() + chunk.len() > MAX_TOKEN_RESPONSE {
            return Err(Transport::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    answer.body(bytes).map_err(|_| Transport::Failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entra() -> Entra {
        Entra::new(
            &EntraConfig {
                client_id: "app-id".into(),
                credential: EntraCredential::Secret(SecretToken::new("s3cret")),
                authority: Url::parse("https://login.example/").unwrap(),
                public_url: Url::parse("https://vendor.example/api/azdo/").unwrap(),
            },
            Duration::from_secs(1),
            Duration::from_secs(1),
        )
        .unwrap()
    }

    #[test]
    fn the_authorize_url_has_pkce_state_nonce_and_the_prompt() {
        let a = entra().authorize("organizations", None).unwrap();
        let url = a.url.as_str();
        assert!(url.starts_with("https://login.example/organizations/oauth2/v2.0/authorize?"));
        let query: std::collections::HashMap<_, _> = a.url.query_pairs().into_owned().collect();
        assert_eq!(query["code_challenge_method"], "S256");
        assert_eq!(query["state"], a.state);
        assert_eq!(query["nonce"], a.nonce);
        assert_eq!(query["prompt"], "select_account");
        assert_eq!(
            query["redirect_uri"],
            "https://vendor.example/api/azdo/oauth/callback"
        );
        assert_eq!(
            query["scope"],
            "499b84ac-1321-427f-aa17-267ca6975798/.default offline_access openid profile email"
        );
        assert!(!url.contains(a.verifier.expose()));
        assert!(!url.contains("s3cret"));
        let hinted = entra()
            .authorize("t1", Some("dana@contoso.example"))
            .unwrap();
        let query: std::collections::HashMap<_, _> =
            hinted.url.query_pairs().into_owned().collect();
        assert_eq!(query["login_hint"], "dana@contoso.example");
        assert!(!query.contains_key("prompt"));
    }

    fn id_token(claims: serde_json::Value) -> SecretToken {
        let part = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
        SecretToken::new(format!(
            "{}.{}.sig",
            part(&serde_json::json!({"alg": "RS256"})),
            part(&claims)
        ))
    }

    #[test]
    fn the_id_token_must_match_audience_issuer_tenant_and_nonce() {
        let e = entra();
        let good = serde_json::json!({"aud": "app-id", "iss": "https://login.example/t1/v2.0", "tid": "t1", "nonce": "n1"});
        assert_eq!(
            e.check_id_token(&id_token(good.clone()), "t1", Some("n1"))
                .unwrap()
                .tid,
            "t1"
        );
        assert!(e
            .check_id_token(&id_token(good.clone()), "organizations", Some("n1"))
            .is_ok());
        for (field, value) in [
            ("aud", "other"),
            ("iss", "https://evil.example/t1/v2.0"),
            ("nonce", "n2"),
        ] {
            let mut bad = good.clone();
            bad[field] = value.into();
            assert!(
                e.check_id_token(&id_token(bad), "t1", Some("n1")).is_err(),
                "{field}"
            );
        }
        assert!(e.check_id_token(&id_token(good), "t2", Some("n1")).is_err());
        assert!(e
            .check_id_token(&SecretToken::new("garbage"), "t1", None)
            .is_err());
    }
}
