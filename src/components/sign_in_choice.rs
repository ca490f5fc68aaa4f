//! The form when Microsoft sign-in leads: an optional organization, "Sign in with Microsoft",
//! and the personal access token one step away.

use azdo_connect_core::{ErrorCode, OrgError};
use yew::prelude::*;

use super::connect_form::org_error_text;
use crate::components::{failure_alert, org_field, FailureAlertProps, OrgFieldProps};
use crate::i18n::Strings;
use crate::state::{Failure, Fields};

/// Properties of [`sign_in_choice`].
#[derive(Debug, Clone, PartialEq)]
pub struct SignInChoiceProps {
    /// What is typed (only the organization is used).
    pub fields: Fields,
    /// The last failure, if any.
    pub failure: Option<Failure>,
    /// The words.
    pub strings: Strings,
    /// The proxy's origin, which `csp_blocked` tells the host to add to `connect-src`.
    pub proxy_origin: AttrValue,
    /// Receives focus when a failure appears.
    pub error_ref: NodeRef,
    /// The "Sign in with Microsoft" button, focused when a sign-in was cancelled.
    pub button_ref: NodeRef,
    /// The organization field changed.
    pub on_org: Callback<String>,
    /// "Sign in with Microsoft" was pressed (or Enter): the handler opens the pop-up at once.
    pub on_sign_in: Callback<()>,
    /// "Continue in this window" was pressed, after the pop-up was blocked.
    pub on_this_window: Callback<()>,
    /// "Use a personal access token instead" was pressed.
    pub on_use_pat: Callback<()>,
}

/// The sign-in form.
pub fn sign_in_choice(props: &SignInChoiceProps) -> Html {
    let s = &props.strings;
    let fields = &props.fields;
    // Empty is allowed: the person then picks one of their organizations after signing in.
    let org_error = match fields.org_error() {
        None | Some(OrgError::Empty) => None,
        Some(error) => Some(AttrValue::from(org_error_text(error, s))),
    };
    let org = fields.org.as_ref().ok();
    let blocked = props
        .failure
        .as_ref()
        .is_some_and(|f| f.detail.code == ErrorCode::PopupBlocked);
    // Enter in the organization field is a user activation too, so it may open the pop-up.
    let onsubmit = props
        .on_sign_in
        .reform(|e: SubmitEvent| e.prevent_default());
    let click = |callback: &Callback<()>| callback.reform(|_: MouseEvent| ());
    html! {
        <>
        <form novalidate=true {onsubmit} part="form">
            <p id="sign-in-intro" class="hint">{ s.get("signin.intro") }</p>
            { org_field(&OrgFieldProps {
                value: AttrValue::from(fields.org_input.clone()),
                preview: org.map(|o| AttrValue::from(o.organization_url.clone())),
                error: org_error,
                optional: true,
                strings: s.clone(),
                on_input: props.on_org.clone(),
                readonly: false,
            }) }
            <div class="actions">
                <button id="sign-in" type="submit" class="primary" part="button sign-in"
                    ref={props.button_ref.clone()}>
                    { s.get("signin.button") }
                </button>
            </div>
        </form>
        if let Some(failure) = &props.failure {
            { failure_alert(&FailureAlertProps {
                failure: failure.clone(),
                strings: s.clone(),
                on_retry: props.on_sign_in.clone(),
                heading_ref: props.error_ref.clone(),
                proxy_origin: props.proxy_origin.clone(),
            }) }
        }
        if blocked {
            <div class="actions">
                <button id="sign-in-this-window" type="button" part="button"
                    onclick={click(&props.on_this_window)}>
                    { s.get("signin.thisWindow") }
                </button>
            </div>
        }
        <p class="alternative">
            <button id="use-pat" type="button" class="link" part="button switch-method"
                onclick={click(&props.on_use_pat)}>
                { s.get("signin.usePat") }
            </button>
        </p>
        </>
    }
}
