//! The sealed credential: a JWE compact token (`alg: dir`, `enc: A256GCM`, header `kid`) whose
//! payload is [`CredentialClaims`].
//!
//! Any JOSE library opens it with the raw 32-byte key, e.g. with npm `jose`:
//! `compactDecrypt(token, keyBytes)`.
//!
//! A credential has two readers with different needs. The vendor's backend stores it and opens it
//! for as long as the connection lasts ([`open_credential`], no age limit). The proxy's own
//! browser-facing endpoints take it back only for a short window after it was sealed
//! (`open_for_browser`).

use std::collections::HashMap;
use std::time::Duration;

use azdo_connect_core::contract::CredentialClaims;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use josekit::jwe::{self, Dir, JweDecrypter, JweHeader};

use crate::{Error, SealKey};

const ENC: &str = "A256GCM";

/// Seals claims with one key.
pub struct Sealer {
    kid: String,
    encrypter: josekit::jwe::alg::direct::DirectJweEncrypter,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Sealer {
    /// A sealer for a 256-bit key, writing `kid` into every token's header.
    ///
    /// # Errors
    /// [`Error::Seal`] if the crypto library refuses the key (it accepts every 32-byte key).
    pub fn new(key: [u8; 32], kid: impl Into<String>) -> Result<Self, Error> {
        let encrypter = Dir
            .encrypter_from_bytes(key)
            .map_err(|e| Error::Seal(e.to_string()))?;
        Ok(Sealer {
            kid: kid.into(),
            encrypter,
        })
    }

    /// The key id written into tokens.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// Seals the claims into a JWE compact token.
    ///
    /// # Errors
    /// [`Error::Seal`] if serialization or encryption fails.
    pub fn seal(&self, claims: &CredentialClaims) -> Result<String, Error> {
        let payload = serde_json::to_vec(claims).map_err(|e| Error::Seal(e.to_string()))?;
        self.seal_payload(&payload)
    }

    /// Seals any payload the same way: also the sign-in records the proxy keeps in the shared
    /// store, so that a Redis holds no readable verifier or refresh token.
    pub(crate) fn seal_payload(&self, payload: &[u8]) -> Result<String, Error> {
        let mut header = JweHeader::new();
        header.set_content_encryption(ENC);
        header.set_key_id(self.kid.clone());
        jwe::serialize_compact(payload, &header, &self.encrypter)
            .map_err(|e| Error::Seal(e.to_string()))
    }
}

/// The keys that open credentials: the current key and any previous ones kept for rotation,
/// indexed by key id.
#[derive(Clone)]
pub struct Keyring {
    keys: HashMap<String, [u8; 32]>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut kids: Vec<&String> = self.keys.keys().collect();
        kids.sort();
        f.debug_struct("Keyring").field("kids", &kids).finish()
    }
}

impl Keyring {
    /// A keyring holding `current` and `previous`. When two keys share a kid, the first wins.
    pub fn new(current: &SealKey, previous: &[SealKey]) -> Self {
        let mut keys = HashMap::new();
        for key in std::iter::once(current).chain(previous) {
            keys.entry(key.kid().to_owned()).or_insert(*key.key());
        }
        Keyring { keys }
    }

    /// Whether the keyring holds a key with this id.
    pub fn contains(&self, kid: &str) -> bool {
        self.keys.contains_key(kid)
    }
}

/// Opens a credential for the vendor's backend: picks the key by the header's `kid` and decrypts.
///
/// This is the call for a backend that stores the credential and opens it whenever it needs the
/// customer's token, possibly months later. It never refuses a credential because of its age: the
/// `exp` claim only bounds how long the proxy's own browser-facing endpoints take the credential
/// back, and says nothing about the token inside. Whether the token still works is for the
/// vendor's own health check of it to tell (Azure DevOps answers expired or revoked tokens).
///
/// What to store and rely on: `org` and `orgUrl` (the canonical organization), `userId` (Azure
/// DevOps' id for the token's owner), `scopes` (the scope ids observed as granted when it was
/// verified) and `iat` (when it was verified). `pat` is the secret; keep it sealed at rest.
///
/// # Errors
/// - [`Error::CredentialUnknownKey`] when the keyring has no key with the header's `kid`;
/// - [`Error::CredentialTampered`] when the token is malformed, was altered, or was sealed with a
///   different key under the same kid.
pub fn open_credential(token: &str, keys: &Keyring) -> Result<CredentialClaims, Error> {
    let payload = open_payload(token, keys)?;
    serde_json::from_slice(&payload).map_err(|_| Error::CredentialTampered)
}

