//! What the fake handed out and changed at run time: authorization codes, access and refresh
//! tokens, interactive sign-ins in progress, PATs revoked or expired after start, and the clock
//! (which tests move forward instead of waiting).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use rand::distr::{Alphanumeric, SampleString};
use time::OffsetDateTime;

use crate::fixture::Scopes;

/// Authorization codes live "about 10 minutes"
/// (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow).
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(600);
/// Access tokens for Azure DevOps have "a standard one-hour duration"; `expires_in` is the docs'
/// example value.
pub(crate) const ACCESS_TOKEN_SECS: u64 = 3599;
/// Refresh tokens of web apps expire after 90 days without use (`MaxInactiveTime`,
/// https://learn.microsoft.com/entra/identity-platform/refresh-tokens).
pub(crate) const REFRESH_IDLE: Duration = Duration::from_secs(90 * 24 * 3600);
/// How long an interactive sign-in page stays usable.
const SIGN_IN_LIFETIME: Duration = Duration::from_secs(3600);

/// Who signed in, where, for whom and what was granted: shared by a code and the tokens it yields.
#[derive(Clone, Debug)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    /// The tenant the tokens are for (`tid`).
    pub(crate) tid: String,
    pub(crate) oid: String,
    /// Scopes as asked (e.g. `…/.default offline_access openid`).
    pub(crate) requested: Vec<String>,
    /// The Azure DevOps scopes granted, as the response's `scope` names them.
    pub(crate) granted: Vec<String>,
    pub(crate) nonce: Option<String>,
}

impl Grant {
    pub(crate) fn asked(&self, scope: &str) -> bool {
        self.requested.iter().any(|s| s.eq_ignore_ascii_case(scope))
    }

    /// What the granted scopes allow in Azure DevOps: `user_impersonation` is everything the user
    /// may do, fully qualified `vso.*` scopes are the same as a PAT's.
    pub(crate) fn azure_devops_scopes(&self) -> Scopes {
        let names: Vec<String> = self
            .granted
            .iter()
            .filter_map(|s| s.rsplit_once('/').map(|(_, name)| name.to_owned()))
            .collect();
        if names.iter().any(|n| n == "user_impersonation") {
            Scopes::Full("app_token".into())
        } else {
            Scopes::List(names)
        }
    }
}

/// An authorization code and what it is bound to.
#[derive(Clone, Debug)]
pub(crate) struct Code {
    pub(crate) grant: Grant,
    pub(crate) redirect_uri: String,
    /// Where the code was issued.
    pub(crate) audience: crate::tenant_segment::Audience,
    pub(crate) challenge: Option<String>,
    pub(crate) issued: OffsetDateTime,
    pub(crate) redeemed: bool,
}

/// An access token for Azure DevOps.
#[derive(Clone, Debug)]
pub(crate) struct AccessToken {
    pub(crate) grant: Grant,
    pub(crate) expires: OffsetDateTime,
    pub(crate) revoked: bool,
}

/// A refresh token.
#[derive(Clone, Debug)]
pub(crate) struct RefreshToken {
    pub(crate) grant: Grant,
    pub(crate) issued: OffsetDateTime,
    pub(crate) last_used: OffsetDateTime,
    pub(crate) revoked: bool,
}

/// An interactive authorization request waiting for the person to pick an account and consent.
#[derive(Clone, Debug)]
pub(crate) struct PendingSignIn {
    pub(crate) request: crate::authorize::Validated,
    pub(crate) account: Option<String>,
    pub(crate) started: OffsetDateTime,
}

#[derive(Default)]
struct State {
    clock_offset: Duration,
    codes: HashMap<String, Code>,
    access: HashMap<String, AccessToken>,
    refresh: HashMap<String, RefreshToken>,
    pending: HashMap<String, PendingSignIn>,
    pats_revoked: HashSet<String>,
    pats_expired: HashSet<String>,
}

/// How a PAT stands after run-time changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatOverride {
    None,
    Revoked,
    Expired,
}

/// The run-time state, behind one lock (the fake serves tests, not load).
#[derive(Default)]
pub(crate) struct Issued {
    state: Mutex<State>,
}

/// A long random string for codes and tokens.
pub(crate) fn random_secret(prefix: &str, len: usize) -> String {
    format!(
        "{prefix}{}",
        Alphanumeric.sample_string(&mut rand::rng(), len)
    )
}

