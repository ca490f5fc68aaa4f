//! The crate's single error type.

use std::path::PathBuf;

/// Everything that can go wrong while loading a fixture or starting the fake.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The fixture file could not be read.
    Io {
        /// The file that was being read.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The fixture is not valid JSON or does not match the fixture format.
    Json {
        /// Where the fixture came from (a path, or `<demo>` for the embedded one).
        origin: String,
        /// The underlying parse error.
        source: serde_json::Error,
    },
    /// The fixture parsed but is inconsistent (duplicate tokens, unknown user ids, ...).
    Invalid(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io { path, source } => {
                write!(f, "cannot read fixture {}: {source}", path.display())
            }
            Error::Json { origin, source } => write!(f, "fixture {origin} is not valid: {source}"),
            Error::Invalid(why) => write!(f, "inconsistent fixture: {why}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Json { source, .. } => Some(source),
            Error::Invalid(_) => None,
        }
    }
}
