//! id_tokens, signed RS256 with a fixed test key (`fixtures/id-token-signing-key.pem`, public in
//! this repository: it signs nothing but the fake's tokens), the key set that verifies them, and
//! the OpenID Connect metadata document
//! (https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference,
//! https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc).

use std::sync::LazyLock;

use josekit::jwk::KeyPair as _;
use josekit::jws::alg::rsassa::RsassaJwsSigner;
use josekit::jws::{JwsHeader, RS256};
use josekit::jwt::{self, JwtPayload};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::directory::Account;
use crate::issued::Grant;
use crate::tenant_segment::Audience;

const KEY_PEM: &str = include_str!("../fixtures/id-token-signing-key.pem");
/// The `kid` of the test key.
pub(crate) const KEY_ID: &str = "fake-idp-test-key-1";
/// id_tokens are valid for an hour (the `exp` of the docs' sample is `iat` + 3600).
const LIFETIME_SECS: i64 = 3600;

static SIGNER: LazyLock<RsassaJwsSigner> = LazyLock::new(|| {
    RS256
        .signer_from_pem(KEY_PEM)
        .expect("the embedded test key is a valid RSA key")
});

/// `{authority}/{tid}/v2.0`: the v2.0 issuer of a tenant.
pub(crate) fn issuer(authority: &str, tid: &str) -> String {
    format!("{authority}/{tid}/v2.0")
}

/// A signed id_token for `account` under `grant`. `profile` adds `name` and
/// `preferred_username`, `email` adds `email` (https://learn.microsoft.com/entra/identity-platform/scopes-oidc).
pub(crate) fn sign(
    authority: &str,
    grant: &Grant,
    account: &Account,
    now: OffsetDateTime,
) -> String {
    let iat = now.unix_timestamp();
    let mut claims = json!({
        "aud": grant.client_id,
        "iss": issuer(authority, &grant.tid),
        "iat": iat,
        "nbf": iat,
        "exp": iat + LIFETIME_SECS,
        // `sub` is pairwise per app; the fake derives it from the object id.
        "sub": format!("{}-{}", account.oid, grant.client_id.get(..8).unwrap_or(&grant.client_id)),
        "oid": account.oid,
        "tid": grant.tid,
        "ver": "2.0",
    });
    if grant.asked("profile") {
        claims["name"] = json!(account.display_name);
        claims["preferred_username"] = json!(account.username);
    }
    if let (true, Some(email)) = (grant.asked("email"), &account.email) {
        claims["email"] = json!(email);
    }
    if let Some(nonce) = &grant.nonce {
        claims["nonce"] = json!(nonce);
    }
    let Value::Object(map) = claims else {
        unreachable!("claims are a JSON object")
    };
    let payload = JwtPayload::from_map(map).expect("claims are valid JWT claims");
    let mut header = JwsHeader::new();
    header.set_token_type("JWT");
    header.set_key_id(KEY_ID);
    jwt::encode_with_signer(&payload, &header, &*SIGNER).expect("RS256 signing succeeds")
}

/// The JSON Web Key Set served at `/{tenant}/discovery/v2.0/keys`.
pub(crate) fn jwks() -> Value {
    let pair = RS256
        .key_pair_from_pem(KEY_PEM)
        .expect("the embedded test key is a valid RSA key");
    let mut jwk = pair.to_jwk_public_key();
    jwk.set_key_id(KEY_ID);
    jwk.set_key_use("sig");
    let map: serde_json::Map<String, Value> = jwk.into();
    json!({"keys": [map]})
}

/// `/{tenant}/v2.0/.well-known/openid-configuration`. At `common` and `organizations` the issuer
/// is literally `…/{tenantid}/v2.0` (openidconnect-rs#216; MicrosoftDocs/azure-docs#38427).
pub(crate) fn openid_configuration(authority: &str, segment: &str, audience: &Audience) -> Value {
    let issuer_tenant = match audience {
        Audience::Tenant(tid) => tid.as_str(),
        Audience::Consumers => crate::directory::CONSUMERS_TENANT_ID,
        Audience::Common | Audience::Organizations => "{tenantid}",
    };
    let base = format!("{authority}/{segment}");
    json!({
        "token_endpoint": format!("{base}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer(authority, issuer_tenant),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
        "authorization_endpoint": format!("{base}/oauth2/v2.0/authorize"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{base}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce",
            "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
        "tenant_region_scope": null,
        "cloud_instance_name": "microsoftonline.com",
    })
}
