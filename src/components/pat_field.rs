//! The Personal access token field: a password input with a show/hide toggle and a format hint.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Strings;

/// Properties of [`PatField`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct PatFieldProps {
    /// The token. Set as the input's `value` property, never as an attribute.
    pub value: AttrValue,
    /// Whether the token is shown in clear.
    pub reveal: bool,
    /// What the token's format suggests, if anything.
    pub hint: Option<AttrValue>,
    /// The "required" message, when it should be shown.
    pub error: Option<AttrValue>,
    /// The words.
    pub strings: Strings,
    /// Called with the new text on every edit.
    pub on_input: Callback<String>,
    /// Called when show/hide is pressed.
    pub on_toggle: Callback<()>,
}

/// The Personal access token field.
#[function_component(PatField)]
pub fn pat_field(props: &PatFieldProps) -> Html {
    let oninput = props
        .on_input
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let onclick = props.on_toggle.reform(|_: MouseEvent| ());
    let s = &props.strings;
    let (toggle_text, toggle_label) = if props.reveal {
        (s.get("pat.hide"), s.get("pat.hide.label"))
    } else {
        (s.get("pat.show"), s.get("pat.show.label"))
    };
    let describedby = if props.error.is_some() {
        "pat-hint pat-error"
    } else {
        "pat-hint"
    };
    html! {
        <div class="field" part="field token">
            <label for="pat">{ s.get("pat.label") }</label>
            <div class="row">
                <input
                    id="pat"
                    name="token"
                    type={if props.reveal { "text" } else { "password" }}
                    part="input"
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    value={props.value.clone()}
                    aria-describedby={describedby}
                    aria-invalid={if props.error.is_some() { "true" } else { "false" }}
                    {oninput}
                />
                <button
                    id="pat-toggle"
                    type="button"
                    part="button"
                    aria-label={toggle_label}
                    aria-controls="pat"
                    aria-pressed={if props.reveal { "true" } else { "false" }}
                    {onclick}
                >{ toggle_text }</button>
            </div>
            <p id="pat-hint" class="hint">{ props.hint.clone().unwrap_or_default() }</p>
            if let Some(error) = &props.error {
                <p id="pat-error" class="invalid" part="error">{ error.clone() }</p>
            }
        </div>
    }
}
