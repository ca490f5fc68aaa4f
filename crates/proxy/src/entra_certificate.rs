//! Certificate credentials of the Entra app: for each token request, a fresh `client_assertion`
//! JWT signed with the certificate's private key, in the shape Microsoft documents at
//! <https://learn.microsoft.com/entra/identity-platform/certificate-credentials> (header `alg`
//! PS256, `typ` JWT, `x5t#S256`; claims `aud` = the token endpoint, `iss` = `sub` = the client id,
//! a random `jti`, `nbf`/`iat` now and a short `exp`).

use std::fmt;
use std::time::{Duration, SystemTime};

use azdo_connect_core::SecretToken;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use josekit::jwk::Jwk;
use josekit::jws::{JwsHeader, JwsSigner, PS256, RS256};
use josekit::jwt::{self, JwtPayload};
use openssl::asn1::Asn1Time;
use openssl::pkey::PKey;
use openssl::x509::X509;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::Error;

/// `client_assertion_type` for a JWT client assertion (RFC 7523).
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid. Microsoft asks for "5-10 minutes after nbf" at most; one
/// request needs seconds.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// The Entra app's certificate and its private key, read from one PEM file (the certificate
/// block and a `PRIVATE KEY` or `RSA PRIVATE KEY` block, in any order), as `openssl req -x509
/// -newkey rsa:2048 -nodes` writes them once concatenated.
///
/// `Debug` shows the certificate's thumbprint only, never the key.
#[derive(Clone)]
pub struct EntraCertificate {
    /// `x5t#S256`: base64url of the SHA-256 of the certificate's DER encoding.
    thumbprint: String,
    /// The RSA private key as a JWK (it holds the private exponent: never logged).
    key: Jwk,
    /// The certificate's end date, as openssl prints it.
    not_after: String,
    /// Whether it ends within [`RENEW_WITHIN_DAYS`] of loading.
    expires_soon: bool,
}

/// How long before its end a certificate is reported for renewal.
const RENEW_WITHIN_DAYS: u32 = 30;

