//! The per-scope checklist: granted, missing, or can't tell.

use azdo_connect_core::contract::{ScopeState, ScopeStatus};
use yew::prelude::*;

use crate::i18n::Strings;

/// Properties of [`scope_list`].
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeListProps {
    /// The scopes with what the proxy observed.
    pub scopes: Vec<ScopeStatus>,
    /// The words.
    pub strings: Strings,
}

/// The per-scope checklist.
pub fn scope_list(props: &ScopeListProps) -> Html {
    if props.scopes.is_empty() {
        return html! {};
    }
    html! {
        <div class="field">
            <h3 id="scopes-heading">{ props.strings.get("scopes.heading") }</h3>
            <ul class="scopes" part="scopes" aria-labelledby="scopes-heading">
                { for props.scopes.iter().map(|scope| {
                    let (class, key) = match scope.status {
                        ScopeState::Granted => ("granted", "scope.granted"),
                        ScopeState::Missing => ("missing", "scope.missing"),
                        ScopeState::Unknown => ("unknown", "scope.unknown"),
                    };
                    html! {
                        <li class={class} data-scope={scope.id.clone()}>
                            { scope.label.clone() }{ ": " }
                            <span class="state">{ props.strings.get(key) }</span>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
