//! The alert for a failed verify: the message for its code, what to add, and when to retry.

use azdo_connect_core::ErrorCode;
use yew::prelude::*;

use crate::components::{scope_list, ScopeListProps};
use crate::i18n::Strings;
use crate::state::Failure;

/// Properties of [`failure_alert`].
#[derive(Debug, Clone, PartialEq)]
pub struct FailureAlertProps {
    /// What went wrong.
    pub failure: Failure,
    /// The words.
    pub strings: Strings,
    /// Called when "Try again" is pressed (only offered for transient failures).
    pub on_retry: Callback<()>,
    /// Receives focus when the alert appears.
    pub heading_ref: NodeRef,
    /// The proxy's origin, which `csp_blocked` tells the host to add to `connect-src`.
    pub proxy_origin: AttrValue,
}

/// The alert for a failed verify.
pub fn failure_alert(props: &FailureAlertProps) -> Html {
    let s = &props.strings;
    let detail = &props.failure.detail;
    let code = detail.code.as_str();
    let missing: Vec<String> = detail
        .missing_scopes
        .iter()
        .flatten()
        .map(|id| s.scope_label(id).to_owned())
        .collect();
    let retryable = matches!(
        detail.code,
        ErrorCode::RateLimited
            | ErrorCode::UpstreamUnavailable
            | ErrorCode::UpstreamTimeout
            | ErrorCode::ProxyUnreachable
    );
    let onclick = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <section id="error" class="alert" part="error" data-code={code} aria-labelledby="error-heading">
            <h3 id="error-heading" tabindex="-1" ref={props.heading_ref.clone()}>{ s.get("error.heading") }</h3>
            <p id="error-message">{ s.fill(&format!("error.{code}"), &[("origin", &props.proxy_origin)]) }</p>
            if !missing.is_empty() {
                <p id="error-missing">{ s.fill("error.missing_scopes.add", &[("scopes", &missing.join(", "))]) }</p>
            }
            { scope_list(&ScopeListProps {
                scopes: props.failure.scopes.clone(),
                strings: s.clone(),
            }) }
            if retryable {
                <div class="actions">
                    if let Some(seconds) = props.failure.retry_in.filter(|&n| n > 0) {
                        <p id="retry-wait" class="hint">{ s.fill("retry.wait", &[("seconds", &seconds.to_string())]) }</p>
                    } else {
                        <button id="retry" type="button" part="button" {onclick}>{ s.get("retry") }</button>
                    }
                </div>
            }
        </section>
    }
}
