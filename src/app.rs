//! The root component: wires the reducer to the view, the proxy and the host's events.

use std::collections::BTreeMap;
use std::rc::Rc;

use azdo_connect_core::contract::{
    ConnectedDetail, DisconnectedDetail, ProjectsRequest, ReadyDetail, SelectedProject,
    SelectedRepository, VerifyRequest, VerifyingDetail,
};
use azdo_connect_core::{classify_pat, AllowedServers, OrgError, PatFormat};
use web_sys::{AbortController, HtmlElement};
use yew::prelude::*;

use crate::components::{Connected, FailureAlert, Guidance, OrgField, PatField, Picker};
use crate::config::{Config, Select};
use crate::i18n::{Lang, Strings};
use crate::state::{toggle_project, toggle_repository, Action, Mode, State, Step};
use crate::{api, events, VERSION};

/// Properties of [`App`]: everything the custom element knows.
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct AppProps {
    /// The `<azdo-connect>` element; events are dispatched on it.
    pub host: HtmlElement,
    /// The parsed attributes.
    pub config: Rc<Config>,
    /// The host's `strings` overrides.
    pub overrides: Rc<BTreeMap<String, String>>,
}

// Event dispatch only fails if the detail cannot be serialized, which our contract types always
// can; report it in the console rather than lose the failure.
fn emit<T: serde::Serialize>(host: &HtmlElement, name: &str, detail: &T) {
    if let Err(e) = events::dispatch(host, name, detail, false) {
        web_sys::console::error_1(&format!("azdo-connect: could not dispatch {name}: {e}").into());
    }
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
    let strings = use_memo(
        (config.lang.clone(), Rc::clone(&props.overrides)),
        |(lang, overrides)| Strings::new(Lang::from_tag(lang.as_deref()), (**overrides).clone()),
    );
    let strings = (*strings).clone();
    let error_ref = use_node_ref();
    let success_ref = use_node_ref();

    // Ready once the first render is in the DOM.
    {
        let host = props.host.clone();
        use_effect_with((), move |_| {
            emit(
                &host,
                events::READY,
                &ReadyDetail {
                    version: VERSION.to_owned(),
                },
            );
        });
    }

    // The on-prem allowlist is the attribute's plus the proxy's (GET {proxy-url}/config). A proxy
    // that does not answer only means no extra servers: the verify will say what is wrong.
    let proxy_servers = use_state(Vec::<String>::new);
    {
        let proxy_servers = proxy_servers.setter();
        let config = Rc::clone(&config);
        use_effect_with(config.proxy_url.clone(), move |proxy_url| {
            let controller = (!proxy_url.is_empty())
                .then(|| AbortController::new().ok())
                .flatten();
            if let Some(controller) = controller.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(answer) = api::config(&config, &controller.signal()).await {
                        proxy_servers.set(answer.allowed_servers);
                    }
                });
            }
            move || {
                if let Some(controller) = controller {
                    controller.abort();
                }
            }
        });
    }

    // Keep the reducer in step with the host's attributes.
    {
        let dispatcher = state.dispatcher();
        let servers = AllowedServers::new(
            config
                .allowed_servers
                .hosts()
                .iter()
                .chain(proxy_servers.iter()),
        );
        use_effect_with(servers, move |servers| {
            dispatcher.dispatch(Action::AllowedServers(servers.clone()));
        });
    }
    {
        let dispatcher = state.dispatcher();
        let host_connection = (
            config.organization.clone(),
            config.connected_as.clone(),
            config.verified_at.clone(),
        );
        use_effect_with(
            host_connection,
            move |(organization, connected_as, verified_at)| {
                dispatcher.dispatch(Action::HostConnection {
                    organization: organization.clone(),
                    connected_as: connected_as.clone(),
                    verified_at: verified_at.clone(),
                });
            },
        );
    }

    // One verify per request id; the cleanup aborts it when the id changes (an edit made it stale).
    {
        let dispatcher = state.dispatcher();
        let host = props.host.clone();
        let config = Rc::clone(&config);
        let snapshot = (state.org.clone(), state.pat.clone());
        use_effect_with(state.in_flight.map(|f| f.id), move |id| {
            let controller = id.and_then(|_| AbortController::new().ok());
            if let (Some(id), Some(controller), (Ok(org), pat)) =
                (*id, controller.clone(), snapshot)
            {
                let signal = controller.signal();
                wasm_bindgen_futures::spawn_local(async move {
                    emit(
                        &host,
                        events::VERIFYING,
                        &VerifyingDetail {
                            organization: org.organization.clone(),
                            organization_url: org.organization_url.clone(),
                        },
                    );
                    dispatcher.dispatch(Action::Progress(id, Step::Checking));
                    let body = VerifyRequest {
                        organization: org.organization_url.clone(),
                        token: pat,
                        required_scopes: config.scopes.clone(),
                    };
                    let result = api::verify(&config, &body, &signal).await;
                    if signal.aborted() {
                        return;
                    }
                    match result {
                        Ok(response) => {
                            let pick = config.select != Select::None;
                            dispatcher.dispatch(Action::Verified {
                                id,
                                response: response.clone(),
                                pick,
                            });
                            if !pick {
                                emit(
                                    &host,
                                    events::CONNECTED,
                                    &ConnectedDetail {
                                        verified: response,
                                        selection: None,
                                    },
                                );
                            }
                        }
                        Err(error) => {
                            if let Some((detail, scopes)) = error.to_detail() {
                                dispatcher.dispatch(Action::Failed(id, detail.clone(), scopes));
                                emit(&host, events::ERROR, &detail);
                            }
                        }
                    }
                });
            }
            move || {
                if let Some(controller) = controller {
                    controller.abort();
                }
            }
        });
    }

    // One page of projects per request id, aborted like a verify when superseded.
    {
        let dispatcher = state.dispatcher();
        let config = Rc::clone(&config);
        let credential = state
            .connection
            .as_ref()
            .and_then(|c| c.verified.as_ref())
            .map(|v| v.credential.clone());
        let picker = state.picker.clone();
        use_effect_with(state.picker.loading, move |id| {
            let controller = id.and_then(|_| AbortController::new().ok());
            if let (Some(id), Some(controller), Some(credential)) =
                (*id, controller.clone(), credential)
            {
                let signal = controller.signal();
                let body = ProjectsRequest {
                    credential,
                    continuation_token: picker
                        .append
                        .then(|| picker.continuation.clone())
                        .flatten(),
                    search: Some(picker.search.trim().to_owned()).filter(|s| !s.is_empty()),
                };
                wasm_bindgen_futures::spawn_local(async move {
                    let result = api::projects(&config, &body, &signal).await;
                    if signal.aborted() {
                        return;
                    }
                    match result {
                        Ok(page) => dispatcher.dispatch(Action::PickerLoaded(id, page)),
                        Err(error) => {
                            if let Some((detail, _)) = error.to_detail() {
                                dispatcher.dispatch(Action::PickerFailed(id, detail));
                            }
                        }
                    }
                });
            }
            move || {
                if let Some(controller) = controller {
                    controller.abort();
                }
            }
        });
    }

    // The rate-limit countdown ticks only while there is something to count.
    {
        let dispatcher = state.dispatcher();
        use_effect_with(state.waiting_to_retry(), move |waiting| {
            let interval = waiting.then(|| {
                gloo_timers::callback::Interval::new(1_000, move || {
                    dispatcher.dispatch(Action::Tick)
                })
            });
            move || drop(interval)
        });
    }

    // Focus the outcome so keyboard and screen-reader users land on it.
    {
        let error_ref = error_ref.clone();
        let success_ref = success_ref.clone();
        let failed = state.failure.is_some();
        let connected = state.just_connected && state.mode == Mode::Connected;
        use_effect_with((failed, connected), move |(failed, connected)| {
            let target = if *failed {
                error_ref.cast::<HtmlElement>()
            } else if *connected {
                success_ref.cast::<HtmlElement>()
            } else {
                None
            };
            if let Some(target) = target {
                let _ = target.focus();
            }
        });
    }

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
                    <FailureAlert failure={failure.clone()} strings={s.clone()} {on_retry} heading_ref={error_ref.clone()} />
                }
                <Guidance
                    organization={org.map(|o| AttrValue::from(o.organization.clone()))}
                    organization_url={org.map(|o| AttrValue::from(o.organization_url.clone()))}
                    scopes={config.scopes.clone()}
                    strings={s.clone()}
                />
                </>
            }
        }
    };

    html! {
        <div class="azdo" part="container" lang={Lang::tag(strings.lang())}>
            <h2 class="title">{ s.get("title") }</h2>
            { body }
        </div>
    }
}
