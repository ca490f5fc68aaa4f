//! PAT format classification: the 52-character base32 format and the 84-character format with
//! the `AZDO` signature.
//!
//! Classification is advisory: Azure DevOps is the only judge of a token, and its formats change
//! (the 84-character format arrived in July 2024). So [`classify_pat`] never rejects; the widget
//! shows [`PatFormat::warning`] as a hint and still sends the token. Only
//! [`token_format_error`] refuses, and only for strings that cannot be a token in any format.

use serde::{Deserialize, Serialize};

/// The recognised shapes of a token. Classification never rejects: the server is the judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum PatFormat {
    /// The 52-character base32 PAT issued before July 2024.
    Legacy,
    /// The 84-character PAT with `AZDO` at offsets 76–79.
    Modern,
    /// A Microsoft Entra JWT access token, not a PAT.
    EntraJwt,
    /// Empty input.
    Empty,
    /// Anything else: send it anyway, but warn.
    Unknown,
}

impl PatFormat {
    /// A sentence to show next to the token field, for formats that are probably a mistake.
    ///
    /// `None` for the PAT formats (and for empty input, which the form handles as "required").
    pub fn warning(self) -> Option<&'static str> {
        match self {
            PatFormat::Unknown => Some(
                "This doesn't look like an Azure DevOps personal access token (52 or 84 letters and digits). \
                 Check that you copied the whole token; it will still be checked.",
            ),
            PatFormat::EntraJwt => Some(
                "This looks like a Microsoft Entra access token, not a personal access token. \
                 Create a personal access token under User settings \u{2192} Personal access tokens.",
            ),
            PatFormat::Legacy | PatFormat::Modern | PatFormat::Empty => None,
        }
    }

    /// Whether the token has one of the personal access token formats.
    pub fn is_plausible_pat(self) -> bool {
        matches!(self, PatFormat::Legacy | PatFormat::Modern)
    }
}

/// The length of a legacy PAT.
const LEGACY_LEN: usize = 52;
/// The length of a PAT in the common annotated security key format.
const MODERN_LEN: usize = 84;
/// Where the provider signature `AZDO` sits in a modern PAT.
const MODERN_SIGNATURE_AT: std::ops::Range<usize> = 76..80;
/// The longest token [`token_format_error`] lets through; real tokens are far shorter (JWTs
/// included), so this only stops pasted documents.
pub const MAX_TOKEN_LEN: usize = 1024;

/// Classifies a token's format.
///
/// Surrounding whitespace is ignored, as [`crate::Pat::new`] trims it too.
///
/// ```
/// use azdo_connect_core::{classify_pat, PatFormat};
/// assert_eq!(classify_pat("demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7"), PatFormat::Legacy);
/// assert_eq!(classify_pat("not a token"), PatFormat::Unknown);
/// assert_eq!(PatFormat::Unknown.warning().is_some(), true);
/// ```
pub fn classify_pat(token: &str) -> PatFormat {
    let token = token.trim();
    let bytes = token.as_bytes();
    if token.is_empty() {
        PatFormat::Empty
    } else if bytes.len() == LEGACY_LEN && bytes.iter().all(|b| is_base32(*b)) {
        PatFormat::Legacy
    } else if bytes.len() == MODERN_LEN
        && bytes.iter().all(u8::is_ascii_alphanumeric)
        // Only the provider signature is checked: leaked real tokens show that the other
        // "fixed" parts of the layout (JQQJ, AAAA) vary.
        && &bytes[MODERN_SIGNATURE_AT] == b"AZDO"
    {
        PatFormat::Modern
    } else if looks_like_jwt(token) {
        PatFormat::EntraJwt
    } else {
        PatFormat::Unknown
    }
}

/// RFC 4648 base32 in either case, which is what legacy PATs are made of.
fn is_base32(b: u8) -> bool {
    b.is_ascii_alphabetic() || (b'2'..=b'7').contains(&b)
}

/// A JWT is three base64url parts, the first being a JSON object (`{"` encodes as `eyJ`).
fn looks_like_jwt(token: &str) -> bool {
    let parts: Vec<&str> = token.split('.').collect();
    parts.len() == 3
        && token.starts_with("eyJ")
        && parts[..2].iter().all(|p| !p.is_empty())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='))
}

/// Why a token cannot be sent to Azure DevOps at all, or `None` when it can.
///
/// This is the proxy's `token_format` check. It refuses only what no token format allows:
/// nothing, whitespace or control characters inside, non-ASCII characters (which could not travel
/// in a Basic `Authorization` header anyway), or more than [`MAX_TOKEN_LEN`] characters. Surrounding
/// whitespace is ignored, as [`crate::Pat::new`] trims it.
pub fn token_format_error(token: &str) -> Option<&'static str> {
    let token = token.trim();
    if token.is_empty() {
        Some("Enter a personal access token.")
    } else if token.len() > MAX_TOKEN_LEN {
        Some("That is too long to be a personal access token. Paste only the token.")
    } else if token.chars().any(char::is_whitespace) {
        Some("A personal access token has no spaces or line breaks. Paste only the token.")
    } else if token.chars().any(char::is_control) {
        Some("The token contains invisible control characters. Copy it again from Azure DevOps.")
    } else if !token.is_ascii() {
        Some("A personal access token uses only plain letters and digits. Copy it again from Azure DevOps.")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_only_for_suspicious_formats() {
        assert!(PatFormat::Legacy.warning().is_none());
        assert!(PatFormat::Modern.warning().is_none());
        assert!(PatFormat::Empty.warning().is_none());
        assert!(PatFormat::Unknown
            .warning()
            .unwrap()
            .contains("personal access token"));
        assert!(PatFormat::EntraJwt.warning().unwrap().contains("Entra"));
        assert!(PatFormat::Legacy.is_plausible_pat());
        assert!(PatFormat::Modern.is_plausible_pat());
        assert!(!PatFormat::EntraJwt.is_plausible_pat());
        assert!(!PatFormat::Unknown.is_plausible_pat());
    }

    #[test]
    fn token_format_error_refuses_only_unsendable_tokens() {
        assert!(
            token_format_error("demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7").is_none()
        );
        assert!(token_format_error("  garbage-but-sendable\n").is_none());
        assert!(token_format_error("").is_some());
        assert!(token_format_error(" \t ").is_some());
        assert!(token_format_error("abc def").is_some());
        assert!(token_format_error("abc\u{7f}def").is_some());
        assert!(token_format_error("abc\u{0}def").is_some());
        assert!(token_format_error("t\u{f6}ken").is_some());
        assert!(token_format_error(&"a".repeat(MAX_TOKEN_LEN)).is_none());
        assert!(token_format_error(&"a".repeat(MAX_TOKEN_LEN + 1)).is_some());
    }
}
