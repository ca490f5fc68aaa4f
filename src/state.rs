//! The widget's state as an enum of screens, and every transition as a pure reducer.
//!
//! Each [`Screen`] variant holds only the data valid on that screen, and each screen has its own
//! small reducer (in its own file); [`State::transition`] only routes an [`Action`] to the screen
//! shown. A transition returns the events it causes ([`Outgoing`]); the app sends them from one
//! place. Components only render a screen and report what the person did; effects (requests,
//! timers) live in the app and report back with actions that carry the request id they belong
//! to, so an answer to a superseded request is ignored here rather than raced against in the view.
//!
//! Adding a screen is a local change: a file with its data and reducer, a variant, an arm in
//! [`State::transition`], and an arm in the view.

mod changing_token;
mod choosing_organization;
mod confirming_disconnect;
mod connected;
mod form;
mod outbox;
mod picking;
mod signing_in;
mod verifying;

use std::rc::Rc;

use azdo_connect_core::contract::{
    ErrorDetail, Method, ProjectsResponse, ScopeStatus, SelectedProject, SelectedRepository,
    VerifyResponse,
};
use azdo_connect_core::AllowedServers;
use yew::Reducible;

pub use changing_token::ChangingToken;
pub use choosing_organization::{Choice, ChoosingOrganization};
pub use confirming_disconnect::ConfirmingDisconnect;
pub use connected::{Connected, Connection};
pub use form::{Failure, Fields, Form};
pub use outbox::{Outbox, Outgoing};
pub use picking::{PickerList, Picking};
pub use signing_in::{Phase, SignIn, SignInWindow, SigningIn};
pub use verifying::{InFlight, Step, Verifying};

/// Which screen the widget shows, with the data valid on it.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    /// The connect form.
    Form(Form),
    /// A verify in flight; the form stays on screen and editing it abandons the verify.
    Verifying(Verifying),
    /// Verified; the person picks projects or repositories before the connection is reported.
    Picking(Picking),
    /// The connected summary.
    Connected(Connected),
    /// The form for a new token for the connected organization.
    ChangingToken(ChangingToken),
    /// The connected summary asking to confirm a disconnect.
    ConfirmingDisconnect(ConfirmingDisconnect),
    /// A Microsoft sign-in in progress.
    SigningIn(SigningIn),
    /// Signed in with Microsoft; the person picks an organization.
    ChoosingOrganization(ChoosingOrganization),
}

impl Screen {
    /// The failure shown under the form, if any.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Screen::ChoosingOrganization(choosing) => choosing.failure.as_ref(),
            _ => self.form().and_then(|form| form.failure.as_ref()),
        }
    }

    /// Whether a rate limit still forbids retrying.
    pub fn waiting_to_retry(&self) -> bool {
        matches!(self.failure(), Some(Failure { retry_in: Some(s), .. }) if *s > 0)
    }

    /// Whether a verify in this session just established the connection shown.
    pub fn just_verified(&self) -> bool {
        matches!(self, Screen::Connected(connected) if connected.just_verified)
    }

    fn form(&self) -> Option<&Form> {
        match self {
            Screen::Form(form) | Screen::ChangingToken(ChangingToken { form, .. }) => Some(form),
            _ => None,
        }
    }
}

/// What every screen shares: it outlives any one screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Common {
    /// The on-prem servers the organization field accepts.
    pub allowed_servers: AllowedServers,
    next_id: u64,
    /// Whether the proxy offers Microsoft sign-in (its `/config` says `entra: true`).
    entra: bool,
    /// Whether the person chose the token over Microsoft sign-in (or an organization needs one).
    pat_chosen: bool,
}

impl Common {
    /// A fresh id for a request (verify or page of projects).
    fn next_request(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

/// What a screen's reducer decides: the screen to show next and the events to send, in order.
#[derive(Debug)]
struct Next {
    screen: Screen,
    events: Vec<Outgoing>,
}

impl Next {
    /// Show `screen`, sending nothing.
    fn to(screen: impl Into<Screen>) -> Next {
        Next {
            screen: screen.into(),
            events: Vec::new(),
        }
    }

    /// And send `event`.
    fn sending(mut self, event: Outgoing) -> Next {
        self.events.push(event);
        self
    }
}

/// Everything the widget shows, and the events its transitions produced that are not sent yet.
#[derive(Debug, Clone)]
pub struct State {
    /// The screen shown.
    pub screen: Screen,
    common: Common,
    outbox: Outbox,
}

// The outbox is a channel to the app's sender, not part of what is shown.
impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        self.screen == other.screen && self.common == other.common
    }
}

