//! How to create the token: a deep link, the exact scopes to tick, and token hygiene.

use std::rc::Rc;

use yew::prelude::*;

use crate::config::Requirements;
use crate::i18n::Strings;

/// Properties of [`guidance`].
#[derive(Debug, Clone, PartialEq)]
pub struct GuidanceProps {
    /// The canonical organization, once known, for the deep link.
    pub organization: Option<AttrValue>,
    /// The canonical organization URL, once known.
    pub organization_url: Option<AttrValue>,
    /// The scope ids the vendor requires.
    pub scopes: Vec<String>,
    /// The host's notes per scope, and whether it needs a full-access token.
    pub requirements: Rc<Requirements>,
    /// The words.
    pub strings: Strings,
}

/// How to create the token.
pub fn guidance(props: &GuidanceProps) -> Html {
    let s = &props.strings;
    let link = match (&props.organization, &props.organization_url) {
        (Some(org), Some(url)) => html! {
            <a id="tokens-link" href={format!("{url}/_usersSettings/tokens")} target="_blank" rel="noopener noreferrer">
                { s.fill("guide.open", &[("org", org)]) }
            </a>
        },
        _ => html! { { s.get("guide.open.generic") } },
    };
    html! {
        <details class="guide" part="guide">
            <summary>{ s.get("guide.heading") }</summary>
            <ol>
                <li>{ link }</li>
                if props.requirements.full_access {
                    <li id="full-access"><strong>{ s.get("guide.full") }</strong></li>
                } else if !props.scopes.is_empty() {
                    <li>
                        { s.get("guide.scopes") }
                        <ul id="required-scopes" class="scopes">
                            { for props.scopes.iter().map(|id| {
                                let label = s.scope_label(id).to_owned();
                                let note = props.requirements.notes.get(id).map(str::to_owned);
                                html! {
                                    <li class="unknown" data-scope={id.clone()}>
                                        { label }
                                        if let Some(note) = note {
                                            <span class="note">{ " \u{2014} " }{ note }</span>
                                        }
                                    </li>
                                }
                            }) }
                        </ul>
                    </li>
                }
                <li>{ s.get("guide.expiry") }</li>
                <li><strong>{ s.get("guide.once") }</strong></li>
                <li>{ s.get("guide.service") }</li>
                <li class="warning">{ s.get("guide.global") }</li>
            </ol>
        </details>
    }
}
