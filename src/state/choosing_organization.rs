//! Signed in with Microsoft without an organization: the ChoosingOrganization screen's data and
//! reducer. The person picks one of their organizations (or types one); a verify with the
//! sign-in's `session` finishes the connection.

use azdo_connect_core::contract::{ChooseOrganization, OrganizationChoice, VerifyingDetail};
use azdo_connect_core::{ErrorCode, SecretToken};

use super::signing_in::SignIn;
use super::verifying::connect;
use super::{Action, Common, Failure, Fields, Form, Next, Outgoing, Screen};

/// The verify of a chosen organization, in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Identifies the request; answers to other ids are stale.
    pub id: u64,
    /// The organization (canonical URL) being verified.
    pub organization: String,
}

/// The person's organizations after a Microsoft sign-in, to pick from.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoosingOrganization {
    /// The organizations the signed-in account belongs to (in its tenant); may be empty.
    pub organizations: Vec<OrganizationChoice>,
    /// Finishes the sign-in with `POST {proxy-url}/verify`. Short-lived, but it stands for the
    /// signed-in account: redacted in `Debug`, never rendered.
    pub session: SecretToken,
    /// Another organization, typed.
    pub typed: Fields,
    /// The verify in flight, if any.
    pub pending: Option<Choice>,
    /// Why the last choice failed.
    pub failure: Option<Failure>,
}

impl ChoosingOrganization {
    /// The list `choice` offers.
    pub(super) fn new(choice: ChooseOrganization, common: &Common) -> ChoosingOrganization {
        ChoosingOrganization {
            organizations: choice.organizations,
            session: SecretToken::new(choice.session),
            typed: Form::new(String::new(), &common.allowed_servers).fields,
            pending: None,
            failure: None,
        }
    }

    /// Verifies `organization` (name, URL), announced with `azdo-verifying`.
    fn choose(mut self, name: String, url: String, common: &mut Common) -> Next {
        self.failure = None;
        self.pending = Some(Choice {
            id: common.next_request(),
            organization: url.clone(),
        });
        Next::to(self).sending(Outgoing::Verifying(VerifyingDetail {
            organization: name,
            organization_url: url,
        }))
    }

    fn is_current(&self, id: u64) -> bool {
        self.pending.as_ref().is_some_and(|choice| choice.id == id)
    }

    /// The ChoosingOrganization screen's reducer.
    pub(super) fn reduce(mut self, action: Action, common: &mut Common) -> Next {
        let busy = self.pending.is_some();
        match action {
            Action::SignIn(SignIn::Pick(name)) if !busy => {
                if let Some(choice) = self.organizations.iter().find(|o| o.name == name) {
                    let url = choice.url.clone();
                    return self.choose(name, url, common);
                }
            }
            Action::SignIn(SignIn::Cancel) => {
                return Next::to(Form::new(String::new(), &common.allowed_servers))
            }
            Action::OrgInput(input) if !busy => {
                if self.typed.set_org(input, &common.allowed_servers) {
                    self.failure = None;
                }
            }
            Action::Submit if !busy => {
                self.typed.show_errors = true;
                if let Ok(org) = &self.typed.org {
                    let (name, url) = (org.organization.clone(), org.organization_url.clone());
                    return self.choose(name, url, common);
                }
            }
            Action::Verified { id, response, pick } if self.is_current(id) => {
                return connect(response, pick, common);
            }
            Action::Failed(id, detail, scopes) if self.is_current(id) => {
                self.pending = None;
                let failure = Failure::new(detail.clone(), scopes);
                // The session is gone: only a new sign-in helps.
                if detail.code == ErrorCode::FlowExpired {
                    let form = Form {
                        failure: Some(failure),
                        ..Form::new(String::new(), &common.allowed_servers)
                    };
                    return Next::to(form).sending(Outgoing::Error(detail));
                }
                // Another organization may work (`not_a_member`, a typo): the list stays.
                self.failure = Some(failure);
                return Next::to(self).sending(Outgoing::Error(detail));
            }
            Action::AllowedServers(servers) => self.typed.renormalize(&servers),
            Action::Tick => {
                if let Some(failure) = &mut self.failure {
                    if let Some(secs) = &mut failure.retry_in {
                        *secs = secs.saturating_sub(1);
                    }
                }
            }
            // A second choice while one is verified, stale answers and other screens' actions.
            Action::SignIn(_)
            | Action::OrgInput(_)
            | Action::Submit
            | Action::Verified { .. }
            | Action::Failed(..)
            | Action::PatInput(_)
            | Action::ExpiryInput { .. }
            | Action::ToggleReveal
            | Action::Progress(..)
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

impl From<ChoosingOrganization> for Screen {
    fn from(choosing: ChoosingOrganization) -> Self {
        Screen::ChoosingOrganization(choosing)
    }
}
