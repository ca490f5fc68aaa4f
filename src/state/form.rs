//! The connect form: its fields, the last failure, and the Form screen's reducer.

use azdo_connect_core::contract::{ErrorDetail, Method, ScopeStatus, VerifyingDetail};
use azdo_connect_core::{
    normalize_organization, AllowedServers, ErrorCode, OrgError, Organization, Pat,
};

use super::{Action, Common, Connected, Connection, Next, Outgoing, SignIn, SigningIn, Verifying};

/// The form's fields as typed: what a verify sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Fields {
    /// The organization field, as typed.
    pub org_input: String,
    /// The organization field, normalized.
    pub org: Result<Organization, OrgError>,
    /// The token field. Never rendered into an attribute; redacted in `Debug`.
    pub pat: Pat,
    /// Whether the token is shown in clear.
    pub reveal: bool,
    /// Whether to show "required" messages (after the first submit attempt).
    pub show_errors: bool,
    /// The optional "Expires on" date, as the date input gives it (`2027-03-01`, or empty).
    pub expiry: String,
    /// Whether that date has passed: Connect is refused and the field says why.
    pub expiry_past: bool,
}

impl Fields {
    /// The organization error to show, if any: not for an untouched empty field.
    pub fn org_error(&self) -> Option<&OrgError> {
        match &self.org {
            Err(OrgError::Empty) if !self.show_errors => None,
            Err(e) => Some(e),
            Ok(_) => None,
        }
    }

    /// Sets the organization field; `false` when it already said that.
    pub(super) fn set_org(&mut self, input: String, servers: &AllowedServers) -> bool {
        if input == self.org_input {
            return false;
        }
        self.org = normalize_organization(&input, servers);
        self.org_input = input;
        true
    }

    /// Sets the token field (trimmed); `false` when it already held that token.
    pub(super) fn set_pat(&mut self, input: String) -> bool {
        let pat = Pat::new(input);
        if pat == self.pat {
            return false;
        }
        self.pat = pat;
        true
    }

    /// Sets the expiry date; `false` when it already said that.
    pub(super) fn set_expiry(&mut self, date: String, past: bool) -> bool {
        let date = date.trim().to_owned();
        if date == self.expiry {
            return false;
        }
        self.expiry_past = past && !date.is_empty();
        self.expiry = date;
        true
    }

    /// The expiry date to send with the token, when one was given.
    pub fn expires_at(&self) -> Option<String> {
        Some(self.expiry.trim().to_owned()).filter(|date| !date.is_empty())
    }

    /// Normalizes the organization field again, for another allowlist.
    pub(super) fn renormalize(&mut self, servers: &AllowedServers) {
        self.org = normalize_organization(&self.org_input, servers);
    }
}

/// Why the last verify failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What the `azdo-error` event carried.
    pub detail: ErrorDetail,
    /// The status of every requested scope, when the proxy reported it (`missing_scopes`).
    pub scopes: Vec<ScopeStatus>,
    /// Seconds left before a retry is offered (`rate_limited`); `None` when it may retry now.
    pub retry_in: Option<u64>,
}

impl Failure {
    /// The failure for the proxy's `detail`, counting down its `retryAfter` when rate limited.
    pub(super) fn new(detail: ErrorDetail, scopes: Vec<ScopeStatus>) -> Failure {
        let retry_in = match detail.code {
            ErrorCode::RateLimited => detail.retry_after.filter(|&secs| secs > 0),
            _ => None,
        };
        Failure {
            detail,
            scopes,
            retry_in,
        }
    }
}

/// The form's fields and the last failure, until the next attempt or edit.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// What is typed.
    pub fields: Fields,
    /// The last failure.
    pub failure: Option<Failure>,
}

impl Form {
    /// A fresh form with `org_input` in the organization field: no token, hidden, no messages.
    pub fn new(org_input: String, servers: &AllowedServers) -> Form {
        Form {
            fields: Fields {
                org: normalize_organization(&org_input, servers),
                org_input,
                pat: Pat::default(),
                reveal: false,
                show_errors: false,
                expiry: String::new(),
                expiry_past: false,
            },
            failure: None,
        }
    }

    /// Whether a rate limit still forbids retrying.
    pub fn waiting_to_retry(&self) -> bool {
        matches!(&self.failure, Some(Failure { retry_in: Some(s), .. }) if *s > 0)
    }

    /// Whether Connect would start a verify now.
    pub fn can_submit(&self) -> bool {
        self.fields.org.is_ok()
            && !self.fields.pat.is_empty()
            && !self.fields.expiry_past
            && !self.waiting_to_retry()
    }

    /// The organization field changed.
    pub(super) fn org_input(&mut self, input: String, servers: &AllowedServers) {
        if self.fields.set_org(input, servers) {
            self.answer_edit();
        }
    }

    /// The expiry date changed.
    pub(super) fn expiry_input(&mut self, date: String, past: bool) {
        if self.fields.set_expiry(date, past) {
            self.answer_edit();
        }
    }

    /// The token field changed.
    pub(super) fn pat_input(&mut self, input: String) {
        if self.fields.set_pat(input) {
            self.answer_edit();
        }
    }

