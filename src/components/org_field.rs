//! The Organization field with its live canonical preview.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Strings;

/// Properties of [`org_field`].
#[derive(Debug, Clone, PartialEq)]
pub struct OrgFieldProps {
    /// The field's text.
    pub value: AttrValue,
    /// The canonical URL, when the input normalizes.
    pub preview: Option<AttrValue>,
    /// Why the input does not normalize, when that should be shown.
    pub error: Option<AttrValue>,
    /// Fixed (while changing the token of a connection).
    pub readonly: bool,
    /// May be left empty (Microsoft sign-in then lists the person's organizations).
    pub optional: bool,
    /// The words.
    pub strings: Strings,
    /// Called with the new text on every edit.
    pub on_input: Callback<String>,
}

/// The Organization field.
pub fn org_field(props: &OrgFieldProps) -> Html {
    let oninput = props
        .on_input
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let describedby = if props.error.is_some() {
        "org-hint org-error"
    } else {
        "org-hint org-preview"
    };
    html! {
        <div class="field" part="field organization">
            <label for="org">{ props.strings.get("org.label") }</label>
            <input
                id="org"
                name="organization"
                type="text"
                part="input"
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                value={props.value.clone()}
                readonly={props.readonly}
                aria-describedby={describedby}
                aria-invalid={if props.error.is_some() { "true" } else { "false" }}
                {oninput}
            />
            <p id="org-hint" class="hint">
                { props.strings.get("org.hint") }
                if props.optional {
                    { " " }{ props.strings.get("org.optional") }
                }
            </p>
            if let Some(error) = &props.error {
                <p id="org-error" class="invalid" part="error">{ error.clone() }</p>
            } else if let Some(url) = &props.preview {
                <p class="preview">
                    { props.strings.get("org.preview") }{ " " }
                    <output id="org-preview" for="org">{ url.clone() }</output>
                </p>
            }
        </div>
    }
}
