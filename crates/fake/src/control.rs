//! The test controls under `/_fake/…` (a host name no real service can have): revoke or expire a
//! token after a connection was made, and move the fake's clock. The same operations are methods
//! on [`crate::FakeAzureDevOps`].

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::server::Shared;

/// The first path segment of the controls.
pub(crate) const HOST: &str = "_fake";

/// Which tokens an operation applies to. Tokens travel in the body, never in the URL, so they
/// stay out of request logs.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Selector {
    /// A PAT, an Entra access token or an Entra refresh token.
    #[serde(default)]
    token: Option<String>,
    /// A fixture PAT's label, e.g. `FULL`.
    #[serde(default)]
    label: Option<String>,
    /// An account's username: every refresh token issued to it ("revoke sessions").
    #[serde(default)]
    user: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Advance {
    advance_secs: u64,
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_fake/tokens/revoke", post(revoke))
        .route("/_fake/tokens/expire", post(expire))
        .route("/_fake/clock", get(clock).post(advance))
}

/// What to do to the selected tokens.
#[derive(Clone, Copy)]
pub(crate) enum Change {
    Revoke,
    Expire,
}

/// Applies `change` to a PAT (by value or label) or an Entra token; whether one matched.
pub(crate) fn change_token(shared: &Shared, token_or_label: &str, change: Change) -> bool {
    let pat = shared
        .fixture
        .organizations
        .iter()
        .flat_map(|o| &o.tokens)
        .find(|t| {
            t.token == token_or_label
                || (!t.label.is_empty() && t.label.eq_ignore_ascii_case(token_or_label))
        });
    let (value, is_pat) = match pat {
        Some(t) => (t.token.as_str(), true),
        None => (token_or_label, false),
    };
    match change {
        Change::Revoke => shared.issued.revoke(value, is_pat),
        Change::Expire => shared.issued.expire(value, is_pat),
    }
}

/// Revokes every refresh token of the account signing in as `username`; how many, or `None`
/// for an unknown account.
pub(crate) fn revoke_account(shared: &Shared, username: &str) -> Option<usize> {
    let account = shared.fixture.identity.account(username)?;
    Some(shared.issued.revoke_account(&account.oid))
}

/// Access and refresh tokens for `username` signed in at `segment` with the proxy's scope, as
/// if the authorization code flow had run with the fixture's first app.
pub(crate) fn issue_tokens(shared: &Shared, username: &str, segment: &str) -> Option<IssuedTokens> {
    let identity = &shared.fixture.identity;
    let app = identity.apps.first()?;
    let account = identity.account(username)?;
    let audience = crate::tenant_segment::resolve(identity, segment).ok()?;
    let tid = audience
        .tenant_for(identity, account, &app.client_id, &app.display_name)
        .ok()?;
    let scope = crate::scope_param::parse(app, Some(crate::identity::SCOPE)).ok()?;
    let grant = crate::issued::Grant {
        client_id: app.client_id.clone(),
        tid: tid.clone(),
        oid: account.oid.clone(),
        requested: scope.requested,
        granted: scope.granted,
        nonce: None,
    };
    Some(IssuedTokens {
        access_token: shared.issued.issue_access(&grant),
        refresh_token: shared.issued.issue_refresh(&grant),
        tenant_id: tid,
    })
}

/// Tokens from [`crate::FakeAzureDevOps::issue_tokens`]. `Debug` shows neither token.
#[derive(Clone)]
#[non_exhaustive]
pub struct IssuedTokens {
    /// An access token for Azure DevOps (one hour on the fake's clock).
    pub access_token: String,
    /// A refresh token for the fixture's first app.
    pub refresh_token: String,
    /// The tenant the tokens are for.
    pub tenant_id: String,
}

impl std::fmt::Debug for IssuedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedTokens")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &"<redacted>")
            .field("tenant_id", &self.tenant_id)
            .finish()
    }
}

fn apply(shared: &Shared, selector: Selector, change: Change) -> Response {
    let matched = match (&selector.token, &selector.label, &selector.user, change) {
        (Some(t), None, None, _) | (None, Some(t), None, _) => {
            usize::from(change_token(shared, t, change))
        }
        (None, None, Some(u), Change::Revoke) => match revoke_account(shared, u) {
            Some(n) => n,
            None => {
                return (
                    StatusCode::NOT_FOUND,
                    Json(json!({"error": "unknown user"})),
                )
                    .into_response()
            }
        },
        _ => return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "give exactly one of token, label or user (user: revoke only)"})),
        )
            .into_response(),
    };
    if matched == 0 && selector.user.is_none() {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such token"})),
        )
            .into_response();
    }
    Json(json!({"changed": matched})).into_response()
}

async fn revoke(State(shared): State<Arc<Shared>>, Json(selector): Json<Selector>) -> Response {
    apply(&shared, selector, Change::Revoke)
}

async fn expire(State(shared): State<Arc<Shared>>, Json(selector): Json<Selector>) -> Response {
    apply(&shared, selector, Change::Expire)
}

fn now_json(shared: &Shared) -> Response {
    let now = shared.issued.now();
    let text = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    Json(json!({"now": text})).into_response()
}

async fn clock(State(shared): State<Arc<Shared>>) -> Response {
    now_json(&shared)
}

async fn advance(State(shared): State<Arc<Shared>>, Json(body): Json<Advance>) -> Response {
    shared
        .issued
        .advance_clock(Duration::from_secs(body.advance_secs));
    now_json(&shared)
}