    /// One second of a rate-limit countdown passed.
    pub(super) fn tick(&mut self) {
        if let Some(Failure {
            retry_in: Some(secs),
            ..
        }) = &mut self.failure
        {
            *secs = secs.saturating_sub(1);
        }
    }

    // An edit answers the last failure, unless a rate limit is still counting down.
    fn answer_edit(&mut self) {
        if !self.waiting_to_retry() {
            self.failure = None;
        }
    }

    /// Connect was pressed: the `azdo-verifying` detail when the fields are ready to verify;
    /// otherwise `None`, and the "required" messages show (nothing changes during a countdown).
    pub(super) fn submit(&mut self) -> Option<VerifyingDetail> {
        if self.waiting_to_retry() {
            return None;
        }
        self.fields.show_errors = true;
        match &self.fields.org {
            Ok(org) if !self.fields.pat.is_empty() && !self.fields.expiry_past => {
                Some(VerifyingDetail {
                    organization: org.organization.clone(),
                    organization_url: org.organization_url.clone(),
                })
            }
            _ => None,
        }
    }

    /// What "Sign in with Microsoft" would sign in to now: `Some(None)` with the organization
    /// field empty (the person picks one afterwards), `Some(Some(org))` with a valid one, and
    /// `None` when the field holds something invalid or a rate limit forbids trying. The click
    /// handler opens the sign-in window only when this is `Some`.
    pub fn sign_in_target(&self) -> Option<Option<Organization>> {
        if self.waiting_to_retry() {
            return None;
        }
        match &self.fields.org {
            Ok(org) => Some(Some(org.clone())),
            Err(OrgError::Empty) => Some(None),
            Err(_) => None,
        }
    }

    /// The Form screen's part of a Microsoft sign-in.
    fn sign_in(mut self, action: SignIn, common: &mut Common) -> Next {
        match action {
            SignIn::UseMethod(method) => {
                common.pat_chosen = method == Method::Pat;
                self.fields.show_errors = false;
                self.answer_edit();
            }
            SignIn::Start(window) if common.entra => match self.sign_in_target() {
                Some(organization) => {
                    let fields = self.fields;
                    return Next::to(SigningIn::start(fields, organization, window, common));
                }
                None => self.fields.show_errors = true,
            },
            SignIn::PopupBlocked if common.entra => {
                let detail = ErrorDetail {
                    code: ErrorCode::PopupBlocked,
                    message: "The browser blocked the sign-in window. Allow pop-ups for this \
                              site, or continue in this window."
                        .to_owned(),
                    retry_after: None,
                    missing_scopes: None,
                };
                self.failure = Some(Failure::new(detail.clone(), Vec::new()));
                return Next::to(self).sending(Outgoing::Error(detail));
            }
            // Without sign-in on offer, or not the form's to handle.
            SignIn::Start(_)
            | SignIn::PopupBlocked
            | SignIn::Offered(_)
            | SignIn::Resume { .. }
            | SignIn::Started { .. }
            | SignIn::WindowClosed(_)
            | SignIn::WindowReopened(_)
            | SignIn::Connected { .. }
            | SignIn::Choose(..)
            | SignIn::Pick(_)
            | SignIn::Cancel => {}
        }
        Next::to(self)
    }

    /// The Form screen's reducer.
    pub(super) fn reduce(mut self, action: Action, common: &mut Common) -> Next {
        match action {
            Action::OrgInput(input) => self.org_input(input, &common.allowed_servers),
            Action::PatInput(input) => self.pat_input(input),
            Action::ExpiryInput { date, past } => self.expiry_input(date, past),
            Action::ToggleReveal => self.fields.reveal = !self.fields.reveal,
            Action::Tick => self.tick(),
            Action::AllowedServers(servers) => self.fields.renormalize(&servers),
            Action::Submit => {
                if let Some(detail) = self.submit() {
                    return Verifying::start(self.fields, detail, None, common);
                }
            }
            Action::HostConnection {
                organization,
                connected_as,
                verified_at,
            } => {
                if let Some(connection) =
                    Connection::from_host(organization, connected_as, verified_at)
                {
                    return Next::to(Connected::restored(connection));
                }
            }
            Action::DisconnectPrevented(connection) => {
                return Next::to(Connected::restored(connection))
            }
            Action::SignIn(sign_in) => return self.sign_in(sign_in, common),
            // Answers to requests the form no longer has, and other screens' actions.
            Action::Progress(..)
            | Action::Verified { .. }
            | Action::Failed(..)
            | Action::ToggleProject(_)
            | Action::ToggleRepository(_)
            | Action::SelectionDone
            | Action::PickerSearch(_)
            | Action::PickerMore
            | Action::PickerLoaded(..)
            | Action::PickerFailed(..)
            | Action::ChangeToken
            | Action::CancelChange
            | Action::Disconnect
            | Action::KeepConnection
            | Action::ConfirmDisconnect => {}
        }
        Next::to(self)
    }
}

impl From<Form> for super::Screen {
    fn from(form: Form) -> Self {
        super::Screen::Form(form)
    }
}
