//! The wait while the person signs in with Microsoft: what is happening, Cancel, and "Open the
//! sign-in window again" when the pop-up was closed.

use yew::prelude::*;

use crate::i18n::Strings;

/// Where the sign-in is, as the view words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// In the pop-up.
    Popup,
    /// The page is about to leave for Microsoft.
    Leaving,
    /// Back from Microsoft in this window; the result is being fetched.
    Returning,
}

/// Properties of [`signing_in_view`].
#[derive(Debug, Clone, PartialEq)]
pub struct SigningInViewProps {
    /// The organization typed, if any.
    pub organization: Option<AttrValue>,
    /// Where the sign-in is.
    pub waiting: Waiting,
    /// Whether the pop-up was found closed.
    pub window_closed: bool,
    /// Whether the pop-up can be opened again (its address is known).
    pub can_reopen: bool,
    /// The words.
    pub strings: Strings,
    /// The heading, focused when this view appears.
    pub heading_ref: NodeRef,
    /// Cancel was pressed.
    pub on_cancel: Callback<()>,
    /// "Open the sign-in window again" was pressed: the handler opens the pop-up at once.
    pub on_reopen: Callback<()>,
}

/// The sign-in wait.
pub fn signing_in_view(props: &SigningInViewProps) -> Html {
    let s = &props.strings;
    let status = match props.waiting {
        Waiting::Popup => s.get("signin.window"),
        Waiting::Leaving => s.get("signin.leaving"),
        Waiting::Returning => s.get("signin.returning"),
    };
    html! {
        <section id="signing-in" class="signing-in" part="signing-in" aria-labelledby="signing-in-heading" aria-busy="true">
            <h3 id="signing-in-heading" tabindex="-1" ref={props.heading_ref.clone()}>{ s.get("signin.waiting") }</h3>
            if let Some(org) = &props.organization {
                <p id="signing-in-org">{ s.fill("signin.organization", &[("org", org)]) }</p>
            }
            <p id="signing-in-status" class="hint" role="status" aria-live="polite">
                if props.window_closed {
                    { s.get("signin.closed") }
                } else {
                    { status }
                }
            </p>
            <div class="actions">
                if props.window_closed && props.can_reopen {
                    <button id="sign-in-reopen" type="button" class="primary" part="button reopen"
                        onclick={props.on_reopen.reform(|_: MouseEvent| ())}>
                        { s.get("signin.reopen") }
                    </button>
                }
                <button id="sign-in-cancel" type="button" part="button cancel"
                    onclick={props.on_cancel.reform(|_: MouseEvent| ())}>
                    { s.get("signin.cancel") }
                </button>
            </div>
        </section>
    }
}
