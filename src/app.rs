//! The root component: wires the reducer to the screens' views, the proxy and the host's events.

use std::rc::Rc;

use web_sys::HtmlElement;
use yew::prelude::*;
use yew::virtual_dom::VList;

use azdo_connect_core::contract::Method;

use crate::components::{
    connect_form, connected, organization_choice, picker, sign_in_choice, signing_in_view,
    ConnectFormProps, ConnectedProps, OrganizationChoiceProps, PickerProps, SignInChoiceProps,
    SigningInViewProps, Waiting,
};
use crate::config::{Config, Requirements};
use crate::state::{
    Action, ChangingToken, Connection, Failure, Fields, Form, Phase, Screen, SignIn, SignInWindow,
    State, Step, Verifying,
};
use crate::TextMap;
use crate::{api, hooks, popup};

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

/// A callback that dispatches the action `make` builds from what a view reports.
///
/// `make` is a function pointer, not a closure type: the callback's code is compiled once per
/// type of value rather than once per call site.
fn callback<T: 'static>(state: &UseReducerHandle<State>, make: fn(T) -> Action) -> Callback<T> {
    let dispatcher = state.dispatcher();
    Callback::from(move |value: T| dispatcher.dispatch(make(value)))
}

/// The widget.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let config = Rc::clone(&props.config);
    let state = use_reducer(|| State::new(config.allowed_servers.clone()));
    hooks::use_ready(&props.host);
    hooks::use_outbox(&state, &props.host);
    let strings = hooks::use_host_sync(&state, &config, &props.overrides);
    hooks::use_verify(&state, &config);
    hooks::use_picker_pages(&state, &config);
    hooks::use_countdown(&state);
    let (error_ref, success_ref) = hooks::use_outcome_focus(&state);
    let popup_slot = hooks::use_sign_in(&state, &config);
    let (heading_ref, sign_in_ref) = hooks::use_sign_in_focus(&state);

    // The pop-up opens here, synchronously in the click (or Enter) handler: pop-up blockers
    // allow it only during the user activation, which an `await` could outlive.
    let on_sign_in = {
        let state = state.clone();
        let popup_slot = popup_slot.clone();
        Callback::from(move |()| {
            let ready =
                matches!(&state.screen, Screen::Form(form) if form.sign_in_target().is_some());
            let action = if !ready {
                // The reducer shows what is wrong with the organization.
                SignIn::Start(SignInWindow::Popup)
            } else if let Some(window) = popup::open("") {
                *popup_slot.borrow_mut() = Some(window);
                SignIn::Start(SignInWindow::Popup)
            } else {
                SignIn::PopupBlocked
            };
            state.dispatch(Action::SignIn(action));
        })
    };
    // "Sign in again" in reconnect mode: the same synchronous pop-up, for the connection's
    // organization.
    let on_sign_in_again = {
        let state = state.clone();
        let popup_slot = popup_slot.clone();
        Callback::from(move |()| {
            let action = match popup::open("") {
                Some(window) => {
                    *popup_slot.borrow_mut() = Some(window);
                    SignIn::Start(SignInWindow::Popup)
                }
                None => SignIn::PopupBlocked,
            };
            state.dispatch(Action::SignIn(action));
        })
    };
    let on_reopen = {
        let state = state.clone();
        let popup_slot = popup_slot.clone();
        Callback::from(move |()| {
            let Screen::SigningIn(signing) = &state.screen else {
                return;
            };
            if let Some(window) = signing.authorize_url().and_then(popup::open) {
                *popup_slot.borrow_mut() = Some(window);
                state.dispatch(Action::SignIn(SignIn::WindowReopened(signing.id)));
            }
        })
    };
    let sign_in = |action: SignIn| {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::SignIn(action.clone())))
    };

    let s = &strings;
    // The form as the Form, Verifying and ChangingToken screens show it.
    let form = |fields: &Fields,
                failure: Option<&Failure>,
                step: Option<Step>,
                changing: bool,
                on_use_sign_in: Option<Callback<()>>| {
        connect_form(&ConnectFormProps {
            fields: fields.clone(),
            failure: failure.cloned(),
            step,
            changing,
            scopes: config.scopes.clone(),
            requirements: Rc::clone(&props.requirements),
            strings: s.clone(),
            proxy_origin: api::origin(&config.proxy_url).into(),
            error_ref: error_ref.clone(),
            on_org: callback(&state, Action::OrgInput),
            on_pat: callback(&state, Action::PatInput),
            on_toggle: callback(&state, |()| Action::ToggleReveal),
            on_expiry: callback(&state, |(date, past)| Action::ExpiryInput { date, past }),
            on_submit: callback(&state, |()| Action::Submit),
            on_retry: callback(&state, |()| Action::Submit),
            on_cancel_change: callback(&state, |()| Action::CancelChange),
            on_use_sign_in,
        })
    };
    let summary = |connection: &Connection, confirming: bool| {
        let entra = connection.method == Method::Entra || config.method == Some(Method::Entra);
        let on_sign_in_again = (entra && state.sign_in_offered()).then(|| on_sign_in_again.clone());
        connected(&ConnectedProps {
            connection: connection.clone(),
            confirming,
            reconnect: config.reconnect.clone().map(AttrValue::from),
            expires_at: config.expires_at.clone().map(AttrValue::from),
            strings: s.clone(),
            heading_ref: success_ref.clone(),
            on_change_token: callback(&state, |()| Action::ChangeToken),
            on_sign_in_again,
            on_disconnect: callback(&state, |()| Action::Disconnect),
            on_confirm: callback(&state, |()| Action::ConfirmDisconnect),
            on_keep: callback(&state, |()| Action::KeepConnection),
        })
    };
    let body: (&'static str, Html) = match &state.screen {
        Screen::Form(Form { fields, failure }) if state.method() == Method::Entra => (
            "sign-in-choice",
            sign_in_choice(&SignInChoiceProps {
                fields: fields.clone(),
                failure: failure.clone(),
                strings: s.clone(),
                proxy_origin: api::origin(&config.proxy_url).into(),
                error_ref: error_ref.clone(),
                button_ref: sign_in_ref.clone(),
                on_org: callback(&state, Action::OrgInput),
                on_sign_in: on_sign_in.clone(),
                on_this_window: sign_in(SignIn::Start(SignInWindow::ThisWindow)),
                on_use_pat: sign_in(SignIn::UseMethod(Method::Pat)),
            }),
        ),
        Screen::Form(Form { fields, failure }) => {
            let switch = state
                .sign_in_offered()
                .then(|| sign_in(SignIn::UseMethod(Method::Entra)));
            (
                "connect-form",
                form(fields, failure.as_ref(), None, false, switch),
            )
        }
        Screen::Verifying(Verifying {
            fields,
            request,
            changing,
        }) => (
            "connect-form",
            form(fields, None, Some(request.step), changing.is_some(), None),
        ),
        Screen::ChangingToken(ChangingToken {
            form: Form { fields, failure },
            ..
        }) => (
            "connect-form",
            form(fields, failure.as_ref(), None, true, None),
        ),
        Screen::SigningIn(signing) => {
            let waiting = match (signing.window, &signing.phase) {
                (SignInWindow::Popup, _) => Waiting::Popup,
                (
                    SignInWindow::ThisWindow,
                    Phase::Waiting {
                        authorize_url: None,
                        ..
                    },
                ) => Waiting::Returning,
                (SignInWindow::ThisWindow, _) => Waiting::Leaving,
            };
            let view = signing_in_view(&SigningInViewProps {
                organization: signing
                    .organization
                    .as_ref()
                    .map(|o| AttrValue::from(o.organization.clone())),
                waiting,
                window_closed: signing.window_closed,
                can_reopen: signing.authorize_url().is_some(),
                strings: s.clone(),
                heading_ref: heading_ref.clone(),
                on_cancel: sign_in(SignIn::Cancel),
                on_reopen: on_reopen.clone(),
            });
            ("signing-in", view)
        }
        Screen::ChoosingOrganization(choosing) => (
            "organization-choice",
            organization_choice(&OrganizationChoiceProps {
                organizations: choosing.organizations.clone(),
                typed: choosing.typed.clone(),
                pending: choosing
                    .pending
                    .as_ref()
                    .map(|c| AttrValue::from(c.organization.clone())),
                failure: choosing.failure.clone(),
                strings: s.clone(),
                heading_ref: heading_ref.clone(),
                error_ref: error_ref.clone(),
                on_pick: callback(&state, |name| Action::SignIn(SignIn::Pick(name))),
                on_org: callback(&state, Action::OrgInput),
                on_submit: callback(&state, |()| Action::Submit),
                on_cancel: sign_in(SignIn::Cancel),
            }),
        ),
        Screen::Picking(picking) => (
            "picker",
            html! {
                <>
                <p id="picker-connected" class="hint">
                    { s.fill("success", &[("org", &picking.response.organization), ("name", &picking.response.user.display_name)]) }
                </p>
                { picker(&PickerProps {
                    select: config.select,
                    list: picking.list.clone(),
                    selection: picking.selection.clone(),
                    strings: s.clone(),
                    on_search: callback(&state, Action::PickerSearch),
                    on_more: callback(&state, |()| Action::PickerMore),
                    on_project: callback(&state, Action::ToggleProject),
                    on_repository: callback(&state, Action::ToggleRepository),
                    on_done: callback(&state, |()| Action::SelectionDone),
                }) }
                </>
            },
        ),
        Screen::Connected(connected) => ("connected", summary(&connected.connection, false)),
        Screen::ConfirmingDisconnect(confirming) => {
            ("connected", summary(&confirming.connection, true))
        }
    };
    // Each view under its own key in a keyed list: when the screen changes to another view, Yew
    // replaces the old view's DOM instead of patching it into the new one (as it did when each
    // view was a component of its own type), so no element, focus or typed text carries over
    // between views.
    let (key, view) = body;
    let body = VList::with_children(vec![html! { <key={key}>{ view }</> }], None);

    html! {
        <div class="azdo" part="container" lang={strings.lang().tag()}>
            <h2 class="title">{ s.get("title") }</h2>
            { body }
        </div>
    }
}
