//! An established connection, and the Connected screen's data and reducer.

use azdo_connect_core::contract::{Method, ScopeStatus, VerifyResponse};

use super::{Action, ChangingToken, Common, ConfirmingDisconnect, Form, Next, Screen, SignIn};

/// An established connection: from a verify, or from what the host persisted.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// The organization name.
    pub organization: String,
    /// Who the token belongs to.
    pub display_name: String,
    /// When it was verified (RFC 3339), if known.
    pub verified_at: Option<String>,
    /// The scope checklist from the verify, empty when the host restored the connection.
    pub scopes: Vec<ScopeStatus>,
    /// The token's expiry date the person gave when connecting (the host's `expires-at`
    /// attribute, when set, takes precedence).
    pub expires_at: Option<String>,
    /// How it was made. A connection restored from the host's attributes says `pat` here; the
    /// host's `method` attribute tells the view otherwise.
    pub method: Method,
}

impl From<&VerifyResponse> for Connection {
    fn from(response: &VerifyResponse) -> Self {
        Connection {
            organization: response.organization.clone(),
            display_name: response.user.display_name.clone(),
            verified_at: Some(response.verified_at.clone()),
            scopes: response.scopes.clone(),
            expires_at: response.expires_at.clone(),
            method: response.method,
        }
    }
}

/// What the host's attributes mean for a connection on screen.
#[derive(Debug)]
pub(super) enum Followed {
    /// The host persisted this organization: the connection, with the host's name and time.
    Updated(Connection),
    /// The host names another connection.
    Replaced(Connection),
    /// The host has no connection; this is the one it forgot.
    Forgotten(Connection),
}

impl Connection {
    /// The connection the host's `organization`, `connected-as` and `verified-at` attributes
    /// describe: none unless the first two are set.
    pub(super) fn from_host(
        organization: Option<String>,
        connected_as: Option<String>,
        verified_at: Option<String>,
    ) -> Option<Connection> {
        Some(Connection {
            organization: organization?,
            display_name: connected_as?,
            verified_at,
            scopes: Vec::new(),
            expires_at: None,
            method: Method::Pat,
        })
    }

    /// Whether `organization` is this connection's (names are case-insensitive).
    fn same_organization(&self, organization: &str) -> bool {
        self.organization.eq_ignore_ascii_case(organization)
    }

    /// This connection after the host's attributes changed to `host`. The host persisting what
    /// this session verified keeps what only the verify knows (the checklist).
    pub(super) fn follow(self, host: Option<Connection>) -> Followed {
        match host {
            Some(host) if self.same_organization(&host.organization) => {
                Followed::Updated(Connection {
                    display_name: host.display_name,
                    verified_at: host.verified_at.or(self.verified_at),
                    ..self
                })
            }
            Some(host) => Followed::Replaced(host),
            None => Followed::Forgotten(self),
        }
    }

    /// The next screen when the host's attributes change under a summary of this connection:
    /// `same` shows it again, updated; another connection is shown instead; without one, the
    /// form returns with the organization filled in.
    pub(super) fn summary_follows(
        self,
        host: Option<Connection>,
        common: &Common,
        same: impl FnOnce(Connection) -> Screen,
    ) -> Next {
        match self.follow(host) {
            Followed::Updated(connection) => Next::to(same(connection)),
            Followed::Replaced(connection) => Next::to(Connected::restored(connection)),
            Followed::Forgotten(connection) => {
                Next::to(Form::new(connection.organization, &common.allowed_servers))
            }
        }
    }
}

/// The connected summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Connected {
    /// The connection.
    pub connection: Connection,
    /// Whether a verify in this session just established it: announced, and focus moves to it.
    pub just_verified: bool,
}

impl Connected {
    /// A connection a verify in this session just established.
    pub(super) fn verified(connection: Connection) -> Connected {
        Connected {
            connection,
            just_verified: true,
        }
    }

    /// A connection shown again, or restored from the host's attributes.
    pub(super) fn restored(connection: Connection) -> Connected {
        Connected {
            connection,
            just_verified: false,
        }
    }

    /// The Connected screen's reducer.
    pub(super) fn reduce(self, action: Action, common: &mut Common) -> Next {
        match action {
            Action::ChangeToken => {
                let form = Form::new(
                    self.connection.organization.clone(),
                    &common.allowed_servers,
                );
                Next::to(ChangingToken {
                    connection: self.connection,
                    form,
                })
            }
            Action::Disconnect => Next::to(ConfirmingDisconnect {
                connection: self.connection,
            }),
            // "Sign in again" (reconnect mode of a Microsoft sign-in connection): the sign-in
            // form's own start, for the same organization.
            Action::SignIn(action @ (SignIn::Start(_) | SignIn::PopupBlocked)) if common.entra => {
                let form = Form::new(
                    self.connection.organization.clone(),
                    &common.allowed_servers,
                );
                common.pat_chosen = false;
                form.reduce(Action::SignIn(action), common)
            }
            Action::HostConnection {
                organization,
                connected_as,
                verified_at,
            } => {
                let host = Connection::from_host(organization, connected_as, verified_at);
                let just_verified = self.just_verified;
                self.connection.summary_follows(host, common, |connection| {
                    Connected {
                        connection,
                        just_verified,
                    }
                    .into()
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
            | Action::CancelChange
            | Action::KeepConnection
            | Action::ConfirmDisconnect
            | Action::DisconnectPrevented(_)
            | Action::AllowedServers(_)
            | Action::SignIn(_) => Next::to(self),
        }
    }
}

impl From<Connected> for Screen {
    fn from(connected: Connected) -> Self {
        Screen::Connected(connected)
    }
}
