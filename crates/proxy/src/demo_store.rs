//! The demo's stand-in for a vendor backend: it persists the connection the `<azdo-connect>`
//! element reports, the way a vendor's settings page would, so the demo survives a reload.
//!
//! Only `azdo-connect-proxy serve --demo` mounts these routes (see [`crate::router_with_demo`]);
//! they are not part of the public contract:
//!
//! | endpoint | what |
//! |---|---|
//! | `POST {base}/demo/connections` | `{"credential", "displayName"?, "selection"?}` → opens the credential with the proxy's keyring, stores the connection, 201 [`StoredConnection`] |
//! | `GET {base}/demo/connections/current` | 200 with the stored connection, never its token; 204 with no body when there is none |
//! | `DELETE {base}/demo/connections/current` | forgets it: 204, also when there was none |
//! | `POST {base}/demo/check` | checks the stored connection with [`crate::check_credential`]'s check: 200 `CheckResponse` or the error a vendor's health check would get |
//! | `POST {base}/demo/break` | `{"how": "expire"\|"revoke"}`: with an upstream override (the fake), expires or revokes the stored token there, so the demo can show a broken connection |
//!
//! "Nothing stored" is the normal first visit, not a failure: it is answered with a success
//! status, so a browser's console stays clean for a newcomer (a 4xx is logged as an error).
//!
//! The personal access token is stored only sealed (JWE `dir` + `A256GCM` under the proxy's
//! current seal key), so the SQLite file never holds it in clear.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use std::time::Duration;

use azdo_connect_core::contract::{CheckResponse, CredentialClaims, Selection};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::credential::{open_credential, Keyring};
use crate::extract::{ApiJson, BodyLimit};
use crate::{AppState, Error, CSRF_HEADER};

/// The longest display name accepted; Azure DevOps' own limit is far below it.
const MAX_DISPLAY_NAME_CHARS: usize = 256;

// One row per slot; the demo has a single workspace, so a single slot.
const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS connections (
    slot TEXT PRIMARY KEY NOT NULL,
    organization TEXT NOT NULL,
    organization_url TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT,
    scopes TEXT NOT NULL,
    verified_at TEXT NOT NULL,
    selection TEXT,
    sealed_token TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    expires_at TEXT
)";
// Databases created before `expires_at` existed gain the column; "duplicate column" is expected.
const ADD_EXPIRES_AT: &str = "ALTER TABLE connections ADD COLUMN expires_at TEXT";
const CURRENT: &str = "current";

/// A persisted connection as the demo backend returns it: what the host page needs to render the
/// connected state, and never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredConnection {
    /// The canonical organization name, from the credential.
    pub organization: String,
    /// The canonical organization URL, from the credential.
    pub organization_url: String,
    /// Azure DevOps' id for the token's owner, from the credential.
    pub user_id: String,
    /// The owner's display name as the page reported it (the credential does not carry it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Scope ids observed as granted, from the credential.
    pub scopes: Vec<String>,
    /// When the proxy verified the token (the credential's `iat`), RFC 3339.
    pub verified_at: String,
    /// What the person picked, when the picker was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<Selection>,
    /// The token's expiry date the person gave when connecting (from the credential), RFC 3339:
    /// the host page sets it as the element's `expires-at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// `POST {base}/demo/connections` body: the `azdo-connected` detail's `credential`, plus the parts
/// of it the credential does not carry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StoreRequest {
    credential: String,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    selection: Option<Selection>,
}

