//! Client assertions at the token endpoint. Certificate credentials: a `client_assertion` JWT signed with a
//! certificate registered on the app, checked as
//! <https://learn.microsoft.com/entra/identity-platform/certificate-credentials> describes it
//! (header `x5t#S256`, or the older SHA-1 `x5t`; `aud` the token endpoint, `iss` = `sub` = the
//! client id, `exp`/`nbf`, a `jti`). Errors are `invalid_client` (401) with the AADSTS code each
//! names; where Microsoft's answer is not documented, the comment says so.

use std::collections::HashMap;
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use josekit::jwk::Jwk;
use josekit::jws::{JwsVerifier, PS256, RS256};
use josekit::jwt::{self, JwtPayload};
use josekit::JoseHeader;
use openssl::hash::MessageDigest;
use openssl::x509::X509;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::aadsts::AadError;
use crate::directory::App;
use crate::identity_federation::{self, WorkloadIssuer};

/// `client_assertion_type` for a JWT client assertion (RFC 7523).
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A certificate uploaded to the app registration (its public part only, PEM).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct AppCertificate {
    /// `-----BEGIN CERTIFICATE-----…`.
    pub pem: String,
}

impl AppCertificate {
    /// A certificate from its PEM text.
    pub fn new(pem: impl Into<String>) -> AppCertificate {
        AppCertificate { pem: pem.into() }
    }

    /// Whether `thumbprint` (base64url, from `x5t#S256` or the SHA-1 `x5t`) names this
    /// certificate, and if so its RSA public key as a JWK.
    fn key_for(&self, thumbprint: &Thumbprint) -> Option<Jwk> {
        let cert = X509::from_pem(self.pem.as_bytes()).ok()?;
        let (digest, value) = match thumbprint {
            Thumbprint::Sha256(v) => (MessageDigest::sha256(), v),
            Thumbprint::Sha1(v) => (MessageDigest::sha1(), v),
        };
        let ours = URL_SAFE_NO_PAD.encode(cert.digest(digest).ok()?);
        if &ours != value {
            return None;
        }
        let rsa = cert.public_key().ok()?.rsa().ok()?;
        let mut jwk = Jwk::new("RSA");
        for (name, part) in [("n", rsa.n().to_vec()), ("e", rsa.e().to_vec())] {
            jwk.set_parameter(name, Some(URL_SAFE_NO_PAD.encode(part).into()))
                .ok()?;
        }
        Some(jwk)
    }
}

/// The header's thumbprint: Microsoft documents `x5t#S256` now and accepted SHA-1 `x5t` before.
enum Thumbprint {
    Sha256(String),
    Sha1(String),
}

