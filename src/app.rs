//! The root component: wires the reducer to the view, the proxy and the host's events.

use std::rc::Rc;

use azdo_connect_core::contract::{
    ConnectedDetail, DisconnectedDetail, SelectedProject, SelectedRepository,
};
use azdo_connect_core::{classify_pat, OrgError, PatFormat};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::components::{Connected, FailureAlert, Guidance, OrgField, PatField, Picker};
use crate::config::{Config, Requirements};
use crate::events::{self, emit};
use crate::i18n::Strings;
use crate::state::{toggle_project, toggle_repository, Action, Mode, State, Step};
use crate::TextMap;
use crate::{api, hooks};

/// Properties of [`App`]: everything the custom element knows.
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct AppProps {
    /// The `<azdo-connect>` element; events are dispatched on it.
    pub host: HtmlElement,
    /// The parsed attributes.
    pub config: Rc<Config>,
    /// The host's `strings` overrides.
    pub overrides: Rc<TextMap>,
    /// The host's `requirements`: notes per scope and the full-access mode.
    pub requirements: Rc<Requirements>,
}

/// The organization error in the element's language: core's English message unless the host
/// overrides it or the language translates it.
fn org_error_text(error: &OrgError, s: &Strings) -> String {
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

/// The widget.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let config = Rc::clone(&props.config);
    let state = use_reducer(|| State::new(config.allowed_servers.clone()));
    hooks::use_ready(&props.host);
    let strings = hooks::use_host_sync(&state, &config, &props.overrides);
    hooks::use_verify(&state, &props.host, &config);
    hooks::use_picker_pages(&state, &config);
    hooks::use_countdown(&state);
    let (error_ref, success_ref) = hooks::use_outcome_focus(&state);

    let on_org = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(Action::OrgInput(text)))
    };
    let on_pat = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(Action::PatInput(text)))
    };
    let on_toggle = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::ToggleReveal))
    };
    let on_submit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            dispatcher.dispatch(Action::Submit);
        })
    };
    let on_retry = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Submit))
    };
    let on_change_token = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::ChangeToken))
    };
    let on_cancel_change = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatcher.dispatch(Action::CancelChange))
    };
    let on_disconnect = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Disconnect))
    };
    let on_keep = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::KeepConnection))
    };
    let on_confirm = {
        let dispatcher = state.dispatcher();
        let host = props.host.clone();
        let organization = state.connection.as_ref().map(|c| c.organization.clone());
        Callback::from(move |()| {
            let Some(organization) = organization.clone() else {
                return;
            };
            let detail = DisconnectedDetail { organization };
            // Cancelable: a host that calls preventDefault() keeps the connection.
            match events::dispatch(&host, events::DISCONNECTED, &detail, true) {
                Ok(true) => dispatcher.dispatch(Action::Disconnected),
                Ok(false) => dispatcher.dispatch(Action::KeepConnection),
                Err(e) => {
                    web_sys::console::error_1(&format!("azdo-connect: {e}").into());
                    dispatcher.dispatch(Action::KeepConnection);
                }
            }
        })
    };

    let on_search = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(Action::PickerSearch(text)))
    };
    let on_more = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::PickerMore))
    };
    let on_project = {
        let dispatcher = state.dispatcher();
        let host = props.host.clone();
        let selection = state.selection.clone();
        Callback::from(move |project: SelectedProject| {
            let next = toggle_project(&selection, project);
            emit(&host, events::SELECTION_CHANGED, &next);
            dispatcher.dispatch(Action::SelectionChanged(next));
        })
    };
    let on_repository = {
        let dispatcher = state.dispatcher();
        let host = props.host.clone();
        let selection = state.selection.clone();
        Callback::from(move |repository: SelectedRepository| {
            let next = toggle_repository(&selection, repository);
            emit(&host, events::SELECTION_CHANGED, &next);
            dispatcher.dispatch(Action::SelectionChanged(next));
        })
    };
    let on_done = {
        let dispatcher = state.dispatcher();
        let host = props.host.clone();
        let verified = state.connection.as_ref().and_then(|c| c.verified.clone());
        let selection = state.selection.clone();
        Callback::from(move |()| {
            if let Some(verified) = verified.clone() {
                dispatcher.dispatch(Action::SelectionDone);
                emit(
                    &host,
                    events::CONNECTED,
                    &ConnectedDetail {
                        verified,
                        selection: Some(selection.clone()),
                    },
                );
            }
        })
    };

    let s = &strings;
    let body = match (state.mode, state.connection.as_ref()) {
        (Mode::Picking, Some(connection)) => html! {
            <>
            <p id="picker-connected" class="hint">
                { s.fill("success", &[("org", &connection.organization), ("name", &connection.display_name)]) }
            </p>
            <Picker
                select={config.select}
                list={state.picker.clone()}
                selection={state.selection.clone()}
                strings={s.clone()}
                {on_search}
                {on_more}
                {on_project}
                {on_repository}
                {on_done}
            />
            </>
        },
        (Mode::Connected | Mode::ConfirmingDisconnect, Some(connection)) => html! {
            <Connected
                connection={connection.clone()}
                confirming={state.mode == Mode::ConfirmingDisconnect}
                strings={s.clone()}
                heading_ref={success_ref.clone()}
                {on_change_token}
                {on_disconnect}
                {on_confirm}
                {on_keep}
            />
        },
        _ => {
            let org = state.org.as_ref().ok();
            let pat_hint = match classify_pat(state.pat.expose()) {
                PatFormat::Empty => None,
                PatFormat::Legacy => Some(s.get("pat.format.legacy")),
                PatFormat::Modern => Some(s.get("pat.format.modern")),
                PatFormat::EntraJwt => Some(s.get("pat.format.entraJwt")),
                _ => Some(s.get("pat.format.unknown")),
            };
            let pat_error = (state.show_errors && state.pat.is_empty())
                .then(|| AttrValue::from(s.get("pat.required")));
            let busy = state.in_flight.is_some();
            let step_text = state.in_flight.map(|f| match f.step {
                Step::Sending => s.fill(
                    "step.sending",
                    &[(
                        "org",
                        org.map(|o| o.organization.as_str()).unwrap_or_default(),
                    )],
                ),
                Step::Checking => s.get("step.checking"),
            });
            html! {
                <>
                <form novalidate=true onsubmit={on_submit} part="form" aria-busy={if busy { "true" } else { "false" }}>
                    <OrgField
                        value={AttrValue::from(state.org_input.clone())}
                        preview={org.map(|o| AttrValue::from(o.organization_url.clone()))}
                        error={state.org_error().map(|e| AttrValue::from(org_error_text(e, s)))}
                        readonly={state.mode == Mode::ChangingToken}
                        strings={s.clone()}
                        on_input={on_org}
                    />
                    <PatField
                        value={AttrValue::from(state.pat.expose().to_owned())}
                        reveal={state.reveal}
                        hint={pat_hint.map(AttrValue::from)}
                        error={pat_error}
                        strings={s.clone()}
                        on_input={on_pat}
                        {on_toggle}
                    />
                    <div class="actions">
                        <button id="connect" type="submit" class="primary" part="button connect"
                            aria-disabled={if busy { "true" } else { "false" }}>
                            { s.get("connect") }
                        </button>
                        if state.mode == Mode::ChangingToken {
                            <button id="cancel-change" type="button" part="button" onclick={on_cancel_change}>
                                { s.get("change.cancel") }
                            </button>
                        }
                    </div>
                    <p id="status" class="status" role="status" aria-live="polite">{ step_text.unwrap_or_default() }</p>
                </form>
                if let Some(failure) = &state.failure {
                    <FailureAlert failure={failure.clone()} strings={s.clone()} {on_retry} heading_ref={error_ref.clone()} proxy_origin={api::origin(&config.proxy_url)} />
                }
                <Guidance
                    organization={org.map(|o| AttrValue::from(o.organization.clone()))}
                    organization_url={org.map(|o| AttrValue::from(o.organization_url.clone()))}
                    scopes={config.scopes.clone()}
                    requirements={Rc::clone(&props.requirements)}
                    strings={s.clone()}
                />
                </>
            }
        }
    };

    html! {
        <div class="azdo" part="container" lang={strings.lang().tag()}>
            <h2 class="title">{ s.get("title") }</h2>
            { body }
        </div>
    }
}