/// The demo's connection store: one SQLite table in one file, holding at most the current
/// connection. Cheap to clone; clones share the database connection.
#[derive(Clone)]
pub struct DemoStore {
    path: PathBuf,
    db: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for DemoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl DemoStore {
    /// Opens (or creates) the database at `path`, creating its parent directories and the table.
    ///
    /// # Errors
    /// [`Error::Storage`] when the directory or the database can't be created or opened.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| {
                Error::Storage(format!("could not create {}: {e}", parent.display()))
            })?;
        }
        let db = Connection::open(&path)
            .map_err(|e| Error::Storage(format!("could not open {}: {e}", path.display())))?;
        db.execute_batch(SCHEMA).map_err(storage)?;
        let _ = db.execute_batch(ADD_EXPIRES_AT);
        Ok(DemoStore {
            path,
            db: Arc::new(Mutex::new(db)),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stores `connection` as the current one, replacing any previous one. The token is written
    /// only inside `sealed`, a JWE the caller sealed.
    fn save(
        &self,
        connection: &StoredConnection,
        sealed: &str,
        stored_at: &str,
    ) -> Result<(), Error> {
        let scopes = serde_json::to_string(&connection.scopes).map_err(storage)?;
        let selection = connection
            .selection
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(storage)?;
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO connections (slot, organization, organization_url, user_id,
                   display_name, scopes, verified_at, selection, sealed_token, stored_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    CURRENT,
                    connection.organization,
                    connection.organization_url,
                    connection.user_id,
                    connection.display_name,
                    scopes,
                    connection.verified_at,
                    selection,
                    sealed,
                    stored_at,
                    connection.expires_at,
                ],
            )
            .map_err(storage)?;
        Ok(())
    }

    /// The current connection, if one is stored.
    ///
    /// # Errors
    /// [`Error::Storage`] when the database can't be read or holds something unreadable.
    pub fn current(&self) -> Result<Option<StoredConnection>, Error> {
        let row = self
            .lock()
            .query_row(
                "SELECT organization, organization_url, user_id, display_name, scopes,
                        verified_at, selection, expires_at
                 FROM connections WHERE slot = ?1",
                [CURRENT],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, Option<String>>(6)?,
                        row.get::<_, Option<String>>(7)?,
                    ))
                },
            )
            .optional()
            .map_err(storage)?;
        let Some((
            organization,
            organization_url,
            user_id,
            display_name,
            scopes,
            verified_at,
            sel,
            expires_at,
        )) = row
        else {
            return Ok(None);
        };
        Ok(Some(StoredConnection {
            organization,
            organization_url,
            user_id,
            display_name,
            scopes: serde_json::from_str(&scopes).map_err(storage)?,
            verified_at,
            selection: sel
                .map(|s| serde_json::from_str(&s))
                .transpose()
                .map_err(storage)?,
            expires_at,
        }))
    }

    /// Opens the current connection's sealed token with `keys`: what a vendor's backend does when
    /// it needs to call Azure DevOps for the customer, however long ago the customer connected.
    ///
    /// # Errors
    /// [`Error::Storage`] when the database can't be read; the credential errors of
    /// [`open_credential`] when the keyring no longer opens it.
    pub fn current_claims(&self, keys: &Keyring) -> Result<Option<CredentialClaims>, Error> {
        self.current_sealed()?
            .map(|s| open_credential(&s, keys))
            .transpose()
    }

    /// The current connection's sealed credential, as a vendor's backend stores it.
    fn current_sealed(&self) -> Result<Option<String>, Error> {
        self.lock()
            .query_row(
                "SELECT sealed_token FROM connections WHERE slot = ?1",
                [CURRENT],
                |row| row.get(0),
            )
            .optional()
            .map_err(storage)
    }

    /// Forgets the current connection; `false` when there was none.
    ///
    /// # Errors
    /// [`Error::Storage`] when the database can't be written.
    pub fn delete_current(&self) -> Result<bool, Error> {
        let deleted = self
            .lock()
            .execute("DELETE FROM connections WHERE slot = ?1", [CURRENT])
            .map_err(storage)?;
        Ok(deleted > 0)
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock can't leave SQLite half-written (each statement is its own
        // transaction), so a poisoned lock is still usable.
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn storage(e: impl std::fmt::Display) -> Error {
    Error::Storage(e.to_string())
}

/// The demo routes, relative to the base path; the caller adds the origin/CSRF guard and CORS.
pub(crate) fn routes(
    store: DemoStore,
    max_body_bytes: usize,
    fake: Option<Url>,
) -> Router<Arc<AppState>> {
    Router::new()
        .route("/demo/connections", post(store_connection))
        .route("/demo/check", post(check_connection))
        .route("/demo/break", post(break_connection))
        .route(
            "/demo/connections/current",
            get(current_connection).delete(delete_connection),
        )
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(Extension(BodyLimit(max_body_bytes)))
        .layer(Extension(store))
        .layer(Extension(Fake(fake)))
}

/// The upstream override, where the demo's fake Azure DevOps takes its run-time controls.
#[derive(Debug, Clone)]
struct Fake(Option<Url>);

/// How long the demo waits for a check, as the contract endpoint's deadline does.
const CHECK_DEADLINE: Duration = Duration::from_secs(10);

/// The stored connection's sealed credential, or the error for "connect first".
async fn stored_credential(store: DemoStore) -> Result<String, Error> {
    blocking(move || store.current_sealed())
        .await?
        .ok_or_else(|| {
            Error::InvalidRequest("Nothing is stored in the demo database: connect first.".into())
        })
}

async fn check_connection(
    State(state): State<Arc<AppState>>,
    Extension(store): Extension<DemoStore>,
) -> Result<Json<CheckResponse>, Error> {
    let sealed = stored_credential(store).await?;
    let parts = crate::check::Parts::of(&state);
    let check = crate::check::check_sealed(&parts, &sealed);
    tokio::time::timeout(CHECK_DEADLINE, check)
        .await
        .unwrap_or(Err(Error::UpstreamTimeout))
        .map(Json)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct BreakRequest {
    how: Breakage,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Breakage {
    Expire,
    Revoke,
}

/// Asks the fake Azure DevOps to expire or revoke the stored token, as Azure DevOps would after
/// the customer connected. Only with an upstream override: the real service has no such control.
async fn break_connection(
    State(state): State<Arc<AppState>>,
    Extension(store): Extension<DemoStore>,
    Extension(Fake(fake)): Extension<Fake>,
    ApiJson(request): ApiJson<BreakRequest>,
) -> Result<StatusCode, Error> {
    let fake = fake.ok_or_else(|| {
        Error::InvalidRequest(
            "Breaking a token needs the fake Azure DevOps (--upstream-override).".into(),
        )
    })?;
    let claims = open_credential(&stored_credential(store).await?, &state.keyring)?;
    let pat = claims.pat.ok_or_else(|| {
        Error::InvalidRequest("Only a personal access token connection can be broken here.".into())
    })?;
    let action = match request.how {
        Breakage::Expire => "expire",
        Breakage::Revoke => "revoke",
    };
    let url = fake
        .join(&format!("_fake/tokens/{action}"))
        .map_err(|e| Error::Config(e.to_string()))?;
    // The token goes in the body, never the URL.
    let answer = reqwest::Client::new()
        .post(url)
        .json(&serde_json::json!({ "token": pat.expose() }))
        .send()
        .await
        .map_err(|e| Error::UpstreamUnavailable(e.without_url().to_string()))?;
    if !answer.status().is_success() {
        return Err(Error::UpstreamUnavailable(format!(
            "the fake answered HTTP {}",
            answer.status().as_u16()
        )));
    }
    tracing::info!(org = %claims.org, how = action, "demo: stored token broken on purpose");
    Ok(StatusCode::NO_CONTENT)
}

// SQLite calls block; keep them off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::Storage(format!("the storage task failed: {e}")))?
}

async fn store_connection(
    State(state): State<Arc<AppState>>,
    Extension(store): Extension<DemoStore>,
    ApiJson(request): ApiJson<StoreRequest>,
) -> Result<Response, Error> {
    // The demo stands in for a vendor's backend, so it opens credentials the way a vendor does
    // (no age limit) and the stored row keeps opening long after the browser's window.
    let claims = open_credential(&request.credential, &state.keyring)?;
    let display_name = match request.display_name.map(|n| n.trim().to_owned()) {
        Some(n) if n.chars().count() > MAX_DISPLAY_NAME_CHARS => {
            return Err(Error::InvalidRequest(format!(
                "The display name is longer than {MAX_DISPLAY_NAME_CHARS} characters."
            )))
        }
        Some(n) if !n.is_empty() => Some(n),
        _ => None,
    };
    let connection = StoredConnection {
        organization: claims.org.clone(),
        organization_url: claims.org_url.clone(),
        user_id: claims.user_id.clone(),
        display_name,
        scopes: claims.scopes.clone(),
        verified_at: rfc3339(claims.iat)?,
        selection: request.selection,
        expires_at: claims.expires_at.clone(),
    };
    // Sealed again under the current key: the row outlives a key rotation that the credential
    // the page sent would not.
    let sealed = state.sealer.seal(&claims)?;
    let stored_at = rfc3339(crate::credential::now())?;
    let saved = connection.clone();
    blocking(move || store.save(&saved, &sealed, &stored_at)).await?;
    tracing::info!(org = %connection.organization, user = %connection.user_id, "demo: connection stored");
    Ok((StatusCode::CREATED, Json(connection)).into_response())
}

async fn current_connection(Extension(store): Extension<DemoStore>) -> Result<Response, Error> {
    match blocking(move || store.current()).await? {
        Some(connection) => Ok(Json(connection).into_response()),
        None => Ok(StatusCode::NO_CONTENT.into_response()),
    }
}

async fn delete_connection(
    Extension(store): Extension<DemoStore>,
    headers: HeaderMap,
) -> Result<Response, Error> {
    // The shared guard checks the CSRF header on POSTs only; a DELETE changes state just as much.
    if headers
        .get(CSRF_HEADER)
        .is_none_or(|v| v.as_bytes() != b"1")
    {
        return Err(Error::InvalidRequest(
            "Every DELETE must carry the header X-Azdo-Connect: 1.".into(),
        ));
    }
    // Deleting what is already gone is what was asked: the same 204 either way.
    if blocking(move || store.delete_current()).await? {
        tracing::info!("demo: connection deleted");
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn rfc3339(unix: i64) -> Result<String, Error> {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .ok_or_else(|| Error::Storage(format!("not a representable time: {unix}")))
}