impl Default for State {
    fn default() -> Self {
        State::new(AllowedServers::default())
    }
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The organization field changed.
    OrgInput(String),
    /// The token field changed (pasted text is trimmed).
    PatInput(String),
    /// The optional "Expires on" date changed.
    ExpiryInput {
        /// The date as the input gives it (`2027-03-01`), or empty.
        date: String,
        /// Whether it is before today, as the view's clock says: such a token has expired.
        past: bool,
    },
    /// Show or hide the token.
    ToggleReveal,
    /// Connect was pressed (or Enter), or Try again. Ignored while a verify is in flight.
    Submit,
    /// The request moved on to another step.
    Progress(u64, Step),
    /// The proxy verified the token; `pick` opens the picker before reporting the connection.
    Verified {
        /// The request this answers.
        id: u64,
        /// The proxy's answer.
        response: VerifyResponse,
        /// Whether the picker is on.
        pick: bool,
    },
    /// The request failed.
    Failed(u64, ErrorDetail, Vec<ScopeStatus>),
    /// One second passed (rate-limit countdown).
    Tick,
    /// A project's checkbox in the picker was toggled.
    ToggleProject(SelectedProject),
    /// A repository's checkbox in the picker was toggled.
    ToggleRepository(SelectedRepository),
    /// The person confirmed the picker's selection.
    SelectionDone,
    /// The picker's search text changed: reload from the first page.
    PickerSearch(String),
    /// "Load more": fetch the next page.
    PickerMore,
    /// A page of projects arrived.
    PickerLoaded(u64, ProjectsResponse),
    /// A page of projects failed to load.
    PickerFailed(u64, ErrorDetail),
    /// "Change token" was pressed.
    ChangeToken,
    /// The token change was abandoned ("Keep the current token").
    CancelChange,
    /// "Disconnect" was pressed: ask for confirmation.
    Disconnect,
    /// The person cancelled the disconnect.
    KeepConnection,
    /// The person confirmed the disconnect: `azdo-disconnected` is sent.
    ConfirmDisconnect,
    /// The host called `preventDefault()` on `azdo-disconnected`: the connection stays.
    DisconnectPrevented(Connection),
    /// Something in a Microsoft sign-in.
    SignIn(SignIn),
    /// The host's `organization` / `connected-as` / `verified-at` attributes changed.
    HostConnection {
        /// `organization`.
        organization: Option<String>,
        /// `connected-as`.
        connected_as: Option<String>,
        /// `verified-at`.
        verified_at: Option<String>,
    },
    /// The on-prem allowlist (the `allowed-servers` attribute plus the proxy's) changed.
    AllowedServers(AllowedServers),
}

impl State {
    /// An empty form that accepts the given on-prem servers.
    pub fn new(allowed_servers: AllowedServers) -> Self {
        State {
            screen: Screen::Form(Form::new(String::new(), &allowed_servers)),
            common: Common {
                allowed_servers,
                next_id: 1,
                entra: false,
                pat_chosen: false,
            },
            outbox: Outbox::default(),
        }
    }

    /// The state after `action`, and the events it causes, in the order to send them.
    pub fn transition(self, action: Action) -> (State, Vec<Outgoing>) {
        let State {
            screen,
            mut common,
            outbox,
        } = self;
        // The allowlist outlives the screen; the screens with a form also renormalize it.
        if let Action::AllowedServers(servers) = &action {
            common.allowed_servers = servers.clone();
        }
        // Whether sign-in is offered, and a return from a full-page sign-in, concern every screen.
        let next = match action {
            Action::SignIn(SignIn::Offered(entra)) => {
                // A token already typed keeps the token form in front.
                let typed = matches!(&screen, Screen::Form(form) if !form.fields.pat.is_empty());
                common.entra = entra;
                common.pat_chosen |= typed;
                Next::to(screen)
            }
            Action::SignIn(SignIn::Resume { flow }) => {
                Next::to(SigningIn::resume(flow, &mut common))
            }
            action => match screen {
                Screen::Form(form) => form.reduce(action, &mut common),
                Screen::Verifying(verifying) => verifying.reduce(action, &mut common),
                Screen::Picking(picking) => picking.reduce(action, &mut common),
                Screen::Connected(connected) => connected.reduce(action, &mut common),
                Screen::ChangingToken(changing) => changing.reduce(action, &mut common),
                Screen::ConfirmingDisconnect(confirming) => confirming.reduce(action, &mut common),
                Screen::SigningIn(signing_in) => signing_in.reduce(action, &mut common),
                Screen::ChoosingOrganization(choosing) => choosing.reduce(action, &mut common),
            },
        };
        let state = State {
            screen: next.screen,
            common,
            outbox,
        };
        (state, next.events)
    }

    /// How the form connects: Microsoft sign-in when the proxy offers it and the person has not
    /// chosen a token instead; otherwise a personal access token.
    pub fn method(&self) -> Method {
        if self.common.entra && !self.common.pat_chosen {
            Method::Entra
        } else {
            Method::Pat
        }
    }

    /// Whether the proxy offers Microsoft sign-in.
    pub fn sign_in_offered(&self) -> bool {
        self.common.entra
    }

    /// The events waiting for the app's sender.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let (next, events) = (*self).clone().transition(action);
        if events.is_empty() && next == *self {
            return self;
        }
        self.outbox.queue(events);
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests;
