//! The organization picker after a Microsoft sign-in without an organization: one button per
//! organization of the account, or, when it has none, why, and a field to type one.

use azdo_connect_core::contract::OrganizationChoice as Choice;
use yew::prelude::*;

use super::connect_form::org_error_text;
use crate::components::{failure_alert, org_field, FailureAlertProps, OrgFieldProps};
use crate::i18n::Strings;
use crate::state::{Failure, Fields};

/// Properties of [`organization_choice`].
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationChoiceProps {
    /// The account's organizations.
    pub organizations: Vec<Choice>,
    /// Another organization, typed.
    pub typed: Fields,
    /// The organization (URL) being connected, while its verify is in flight.
    pub pending: Option<AttrValue>,
    /// Why the last choice failed.
    pub failure: Option<Failure>,
    /// The words.
    pub strings: Strings,
    /// The heading, focused when the list appears.
    pub heading_ref: NodeRef,
    /// Receives focus when a failure appears.
    pub error_ref: NodeRef,
    /// An organization of the list was picked (its name).
    pub on_pick: Callback<String>,
    /// The typed organization changed.
    pub on_org: Callback<String>,
    /// The typed organization was submitted.
    pub on_submit: Callback<()>,
    /// Cancel was pressed.
    pub on_cancel: Callback<()>,
}

/// The organization picker.
pub fn organization_choice(props: &OrganizationChoiceProps) -> Html {
    let s = &props.strings;
    let busy = props.pending.is_some();
    let typed = &props.typed;
    let onsubmit = props.on_submit.reform(|e: SubmitEvent| e.prevent_default());
    let status = props
        .pending
        .as_ref()
        .map(|url| s.fill("choose.connecting", &[("org", url)]))
        .unwrap_or_default();
    html! {
        <section id="choose-organization" class="choose-organization" part="choose-organization" aria-labelledby="choose-heading" aria-busy={if busy { "true" } else { "false" }}>
            <h3 id="choose-heading" tabindex="-1" ref={props.heading_ref.clone()}>{ s.get("choose.heading") }</h3>
            if props.organizations.is_empty() {
                <p id="choose-empty">{ s.get("choose.empty") }</p>
            } else {
                <p id="choose-intro">{ s.get("choose.intro") }</p>
                <ul class="organizations" aria-labelledby="choose-heading">
                    { for props.organizations.iter().map(|org| {
                        let name = org.name.clone();
                        let onclick = props.on_pick.reform(move |_: MouseEvent| name.clone());
                        html! {
                            <li>
                                <button type="button" class="organization" part="button organization-choice"
                                    aria-disabled={if busy { "true" } else { "false" }}
                                    data-organization={org.name.clone()} {onclick}>
                                    <span class="name">{ &org.name }</span>
                                    <span class="hint">{ &org.url }</span>
                                </button>
                            </li>
                        }
                    }) }
                </ul>
            }
            <p id="choose-other" class="hint">{ s.get("choose.other") }</p>
            <form novalidate=true {onsubmit} part="form" aria-labelledby="choose-other">
                { org_field(&OrgFieldProps {
                    value: AttrValue::from(typed.org_input.clone()),
                    preview: typed.org.as_ref().ok().map(|o| AttrValue::from(o.organization_url.clone())),
                    error: typed.org_error().map(|e| AttrValue::from(org_error_text(e, s))),
                    strings: s.clone(),
                    on_input: props.on_org.clone(),
                    readonly: false,
                    optional: false,
                }) }
                <div class="actions">
                    <button id="choose-connect" type="submit" part="button connect"
                        aria-disabled={if busy { "true" } else { "false" }}>
                        { s.get("connect") }
                    </button>
                    <button id="choose-cancel" type="button" part="button cancel"
                        onclick={props.on_cancel.reform(|_: MouseEvent| ())}>
                        { s.get("signin.cancel") }
                    </button>
                </div>
                <p id="choose-status" class="status" role="status" aria-live="polite">{ status }</p>
            </form>
            if let Some(failure) = &props.failure {
                { failure_alert(&FailureAlertProps {
                    failure: failure.clone(),
                    strings: s.clone(),
                    on_retry: props.on_submit.clone(),
                    heading_ref: props.error_ref.clone(),
                    proxy_origin: AttrValue::default(),
                }) }
            }
        </section>
    }
}
