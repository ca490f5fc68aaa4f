//! `GET /readyz`: whether this instance should get new requests. Unlike `/healthz` (liveness:
//! the process answers), readiness turns 503 while the shared store cannot be reached and once
//! the process has begun shutting down, so a load balancer sends requests elsewhere.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Extension;

use crate::AppState;

/// Marks the process as shutting down: from [`Draining::start`] on, `GET /readyz` answers 503.
///
/// Clones share one flag. The binary starts it on SIGTERM or Ctrl-C; a vendor mounting
/// [`crate::router`] sets [`crate::ProxyConfig::draining`] to a clone and starts it from their
/// own shutdown.
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    /// A flag that is not started.
    pub fn new() -> Self {
        Draining::default()
    }

    /// Marks the process as shutting down (idempotent).
    pub fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Draining::start`] was called.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Readiness: not shutting down, and the shared store (when `--store` names one) answers.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "azdo-connect",
    responses(
        (status = 200, description = "Ready for requests: not shutting down, and the shared store (when one is configured) answers.", body = String, example = "ready"),
        (status = 503, description = "Not ready: the process is shutting down, or the shared store cannot be reached. The body says which.", body = String, example = "not ready: the shared store cannot be reached"),
    )
)]
pub(crate) async fn readyz(
    State(state): State<Arc<AppState>>,
    Extension(draining): Extension<Draining>,
) -> Response {
    if draining.is_draining() {
        return not_ready("shutting down");
    }
    // The reason and the store's address go to the log (once per outage), not to whoever polls.
    if state.store.ping().await.is_err() {
        return not_ready("the shared store cannot be reached");
    }
    "ready".into_response()
}

fn not_ready(reason: &str) -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        format!("not ready: {reason}"),
    )
        .into_response()
}
