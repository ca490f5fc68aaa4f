//! The connected summary: who, when, the token's expiry, what the host's health check found, the
//! checklist, and Change token / Disconnect.

use yew::prelude::*;

use crate::components::{scope_list, ScopeListProps};
use crate::health::{self, Expiry};
use crate::i18n::Strings;
use crate::state::Connection;

/// Properties of [`connected`].
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectedProps {
    /// The connection.
    pub connection: Connection,
    /// Whether to ask for confirmation of a disconnect.
    pub confirming: bool,
    /// The `reconnect` attribute: the error code the host's health check reported.
    pub reconnect: Option<AttrValue>,
    /// The `expires-at` attribute: the token's expiry the host stored.
    pub expires_at: Option<AttrValue>,
    /// The words.
    pub strings: Strings,
    /// Receives focus after a successful verify.
    pub heading_ref: NodeRef,
    /// "Change token".
    pub on_change_token: Callback<()>,
    /// "Sign in again": set for a Microsoft sign-in connection when the proxy offers sign-in;
    /// with `reconnect` it is the one primary action.
    pub on_sign_in_again: Option<Callback<()>>,
    /// "Disconnect".
    pub on_disconnect: Callback<()>,
    /// "Yes, disconnect".
    pub on_confirm: Callback<()>,
    /// "Cancel".
    pub on_keep: Callback<()>,
}

/// The connected summary.
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
    let reconnect = props.reconnect.as_deref();
    // The host's stored date wins over the one given in this session.
    let expiry = props
        .expires_at
        .as_deref()
        .or(c.expires_at.as_deref())
        .and_then(|text| expiry_text(s, text));
    // In reconnect mode one action leads: signing in again for a Microsoft sign-in connection,
    // otherwise a new token.
    let sign_in_again = reconnect.and(props.on_sign_in_again.as_ref());
    let change_class = if reconnect.is_some() && sign_in_again.is_none() {
        "primary"
    } else {
        ""
    };
    html! {
        <section id="connected" class={classes!("success", reconnect.map(|_| "attention"))} part="connected" aria-labelledby="connected-heading">
            <h3 id="connected-heading" tabindex="-1" ref={props.heading_ref.clone()}>
                { status }
                if let Some(verified) = verified {
                    <span class="hint" id="verified-at">{ verified }</span>
                }
            </h3>
            if let Some(code) = reconnect {
                <div id="reconnect" class="reconnect" part="reconnect" role="alert" data-code={code.to_owned()}>
                    <p><strong>{ s.get("reconnect.heading") }</strong></p>
                    <p id="reconnect-message">{ s.get(&health::reconnect_message_key(code)) }</p>
                </div>
            }
            if let Some((expiry, text)) = expiry {
                <p id="expiry" part="expiry" class={classes!("expiry", expiry.is_warning().then_some("warning"))}>{ text }</p>
            }
            { scope_list(&ScopeListProps {
                scopes: c.scopes.clone(),
                strings: s.clone(),
            }) }
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
                    if let Some(on_sign_in_again) = sign_in_again {
                        <button id="reconnect-sign-in" type="button" class="primary" part="button"
                            onclick={on_sign_in_again.reform(|_: MouseEvent| ())}>{ s.get("reconnect.sign_in") }</button>
                    }
                    <button id="change-token" type="button" class={change_class} part="button"
                        onclick={props.on_change_token.reform(|_: MouseEvent| ())}>{ s.get("connected.change") }</button>
                    <button id="disconnect" type="button" class="danger" part="button"
                        onclick={props.on_disconnect.reform(|_: MouseEvent| ())}>{ s.get("connected.disconnect") }</button>
                </div>
            }
        </section>
    }
}

/// How the token's expiry reads now, in the element's language: "Expires in 12 days", "Expires
/// today", "Expired on 1 March 2027". `None` when `text` is not a date.
fn expiry_text(s: &Strings, text: &str) -> Option<(Expiry, String)> {
    let parsed = js_sys::Date::parse(text.trim());
    let end = health::end_of(text, parsed)?;
    let expiry = Expiry::at(end, js_sys::Date::now());
    let tag = s.lang().tag();
    let words = match expiry {
        Expiry::Expired => {
            // The date as stored: a bare date is midnight UTC, so format it in UTC.
            let options = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"long".into());
            let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"UTC".into());
            let date = js_sys::Date::new(&parsed.into()).to_locale_date_string(tag, &options);
            s.fill("expiry.expired", &[("date", &String::from(date))])
        }
        Expiry::Soon(0) => s.get("expiry.today"),
        Expiry::Soon(days) | Expiry::Later(days) => {
            let locales = js_sys::Array::of1(&tag.into());
            let rules = js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new());
            // Only `one` differs from `other` for these counts in the built-in languages.
            let category = match String::from(rules.select(days as f64)).as_str() {
                "one" => "one",
                _ => "other",
            };
            s.fill(
                &format!("expiry.days.{category}"),
                &[("days", &days.to_string())],
            )
        }
    };
    Some((expiry, words))
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