/// Opens what [`Sealer::seal_payload`] sealed, with the key the header's `kid` names.
pub(crate) fn open_payload(token: &str, keys: &Keyring) -> Result<Vec<u8>, Error> {
    let token = token.trim();
    let header = read_header(token).ok_or(Error::CredentialTampered)?;
    if header.get("alg").and_then(|v| v.as_str()) != Some("dir")
        || header.get("enc").and_then(|v| v.as_str()) != Some(ENC)
    {
        return Err(Error::CredentialTampered);
    }
    let kid = header
        .get("kid")
        .and_then(|v| v.as_str())
        .ok_or(Error::CredentialTampered)?;
    let key = keys
        .keys
        .get(kid)
        .ok_or_else(|| Error::CredentialUnknownKey {
            kid: kid.chars().take(64).collect(),
        })?;
    // josekit hands an empty IV segment to OpenSSL as "no IV", which panics (found by the
    // credential_open fuzz target): refuse it as the tampering it is.
    if token.split('.').nth(2).is_none_or(str::is_empty) {
        return Err(Error::CredentialTampered);
    }
    let decrypter = Dir
        .decrypter_from_bytes(key)
        .map_err(|e| Error::Seal(e.to_string()))?;
    let (payload, _) = jwe::deserialize_compact(token, &decrypter as &dyn JweDecrypter)
        .map_err(|_| Error::CredentialTampered)?;
    Ok(payload)
}

