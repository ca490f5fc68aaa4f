//! Federated identity credentials (workload identity federation) at the token endpoint. The
//! `client_assertion` is then a token another identity provider issued to the vendor's workload,
//! typically a Kubernetes service account token projected for the audience
//! `api://AzureADTokenExchange` (what AKS workload identity mounts at
//! `AZURE_FEDERATED_TOKEN_FILE`), and Entra matches it against the app's federated credentials
//! by issuer, subject and audience
//! (https://learn.microsoft.com/entra/workload-id/workload-identity-federation).
//!
//! Entra checks the token's signature with the keys its issuer publishes
//! (`{issuer}/.well-known/openid-configuration`, then `jwks_uri`). The fake reaches no other
//! server: the fixture's `workloadIssuers` hold each issuer's public key instead.
//!
//! Errors are `invalid_client` (401). An issuer, audience or subject that no record has is
//! AADSTS700211, 700212 or 700213, with the wording seen in Azure/azure-workload-identity#1200,
//! Azure/login#482 and dotnet/maui#31978; matching is case-sensitive since August 2024
//! (Azure/login#517).

use std::time::Duration;

use josekit::jws::RS256;
use josekit::jwt::{self, JwtPayload};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::aadsts::AadError;
use crate::directory::App;
use crate::identity_assertion;

/// The audience Microsoft recommends for federated credentials.
pub const TOKEN_EXCHANGE_AUDIENCE: &str = "api://AzureADTokenExchange";

/// The demo workload issuer's signing key (`fixtures/workload-issuer-key.pem`, made with
/// `openssl genrsa -traditional 2048`; public in this repository, so it signs only test tokens).
const WORKLOAD_ISSUER_KEY_PEM: &str = include_str!("../fixtures/workload-issuer-key.pem");

/// A federated identity credential on an app registration (Microsoft Graph's
/// `federatedIdentityCredential`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct FederatedCredential {
    /// The credential's name.
    pub name: String,
    /// The external issuer's URL, compared exactly with the token's `iss`.
    pub issuer: String,
    /// The workload's identifier at that issuer, compared exactly with the token's `sub`
    /// (`system:serviceaccount:{namespace}:{name}` for Kubernetes).
    pub subject: String,
    /// Audiences the token may carry; Microsoft recommends [`TOKEN_EXCHANGE_AUDIENCE`] alone.
    pub audiences: Vec<String>,
}

/// An external OpenID Connect issuer whose tokens Entra can check: what its discovery document
/// and key set would give.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct WorkloadIssuer {
    /// The issuer URL (`iss`).
    pub issuer: String,
    /// Its RS256 signing key's public part (PEM, `BEGIN PUBLIC KEY`).
    pub public_key_pem: String,
}

/// A token from the demo workload issuer ([`crate::identity::WORKLOAD_ISSUER`]) for `subject`
/// and `audience`, valid from now for `lifetime`: what the Kubernetes API server writes into a
/// pod's projected service account token file.
pub fn workload_token(subject: &str, audience: &str, lifetime: Duration) -> String {
    let now = std::time::SystemTime::now();
    let mut payload = JwtPayload::new();
    payload.set_issuer(crate::identity::WORKLOAD_ISSUER);
    payload.set_subject(subject);
    payload.set_audience(vec![audience.to_owned()]);
    payload.set_issued_at(&now);
    payload.set_not_before(&now);
    payload.set_expires_at(&(now + lifetime));
    let mut header = josekit::jws::JwsHeader::new();
    header.set_token_type("JWT");
    header.set_key_id("demo-cluster-service-account-key");
    let signer = RS256
        .signer_from_pem(WORKLOAD_ISSUER_KEY_PEM)
        .expect("the embedded workload issuer key is a valid RSA key");
    jwt::encode_with_signer(&payload, &header, &signer).expect("RS256 signing succeeds")
}

/// Checks a federated `assertion` whose unverified `iss` is `issuer`, for `app`, at `now`.
pub(crate) fn authenticate(
    app: &App,
    issuers: &[WorkloadIssuer],
    assertion: &str,
    issuer: &str,
    now: OffsetDateTime,
) -> Result<(), AadError> {
    let records: Vec<&FederatedCredential> = app
        .federated_credentials
        .iter()
        .filter(|r| r.issuer == issuer)
        .collect();
    if records.is_empty() {
        return Err(no_record("issuer", issuer));
    }
    // Not in the error reference: Entra's answer when it cannot get an issuer's keys, or the
    // signature does not verify, is not documented; the fake answers the generic invalid-JWT
    // AADSTS50027 for both.
    let invalid = |why: &str| refused(50027, format!("JWT token is invalid or malformed. {why}"));
    let key = issuers
        .iter()
        .find(|i| i.issuer == issuer)
        .ok_or_else(|| invalid("The issuer's signing keys could not be obtained."))?;
    let verifier = RS256
        .verifier_from_pem(&key.public_key_pem)
        .map_err(|_| invalid("The issuer's signing keys could not be read."))?;
    let (payload, _) = jwt::decode_with_verifier(assertion, &verifier)
        .map_err(|_| invalid("The signature does not verify with the issuer's keys."))?;
    identity_assertion::valid_time(
        &payload,
        now,
        "https://learn.microsoft.com/entra/workload-id/workload-identity-federation",
    )?;
    let audiences = payload.audience().unwrap_or_default();
    let records: Vec<&FederatedCredential> = records
        .into_iter()
        .filter(|r| audiences.iter().any(|a| r.audiences.iter().any(|b| b == a)))
        .collect();
    if records.is_empty() {
        return Err(no_record("audience", &audiences.join(",")));
    }
    let subject = payload.subject().unwrap_or_default();
    if !records.iter().any(|r| r.subject == subject) {
        return Err(no_record("subject", subject));
    }
    Ok(())
}

fn no_record(what: &str, value: &str) -> AadError {
    let code = match what {
        "issuer" => 700211,
        "audience" => 700212,
        _ => 700213,
    };
    refused(
        code,
        format!("No matching federated identity record found for presented assertion {what} '{value}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation"),
    )
}

fn refused(code: u32, message: impl Into<String>) -> AadError {
    AadError::new("invalid_client", code, message)
}
