//! The Personal access token field: a password input with a show/hide toggle and a format hint,
//! and the token's optional expiry date.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Strings;

/// Properties of [`pat_field`].
#[derive(Debug, Clone, PartialEq)]
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
    /// The "Expires on" date (`2027-03-01`, or empty).
    pub expiry: AttrValue,
    /// Why the date can't be used, when it can't.
    pub expiry_error: Option<AttrValue>,
    /// Called with the new date (or empty) and whether it is before today.
    pub on_expiry: Callback<(String, bool)>,
}

/// The Personal access token field.
pub fn pat_field(props: &PatFieldProps) -> Html {
    let oninput = props
        .on_input
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let onclick = props.on_toggle.reform(|_: MouseEvent| ());
    // The browser's picker offers no past date, a typed one is refused here and by the proxy.
    // Dates compare as text in their `YYYY-MM-DD` form; "today" is UTC, as the proxy judges.
    let today = js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .and_then(|iso| iso.get(..10).map(str::to_owned))
        .unwrap_or_default();
    let on_expiry = {
        let today = today.clone();
        props.on_expiry.reform(move |e: Event| {
            let date = e.target_unchecked_into::<HtmlInputElement>().value();
            let past = !date.is_empty() && date < today;
            (date, past)
        })
    };
    let expiry_describedby = if props.expiry_error.is_some() {
        "pat-expiry-hint pat-expiry-error"
    } else {
        "pat-expiry-hint"
    };
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
            <label for="pat-expiry">{ s.get("pat.expiry.label") }</label>
            <input
                id="pat-expiry"
                name="expiresAt"
                type="date"
                part="input expiry"
                min={today}
                value={props.expiry.clone()}
                aria-describedby={expiry_describedby}
                aria-invalid={if props.expiry_error.is_some() { "true" } else { "false" }}
                onchange={on_expiry}
            />
            <p id="pat-expiry-hint" class="hint">{ s.get("pat.expiry.hint") }</p>
            if let Some(error) = &props.expiry_error {
                <p id="pat-expiry-error" class="invalid" part="error">{ error.clone() }</p>
            }
        </div>
    }
}
