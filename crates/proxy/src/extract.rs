//! The JSON body extractor: like `axum::Json`, but every rejection is a contract error body
//! instead of axum's plain-text one.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use crate::Error;

/// The configured body limit, put into request extensions by the router so that the 413 message
/// can name it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimit(pub(crate) usize);

/// A JSON request body. Requires `Content-Type: application/json` (or `+json`); rejects with
/// `invalid_request` for a wrong content type or malformed JSON and with `payload_too_large` when
/// the body exceeds the limit.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Error;

    async fn from_request(request: Request, state: &S) -> Result<Self, Error> {
        if !is_json(&request) {
            return Err(Error::InvalidRequest(
                "Send the body as JSON with the header Content-Type: application/json.".into(),
            ));
        }
        let limit = request.extensions().get::<BodyLimit>().map(|l| l.0);
        // The body limit counts bytes as they arrive, so a client declaring a huge body and
        // sending nothing would hold the connection until the deadline: refuse it from the header.
        if let (Some(limit), Some(declared)) = (limit, declared_length(&request)) {
            if declared > limit as u64 {
                return Err(Error::PayloadTooLarge { limit });
            }
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Error::PayloadTooLarge {
                        limit: limit.unwrap_or_default(),
                    }
                } else {
                    Error::InvalidRequest("The request body could not be read.".into())
                }
            })?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(describe)
    }
}

fn declared_length(request: &Request) -> Option<u64> {
    request
        .headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn is_json(request: &Request) -> bool {
    let Some(value) = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

// serde's messages for a wrong type quote the offending value, which could be a token sent in the
// wrong field; those are replaced by a sentence that quotes nothing.
fn describe(error: serde_json::Error) -> Error {
    let message = error.to_string();
    let detail = if error.is_data()
        && !message.starts_with("invalid type")
        && !message.starts_with("invalid value")
    {
        message
    } else if error.is_data() {
        format!(
            "a field has the wrong type (line {}, column {})",
            error.line(),
            error.column()
        )
    } else {
        format!(
            "the body is not valid JSON (line {}, column {})",
            error.line(),
            error.column()
        )
    };
    Error::InvalidRequest(format!("The request body is not valid: {detail}."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_type_messages_do_not_quote_values() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            scopes: Vec<String>,
        }
        let err = serde_json::from_str::<Body>(r#"{"scopes":"supersecret"}"#).unwrap_err();
        let text = describe(err).to_string();
        assert!(!text.contains("supersecret"), "{text}");
        assert!(text.contains("wrong type"), "{text}");

        let err = serde_json::from_str::<Body>(r#"{"nope":1}"#).unwrap_err();
        assert!(describe(err).to_string().contains("missing field `scopes`"));

        let err = serde_json::from_str::<Body>("{").unwrap_err();
        assert!(describe(err).to_string().contains("not valid JSON"));
    }
}