impl Issued {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The fake's clock: the real time plus however far tests advanced it.
    pub(crate) fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.lock().clock_offset
    }

    pub(crate) fn advance_clock(&self, by: Duration) -> OffsetDateTime {
        self.lock().clock_offset += by;
        self.now()
    }

    pub(crate) fn issue_code(&self, code: Code) -> String {
        let value = random_secret("1.AXkA", 300);
        self.lock().codes.insert(value.clone(), code);
        value
    }

    pub(crate) fn code(&self, value: &str) -> Option<Code> {
        self.lock().codes.get(value).cloned()
    }

    /// Marks a code redeemed; `false` if it already was (two redemptions racing).
    pub(crate) fn mark_redeemed(&self, value: &str) -> bool {
        self.lock()
            .codes
            .get_mut(value)
            .is_some_and(|c| !std::mem::replace(&mut c.redeemed, true))
    }

    pub(crate) fn issue_access(&self, grant: &Grant) -> String {
        let value = random_secret("fake-at.", 120);
        let expires = self.now() + Duration::from_secs(ACCESS_TOKEN_SECS);
        self.lock().access.insert(
            value.clone(),
            AccessToken {
                grant: grant.clone(),
                expires,
                revoked: false,
            },
        );
        value
    }

    pub(crate) fn issue_refresh(&self, grant: &Grant) -> String {
        let value = random_secret("1.AXkA-rt.", 200);
        let now = self.now();
        self.lock().refresh.insert(
            value.clone(),
            RefreshToken {
                grant: grant.clone(),
                issued: now,
                last_used: now,
                revoked: false,
            },
        );
        value
    }

    pub(crate) fn access(&self, value: &str) -> Option<AccessToken> {
        self.lock().access.get(value).cloned()
    }

    /// The refresh token as it was, and marks it used now.
    pub(crate) fn use_refresh(&self, value: &str) -> Option<RefreshToken> {
        let now = self.now();
        let mut state = self.lock();
        let token = state.refresh.get_mut(value)?;
        let before = token.clone();
        if !token.revoked && now - token.last_used <= REFRESH_IDLE {
            token.last_used = now;
        }
        Some(before)
    }

    pub(crate) fn start_sign_in(&self, request: crate::authorize::Validated) -> String {
        let flow = random_secret("", 48);
        let started = self.now();
        self.lock().pending.insert(
            flow.clone(),
            PendingSignIn {
                request,
                account: None,
                started,
            },
        );
        flow
    }

    pub(crate) fn sign_in(&self, flow: &str) -> Option<PendingSignIn> {
        let now = self.now();
        let state = self.lock();
        state
            .pending
            .get(flow)
            .filter(|p| now - p.started <= SIGN_IN_LIFETIME)
            .cloned()
    }

    pub(crate) fn choose_account(&self, flow: &str, username: &str) {
        if let Some(p) = self.lock().pending.get_mut(flow) {
            p.account = Some(username.to_owned());
        }
    }

    pub(crate) fn finish_sign_in(&self, flow: &str) {
        self.lock().pending.remove(flow);
    }

    pub(crate) fn pat_override(&self, pat: &str) -> PatOverride {
        let state = self.lock();
        if state.pats_revoked.contains(pat) {
            PatOverride::Revoked
        } else if state.pats_expired.contains(pat) {
            PatOverride::Expired
        } else {
            PatOverride::None
        }
    }

    /// Revokes a PAT (`is_pat`), an access token or a refresh token; whether anything matched.
    pub(crate) fn revoke(&self, value: &str, is_pat: bool) -> bool {
        let mut state = self.lock();
        if is_pat {
            state.pats_revoked.insert(value.to_owned());
            return true;
        }
        if let Some(t) = state.access.get_mut(value) {
            t.revoked = true;
            return true;
        }
        if let Some(t) = state.refresh.get_mut(value) {
            t.revoked = true;
            return true;
        }
        false
    }

    /// Expires a PAT, an access token (now) or a refresh token (as if unused for 90 days).
    pub(crate) fn expire(&self, value: &str, is_pat: bool) -> bool {
        let now = self.now();
        let mut state = self.lock();
        if is_pat {
            state.pats_expired.insert(value.to_owned());
            return true;
        }
        if let Some(t) = state.access.get_mut(value) {
            t.expires = now;
            return true;
        }
        if let Some(t) = state.refresh.get_mut(value) {
            t.last_used = now - REFRESH_IDLE - Duration::from_secs(1);
            return true;
        }
        false
    }

    /// Revokes every refresh token of account `oid` ("Revoke sessions" in the Entra admin
    /// center); their access tokens stay valid until they expire, as real ones do. How many.
    pub(crate) fn revoke_account(&self, oid: &str) -> usize {
        let mut state = self.lock();
        let mut n = 0;
        for t in state.refresh.values_mut() {
            if t.grant.oid.eq_ignore_ascii_case(oid) && !t.revoked {
                t.revoked = true;
                n += 1;
            }
        }
        n
    }
}
