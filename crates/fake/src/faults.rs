//! Fault injection: latency, 500, connection reset, hang, trickle, rate limiting and sign-in
//! answers that ignore the Suppress header.

use std::time::Duration;

use axum::body::Body;
use axum::http::header;
use axum::response::Response;
use bytes::Bytes;
use futures_util::stream;

use crate::fixture::Faults;
use crate::request::Req;
use crate::respond;
use crate::server::Shared;

/// How long a hanging answer waits: far beyond any client deadline, yet bounded.
const HANG: Duration = Duration::from_secs(600);
/// Trickle pace: this many bytes every [`TRICKLE_EVERY`].
const TRICKLE_BYTES: usize = 4;
const TRICKLE_EVERY: Duration = Duration::from_millis(200);

/// Faults that replace the answer; `None` lets the request through.
pub(crate) async fn before(shared: &Shared, req: &Req, faults: &Faults) -> Option<Response> {
    if faults.latency_ms > 0 {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(faults.latency_ms)) => {}
            _ = shared.shutting_down() => return Some(reset()),
        }
    }
    if faults.hang {
        tokio::select! {
            _ = tokio::time::sleep(HANG) => {}
            _ = shared.shutting_down() => {}
        }
        return Some(reset());
    }
    if faults.reset {
        return Some(reset());
    }
    if faults.status500 {
        return Some(req.ctx.internal_error());
    }
    if let Some(limit) = faults.rate_limit.as_ref().filter(|l| l.blocked) {
        return Some(req.ctx.blocked(limit));
    }
    if faults.sign_in_203 {
        return Some(req.ctx.sign_in_page());
    }
    if faults.redirect_302 {
        return Some(
            req.ctx
                .sign_in_redirect(&format!("https://{}{}", req.host, req.path)),
        );
    }
    None
}

/// Faults that alter a computed answer: throttling headers and trickling.
pub(crate) async fn after(shared: &Shared, faults: &Faults, mut response: Response) -> Response {
    if let Some(limit) = faults.rate_limit.as_ref().filter(|l| !l.blocked) {
        respond::add_rate_limit_headers(response.headers_mut(), limit);
    }
    if faults.trickle {
        response = trickle(shared, response).await;
    }
    response
}

/// A response whose body fails before the first byte: hyper then closes the connection
/// without writing the status line, so the client sees an incomplete message / reset.
pub(crate) fn reset() -> Response {
    let failing = stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fault injection: connection reset",
        ))
    });
    Response::new(Body::from_stream(failing))
}

async fn trickle(shared: &Shared, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return reset();
    };
    // The length would let clients preallocate; real slow answers are chunked anyway.
    parts.headers.remove(header::CONTENT_LENGTH);
    let stop = shared.shutdown.clone();
    let chunks = stream::unfold((bytes, 0usize), move |(bytes, at)| {
        let mut stop = stop.clone();
        async move {
            if at >= bytes.len() {
                return None;
            }
            tokio::select! {
                _ = tokio::time::sleep(TRICKLE_EVERY) => {}
                _ = stop.wait_for(|down| *down) => {
                    let cut = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "fake shutting down");
                    return Some((Err(cut), (bytes, usize::MAX)));
                }
            }
            let end = (at + TRICKLE_BYTES).min(bytes.len());
            Some((
                Ok::<Bytes, std::io::Error>(bytes.slice(at..end)),
                (bytes, end),
            ))
        }
    });
    Response::from_parts(parts, Body::from_stream(chunks))
}