/// Opens a credential that a browser sent back to one of the proxy's endpoints, which hold it to a
/// short window: a leaked copy in a browser must not list a customer's projects forever.
///
/// Refuses it once its `exp` has passed, or once `max_age` has passed since `iat` (so shortening
/// the configured window also covers credentials sealed before).
///
/// # Errors
/// Those of [`open_credential`], and [`Error::CredentialExpired`] when the window has passed.
pub(crate) fn open_for_browser(
    token: &str,
    keys: &Keyring,
    max_age: Duration,
) -> Result<CredentialClaims, Error> {
    let claims = open_credential(token, keys)?;
    let max_age = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
    let window_end = claims
        .exp
        .unwrap_or(i64::MAX)
        .min(claims.iat.saturating_add(max_age));
    if window_end <= now() {
        return Err(Error::CredentialExpired);
    }
    Ok(claims)
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

// The protected header is read before decryption only to choose the key; decryption then
// authenticates it (it is the AES-GCM additional data), so a forged header cannot pass.
fn read_header(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut parts = token.split('.');
    let first = parts.next()?;
    if parts.count() != 4 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(first).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use azdo_connect_core::Pat;

    use super::*;

    const SECRET: &str = "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7";

    fn claims(exp: Option<i64>) -> CredentialClaims {
        CredentialClaims {
            kind: azdo_connect_core::contract::Method::Pat,
            org: "contoso".into(),
            org_url: "https://dev.azure.com/contoso".into(),
            pat: Some(Pat::new(SECRET)),
            tenant: None,
            refresh_token: None,
            expires_at: None,
            user_id: "6f1c5e0a-3b7d-4c1e-9a55-2f0d3c4b5a61".into(),
            scopes: vec!["vso.code".into()],
            required_scopes: Vec::new(),
            iat: now(),
            exp,
        }
    }

    #[test]
    fn round_trips_and_hides_the_token() {
        let key = SealKey::generate("k1");
        let sealer = Sealer::new(*key.key(), "k1").unwrap();
        let token = sealer.seal(&claims(Some(now() + 60))).unwrap();
        assert_eq!(token.split('.').count(), 5);
        assert!(!token.contains(SECRET));
        let header = read_header(&token).unwrap();
        assert_eq!(header["alg"], "dir");
        assert_eq!(header["enc"], "A256GCM");
        assert_eq!(header["kid"], "k1");
        let opened = open_credential(&token, &Keyring::new(&key, &[])).unwrap();
        assert_eq!(opened, claims(opened.exp));
        assert_eq!(opened.pat.as_ref().unwrap().expose(), SECRET);
    }

    #[test]
    fn rotation_opens_old_credentials_by_kid() {
        let old = SealKey::generate("2025");
        let new = SealKey::generate("2026");
        let token = Sealer::new(*old.key(), "2025")
            .unwrap()
            .seal(&claims(None))
            .unwrap();
        let ring = Keyring::new(&new, std::slice::from_ref(&old));
        assert_eq!(open_credential(&token, &ring).unwrap().org, "contoso");
        assert!(matches!(
            open_credential(&token, &Keyring::new(&new, &[])),
            Err(Error::CredentialUnknownKey { kid }) if kid == "2025"
        ));
    }

    #[test]
    fn an_empty_iv_is_tampering_not_a_panic() {
        let key = SealKey::new("fuzz", [7; 32]);
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"dir","enc":"A256GCM","kid":"fuzz"}"#);
        let token = format!("{header}...vyi6n0a5egZVSc9wr4rV.AAAAAAAAAAAAAAAAAAAAAA");
        assert!(matches!(
            open_credential(&token, &Keyring::new(&key, &[])),
            Err(Error::CredentialTampered)
        ));
    }

    #[test]
    fn tampered_other_key_and_expired_are_distinct() {
        let key = SealKey::generate("k");
        let ring = Keyring::new(&key, &[]);
        let sealer = Sealer::new(*key.key(), "k").unwrap();
        let token = sealer.seal(&claims(None)).unwrap();

        // Flip one character of the ciphertext.
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let c = parts[3].remove(0);
        parts[3].insert(0, if c == 'A' { 'B' } else { 'A' });
        let tampered = parts.join(".");
        assert!(matches!(
            open_credential(&tampered, &ring),
            Err(Error::CredentialTampered)
        ));

        // Same kid, different key.
        let impostor = Sealer::new(*SealKey::generate("k").key(), "k")
            .unwrap()
            .seal(&claims(None))
            .unwrap();
        assert!(matches!(
            open_credential(&impostor, &ring),
            Err(Error::CredentialTampered)
        ));

        let expired = sealer.seal(&claims(Some(now() - 1))).unwrap();
        assert!(matches!(
            open_for_browser(&expired, &ring, DAY),
            Err(Error::CredentialExpired)
        ));

        for garbage in ["", "a.b.c.d.e", "not a token", "....."] {
            assert!(matches!(
                open_credential(garbage, &ring),
                Err(Error::CredentialTampered)
            ));
            assert!(matches!(
                open_for_browser(garbage, &ring, DAY),
                Err(Error::CredentialTampered)
            ));
        }
    }

    const DAY: Duration = Duration::from_secs(24 * 60 * 60);
    const YEAR: i64 = 365 * 24 * 60 * 60;

    fn sealed_at(iat: i64, exp: Option<i64>) -> (String, Keyring) {
        let key = SealKey::generate("k");
        let token = Sealer::new(*key.key(), "k")
            .unwrap()
            .seal(&CredentialClaims {
                iat,
                exp,
                ..claims(None)
            })
            .unwrap();
        (token, Keyring::new(&key, &[]))
    }

    #[test]
    fn the_vendor_opens_a_credential_of_any_age() {
        let year_ago = now() - YEAR;
        for exp in [Some(year_ago + 30 * 24 * 60 * 60), None] {
            let (token, ring) = sealed_at(year_ago, exp);
            let opened = open_credential(&token, &ring).unwrap();
            assert_eq!((opened.iat, opened.exp), (year_ago, exp));
            assert_eq!(opened.pat.as_ref().unwrap().expose(), SECRET);
        }
    }

    #[test]
    fn the_browser_window_ends_at_exp_or_max_age_whichever_is_first() {
        let t = now();
        for (iat, exp, open) in [
            (t - 60, Some(t + 60), true),
            (t - 60, None, true),
            (t - 60, Some(t - 1), false),
            // Sealed under a longer window than the one configured now.
            (t - 2 * DAY.as_secs() as i64, Some(t + YEAR), false),
            (t - 2 * DAY.as_secs() as i64, None, false),
        ] {
            let (token, ring) = sealed_at(iat, exp);
            let result = open_for_browser(&token, &ring, DAY);
            assert_eq!(result.is_ok(), open, "iat {iat}, exp {exp:?}: {result:?}");
            if !open {
                assert!(matches!(result, Err(Error::CredentialExpired)));
                // The vendor still opens it.
                assert!(open_credential(&token, &ring).is_ok());
            }
        }
    }
}