impl EntraCertificate {
    /// Reads the certificate and its private key from PEM text.
    ///
    /// # Errors
    /// [`Error::Config`] when there is no certificate or no unencrypted private key, the key is
    /// not RSA of at least 2048 bits, the key does not belong to the certificate, or the
    /// certificate has expired (Microsoft refuses assertions signed with it).
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let bad = |what: &str| Error::Config(format!("the Entra certificate file: {what}"));
        let cert = X509::from_pem(pem).map_err(|_| bad("no PEM CERTIFICATE block"))?;
        // Only the key's type is named: openssl's message could quote the file.
        let key = PKey::private_key_from_pem(pem)
            .map_err(|_| bad("no unencrypted PRIVATE KEY block (write it with -nodes)"))?;
        let rsa = key
            .rsa()
            .map_err(|_| bad("the private key must be RSA (Microsoft signs PS256/RS256)"))?;
        if rsa.size() * 8 < 2048 {
            return Err(bad("the RSA key must have at least 2048 bits"));
        }
        let public = cert
            .public_key()
            .map_err(|_| bad("the certificate's public key is unreadable"))?;
        if !public.public_eq(&key) {
            return Err(bad("the private key does not belong to the certificate"));
        }
        let now = Asn1Time::days_from_now(0).map_err(|_| bad("the clock is unreadable"))?;
        if cert.not_after() < now {
            return Err(bad(&format!(
                "the certificate expired on {}: create a new one and upload it to the app registration",
                cert.not_after()
            )));
        }
        let der = cert
            .to_der()
            .map_err(|_| bad("the certificate could not be encoded"))?;
        let pkcs8 = key
            .private_key_to_pem_pkcs8()
            .map_err(|_| bad("the private key could not be encoded"))?;
        let mut key = RS256
            .key_pair_from_pem(&pkcs8)
            .map_err(|_| bad("the private key is unreadable"))?
            .to_jwk_key_pair();
        // The same RSA key signs PS256: the JWK must not pin RS256.
        key.set_parameter("alg", None)
            .map_err(|_| bad("the private key is unreadable"))?;
        let soon = Asn1Time::days_from_now(RENEW_WITHIN_DAYS)
            .map_err(|_| bad("the clock is unreadable"))?;
        Ok(EntraCertificate {
            thumbprint: URL_SAFE_NO_PAD.encode(Sha256::digest(&der)),
            key,
            not_after: cert.not_after().to_string(),
            expires_soon: cert.not_after() < soon,
        })
    }

    /// The certificate's `x5t#S256` thumbprint (base64url SHA-256 of its DER form), as the
    /// assertion header names it. The app registration shows the SHA-1 thumbprint instead.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// The certificate's end date (e.g. `Nov  8 07:33:29 2126 GMT`).
    pub fn not_after(&self) -> &str {
        &self.not_after
    }

    /// Whether the certificate ends within 30 days of being loaded: time to upload its successor.
    pub fn expires_soon(&self) -> bool {
        self.expires_soon
    }

    /// A fresh assertion for one request to `token_url`, for the app `client_id`.
    pub(crate) fn assertion(&self, client_id: &str, token_url: &str) -> Result<SecretToken, Error> {
        let failed = |_| Error::Config("the Entra certificate could not sign an assertion".into());
        let mut header = JwsHeader::new();
        header.set_token_type("JWT");
        header
            .set_claim("x5t#S256", Some(self.thumbprint.clone().into()))
            .map_err(failed)?;
        let now = SystemTime::now();
        let mut payload = JwtPayload::new();
        payload.set_audience(vec![token_url.to_owned()]);
        payload.set_issuer(client_id);
        payload.set_subject(client_id);
        payload.set_jwt_id(random_guid());
        payload.set_not_before(&now);
        payload.set_issued_at(&now);
        payload.set_expires_at(&(now + ASSERTION_LIFETIME));
        let signer = PS256.signer_from_jwk(&self.key).map_err(failed)?;
        let jwt = jwt::encode_with_signer(&payload, &header, &signer as &dyn JwsSigner)
            .map_err(failed)?;
        Ok(SecretToken::new(jwt))
    }
}

