//! A verify in flight: the Verifying screen's data and reducer.

use azdo_connect_core::contract::{ConnectedDetail, VerifyResponse, VerifyingDetail};

use super::connected::Followed;
use super::{
    Action, ChangingToken, Common, Connected, Connection, Failure, Fields, Form, Next, Outgoing,
    Picking, Screen,
};

/// A named progress step of a verify, announced politely to screen readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The request is being prepared and sent.
    Sending,
    /// The proxy is asking Azure DevOps.
    Checking,
}

/// A verify request in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InFlight {
    /// Identifies the request; answers to other ids are stale.
    pub id: u64,
    /// Where it is.
    pub step: Step,
}

/// The form being verified: it stays on screen, and an edit abandons the verify.
#[derive(Debug, Clone, PartialEq)]
pub struct Verifying {
    /// What is being verified.
    pub fields: Fields,
    /// The request.
    pub request: InFlight,
    /// The connection whose token this replaces, when changing the token (the organization is
    /// then fixed, and Cancel returns to it).
    pub changing: Option<Connection>,
}

impl Verifying {
    /// Starts verifying `fields`, announced with `azdo-verifying`.
    pub(super) fn start(
        fields: Fields,
        detail: VerifyingDetail,
        changing: Option<Connection>,
        common: &mut Common,
    ) -> Next {
        let request = InFlight {
            id: common.next_request(),
            step: Step::Sending,
        };
        Next::to(Verifying {
            fields,
            request,
            changing,
        })
        .sending(Outgoing::Verifying(detail))
    }

    /// Back to the form the verify started from.
    fn back(self, failure: Option<Failure>) -> Screen {
        let form = Form {
            fields: self.fields,
            failure,
        };
        match self.changing {
            Some(connection) => ChangingToken { connection, form }.into(),
            None => form.into(),
        }
    }

    fn is_current(&self, id: u64) -> bool {
        self.request.id == id
    }

    /// The Verifying screen's reducer.
    pub(super) fn reduce(mut self, action: Action, common: &mut Common) -> Next {
        match action {
            Action::Progress(id, step) if self.is_current(id) => self.request.step = step,
            Action::Verified { id, response, pick } if self.is_current(id) => {
                return connect(response, pick, common);
            }
            Action::Failed(id, detail, scopes) if self.is_current(id) => {
                let failure = Failure::new(detail.clone(), scopes);
                return Next::to(self.back(Some(failure))).sending(Outgoing::Error(detail));
            }
            // An edit makes the request stale: leaving this screen lets the app abort it.
            Action::OrgInput(input) if self.changing.is_none() => {
                if self.fields.set_org(input, &common.allowed_servers) {
                    return Next::to(self.back(None));
                }
            }
            Action::PatInput(input) => {
                if self.fields.set_pat(input) {
                    return Next::to(self.back(None));
                }
            }
            Action::ExpiryInput { date, past } => {
                if self.fields.set_expiry(date, past) {
                    return Next::to(self.back(None));
                }
            }
            Action::ToggleReveal => self.fields.reveal = !self.fields.reveal,
            Action::AllowedServers(servers) => self.fields.renormalize(&servers),
            Action::CancelChange => {
                if let Some(connection) = self.changing {
                    return Next::to(Connected::restored(connection));
                }
            }
            Action::HostConnection {
                organization,
                connected_as,
                verified_at,
            } => {
                // The verify in flight decides what is shown next; only the connection whose
                // token is being changed follows the host.
                let host = Connection::from_host(organization, connected_as, verified_at);
                self.changing =
                    self.changing
                        .map(|c| c.follow(host))
                        .and_then(|followed| match followed {
                            Followed::Updated(c) | Followed::Replaced(c) => Some(c),
                            Followed::Forgotten(_) => None,
                        });
            }
            // Stale answers, a fixed organization, a second submit, and other screens' actions.
            Action::Progress(..)
            | Action::Verified { .. }
            | Action::Failed(..)
            | Action::OrgInput(_)
            | Action::Submit
            | Action::Tick
            | Action::ToggleProject(_)
            | Action::ToggleRepository(_)
            | Action::SelectionDone
            | Action::PickerSearch(_)
            | Action::PickerMore
            | Action::PickerLoaded(..)
            | Action::PickerFailed(..)
            | Action::ChangeToken
            | Action::Disconnect
            | Action::KeepConnection
            | Action::ConfirmDisconnect
            | Action::DisconnectPrevented(_)
            | Action::SignIn(_) => {}
        }
        Next::to(self)
    }
}

/// A verify (or sign-in) succeeded: the picker when it is on, else the connection is reported.
pub(super) fn connect(response: VerifyResponse, pick: bool, common: &mut Common) -> Next {
    if pick {
        Next::to(Picking::start(response, common))
    } else {
        Next::to(Connected::verified(Connection::from(&response))).sending(Outgoing::Connected(
            ConnectedDetail {
                verified: response,
                selection: None,
            },
        ))
    }
}

impl From<Verifying> for Screen {
    fn from(verifying: Verifying) -> Self {
        Screen::Verifying(verifying)
    }
}
