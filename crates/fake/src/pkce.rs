//! Proof Key for Code Exchange (RFC 7636) as the identity platform checks it: S256 challenges
//! of 43 characters, and `BASE64URL(SHA256(verifier)) == challenge` at redemption.

use base64::Engine as _;

use crate::aadsts::AadError;
use crate::directory::App;

/// Checks an authorization request's challenge. The real service accepts requests without one;
/// this app is registered as requiring it (the fixture's `requirePkce`), which the fake answers
/// with the service's PKCE-required error (AADSTS9002325).
pub(crate) fn check_challenge(
    app: &App,
    challenge: Option<&str>,
    method: Option<&str>,
) -> Result<(), AadError> {
    let Some(challenge) = challenge else {
        if app.require_pkce {
            return Err(AadError::new(
                "invalid_request",
                9002325,
                "Proof Key for Code Exchange is required for this application: send an S256 code_challenge.",
            ));
        }
        return Ok(());
    };
    // RFC 7636 section 4.3: the default method is `plain`, which this app does not accept.
    if method != Some("S256") {
        return Err(AadError::new(
            "invalid_request",
            9002325,
            "Proof Key for Code Exchange with code_challenge_method 'S256' is required for this application.",
        ));
    }
    if challenge.len() != 43 {
        return Err(AadError::new(
            "invalid_request",
            501491,
            "Invalid size of Code_Challenge parameter.",
        ));
    }
    Ok(())
}

/// Whether `verifier` answers `challenge` (S256).
pub(crate) fn verifies(challenge: &str, verifier: &str) -> bool {
    let digest = openssl::sha::sha256(verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
}
