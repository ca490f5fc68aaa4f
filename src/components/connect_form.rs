//! The connect form with its failure alert and the token guidance: the Form, Verifying and
//! ChangingToken screens.

use std::rc::Rc;

use azdo_connect_core::{classify_pat, OrgError, PatFormat};
use yew::prelude::*;

use crate::components::{
    failure_alert, guidance, org_field, pat_field, FailureAlertProps, GuidanceProps, OrgFieldProps,
    PatFieldProps,
};
use crate::config::Requirements;
use crate::i18n::Strings;
use crate::state::{Failure, Fields, Step};

/// Properties of [`connect_form`].
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectFormProps {
    /// What is typed.
    pub fields: Fields,
    /// The last failure, if any.
    pub failure: Option<Failure>,
    /// The step of the verify in flight, if any.
    pub step: Option<Step>,
    /// Whether this is a new token for the connected organization (fixed, and Cancel offered).
    pub changing: bool,
    /// The scope ids the vendor requires.
    pub scopes: Vec<String>,
    /// The host's notes per scope, and whether it needs a full-access token.
    pub requirements: Rc<Requirements>,
    /// The words.
    pub strings: Strings,
    /// The proxy's origin, which `csp_blocked` tells the host to add to `connect-src`.
    pub proxy_origin: AttrValue,
    /// Receives focus when a failure appears.
    pub error_ref: NodeRef,
    /// The organization field changed.
    pub on_org: Callback<String>,
    /// The token field changed.
    pub on_pat: Callback<String>,
    /// Show/hide was pressed.
    pub on_toggle: Callback<()>,
    /// The "Expires on" date changed: the date, and whether it has passed.
    pub on_expiry: Callback<(String, bool)>,
    /// Connect was pressed (or Enter).
    pub on_submit: Callback<()>,
    /// "Try again" was pressed.
    pub on_retry: Callback<()>,
    /// "Keep the current token" was pressed.
    pub on_cancel_change: Callback<()>,
    /// "Sign in with Microsoft instead" was pressed; offered only when set (the proxy offers
    /// sign-in and this is the connect form, not a token change).
    pub on_use_sign_in: Option<Callback<()>>,
}

/// The organization error in the element's language: core's English message unless the host
/// overrides it or the language translates it.
pub(super) fn org_error_text(error: &OrgError, s: &Strings) -> String {
    let (key, args): (&str, Vec<(&str, &str)>) = match error {
        OrgError::Empty => ("org.error.empty", vec![]),
        OrgError::Malformed { .. } => ("org.error.malformed", vec![]),
        OrgError::NotAzureDevOps { host } => {
            ("org.error.notAzureDevOps", vec![("host", host.as_str())])
        }
        OrgError::MissingOrganization => ("org.error.missingOrganization", vec![]),
        OrgError::InvalidName { name, .. } => {
            ("org.error.invalidName", vec![("name", name.as_str())])
        }
        OrgError::ServerNotAllowed { host } => {
            ("org.error.serverNotAllowed", vec![("host", host.as_str())])
        }
        _ => return error.to_string(),
    };
    s.localized(key, &args).unwrap_or_else(|| error.to_string())
}

/// The connect form.
pub fn connect_form(props: &ConnectFormProps) -> Html {
    let s = &props.strings;
    let fields = &props.fields;
    let org = fields.org.as_ref().ok();
    let pat_hint = match classify_pat(fields.pat.expose()) {
        PatFormat::Empty => None,
        PatFormat::Legacy => Some(s.get("pat.format.legacy")),
        PatFormat::Modern => Some(s.get("pat.format.modern")),
        PatFormat::EntraJwt => Some(s.get("pat.format.entraJwt")),
        _ => Some(s.get("pat.format.unknown")),
    };
    let pat_error = (fields.show_errors && fields.pat.is_empty())
        .then(|| AttrValue::from(s.get("pat.required")));
    let busy = props.step.is_some();
    let step_text = props.step.map(|step| match step {
        Step::Sending => s.fill(
            "step.sending",
            &[(
                "org",
                org.map(|o| o.organization.as_str()).unwrap_or_default(),
            )],
        ),
        Step::Checking => s.get("step.checking"),
    });
    let onsubmit = props.on_submit.reform(|e: SubmitEvent| e.prevent_default());
    html! {
        <>
        <form novalidate=true {onsubmit} part="form" aria-busy={if busy { "true" } else { "false" }}>
            { org_field(&OrgFieldProps {
                value: AttrValue::from(fields.org_input.clone()),
                preview: org.map(|o| AttrValue::from(o.organization_url.clone())),
                error: fields.org_error().map(|e| AttrValue::from(org_error_text(e, s))),
                readonly: props.changing,
                strings: s.clone(),
                on_input: props.on_org.clone(),
                optional: false,
            }) }
            { pat_field(&PatFieldProps {
                value: AttrValue::from(fields.pat.expose().to_owned()),
                reveal: fields.reveal,
                hint: pat_hint.map(AttrValue::from),
                error: pat_error,
                strings: s.clone(),
                on_input: props.on_pat.clone(),
                on_toggle: props.on_toggle.clone(),
                expiry: AttrValue::from(fields.expiry.clone()),
                expiry_error: fields.expiry_past.then(|| AttrValue::from(s.get("pat.expiry.past"))),
                on_expiry: props.on_expiry.clone(),
            }) }
            <div class="actions">
                <button id="connect" type="submit" class="primary" part="button connect"
                    aria-disabled={if busy { "true" } else { "false" }}>
                    { s.get("connect") }
                </button>
                if props.changing {
                    <button id="cancel-change" type="button" part="button"
                        onclick={props.on_cancel_change.reform(|_: MouseEvent| ())}>
                        { s.get("change.cancel") }
                    </button>
                }
            </div>
            <p id="status" class="status" role="status" aria-live="polite">{ step_text.unwrap_or_default() }</p>
        </form>
        if let Some(failure) = &props.failure {
            { failure_alert(&FailureAlertProps {
                failure: failure.clone(),
                strings: s.clone(),
                on_retry: props.on_retry.clone(),
                heading_ref: props.error_ref.clone(),
                proxy_origin: props.proxy_origin.clone(),
            }) }
        }
        if let Some(on_use_sign_in) = &props.on_use_sign_in {
            <p class="alternative">
                <button id="use-sign-in" type="button" class="link" part="button switch-method"
                    onclick={on_use_sign_in.reform(|_: MouseEvent| ())}>
                    { s.get("signin.useSignIn") }
                </button>
            </p>
        }
        { guidance(&GuidanceProps {
            organization: org.map(|o| AttrValue::from(o.organization.clone())),
            organization_url: org.map(|o| AttrValue::from(o.organization_url.clone())),
            scopes: props.scopes.clone(),
            requirements: Rc::clone(&props.requirements),
            strings: s.clone(),
        }) }
        </>
    }
}
