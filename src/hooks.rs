//! The widget's effects as custom hooks: requests, timers, focus and the host's attributes.
//!
//! Each effect is keyed by what it depends on, and its cleanup aborts or cancels what it started,
//! so a superseded request never reports and a removed element leaves nothing running.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use azdo_connect_core::contract::{
    ConfigResponse, DisconnectedDetail, OAuthStartRequest, ProjectsRequest, ReadyDetail,
    VerifyRequest,
};
use azdo_connect_core::{AllowedServers, Pat, SecretToken};
use web_sys::{AbortController, HtmlElement};
use yew::functional::{Hook, TearDown};
use yew::prelude::*;

use crate::api::FlowResult;
use crate::config::{Config, Select};
use crate::events::{self, emit};
use crate::i18n::{self, Lang, Strings};
use crate::state::{
    Action, Outgoing, Phase, PickerList, Screen, SignIn, SignInWindow, State, Step,
};
use crate::{api, popup, redirect, Error, TextMap, VERSION};

/// How long the picker waits after the last keystroke before searching.
const SEARCH_DEBOUNCE_MS: u32 = 250;

/// Dispatches `azdo-ready` once the first render is in the DOM.
#[hook]
pub fn use_ready(host: &HtmlElement) {
    let host = host.clone();
    use_effect_on((), move |_| {
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
        use_effect_on(config.proxy_url.clone(), move |proxy_url| {
            let controller = (!proxy_url.is_empty())
                .then(|| AbortController::new().ok())
                .flatten();
            if let Some(controller) = controller.clone() {
                spawn(async move {
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
    {
        // Microsoft sign-in is offered once `/config` says so; until then (and without it) the
        // token form is all there is.
        let dispatcher = state.dispatcher();
        let entra = proxy.as_ref().is_some_and(|p| p.entra);
        use_effect_on(entra, move |&entra| {
            dispatcher.dispatch(Action::SignIn(SignIn::Offered(entra)));
        });
    }
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
        use_effect_on(lang, move |&lang| {
            let current = Rc::new(Cell::new(true));
            if lang != Lang::En {
                let current = Rc::clone(&current);
                spawn(async move {
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
        use_effect_on(servers, move |servers| {
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
        use_effect_on(
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

/// Reports request `id` as failed; an aborted request is not a failure and reports nothing.
fn report_failure(dispatcher: &UseReducerDispatcher<State>, id: u64, error: &Error) {
    if let Some((detail, scopes)) = error.to_detail() {
        dispatcher.dispatch(Action::Failed(id, detail, scopes));
    }
}

/// An effect that returns its cleanup, both boxed.
type BoxedEffect<T> = Box<dyn FnOnce(&T) -> Box<dyn FnOnce()>>;

/// An effect and its cleanup, boxed: what each effect does stays its own, but yew's effect
/// machinery is compiled once per dependency type rather than once per call site, which keeps
/// the widget's wasm smaller (`docs/architecture.md`, Bundle size). Otherwise `use_effect_with`.
fn use_effect_on<T, D>(deps: T, effect: impl FnOnce(&T) -> D + 'static) -> impl Hook<Output = ()>
where
    T: PartialEq + 'static,
    D: TearDown,
{
    let effect: BoxedEffect<T> = Box::new(move |deps: &T| {
        let cleanup = effect(deps);
        Box::new(move || cleanup.tear_down())
    });
    use_effect_with(deps, effect)
}

/// Runs `future` on the page's event loop, boxed so that the executor's spawn is compiled once
/// rather than once per request (smaller wasm). Otherwise `spawn_local`.
fn spawn(future: impl std::future::Future<Output = ()> + 'static) {
    let future: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> = Box::pin(future);
    wasm_bindgen_futures::spawn_local(future);
}

/// An effect's cleanup that aborts the request `controller` signals, if there is one.
fn abort_on_cleanup(controller: Option<AbortController>) -> impl FnOnce() {
    move || {
        if let Some(controller) = controller {
            controller.abort();
        }
    }
}

/// What a verify sends: a token, or the session of a Microsoft sign-in.
enum Credential {
    /// The token, and the expiry date the person gave for it.
    Token(Pat, Option<String>),
    Session(SecretToken),
}

/// Runs one verify per request id and reports its progress and answer: a token's (Verifying) or
/// a chosen organization's after a Microsoft sign-in (ChoosingOrganization).
#[hook]
pub fn use_verify(state: &UseReducerHandle<State>, config: &Rc<Config>) {
    // One verify per request id; the cleanup aborts it when the id changes (an edit made it stale).
    let dispatcher = state.dispatcher();
    let config = Rc::clone(config);
    let request = match &state.screen {
        Screen::Verifying(verifying) => verifying.fields.org.as_ref().ok().map(|org| {
            (
                verifying.request.id,
                org.organization_url.clone(),
                Credential::Token(verifying.fields.pat.clone(), verifying.fields.expires_at()),
            )
        }),
        Screen::ChoosingOrganization(choosing) => choosing.pending.as_ref().map(|choice| {
            (
                choice.id,
                choice.organization.clone(),
                Credential::Session(choosing.session.clone()),
            )
        }),
        _ => None,
    };
    use_effect_on(request.as_ref().map(|(id, ..)| *id), move |_| {
        let controller = request.as_ref().and_then(|_| AbortController::new().ok());
        if let (Some((id, organization, credential)), Some(controller)) =
            (request, controller.clone())
        {
            let signal = controller.signal();
            spawn(async move {
                dispatcher.dispatch(Action::Progress(id, Step::Checking));
                let result = match credential {
                    Credential::Token(pat, expires_at) => {
                        let body = VerifyRequest {
                            organization,
                            token: Some(pat),
                            session: None,
                            required_scopes: config.scopes.clone(),
                            expires_at,
                        };
                        api::verify(&config, &body, &signal).await
                    }
                    Credential::Session(session) => {
                        api::verify_session(&config, &organization, session.expose(), &signal).await
                    }
                };
                if signal.aborted() {
                    return;
                }
                match result {
                    Ok(response) => dispatcher.dispatch(Action::Verified {
                        id,
                        response,
                        pick: config.select != Select::None,
                    }),
                    Err(error) => report_failure(&dispatcher, id, &error),
                }
            });
        }
        abort_on_cleanup(controller)
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
    use_effect_on(picker.loading, move |id| {
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
                spawn(async move {
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
    use_effect_on(state.screen.waiting_to_retry(), move |waiting| {
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
        use_effect_on((failed, connected), move |(failed, connected)| {
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

/// The sign-in window the click handler opened, shared with the sign-in's effects.
pub type PopupSlot = Rc<RefCell<Option<web_sys::Window>>>;

/// How long a pending answer must have taken before polling again at once: a proxy that answers
/// `pending` without holding the request is asked again only after a pause.
const POLL_PAUSE_MS: u32 = 1_000;
/// How many failed polls in a row are asked again before the sign-in fails: the proxy keeps a
/// collected outcome a minute, so a lost answer (a dropped connection, an instance restarting
/// behind the load balancer) costs a poll, not the sign-in. The pauses grow: 1, 2, 3, 4 s.
const POLL_RETRIES: u32 = 4;
/// How often the pop-up is checked for being closed.
const CLOSED_POLL_MS: u32 = 500;

/// Runs a Microsoft sign-in: `POST oauth/start` (then sends the pop-up, or this page, to
/// Microsoft), the `oauth/result` long poll, and the watch on the pop-up; claims the return of a
/// full-page sign-in this element started. Returns the slot the click handler puts the pop-up in.
#[hook]
pub fn use_sign_in(state: &UseReducerHandle<State>, config: &Rc<Config>) -> PopupSlot {
    let popup: PopupSlot = use_mut_ref(|| None);
    let signing = match &state.screen {
        Screen::SigningIn(signing) => Some(signing.clone()),
        _ => None,
    };

    // Back from a full-page sign-in: resume it, once, in the element whose proxy started it.
    {
        let dispatcher = state.dispatcher();
        use_effect_on(config.proxy_url.clone(), move |proxy_url| {
            let flow = (!proxy_url.is_empty())
                .then(|| redirect::proxy_key(proxy_url))
                .flatten()
                .and_then(|proxy| redirect::claim(&proxy));
            if let Some(flow) = flow {
                dispatcher.dispatch(Action::SignIn(SignIn::Resume { flow }));
            }
        });
    }

    // The sign-in window goes when the sign-in ends, however it ends.
    {
        let popup = Rc::clone(&popup);
        use_effect_on(signing.as_ref().map(|s| s.id), move |id| {
            let ending = id.is_some();
            move || {
                if ending {
                    if let Some(window) = popup.borrow_mut().take() {
                        popup::close(&window);
                    }
                }
            }
        });
    }

    // POST oauth/start, then send the window to Microsoft.
    {
        let dispatcher = state.dispatcher();
        let config = Rc::clone(config);
        let popup = Rc::clone(&popup);
        let starting = signing
            .as_ref()
            .filter(|s| s.phase == Phase::Starting)
            .map(|s| (s.id, s.organization.clone(), s.window));
        use_effect_on(starting.as_ref().map(|(id, ..)| *id), move |_| {
            let controller = starting.as_ref().and_then(|_| AbortController::new().ok());
            if let (Some((id, organization, window)), Some(controller)) =
                (starting, controller.clone())
            {
                let signal = controller.signal();
                spawn(async move {
                    let body = OAuthStartRequest {
                        organization: organization.map(|o| o.organization_url),
                        required_scopes: config.scopes.clone(),
                        login_hint: None,
                        return_to: (window == SignInWindow::ThisWindow)
                            .then(redirect::return_to)
                            .flatten(),
                    };
                    let result = api::oauth_start(&config, &body, &signal).await;
                    if signal.aborted() {
                        return;
                    }
                    match result {
                        Ok(started) => {
                            match window {
                                SignInWindow::Popup => {
                                    if let Some(window) = popup.borrow().as_ref() {
                                        popup::navigate(window, &started.authorize_url);
                                    }
                                }
                                SignInWindow::ThisWindow => {
                                    // The page is leaving: no poll from it, which could collect
                                    // the result just as the page unloads.
                                    if let Some(proxy) = redirect::proxy_key(&config.proxy_url) {
                                        redirect::leave(
                                            &started.flow,
                                            &proxy,
                                            &started.authorize_url,
                                        );
                                        return;
                                    }
                                }
                            }
                            dispatcher.dispatch(Action::SignIn(SignIn::Started {
                                id,
                                flow: started.flow,
                                authorize_url: started.authorize_url,
                            }));
                        }
                        Err(error) => report_failure(&dispatcher, id, &error),
                    }
                });
            }
            abort_on_cleanup(controller)
        });
    }

    // GET oauth/result until it is final. The result comes only from the proxy.
    {
        let dispatcher = state.dispatcher();
        let config = Rc::clone(config);
        let waiting = signing
            .as_ref()
            .and_then(|s| s.flow().map(|flow| (s.id, flow.to_owned())));
        use_effect_on(waiting, move |waiting| {
            let controller = waiting.as_ref().and_then(|_| AbortController::new().ok());
            if let (Some((id, flow)), Some(controller)) = (waiting.clone(), controller.clone()) {
                let signal = controller.signal();
                spawn(async move {
                    let mut misses = 0;
                    let action = loop {
                        let asked = js_sys::Date::now();
                        let result = api::oauth_result(&config, &flow, &signal).await;
                        if signal.aborted() {
                            return;
                        }
                        match result {
                            Ok(FlowResult::Pending) => {
                                misses = 0;
                                if js_sys::Date::now() - asked < f64::from(POLL_PAUSE_MS) {
                                    gloo_timers::future::TimeoutFuture::new(POLL_PAUSE_MS).await;
                                }
                            }
                            Ok(FlowResult::Connected(response)) => {
                                break Action::SignIn(SignIn::Connected {
                                    id,
                                    response,
                                    pick: config.select != Select::None,
                                })
                            }
                            Ok(FlowResult::ChooseOrganization(choice)) => {
                                break Action::SignIn(SignIn::Choose(id, choice))
                            }
                            Err(error) if error.is_transient() && misses < POLL_RETRIES => {
                                misses += 1;
                                gloo_timers::future::TimeoutFuture::new(POLL_PAUSE_MS * misses)
                                    .await;
                            }
                            Err(error) => match error.to_detail() {
                                Some((detail, scopes)) => break Action::Failed(id, detail, scopes),
                                None => return,
                            },
                        }
                        if signal.aborted() {
                            return;
                        }
                    };
                    dispatcher.dispatch(action);
                });
            }
            abort_on_cleanup(controller)
        });
    }

    // Notice the pop-up closing: the widget then offers to open it again, and keeps polling.
    {
        let dispatcher = state.dispatcher();
        let popup = Rc::clone(&popup);
        let watched = signing
            .as_ref()
            .filter(|s| s.window == SignInWindow::Popup && !s.window_closed)
            .map(|s| s.id);
        use_effect_on(watched, move |watched| {
            let interval = watched.map(|id| {
                gloo_timers::callback::Interval::new(CLOSED_POLL_MS, move || {
                    if popup.borrow().as_ref().is_none_or(popup::is_closed) {
                        dispatcher.dispatch(Action::SignIn(SignIn::WindowClosed(id)));
                    }
                })
            });
            move || drop(interval)
        });
    }
    popup
}

/// Moves focus along a Microsoft sign-in: to the heading of the wait and of the organization
/// picker when they appear, and back to "Sign in with Microsoft" when a sign-in was cancelled.
/// Returns the refs `(heading, sign-in button)`.
#[hook]
pub fn use_sign_in_focus(state: &UseReducerHandle<State>) -> (NodeRef, NodeRef) {
    let heading_ref = use_node_ref();
    let button_ref = use_node_ref();
    let previous = use_mut_ref(|| 0_u8);
    // 1: waiting for sign-in, 2: picking an organization, 0: anything else.
    let kind = match &state.screen {
        Screen::SigningIn(_) => 1_u8,
        Screen::ChoosingOrganization(_) => 2,
        _ => 0,
    };
    let failed = state.screen.failure().is_some();
    {
        let heading_ref = heading_ref.clone();
        let button_ref = button_ref.clone();
        use_effect_on(kind, move |&kind| {
            let was = std::mem::replace(&mut *previous.borrow_mut(), kind);
            let target = match kind {
                0 if was != 0 && !failed => button_ref.cast::<HtmlElement>(),
                0 => None,
                _ => heading_ref.cast::<HtmlElement>(),
            };
            if let Some(target) = target {
                let _ = target.focus();
            }
        });
    }
    (heading_ref, button_ref)
}
