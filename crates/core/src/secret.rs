//! Secrets as types that cannot leak through formatting: the personal access token, and the
//! tokens of Microsoft sign-in (authorization codes, access and refresh tokens).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A personal access token.
///
/// `Debug` and `Display` print `Pat(***)`, so a token that reaches a log line, a panic message or
/// an error string by accident shows nothing. The only ways to read it are [`Pat::expose`] and
/// serialization, which the proxy uses to seal it and the widget uses to send it to the proxy once.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Pat(String);

impl Pat {
    /// Wraps a token, trimming the whitespace that copy and paste brings along.
    pub fn new(token: impl Into<String>) -> Self {
        let token: String = token.into();
        let trimmed = token.trim();
        if trimmed.len() == token.len() {
            Pat(token)
        } else {
            Pat(trimmed.to_owned())
        }
    }

    /// The raw token. Call this only where the token must leave the process: the `Authorization`
    /// header to Azure DevOps, or the sealed credential.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the token is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The token's length in characters, which is safe to show.
    pub fn len(&self) -> usize {
        self.0.chars().count()
    }
}

/// `Debug` prints `Name(***)`, `Display` prints `***`, serde reads and writes the plain string.
macro_rules! redacted_string {
    ($name:ident, $new:path) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("***")
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map($new)
            }
        }
    };
}

redacted_string!(Pat, Pat::new);
redacted_string!(SecretToken, SecretToken::new);

/// A token of Microsoft sign-in: an authorization code, an access token or a refresh token.
///
/// Like [`Pat`], `Debug` prints `SecretToken(***)` and `Display` prints `***`; the only ways to
/// read it are [`SecretToken::expose`] and serialization (into the sealed credential).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretToken(String);

impl SecretToken {
    /// Wraps a token as received.
    pub fn new(token: impl Into<String>) -> Self {
        SecretToken(token.into())
    }

    /// The raw token, for the request that must carry it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the token is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Pat {
    fn from(token: String) -> Self {
        Pat::new(token)
    }
}

impl From<&str> for Pat {
    fn from(token: &str) -> Self {
        Pat::new(token)
    }
}

// The token is a plain string on the wire; describing it as a password keeps API explorers from
// echoing it.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Pat {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Password,
            )))
            .description(Some("A personal access token."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Pat {}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for SecretToken {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Password,
            )))
            .description(Some("A Microsoft sign-in token."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for SecretToken {}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "supersecretpatvalue4u7xyz234567abcdefghijklmnopqrstu";

    #[test]
    fn debug_and_display_redact() {
        let pat = Pat::new(SECRET);
        assert_eq!(format!("{pat:?}"), "Pat(***)");
        assert_eq!(format!("{pat}"), "***");
        assert_eq!(format!("{:#?}", Some(&pat)), "Some(\n    Pat(***),\n)");
        assert!(!format!("{pat:?} {pat}").contains(SECRET));
    }

    #[test]
    fn secret_tokens_redact_and_round_trip() {
        let token = SecretToken::new(SECRET);
        assert_eq!(format!("{token:?}"), "SecretToken(***)");
        assert_eq!(format!("{token}"), "***");
        assert_eq!(token.expose(), SECRET);
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(json, format!("\"{SECRET}\""));
        assert_eq!(serde_json::from_str::<SecretToken>(&json).unwrap(), token);
    }

    #[test]
    fn redacts_inside_derived_debug() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Request {
            organization: String,
            token: Pat,
        }
        let text = format!(
            "{:?}",
            Request {
                organization: "contoso".into(),
                token: Pat::new(SECRET)
            }
        );
        assert!(text.contains("contoso"));
        assert!(!text.contains(SECRET), "{text}");
    }

    #[test]
    fn trims_pasted_whitespace_and_round_trips_through_json() {
        let pat: Pat = serde_json::from_str(&format!("\" {SECRET}\\n\"")).unwrap();
        assert_eq!(pat.expose(), SECRET);
        assert_eq!(pat.len(), SECRET.len());
        assert_eq!(
            serde_json::to_string(&pat).unwrap(),
            format!("\"{SECRET}\"")
        );
    }
}
