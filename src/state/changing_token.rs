//! A new token for the connected organization: the ChangingToken screen's data and reducer.

use super::connected::Followed;
use super::{Action, Common, Connected, Connection, Form, Next, Screen, Verifying};

/// The form for a new token, with its organization fixed to the connection's.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangingToken {
    /// The connection whose token is replaced; Cancel returns to it.
    pub connection: Connection,
    /// The form, fresh on every way in.
    pub form: Form,
}

impl ChangingToken {
    /// The ChangingToken screen's reducer.
    pub(super) fn reduce(mut self, action: Action, common: &mut Common) -> Next {
        match action {
            Action::PatInput(input) => self.form.pat_input(input),
            Action::ExpiryInput { date, past } => self.form.expiry_input(date, past),
            Action::ToggleReveal => self.form.fields.reveal = !self.form.fields.reveal,
            Action::Tick => self.form.tick(),
            Action::AllowedServers(servers) => self.form.fields.renormalize(&servers),
            Action::Submit => {
                if let Some(detail) = self.form.submit() {
                    return Verifying::start(
                        self.form.fields,
                        detail,
                        Some(self.connection),
                        common,
                    );
                }
            }
            Action::CancelChange => return Next::to(Connected::restored(self.connection)),
            Action::HostConnection {
                organization,
                connected_as,
                verified_at,
            } => {
                let host = Connection::from_host(organization, connected_as, verified_at);
                return match self.connection.follow(host) {
                    Followed::Updated(connection) => Next::to(ChangingToken {
                        connection,
                        form: self.form,
                    }),
                    Followed::Replaced(connection) => Next::to(Connected::restored(connection)),
                    // What is typed stays, as a form for a new connection.
                    Followed::Forgotten(_) => Next::to(self.form),
                };
            }
            // The organization is fixed; the rest are other screens' actions and stale answers.
            Action::OrgInput(_)
            | Action::Progress(..)
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
            | Action::Disconnect
            | Action::KeepConnection
            | Action::ConfirmDisconnect
            | Action::DisconnectPrevented(_)
            | Action::SignIn(_) => {}
        }
        Next::to(self)
    }
}

impl From<ChangingToken> for Screen {
    fn from(changing: ChangingToken) -> Self {
        Screen::ChangingToken(changing)
    }
}
