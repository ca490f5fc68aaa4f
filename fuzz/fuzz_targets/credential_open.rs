//! The proxy's `open_credential` on arbitrary text (the credential comes back from the browser
//! in `POST {base}/projects`, so it is untrusted): it never panics, nothing but a token sealed
//! with the key opens, every sealed token opens to the claims that went in, and changing any one
//! character of a sealed token makes it fail to open.
//!
//! Each input is used twice: as a credential as-is, and as the claims (organization, token) of
//! a credential the target seals, then alters at a position the input chooses.
#![no_main]

use azdo_connect_core::contract::CredentialClaims;
use azdo_connect_core::Pat;
use azdo_connect_proxy::{open_credential, Error, Keyring, SealKey, Sealer};
use libfuzzer_sys::fuzz_target;

/// The fuzzing key; `seeds/credential_open/sealed-*` were sealed with it.
const KEY: [u8; 32] = *b"azdo-connect fuzz key, not real!";
const KID: &str = "fuzz";

struct Keys {
    sealer: Sealer,
    keyring: Keyring,
    /// The protected header (first part) of a credential sealed with `sealer`.
    header: String,
}

fn keys() -> &'static Keys {
    static KEYS: std::sync::OnceLock<Keys> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let sealer = Sealer::new(KEY, KID).expect("a 32-byte key is accepted");
        let sealed = sealer.seal(&seed_claims()).expect("the seed claims seal");
        Keys {
            header: sealed.split('.').next().unwrap_or_default().to_owned(),
            sealer,
            keyring: Keyring::new(&SealKey::new(KID, KEY), &[SealKey::new("old", [7; 32])]),
        }
    })
}

/// The claims every committed sealed seed holds.
fn seed_claims() -> CredentialClaims {
    CredentialClaims {
        org: "contoso".into(),
        org_url: "https://dev.azure.com/contoso".into(),
        kind: azdo_connect_core::contract::Method::Pat,
        pat: Some(Pat::new("demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7")),
        tenant: None,
        refresh_token: None,
        expires_at: None,
        user_id: "3f8b2c4e-0000-4000-8000-000000000001".into(),
        scopes: vec!["vso.code".into()],
        required_scopes: Vec::new(),
        iat: 1_795_000_000,
        exp: None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let keys = keys();

    // 1. Arbitrary text: an AEAD tag can't be forged, so whatever opens is a committed seed
    //    (perhaps with whitespace around it) and holds exactly its claims.
    match open_credential(text, &keys.keyring) {
        Ok(claims) => assert_eq!(claims, seed_claims(), "a forged credential opened"),
        Err(e) => assert!(
            matches!(
                e,
                Error::CredentialTampered | Error::CredentialUnknownKey { .. }
            ),
            "unexpected error opening arbitrary text: {e:?}"
        ),
    }

    // 2. Claims from the input: sealing then opening gives them back.
    let (org, token) = text.split_once('\n').unwrap_or((text, "fuzz-token"));
    let claims = CredentialClaims {
        org: org.to_owned(),
        org_url: format!("https://dev.azure.com/{org}"),
        kind: azdo_connect_core::contract::Method::Pat,
        pat: Some(Pat::new(token)),
        tenant: None,
        refresh_token: None,
        expires_at: None,
        user_id: "user".into(),
        scopes: org.split(' ').map(str::to_owned).collect(),
        required_scopes: Vec::new(),
        iat: i64::from(data.len() as u32),
        exp: None,
    };
    let sealed = keys.sealer.seal(&claims).expect("any claims seal");
    assert!(
        sealed.is_ascii() && sealed.split('.').count() == 5,
        "not JWE compact: {sealed}"
    );
    // The protected header is the same for every credential, so nothing of the claims shows
    // there; the rest is ciphertext, where the token must not show either.
    let (header, rest) = sealed.split_once('.').expect("compact form");
    assert_eq!(header, keys.header, "the header depends on the claims");
    let secret = claims.pat.as_ref().unwrap().expose();
    if secret.len() >= 8 {
        assert!(
            !rest.contains(secret),
            "the token shows in the sealed credential"
        );
    }
    let opened = open_credential(&sealed, &keys.keyring).expect("a fresh credential opens");
    assert_eq!(opened, claims, "claims changed through seal and open");
    // The claims' Debug, which a log line could print, does not depend on the token.
    let other = CredentialClaims {
        kind: azdo_connect_core::contract::Method::Pat,
        pat: Some(Pat::new("x")),
        tenant: None,
        refresh_token: None,
        expires_at: None,
        ..claims.clone()
    };
    assert_eq!(format!("{claims:?}"), format!("{other:?}"));

    // 3. Any one changed character breaks it.
    let position = data.iter().map(|&b| usize::from(b)).sum::<usize>() % sealed.len();
    let mut altered = sealed.clone().into_bytes();
    let original = altered[position];
    altered[position] = replacement(original, data.first().copied().unwrap_or(0));
    let altered = String::from_utf8(altered).expect("still ASCII");
    assert!(
        open_credential(&altered, &keys.keyring).is_err(),
        "a credential altered at {position} ({:?} -> {:?}) still opens",
        original as char,
        altered.as_bytes()[position] as char
    );
});

/// Another base64url character (or a dot for a dot's neighbour), chosen by `pick`.
fn replacement(original: u8, pick: u8) -> u8 {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut candidate = ALPHABET[usize::from(pick) % ALPHABET.len()];
    if candidate == original {
        candidate = ALPHABET[(usize::from(pick) + 1) % ALPHABET.len()];
    }
    candidate
}