impl fmt::Debug for EntraCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntraCertificate")
            .field("thumbprint", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

/// A random version-4 GUID, the `jti` shape Microsoft's example uses.
fn random_guid() -> String {
    let mut b = [0u8; 16];
    rand::rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = include_str!("../../fake/fixtures/app-certificate.pem");
    const OTHER: &str = include_str!("../../fake/fixtures/unregistered-certificate.pem");

    #[test]
    fn an_assertion_has_the_header_and_claims_microsoft_documents() {
        let cert = EntraCertificate::from_pem(PEM.as_bytes()).unwrap();
        let url = "https://login.example/t1/oauth2/v2.0/token";
        let a = cert.assertion("app-id", url).unwrap();
        let b = cert.assertion("app-id", url).unwrap();
        // Checked with the certificate's public key, not the signing key.
        let rsa = X509::from_pem(PEM.as_bytes())
            .unwrap()
            .public_key()
            .unwrap()
            .rsa()
            .unwrap();
        let mut jwk = Jwk::new("RSA");
        for (name, value) in [("n", rsa.n().to_vec()), ("e", rsa.e().to_vec())] {
            jwk.set_parameter(name, Some(URL_SAFE_NO_PAD.encode(value).into()))
                .unwrap();
        }
        let verifier = PS256.verifier_from_jwk(&jwk).unwrap();
        let (payload, header) = jwt::decode_with_verifier(a.expose(), &verifier).unwrap();
        assert_eq!(header.algorithm(), Some("PS256"));
        assert_eq!(header.token_type(), Some("JWT"));
        let der = X509::from_pem(PEM.as_bytes()).unwrap().to_der().unwrap();
        assert_eq!(
            header.claim("x5t#S256").and_then(|v| v.as_str()),
            Some(URL_SAFE_NO_PAD.encode(Sha256::digest(&der)).as_str())
        );
        assert_eq!(payload.audience(), Some(vec![url]));
        assert_eq!(payload.issuer(), Some("app-id"));
        assert_eq!(payload.subject(), Some("app-id"));
        let (nbf, exp) = (payload.not_before().unwrap(), payload.expires_at().unwrap());
        let life = exp.duration_since(nbf).unwrap();
        assert!(
            life > Duration::ZERO && life <= Duration::from_secs(600),
            "{life:?}"
        );
        let (b, _) = jwt::decode_with_verifier(b.expose(), &verifier).unwrap();
        assert_ne!(payload.jwt_id(), b.jwt_id());
        assert_eq!(payload.jwt_id().unwrap().len(), 36);
    }

    #[test]
    fn a_bad_file_is_a_clear_config_error_that_quotes_nothing() {
        let cert_only = PEM.split("-----BEGIN PRIVATE KEY").next().unwrap();
        let key_only = &PEM[PEM.find("-----BEGIN PRIVATE KEY").unwrap()..];
        let other_key = &OTHER[OTHER.find("-----BEGIN PRIVATE KEY").unwrap()..];
        let mismatched = format!("{cert_only}{other_key}");
        for (pem, expected) in [
            (cert_only.to_owned(), "PRIVATE KEY"),
            (key_only.to_owned(), "CERTIFICATE"),
            (mismatched, "does not belong"),
            ("garbage".to_owned(), "CERTIFICATE"),
        ] {
            let message = EntraCertificate::from_pem(pem.as_bytes())
                .unwrap_err()
                .to_string();
            assert!(message.contains(expected), "{message}");
            assert!(!message.contains("MII"), "{message}");
        }
    }

    #[test]
    fn debug_shows_the_thumbprint_only() {
        let cert = EntraCertificate::from_pem(PEM.as_bytes()).unwrap();
        assert_eq!(
            format!("{cert:?}"),
            format!(
                "EntraCertificate {{ thumbprint: {:?}, .. }}",
                cert.thumbprint()
            )
        );
        let secret = crate::EntraCredential::Secret(SecretToken::new("s3cret-value-123"));
        assert!(!format!("{secret:?}").contains("s3cret"), "{secret:?}");
    }

    /// A self-signed certificate (and its key, PEM) valid from two days ago until `days` from now.
    fn certificate_ending_in(days: i32) -> String {
        use openssl::bn::BigNum;
        use openssl::hash::MessageDigest;
        use openssl::rsa::Rsa;
        use openssl::x509::X509NameBuilder;
        let key = PKey::from_rsa(Rsa::generate(2048).unwrap()).unwrap();
        let mut name = X509NameBuilder::new().unwrap();
        name.append_entry_by_text("CN", "test").unwrap();
        let name = name.build();
        let mut builder = X509::builder().unwrap();
        builder.set_version(2).unwrap();
        builder
            .set_serial_number(&BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap())
            .unwrap();
        builder.set_subject_name(&name).unwrap();
        builder.set_issuer_name(&name).unwrap();
        builder.set_pubkey(&key).unwrap();
        let at = |d: i32| {
            Asn1Time::from_unix(
                time::OffsetDateTime::now_utc().unix_timestamp() + i64::from(d) * 86_400,
            )
            .unwrap()
        };
        builder.set_not_before(&at(-2)).unwrap();
        builder.set_not_after(&at(days)).unwrap();
        builder.sign(&key, MessageDigest::sha256()).unwrap();
        let cert = String::from_utf8(builder.build().to_pem().unwrap()).unwrap();
        cert + &String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap()
    }

    #[test]
    fn an_expired_certificate_is_refused_and_one_ending_soon_is_flagged() {
        let message = EntraCertificate::from_pem(certificate_ending_in(-1).as_bytes())
            .unwrap_err()
            .to_string();
        assert!(message.contains("expired"), "{message}");
        let soon = EntraCertificate::from_pem(certificate_ending_in(10).as_bytes()).unwrap();
        assert!(soon.expires_soon());
        let later = EntraCertificate::from_pem(certificate_ending_in(90).as_bytes()).unwrap();
        assert!(!later.expires_soon());
        assert!(later.not_after().ends_with("GMT"), "{}", later.not_after());
    }
}
