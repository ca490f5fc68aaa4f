//! The root component: wires the reducer to the screens' views, the proxy and the host's events.

use std::rc::Rc;

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::components::{ConnectForm, Connected, Picker};
use crate::config::{Config, Requirements};
use crate::state::{
    Action, ChangingToken, Connection, Failure, Fields, Form, Screen, State, Step, Verifying,
};
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

/// A callback that dispatches the action `make` builds from what a component reports.
fn callback<T: 'static>(
    state: &UseReducerHandle<State>,
    make: impl Fn(T) -> Action + 'static,
) -> Callback<T> {
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

    let s = &strings;
    // The form as the Form, Verifying and ChangingToken screens show it.
    let form = |fields: &Fields, failure: Option<&Failure>, step: Option<Step>, changing: bool| {
        html! {
            <ConnectForm
                fields={fields.clone()}
                failure={failure.cloned()}
                {step}
                {changing}
                scopes={config.scopes.clone()}
                requirements={Rc::clone(&props.requirements)}
                strings={s.clone()}
                proxy_origin={api::origin(&config.proxy_url)}
                error_ref={error_ref.clone()}
                on_org={callback(&state, Action::OrgInput)}
                on_pat={callback(&state, Action::PatInput)}
                on_toggle={callback(&state, |()| Action::ToggleReveal)}
                on_expiry={callback(&state, |(date, past)| Action::ExpiryInput { date, past })}
                on_submit={callback(&state, |()| Action::Submit)}
                on_retry={callback(&state, |()| Action::Submit)}
                on_cancel_change={callback(&state, |()| Action::CancelChange)}
            />
        }
    };
    let summary = |connection: &Connection, confirming: bool| {
        html! {
            <Connected
                connection={connection.clone()}
                {confirming}
                reconnect={config.reconnect.clone().map(AttrValue::from)}
                expires_at={config.expires_at.clone().map(AttrValue::from)}
                strings={s.clone()}
                heading_ref={success_ref.clone()}
                on_change_token={callback(&state, |()| Action::ChangeToken)}
                on_disconnect={callback(&state, |()| Action::Disconnect)}
                on_confirm={callback(&state, |()| Action::ConfirmDisconnect)}
                on_keep={callback(&state, |()| Action::KeepConnection)}
            />
        }
    };
    let body = match &state.screen {
        Screen::Form(Form { fields, failure }) => form(fields, failure.as_ref(), None, false),
        Screen::Verifying(Verifying {
            fields,
            request,
            changing,
        }) => form(fields, None, Some(request.step), changing.is_some()),
        Screen::ChangingToken(ChangingToken {
            form: Form { fields, failure },
            ..
        }) => form(fields, failure.as_ref(), None, true),
        Screen::Picking(picking) => html! {
            <>
            <p id="picker-connected" class="hint">
                { s.fill("success", &[("org", &picking.response.organization), ("name", &picking.response.user.display_name)]) }
            </p>
            <Picker
                select={config.select}
                list={picking.list.clone()}
                selection={picking.selection.clone()}
                strings={s.clone()}
                on_search={callback(&state, Action::PickerSearch)}
                on_more={callback(&state, |()| Action::PickerMore)}
                on_project={callback(&state, Action::ToggleProject)}
                on_repository={callback(&state, Action::ToggleRepository)}
                on_done={callback(&state, |()| Action::SelectionDone)}
            />
            </>
        },
        Screen::Connected(connected) => summary(&connected.connection, false),
        Screen::ConfirmingDisconnect(confirming) => summary(&confirming.connection, true),
    };

    html! {
        <div class="azdo" part="container" lang={strings.lang().tag()}>
            <h2 class="title">{ s.get("title") }</h2>
            { body }
        </div>
    }
}
