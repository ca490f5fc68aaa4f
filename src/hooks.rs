//! The widget's effects as custom hooks: requests, timers, focus and the host's attributes.
//!
//! Each effect is keyed by what it depends on, and its cleanup aborts or cancels what it started,
//! so a superseded request never reports and a removed element leaves nothing running.

use std::cell::Cell;
use std::rc::Rc;

use azdo_connect_core::contract::{
    ConfigResponse, DisconnectedDetail, ProjectsRequest, ReadyDetail, VerifyRequest,
};
use azdo_connect_core::AllowedServers;
use web_sys::{AbortController, HtmlElement};
use yew::prelude::*;

use crate::config::{Config, Select};
use crate::events::{self, emit};
use crate::i18n::{self, Lang, Strings};
use crate::state::{Action, Outgoing, PickerList, Screen, State, Step};
use crate::{api, Error, TextMap, VERSION};

/// How long the picker waits after the last keystroke before searching.
const SEARCH_DEBOUNCE_MS: u32 = 250;

/// Dispatches `azdo-ready` once the first render is in the DOM.
#[hook]
pub fn use_ready(host: &HtmlElement) {
    let host = host.clone();
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

/// Sends the events the reducer's transitions produced, in order, once each: the one place the
/// widget dispatches `azdo-verifying`, `azdo-connected`, `azdo-error`, `azdo-disconnected` and
/// `azdo-selection-changed`.
#[hook]
pub fn use_outbox(state: &UseReducerHandle<State>, host: &HtmlElement) {
    let outbox = state.outbox().clone();
    let dispatcher = state.dispatcher();
    let host = host.clone();
    // After every render, so the host hears about a change once the widget shows it.
    use_effect(move || {
        for event in outbox.take() {
            if let Some(action) = send(&host, event) {
                dispatcher.dispatch(action);
            }
        }
    });
}

/// Dispatches `event` on `host`; returns what to report back when the host prevented it.
fn send(host: &HtmlElement, event: Outgoing) -> Option<Action> {
    let name = event.name();
    match event {
        Outgoing::Verifying(detail) => emit(host, name, &detail),
        Outgoing::Connected(detail) => {
            emit(host, name, &detail);
            // The connection works again: the host's health report no longer applies.
            let _ = host.remove_attribute("reconnect");
        }
        Outgoing::Error(detail) => emit(host, name, &detail),
        Outgoing::SelectionChanged(detail) => emit(host, name, &detail),
        Outgoing::Disconnected(connection) => {
            let detail = DisconnectedDetail {
                organization: connection.organization.clone(),
            };
            // Cancelable: a host that calls preventDefault() keeps the connection, and so does
            // a page too broken to dispatch it.
            match events::dispatch(host, name, &detail, true) {
                Ok(true) => {}
                Ok(false) => return Some(Action::DisconnectPrevented(connection)),
                Err(e) => {
                    web_sys::console::error_1(&format!("azdo-connect: {e}").into());
                    return Some(Action::DisconnectPrevented(connection));
                }
            }
        }
    }
    None
}

/// Keeps the reducer in step with the host's attributes and the proxy's `/config`, and returns
/// the element's words: the `lang` table (loaded on demand), the host's `overrides` and the
/// scope labels the proxy publishes.
#[hook]
pub fn use_host_sync(
    state: &UseReducerHandle<State>,
    config: &Rc<Config>,
    overrides: &Rc<TextMap>,
) -> Strings {
    // GET {proxy-url}/config: the on-prem allowlist (added to the attribute's) and the scope
    // catalogue's labels. While it loads, and if it fails, there are no extra servers (the verify
    // will say what is wrong) and the guidance lists the scope ids.
    let proxy = use_state(|| None::<Rc<ConfigResponse>>);
    {
        let proxy = proxy.setter();
        let config = Rc::clone(config);
        use_effect_with(config.proxy_url.clone(), move |proxy_url| {
            let controller = (!proxy_url.is_empty())
                .then(|| AbortController::new().ok())
                .flatten();
            if let Some(controller) = controller.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    match api::config(&config, &controller.signal()).await {
                        Ok(answer) => proxy.set(Some(Rc::new(answer))),
                        // The same message the verify will carry, for the developer, now.
                        Err(error @ Error::CspBlocked { .. }) => {
                            if let Some((detail, _)) = error.to_detail() {
                                web_sys::console::error_1(
                                    &format!("azdo-connect: {}", detail.message).into(),
                                );
                            }
                        }
                        Err(_) => {}
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
    let proxy_servers = proxy
        .as_ref()
        .map(|p| p.allowed_servers.clone())
        .unwrap_or_default();
    let labels = use_memo((*proxy).clone(), |proxy| {
        let labels: TextMap = proxy
            .iter()
            .flat_map(|p| p.scopes.iter())
            .map(|scope| (scope.id.clone(), scope.label.clone()))
            .collect();
        Rc::new(labels)
    });

    // The `lang` table, imported on first use; English (built in) until it arrives, and if it
    // cannot, with the reason in the console.
    let lang = Lang::from_tag(config.lang.as_deref());
    let table = use_state(|| None::<(Lang, Rc<TextMap>)>);
    {
        let table = table.setter();
        use_effect_with(lang, move |&lang| {
            let current = Rc::new(Cell::new(true));
            if lang != Lang::En {
                let current = Rc::clone(&current);
                wasm_bindgen_futures::spawn_local(async move {
                    match i18n::load(lang).await {
                        Ok(words) if current.get() => table.set(Some((lang, words))),
                        Ok(_) => {}
                        Err(why) => web_sys::console::warn_1(
                            &format!("azdo-connect: showing English: {why}").into(),
                        ),
                    }
                });
            }
            move || current.set(false)
        });
    }
    let loaded = table.as_ref().filter(|(l, _)| *l == lang).cloned();
    let strings = use_memo(
        (Rc::clone(overrides), loaded, (*labels).clone()),
        |(overrides, loaded, labels)| {
            let strings = Strings::new((**overrides).clone()).with_scope_labels(Rc::clone(labels));
            match loaded {
                Some((lang, words)) => strings.in_lang(*lang, Rc::clone(words)),
                None => strings,
            }
        },
    );

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
    (*strings).clone()
}

/// Runs one verify per request id and reports its progress and answer.
#[hook]
pub fn use_verify(state: &UseReducerHandle<State>, config: &Rc<Config>) {
    // One verify per request id; the cleanup aborts it when the id changes (an edit made it stale).
    let dispatcher = state.dispatcher();
    let config = Rc::clone(config);
    let request = match &state.screen {
        Screen::Verifying(verifying) => Some((
            verifying.request.id,
            verifying.fields.org.clone(),
            verifying.fields.pat.clone(),
            verifying.fields.expires_at(),
        )),
        _ => None,
    };
    use_effect_with(request.as_ref().map(|(id, ..)| *id), move |_| {
        let controller = request.as_ref().and_then(|_| AbortController::new().ok());
        if let (Some((id, Ok(org), pat, expires_at)), Some(controller)) =
            (request, controller.clone())
        {
            let signal = controller.signal();
            wasm_bindgen_futures::spawn_local(async move {
                dispatcher.dispatch(Action::Progress(id, Step::Checking));
                let body = VerifyRequest {
                    organization: org.organization_url.clone(),
                    token: Some(pat),
                    session: None,
                    required_scopes: config.scopes.clone(),
                    expires_at,
                };
                let result = api::verify(&config, &body, &signal).await;
                if signal.aborted() {
                    return;
                }
                match result {
                    Ok(response) => dispatcher.dispatch(Action::Verified {
                        id,
                        response,
                        pick: config.select != Select::None,
                    }),
                    Err(error) => {
                        if let Some((detail, scopes)) = error.to_detail() {
                            dispatcher.dispatch(Action::Failed(id, detail, scopes));
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

/// Loads the picker's pages of projects.
#[hook]
pub fn use_picker_pages(state: &UseReducerHandle<State>, config: &Rc<Config>) {
    // One page of projects per request id, aborted like a verify when superseded.
    let dispatcher = state.dispatcher();
    let config = Rc::clone(config);
    let (credential, picker) = match &state.screen {
        Screen::Picking(picking) => (
            Some(picking.response.credential.clone()),
            picking.list.clone(),
        ),
        _ => (None, PickerList::default()),
    };
    use_effect_with(picker.loading, move |id| {
        let controller = id.and_then(|_| AbortController::new().ok());
        let mut debounce = None;
        let is_search = !picker.append && !picker.search.trim().is_empty();
        if let (Some(id), Some(controller), Some(credential)) =
            (*id, controller.clone(), credential)
        {
            let signal = controller.signal();
            let body = ProjectsRequest {
                credential,
                continuation_token: picker.append.then(|| picker.continuation.clone()).flatten(),
                search: Some(picker.search.trim().to_owned()).filter(|s| !s.is_empty()),
            };
            let load = move || {
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
                })
            };
            // Typing a search waits for a pause, so each keystroke is not a request
            // against the proxy's rate limit; dropping the timeout cancels it.
            if is_search {
                debounce = Some(gloo_timers::callback::Timeout::new(
                    SEARCH_DEBOUNCE_MS,
                    load,
                ));
            } else {
                load();
            }
        }
        move || {
            drop(debounce);
            if let Some(controller) = controller {
                controller.abort();
            }
        }
    });
}

/// Ticks the rate-limit countdown once a second while there is one.
#[hook]
pub fn use_countdown(state: &UseReducerHandle<State>) {
    let dispatcher = state.dispatcher();
    use_effect_with(state.screen.waiting_to_retry(), move |waiting| {
        let interval = waiting.then(|| {
            gloo_timers::callback::Interval::new(1_000, move || dispatcher.dispatch(Action::Tick))
        });
        move || drop(interval)
    });
}

/// Moves focus to the error heading or the success heading when an outcome appears; returns
/// their refs `(error, success)`.
#[hook]
pub fn use_outcome_focus(state: &UseReducerHandle<State>) -> (NodeRef, NodeRef) {
    // Focus the outcome so keyboard and screen-reader users land on it.
    let error_ref = use_node_ref();
    let success_ref = use_node_ref();
    {
        let error_ref = error_ref.clone();
        let success_ref = success_ref.clone();
        let failed = state.screen.failure().is_some();
        let connected = state.screen.just_verified();
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
    (error_ref, success_ref)
}
