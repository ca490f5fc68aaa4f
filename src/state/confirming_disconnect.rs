//! The connected summary asking to confirm a disconnect: the screen's data and reducer.

use super::{Action, Common, Connected, Connection, Form, Next, Outgoing, Screen};

/// The connection the person is asked to confirm disconnecting.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmingDisconnect {
    /// The connection.
    pub connection: Connection,
}

impl ConfirmingDisconnect {
    /// The ConfirmingDisconnect screen's reducer.
    pub(super) fn reduce(self, action: Action, common: &mut Common) -> Next {
        match action {
            Action::KeepConnection => Next::to(Connected::restored(self.connection)),
            // The form at once; a host that prevents `azdo-disconnected` gets the connection back
            // through `DisconnectPrevented`.
            Action::ConfirmDisconnect => Next::to(Form::new(
                self.connection.organization.clone(),
                &common.allowed_servers,
            ))
            .sending(Outgoing::Disconnected(self.connection)),
            Action::HostConnection {
                organization,
                connected_as,
                verified_at,
            } => {
                let host = Connection::from_host(organization, connected_as, verified_at);
                self.connection.summary_follows(host, common, |connection| {
                    ConfirmingDisconnect { connection }.into()
                })
            }
            // Other screens' actions, and answers to requests this screen does not have.
            Action::OrgInput(_)
            | Action::PatInput(_)
            | Action::ExpiryInput { .. }
            | Action::ToggleReveal
            | Action::Submit
            | Action::Progress(..)
            | Action::Verified { .. }
            | Action::Failed(..)
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
            | Action::DisconnectPrevented(_)
            | Action::AllowedServers(_)
            | Action::SignIn(_) => Next::to(self),
        }
    }
}

impl From<ConfirmingDisconnect> for Screen {
    fn from(confirming: ConfirmingDisconnect) -> Self {
        Screen::ConfirmingDisconnect(confirming)
    }
}
