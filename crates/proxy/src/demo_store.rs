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
use azdo_connect_core::contract::{CredentialClaims, Selection};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

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
    stored_at TEXT NOT NULL
)";
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
                   display_name, scopes, verified_at, selection, sealed_token, stored_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
                        verified_at, selection
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
                    ))
                },
            )
            .optional()
            .map_err(storage)?;
        let Some((organization, organization_url, user_id, display_name, scopes, verified_at, sel)) =
            row
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
        }))
    }

    /// Opens the current connection's sealed token with `keys`: what a vendor's backend does when
    /// it needs to call Azure DevOps for the customer, however long ago the customer connected.
    ///
    /// # Errors
    /// [`Error::Storage`] when the database can't be read; the credential errors of
    /// [`open_credential`] when the keyring no longer opens it.
    pub fn current_claims(&self, keys: &Keyring) -> Result<Option<CredentialClaims>, Error> {
        let sealed: Option<String> = self
            .lock()
            .query_row(
                "SELECT sealed_token FROM connections WHERE slot = ?1",
                [CURRENT],
                |row| row.get(0),
            )
            .optional()
            .map_err(storage)?;
        sealed.map(|s| open_credential(&s, keys)).transpose()
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
pub(crate) fn routes(store: DemoStore, max_body_bytes: usize) -> Router<Arc<AppState>> {
    Router::new()
        .route("/demo/connections", post(store_connection))
        .route(
            "/demo/connections/current",
            get(current_connection).delete(delete_connection),
        )
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(Extension(BodyLimit(max_body_bytes)))
        .layer(Extension(store))
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
