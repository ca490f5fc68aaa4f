//! What a Microsoft sign-in keeps in the shared store between `oauth/start`, the callback,
//! `oauth/result` and `verify` with a `session`, so that each step may land on another instance.
//!
//! | key | written by | read by | holds |
//! |---|---|---|---|
//! | `oauth:state:{state}` | start | callback, **taken once** | PKCE verifier, nonce, tenant, organization |
//! | `oauth:flow:{flow}` | start (pending), callback (outcome), result (collected) | result | the outcome; once collected, kept one more minute |
//! | `oauth:session:{id}` | callback | verify (taken on success) | access and refresh token |
//! | `oauth:access:{hash}` | projects | projects | an access token for an entra credential, until 5 min before it expires |
//!
//! Every value is sealed with the credential key (JWE `dir` + `A256GCM`), so a shared Redis holds
//! no readable verifier or token.

use std::time::Duration;

use azdo_connect_core::contract::{ApiError, ChooseOrganization, VerifyResponse};
use azdo_connect_core::SecretToken;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::credential::{open_payload, Keyring, Sealer};
use crate::store::SharedStore;
use crate::Error;

/// How long a sign-in may take, start to callback (Microsoft's authorization codes live about
/// ten minutes too), and how long its outcome waits to be collected.
pub(crate) const FLOW_TTL: Duration = Duration::from_secs(10 * 60);

/// How long a collected outcome can be collected again. An answer lost on its way (a dropped
/// connection, a load balancer cutting the long poll, a laptop waking up) then costs the widget
/// one more poll instead of the whole sign-in; collecting again does not extend it.
pub(crate) const REDELIVERY_TTL: Duration = Duration::from_secs(60);

/// How long a person has to pick an organization after signing in.
pub(crate) const SESSION_TTL: Duration = Duration::from_secs(10 * 60);

/// The longest id the proxy issues (43 characters) with room to spare; anything longer or with
/// other characters is not one of ours and never reaches the store.
const MAX_ID_LEN: usize = 64;

/// A fresh random id: 256 bits, base64url.
pub(crate) fn random_id() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `text` can be an id this proxy issued (base64url, bounded).
pub(crate) fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_ID_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// What the callback needs to finish a sign-in, under its `state`.
#[derive(Serialize, Deserialize)]
pub(crate) struct SignIn {
    /// The flow the widget polls.
    pub(crate) flow: String,
    /// The PKCE verifier.
    pub(crate) verifier: SecretToken,
    /// The nonce the id_token must carry.
    pub(crate) nonce: String,
    /// The tenant segment the code is issued at (and must be redeemed at).
    pub(crate) tenant: String,
    /// The organization's canonical URL, when the person typed one.
    pub(crate) organization: Option<String>,
    /// Scope ids the vendor requires.
    pub(crate) required_scopes: Vec<String>,
    /// Where the full-page fallback returns to.
    pub(crate) return_to: Option<String>,
}

/// What `oauth/result` answers for a flow.
#[derive(Clone, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// The person has not come back from Microsoft yet.
    Pending,
    /// Connected: the verify body.
    Connected(Box<VerifyResponse>),
    /// Signed in without an organization.
    ChooseOrganization(ChooseOrganization),
    /// The contract error.
    Failed(ApiError),
    /// A final outcome already collected once, kept for [`REDELIVERY_TTL`].
    Collected(Box<Outcome>),
}

/// A signed-in person who has yet to pick an organization.
#[derive(Serialize, Deserialize)]
pub(crate) struct Session {
    /// The access token, for the tenant below.
    pub(crate) access_token: SecretToken,
    /// Redeemable at any tenant the account is in.
    pub(crate) refresh_token: SecretToken,
    /// The tenant the access token is for.
    pub(crate) tenant: String,
    /// When the access token expires (Unix seconds).
    pub(crate) access_expires_at: i64,
}

/// The store, with sealing.
pub(crate) struct Records<'a> {
    pub(crate) store: &'a dyn SharedStore,
    pub(crate) sealer: &'a Sealer,
    pub(crate) keyring: &'a Keyring,
}

impl Records<'_> {
    /// Seals and stores `value` under `key` for `ttl`.
    pub(crate) async fn put<T: Serialize>(
        &self,
        key: &str,
        value: &T,
        ttl: Duration,
    ) -> Result<(), Error> {
        let json = serde_json::to_vec(value).map_err(|e| Error::Seal(e.to_string()))?;
        let sealed = self.sealer.seal_payload(&json)?;
        self.store.put(key, sealed.into_bytes(), ttl).await
    }

    /// The value under `key`, if present and readable.
    pub(crate) async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        let found = self.store.get(key).await?;
        Ok(found.and_then(|bytes| self.open(&bytes)))
    }

    /// Removes and returns the value under `key`: of concurrent callers, one gets it.
    pub(crate) async fn take<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, Error> {
        let found = self.store.take(key).await?;
        Ok(found.and_then(|bytes| self.open(&bytes)))
    }

    // A record that does not open (a key rotated away mid-flow) is as good as expired.
    fn open<T: DeserializeOwned>(&self, bytes: &[u8]) -> Option<T> {
        let text = std::str::from_utf8(bytes).ok()?;
        let payload = open_payload(text, self.keyring).ok()?;
        serde_json::from_slice(&payload).ok()
    }
}

/// `oauth:state:{state}`.
pub(crate) fn state_key(state: &str) -> String {
    format!("oauth:state:{state}")
}

/// `oauth:flow:{flow}`.
pub(crate) fn flow_key(flow: &str) -> String {
    format!("oauth:flow:{flow}")
}

/// `oauth:session:{id}`.
pub(crate) fn session_key(id: &str) -> String {
    format!("oauth:session:{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemoryStore;
    use crate::SealKey;

    #[test]
    fn ids_are_bounded_base64url() {
        let id = random_id();
        assert_eq!(id.len(), 43);
        assert!(is_id(&id));
        assert!(!is_id(""));
        assert!(!is_id("a:b"));
        assert!(!is_id(&"a".repeat(65)));
    }

    #[tokio::test]
    async fn records_are_sealed_at_rest_and_taken_once() {
        let key = SealKey::generate("k");
        let sealer = Sealer::new(*key.key(), "k").unwrap();
        let keyring = Keyring::new(&key, &[]);
        let store = MemoryStore::new();
        let records = Records {
            store: &store,
            sealer: &sealer,
            keyring: &keyring,
        };
        let session = Session {
            access_token: SecretToken::new("at-secret"),
            refresh_token: SecretToken::new("rt-secret"),
            tenant: "t".into(),
            access_expires_at: 1,
        };
        records.put("k1", &session, SESSION_TTL).await.unwrap();
        let raw = store.get("k1").await.unwrap().unwrap();
        let raw = String::from_utf8(raw).unwrap();
        assert!(!raw.contains("rt-secret") && !raw.contains("at-secret"));
        let back: Session = records.take("k1").await.unwrap().unwrap();
        assert_eq!(back.refresh_token.expose(), "rt-secret");
        assert!(records.take::<Session>("k1").await.unwrap().is_none());
    }
}
