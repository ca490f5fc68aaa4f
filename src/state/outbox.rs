//! The events a transition causes, and the queue they wait in for the app's one sender.

use std::cell::RefCell;
use std::rc::Rc;

use azdo_connect_core::contract::{ConnectedDetail, ErrorDetail, Selection, VerifyingDetail};

use super::Connection;
use crate::events;

/// An event for the host, as a transition decided it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outgoing {
    /// `azdo-verifying`: a verify started.
    Verifying(VerifyingDetail),
    /// `azdo-connected`: verified (and the selection made, when the picker is on).
    Connected(ConnectedDetail),
    /// `azdo-error`: a verify failed.
    Error(ErrorDetail),
    /// `azdo-disconnected` with `{organization}`, cancelable. The widget already shows the form;
    /// when the host prevents it, the sender hands this connection back with
    /// [`Action::DisconnectPrevented`](super::Action::DisconnectPrevented).
    Disconnected(Connection),
    /// `azdo-selection-changed`: the picker's selection changed.
    SelectionChanged(Selection),
}

impl Outgoing {
    /// The DOM event's name.
    pub fn name(&self) -> &'static str {
        match self {
            Outgoing::Verifying(_) => events::VERIFYING,
            Outgoing::Connected(_) => events::CONNECTED,
            Outgoing::Error(_) => events::ERROR,
            Outgoing::Disconnected(_) => events::DISCONNECTED,
            Outgoing::SelectionChanged(_) => events::SELECTION_CHANGED,
        }
    }
}

/// Events waiting for the app's sender, oldest first.
///
/// Every version of the state shares one queue: `use_reducer` may run several transitions before
/// the next render, and each event must be sent exactly once, in order.
#[derive(Debug, Clone, Default)]
pub struct Outbox(Rc<RefCell<Vec<Outgoing>>>);

impl Outbox {
    /// Adds `events` after those already waiting.
    pub(super) fn queue(&self, events: Vec<Outgoing>) {
        self.0.borrow_mut().extend(events);
    }

    /// Takes every waiting event, oldest first.
    pub fn take(&self) -> Vec<Outgoing> {
        std::mem::take(&mut *self.0.borrow_mut())
    }
}
