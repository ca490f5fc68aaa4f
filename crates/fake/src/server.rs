//! The running fake: binding, request bookkeeping and shutdown.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::issued::Issued;
use crate::Fixture;

/// One request as the fake saw it. The token itself is never stored.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method.
    pub method: String,
    /// The original host (first path segment), e.g. `dev.azure.com`.
    pub host: String,
    /// The path on that host, e.g. `/contoso/_apis/connectionData` (still percent-encoded).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Whether an `Authorization` header was present.
    pub had_authorization: bool,
    /// Whether `X-TFS-FedAuthRedirect: Suppress` was present.
    pub had_suppress: bool,
}

#[derive(Default)]
struct Stats {
    by_host: BTreeMap<String, u64>,
    requests: Vec<RecordedRequest>,
}

/// State shared by every request handler.
pub(crate) struct Shared {
    pub(crate) fixture: Fixture,
    /// `http://127.0.0.1:PORT`.
    pub(crate) base_url: String,
    /// Codes, tokens, sign-ins, run-time revocations and the clock.
    pub(crate) issued: Issued,
    stats: Mutex<Stats>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl Shared {
    /// Where the fake identity platform is: `{base_url}/login.microsoftonline.com`.
    pub(crate) fn authority(&self) -> String {
        format!("{}/login.microsoftonline.com", self.base_url)
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        *stats.by_host.entry(request.host.clone()).or_default() += 1;
        stats.requests.push(request);
    }

    /// Resolves when the fake is shutting down, so hanging and trickling answers end with it.
    pub(crate) async fn shutting_down(&self) {
        let mut rx = self.shutdown.clone();
        // An error means the sender is gone, which is a shutdown too.
        let _ = rx.wait_for(|down| *down).await;
    }
}

/// A fake Azure DevOps on loopback. Requests arrive as `/{original-host}/{path}`, which is what
/// the proxy's `--upstream-override` produces.
pub struct FakeAzureDevOps {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl FakeAzureDevOps {
    /// Starts the fake on `127.0.0.1` with an ephemeral port.
    pub async fn start(fixture: Fixture) -> std::io::Result<Self> {
        Self::start_on(fixture, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts the fake on `addr`.
    pub async fn start_on(fixture: Fixture, addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            fixture,
            base_url: format!("http://{addr}"),
            issued: Issued::default(),
            stats: Mutex::default(),
            shutdown: rx.clone(),
        });
        let app = crate::routes::router(shared.clone());
        let mut stop = rx;
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|down| *down).await;
                })
                .await
        });
        tracing::debug!(%addr, "fake Azure DevOps listening");
        Ok(FakeAzureDevOps {
            addr,
            shared,
            shutdown: tx,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`: the value for the proxy's `--upstream-override`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The fixture being served.
    pub fn fixture(&self) -> &Fixture {
        &self.shared.fixture
    }

    /// Request counts per original host.
    pub fn requests_by_host(&self) -> BTreeMap<String, u64> {
        self.shared
            .stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .by_host
            .clone()
    }

    /// Number of requests received since start or the last [`reset_counters`](Self::reset_counters).
    pub fn total_requests(&self) -> u64 {
        self.requests_by_host().values().sum()
    }

    /// Every request received since start or the last [`reset_counters`](Self::reset_counters).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .requests
            .clone()
    }

    /// Forgets every counted and recorded request.
    pub fn reset_counters(&self) {
        *self.shared.stats.lock().unwrap_or_else(|e| e.into_inner()) = Stats::default();
    }

    /// `{base_url}/login.microsoftonline.com`: the value for the proxy's `--entra-authority`.
    pub fn authority(&self) -> String {
        self.shared.authority()
    }

    /// Revokes a token after it was handed out: a fixture PAT (by value or label, e.g. `FULL`;
    /// then answered like garbage), an Entra access token (then answered like garbage) or an
    /// Entra refresh token (then `invalid_grant`, AADSTS50173). Whether one matched.
    pub fn revoke_token(&self, token_or_label: &str) -> bool {
        crate::control::change_token(&self.shared, token_or_label, crate::control::Change::Revoke)
    }

    /// Expires a token: a fixture PAT (by value or label; then 401 AccessCheckException), an
    /// Entra access token (now) or refresh token (as if unused for 90 days: AADSTS700082).
    /// Whether one matched.
    pub fn expire_token(&self, token_or_label: &str) -> bool {
        crate::control::change_token(&self.shared, token_or_label, crate::control::Change::Expire)
    }

    /// Revokes every refresh token issued to the account signing in as `username` ("Revoke
    /// sessions" in the Entra admin center): how many, or `None` for an unknown account.
    pub fn revoke_account(&self, username: &str) -> Option<usize> {
        crate::control::revoke_account(&self.shared, username)
    }

    /// Access and refresh tokens for the account signing in as `username` at `tenant`
    /// (`organizations`, a tenant id or domain), with the proxy's scope, without the browser
    /// steps: for tests of what happens after sign-in (refresh, health checks). `None` when the
    /// account is unknown or cannot sign in there.
    pub fn issue_tokens(&self, username: &str, tenant: &str) -> Option<crate::IssuedTokens> {
        crate::control::issue_tokens(&self.shared, username, tenant)
    }

    /// Moves the fake's clock forward (codes, access and refresh tokens age with it).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.issued.advance_clock(by);
    }

    /// The fake's current time.
    pub fn now(&self) -> time::OffsetDateTime {
        self.shared.issued.now()
    }

    /// Stops accepting, ends hanging/trickling answers and waits (briefly) for connections to close.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(mut task) = self.task.take() {
            // Idle keep-alive connections can delay a graceful stop; don't let them block tests.
            if tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for FakeAzureDevOps {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl std::fmt::Debug for FakeAzureDevOps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeAzureDevOps")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
