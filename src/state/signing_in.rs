//! A Microsoft sign-in in progress: the SigningIn screen's data and reducer, and the sign-in's
//! actions.
//!
//! The sign-in happens in a window the widget opened (a pop-up) or, when the browser blocked it
//! and the person agreed, in this window (a full-page redirect that comes back to the host page).
//! Either way the answer comes from the proxy (`oauth/result`), never from the sign-in window.

use azdo_connect_core::contract::{ChooseOrganization, Method, VerifyResponse};
use azdo_connect_core::{ErrorCode, Organization};

use super::verifying::connect;
use super::{Action, ChoosingOrganization, Common, Failure, Fields, Form, Next, Outgoing, Screen};

/// Where Microsoft's sign-in page is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInWindow {
    /// A pop-up the widget opened in the click handler.
    Popup,
    /// This window: the page leaves for Microsoft and comes back to the host page.
    ThisWindow,
}

/// Something that happened in a Microsoft sign-in.
#[derive(Debug, Clone, PartialEq)]
pub enum SignIn {
    /// The proxy's `/config` said whether it offers Microsoft sign-in.
    Offered(bool),
    /// The person switched the form to this method.
    UseMethod(Method),
    /// "Sign in with Microsoft" was pressed and the sign-in window is open (a pop-up), or the
    /// person chose to continue in this window.
    Start(SignInWindow),
    /// "Sign in with Microsoft" was pressed but the browser refused to open the pop-up.
    PopupBlocked,
    /// The page came back from a full-page sign-in this element started.
    Resume {
        /// The flow id from the returning URL.
        flow: String,
    },
    /// `oauth/start` answered; the sign-in window is on its way to Microsoft.
    Started {
        /// The sign-in this answers.
        id: u64,
        /// The flow to poll.
        flow: String,
        /// Microsoft's authorize URL, to open the window again.
        authorize_url: String,
    },
    /// The sign-in window was found closed (or cut off from this page by the sign-in page's
    /// Cross-Origin-Opener-Policy, which looks the same).
    WindowClosed(u64),
    /// The sign-in window was opened again.
    WindowReopened(u64),
    /// `oauth/result`: signed in to the organization given.
    Connected {
        /// The sign-in this answers.
        id: u64,
        /// The verify answer (`method: "entra"`).
        response: VerifyResponse,
        /// Whether the picker is on.
        pick: bool,
    },
    /// `oauth/result`: signed in; the person picks one of their organizations.
    Choose(u64, ChooseOrganization),
    /// An organization of the list was picked.
    Pick(String),
    /// Cancel: back to the form.
    Cancel,
}

/// Where the sign-in is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// `oauth/start` is in flight.
    Starting,
    /// Waiting for the person to finish on Microsoft's page (`oauth/result` long-polls).
    Waiting {
        /// The flow id.
        flow: String,
        /// Microsoft's authorize URL (no secret in it), to open the window again; `None` after a
        /// full-page return.
        authorize_url: Option<String>,
    },
}

/// A Microsoft sign-in in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct SigningIn {
    /// The form it started from (the organization typed, or empty); Cancel returns to it.
    pub fields: Fields,
    /// The organization typed, when there was one.
    pub organization: Option<Organization>,
    /// Where the sign-in page is shown.
    pub window: SignInWindow,
    /// Identifies this sign-in; answers for another are stale.
    pub id: u64,
    /// Where it is.
    pub phase: Phase,
    /// Whether the pop-up was found closed: the widget offers to open it again, and keeps
    /// waiting (the person may have finished just before closing it).
    pub window_closed: bool,
}

impl SigningIn {
    /// Starts signing in with the form's organization (if any).
    pub(super) fn start(
        fields: Fields,
        organization: Option<Organization>,
        window: SignInWindow,
        common: &mut Common,
    ) -> SigningIn {
        SigningIn {
            fields,
            organization,
            window,
            id: common.next_request(),
            phase: Phase::Starting,
            window_closed: false,
        }
    }

