//! The connected summary: who, when, the checklist, and Change token / Disconnect.

use yew::prelude::*;

use crate::components::ScopeList;
use crate::i18n::Strings;
use crate::state::Connection;

/// Properties of [`Connected`].
#[derive(Debug, Clone, PartialEq, Properties)]
pub struct ConnectedProps {
    /// The connection.
    pub connection: Connection,
    /// Whether to ask for confirmation of a disconnect.
    pub confirming: bool,
    /// The words.
    pub strings: Strings,
    /// Receives focus after a successful verify.
    pub heading_ref: NodeRef,
    /// "Change token".
    pub on_change_token: Callback<()>,
    /// "Disconnect".
    pub on_disconnect: Callback<()>,
    /// "Yes, disconnect".
    pub on_confirm: Callback<()>,
    /// "Cancel".
    pub on_keep: Callback<()>,
}

/// The connected summary.
#[function_component(Connected)]
pub fn connected(props: &ConnectedProps) -> Html {
    let s = &props.strings;
    let c = &props.connection;
    let status = s.fill(
        "connected.status",
        &[("org", &c.organization), ("name", &c.display_name)],
    );
    let verified = c.verified_at.as_ref().map(|when| {
        format!(
            " ({})",
            s.fill("connected.verified", &[("when", &display_time(when))])
        )
    });
    html! {
        <section id="connected" class="success" part="connected" aria-labelledby="connected-heading">
            <h3 id="connected-heading" tabindex="-1" ref={props.heading_ref.clone()}>
                { status }
                if let Some(verified) = verified {
                    <span class="hint" id="verified-at">{ verified }</span>
                }
            </h3>
            <ScopeList scopes={c.scopes.clone()} strings={s.clone()} />
            if props.confirming {
                <div class="field" role="group" aria-labelledby="confirm-text">
                    <p id="confirm-text">{ s.fill("disconnect.confirm", &[("org", &c.organization)]) }</p>
                    <div class="actions">
                        <button id="confirm-disconnect" type="button" class="danger" part="button"
                            onclick={props.on_confirm.reform(|_: MouseEvent| ())}>{ s.get("disconnect.yes") }</button>
                        <button id="keep-connection" type="button" part="button"
                            onclick={props.on_keep.reform(|_: MouseEvent| ())}>{ s.get("disconnect.no") }</button>
                    </div>
                </div>
            } else {
                <div class="actions">
                    <button id="change-token" type="button" part="button"
                        onclick={props.on_change_token.reform(|_: MouseEvent| ())}>{ s.get("connected.change") }</button>
                    <button id="disconnect" type="button" class="danger" part="button"
                        onclick={props.on_disconnect.reform(|_: MouseEvent| ())}>{ s.get("connected.disconnect") }</button>
                </div>
            }
        </section>
    }
}

/// `2026-11-23T08:00:00Z` → `2026-11-23 08:00 UTC`; anything else as given.
fn display_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(date), Some(time))
            if rfc3339.as_bytes().get(10) == Some(&b'T') && rfc3339.ends_with('Z') =>
        {
            format!("{date} {time} UTC")
        }
        (Some(date), Some(_)) if rfc3339.as_bytes().get(10) == Some(&b'T') => date.to_owned(),
        _ => rfc3339.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::display_time;

    #[test]
    fn times_are_shortened() {
        assert_eq!(display_time("2026-11-23T08:00:59Z"), "2026-11-23 08:00 UTC");
        assert_eq!(display_time("2026-11-23T08:00:59+01:00"), "2026-11-23");
        assert_eq!(display_time("yesterday"), "yesterday");
    }
}