impl Thumbprint {
    fn of(header: &dyn JoseHeader) -> Option<Thumbprint> {
        let text = |name: &str| {
            header
                .claim(name)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        text("x5t#S256")
            .map(Thumbprint::Sha256)
            .or_else(|| text("x5t").map(Thumbprint::Sha1))
    }

    fn value(&self) -> &str {
        match self {
            Thumbprint::Sha256(v) | Thumbprint::Sha1(v) => v,
        }
    }
}

/// The `jti`s of assertions already accepted, until they expire: a replay is refused.
#[derive(Default)]
pub(crate) struct SeenAssertions(Mutex<HashMap<String, OffsetDateTime>>);

impl SeenAssertions {
    /// Records `jti` (valid until `exp`); `false` if it was seen before and has not expired.
    fn first_use(&self, jti: &str, exp: OffsetDateTime, now: OffsetDateTime) -> bool {
        let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
        seen.retain(|_, until| *until >= now);
        seen.insert(jti.to_owned(), exp).is_none()
    }
}

/// Checks a client assertion for `app` sent to `token_url` at `now`: signed with one of the app's
/// certificates, or a federated token from one of `issuers` (`identity_federation`).
pub(crate) fn authenticate(
    app: &App,
    issuers: &[WorkloadIssuer],
    token_url: &str,
    assertion_type: Option<&str>,
    assertion: Option<&str>,
    seen: &SeenAssertions,
    now: OffsetDateTime,
) -> Result<(), AadError> {
    if assertion_type != Some(ASSERTION_TYPE) {
        // Microsoft's answer to another assertion type is not documented: the generic
        // "Error validating credentials" (AADSTS70002, observed in
        // AzureAD/azure-activedirectory-library-for-python#79) stands in.
        return Err(refused(
            70002,
            "Error validating credentials. The client_assertion_type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
        ));
    }
    let assertion = assertion.ok_or_else(|| {
        AadError::new(
            "invalid_client",
            7000218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        )
    })?;
    // AADSTS50027, InvalidJwtToken, in the error-code reference.
    let malformed = |why: &str| refused(50027, format!("JWT token is invalid or malformed. {why}"));
    let header =
        jwt::decode_header(assertion).map_err(|_| malformed("The header is unreadable."))?;
    let Some(thumbprint) = Thumbprint::of(header.as_ref()) else {
        // No certificate thumbprint: a token another issuer gave the vendor's workload is a
        // federated credential's; the app's own assertion (`iss` = its client id) needs one.
        return match unverified_issuer(assertion) {
            Some(issuer) if !issuer.eq_ignore_ascii_case(&app.client_id) => {
                identity_federation::authenticate(app, issuers, assertion, &issuer, now)
            }
            _ => Err(malformed("The header has no x5t#S256 or x5t.")),
        };
    };
    // Wording observed in many MSAL issues
    // (e.g. AzureAD/microsoft-authentication-library-for-dotnet).
    let key = app
        .certificates
        .iter()
        .find_map(|c| c.key_for(&thumbprint))
        .ok_or_else(|| {
            refused(
                700027,
                format!("The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments#app-registration-and-token-service-root-endpoints to learn more.]", thumbprint.value(), app.client_id),
            )
        })?;
    let signature = || refused(700027, "Client assertion failed signature validation.");
    let verifier: Box<dyn JwsVerifier> = match header.claim("alg").and_then(|v| v.as_str()) {
        Some("PS256") => Box::new(PS256.verifier_from_jwk(&key).map_err(|_| signature())?),
        Some("RS256") => Box::new(RS256.verifier_from_jwk(&key).map_err(|_| signature())?),
        _ => return Err(signature()),
    };
    let (payload, _) =
        jwt::decode_with_verifier(assertion, verifier.as_ref()).map_err(|_| signature())?;
    check_claims(app, token_url, &payload, seen, now)
}

fn check_claims(
    app: &App,
    token_url: &str,
    payload: &JwtPayload,
    seen: &SeenAssertions,
    now: OffsetDateTime,
) -> Result<(), AadError> {
    // The realm check (observed wording, AzureAD/microsoft-authentication-library-for-dotnet#2746).
    // The live service may accept other audience forms too; the fake takes exactly the token
    // endpoint the request went to, as Microsoft documents it.
    let audience_ok = payload
        .audience()
        .is_some_and(|aud| aud.iter().any(|a| a.eq_ignore_ascii_case(token_url)));
    if !audience_ok {
        return Err(refused(
            700023,
            "Client assertion audience claim does not match Realm issuer. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .",
        ));
    }
    // The code and wording for a foreign `iss`/`sub` are not in the error reference; AADSTS700021
    // and this message are as remembered from MSAL issues [UNVERIFIED].
    let is_app = |v: Option<&str>| v.is_some_and(|v| v.eq_ignore_ascii_case(&app.client_id));
    if !is_app(payload.issuer()) || !is_app(payload.subject()) {
        return Err(refused(
            700021,
            "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .",
        ));
    }
    let exp = valid_time(
        payload,
        now,
        "https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials",
    )?;
    let jti = payload.jwt_id().filter(|j| !j.is_empty()).ok_or_else(|| {
        refused(
            50027,
            "JWT token is invalid or malformed. The 'jti' claim is missing.",
        )
    })?;
    // Microsoft documents `jti` as a unique identifier but not what it answers to a replay: the
    // fake refuses one with the generic AADSTS70002.
    if !seen.first_use(jti, exp, now) {
        return Err(refused(
            70002,
            "Error validating credentials. The client assertion was already used (its 'jti' was seen before).",
        ));
    }
    Ok(())
}

/// An assertion's `exp` (required) and `nbf` against `now`: AADSTS50027 without `exp`, AADSTS700024
/// (observed wording, ClientAssertionNotWithinValidTimeRange) outside the range; `docs` is the
/// page the message points to. Returns the `exp`.
pub(crate) fn valid_time(
    payload: &JwtPayload,
    now: OffsetDateTime,
    docs: &str,
) -> Result<OffsetDateTime, AadError> {
    let at = |t: Option<std::time::SystemTime>| t.map(OffsetDateTime::from);
    let (nbf, exp) = (at(payload.not_before()), at(payload.expires_at()));
    let Some(exp) = exp else {
        return Err(refused(
            50027,
            "JWT token is invalid or malformed. The 'exp' claim is missing.",
        ));
    };
    if now > exp || nbf.is_some_and(|nbf| now < nbf) {
        let date = |t: OffsetDateTime| {
            t.format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        };
        return Err(refused(
            700024,
            format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}. Review the documentation at {docs} .",
                date(now),
                nbf.map(date).unwrap_or_default(),
                date(exp)
            ),
        ));
    }
    Ok(exp)
}

/// The `iss` of a JWT, read before any signature check (only to choose how to check it).
fn unverified_issuer(jwt: &str) -> Option<String> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iss")?.as_str().map(str::to_owned)
}

fn refused(code: u32, message: impl Into<String>) -> AadError {
    AadError::new("invalid_client", code, message)
}