    /// Resumes a full-page sign-in that came back with `flow`.
    pub(super) fn resume(flow: String, common: &mut Common) -> SigningIn {
        SigningIn {
            fields: Form::new(String::new(), &common.allowed_servers).fields,
            organization: None,
            window: SignInWindow::ThisWindow,
            id: common.next_request(),
            phase: Phase::Waiting {
                flow,
                authorize_url: None,
            },
            window_closed: false,
        }
    }

    /// The flow being polled, once `oauth/start` answered.
    pub fn flow(&self) -> Option<&str> {
        match &self.phase {
            Phase::Starting => None,
            Phase::Waiting { flow, .. } => Some(flow),
        }
    }

    /// The URL to open the sign-in window again, when it can be.
    pub fn authorize_url(&self) -> Option<&str> {
        match &self.phase {
            Phase::Waiting {
                authorize_url: Some(url),
                ..
            } if self.window == SignInWindow::Popup => Some(url),
            _ => None,
        }
    }

    /// Back to the form, with `failure` shown and reported.
    fn failed(self, failure: Failure, common: &mut Common) -> Next {
        let detail = failure.detail.clone();
        // An organization backed by personal Microsoft accounts can only use a token: the form
        // switches to it, with the organization kept.
        if detail.code == ErrorCode::PersonalAccountOrganization {
            common.pat_chosen = true;
        }
        Next::to(Form {
            fields: self.fields,
            failure: Some(failure),
        })
        .sending(Outgoing::Error(detail))
    }

    /// The SigningIn screen's reducer.
    pub(super) fn reduce(mut self, action: Action, common: &mut Common) -> Next {
        match action {
            Action::SignIn(sign_in) => match sign_in {
                SignIn::Started {
                    id,
                    flow,
                    authorize_url,
                } if id == self.id && self.phase == Phase::Starting => {
                    self.phase = Phase::Waiting {
                        flow,
                        authorize_url: Some(authorize_url),
                    };
                }
                SignIn::WindowClosed(id) if id == self.id => self.window_closed = true,
                SignIn::WindowReopened(id) if id == self.id => self.window_closed = false,
                SignIn::Connected { id, response, pick } if id == self.id => {
                    return connect(response, pick, common);
                }
                SignIn::Choose(id, choice) if id == self.id => {
                    return Next::to(ChoosingOrganization::new(choice, common));
                }
                SignIn::Cancel => {
                    return Next::to(Form {
                        fields: self.fields,
                        failure: None,
                    })
                }
                // Stale answers, and what only the form or the list of organizations does.
                SignIn::Offered(_)
                | SignIn::UseMethod(_)
                | SignIn::Start(_)
                | SignIn::PopupBlocked
                | SignIn::Resume { .. }
                | SignIn::Started { .. }
                | SignIn::WindowClosed(_)
                | SignIn::WindowReopened(_)
                | SignIn::Connected { .. }
                | SignIn::Choose(..)
                | SignIn::Pick(_) => {}
            },
            Action::Failed(id, detail, scopes) if id == self.id => {
                return self.failed(Failure::new(detail, scopes), common);
            }
            Action::AllowedServers(servers) => self.fields.renormalize(&servers),
            // The sign-in decides what is shown next; the rest are other screens' actions.
            Action::Failed(..)
            | Action::OrgInput(_)
            | Action::PatInput(_)
            | Action::ExpiryInput { .. }
            | Action::ToggleReveal
            | Action::Submit
            | Action::Progress(..)
            | Action::Verified { .. }
            | Action::Tick
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
            | Action::ConfirmDisconnect
            | Action::DisconnectPrevented(_)
            | Action::HostConnection { .. } => {}
        }
        Next::to(self)
    }
}

impl From<SigningIn> for Screen {
    fn from(signing_in: SigningIn) -> Self {
        Screen::SigningIn(signing_in)
    }
}
