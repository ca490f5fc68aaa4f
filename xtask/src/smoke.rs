//! The smoke subset of the end-to-end suite, over plain W3C WebDriver, for engines other than
//! chromium: the widget becomes ready, previews an organization, connects, shows a connection
//! and works under a strict Content-Security-Policy. `e2e/*.test.mjs` covers the same ground in
//! depth in chromium; these scenarios use the same host pages (`e2e/pages/`) and fixture.
//!
//! Typing and clicking go through WebDriver's element commands on elements found in the widget's
//! open shadow root; small scripts only read what the host page recorded (`pages/host.js`).

use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::Result;

/// The fake's demo fixture (`crates/fake/src/demo.rs`): organization, user, full-access token.
const ORG: &str = "contoso";
const ORG_URL: &str = "https://dev.azure.com/contoso";
const USER: &str = "Dana Demo";
const FULL_TOKEN: &str = "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7";
/// What a person pastes from the browser's address bar: a repository page's URL.
const PASTED_URL: &str = "https://dev.azure.com/contoso/Fabrikam%20Fiber/_git/web";
/// The heading of the connected view.
const CONNECTED_HEADING: &str = "Connected to contoso as Dana Demo";

/// How long the wasm may take to load and the widget to render its form.
const LOAD: Duration = Duration::from_secs(60);
/// How long the widget may take to react to one action (a verify goes through proxy and fake).
const UI: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(100);

/// One smoke scenario; each engine runs all of them in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `azdo-ready` fires with a version, and the form renders.
    Ready,
    /// Typing an organization URL shows the normalized preview.
    Preview,
    /// Organization + token → Connect → `azdo-connected` with a credential, never the token.
    Connect,
    /// The connected view from a host's persisted attributes, and a confirmed Disconnect.
    Connected,
    /// `pages/strict.html`: a strict CSP with `'wasm-unsafe-eval'`; loads, styles, connects.
    StrictCsp,
}

impl Scenario {
    /// Every scenario, in the order they run.
    pub const ALL: [Scenario; 5] = [
        Scenario::Ready,
        Scenario::Preview,
        Scenario::Connect,
        Scenario::Connected,
        Scenario::StrictCsp,
    ];

    /// The scenario's name in the output and in screenshot file names.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Ready => "ready",
            Scenario::Preview => "preview",
            Scenario::Connect => "connect",
            Scenario::Connected => "connected-view",
            Scenario::StrictCsp => "strict-csp",
        }
    }

    /// Runs the scenario in `page`'s session, from a fresh navigation.
    pub async fn run(self, page: &Page<'_>) -> Result {
        match self {
            Scenario::Ready => ready(page).await,
            Scenario::Preview => preview(page).await,
            Scenario::Connect => connect(page).await,
            Scenario::Connected => connected_view(page).await,
            Scenario::StrictCsp => strict_csp(page).await,
        }
    }
}

async fn ready(page: &Page<'_>) -> Result {
    page.open("widget.html").await?;
    let ready = page.event("azdo-ready", 1).await?;
    let version = ready["detail"]["version"].as_str().unwrap_or_default();
    let numbers: Vec<_> = version.splitn(3, '.').collect();
    ensure(
        numbers.len() == 3 && numbers[..2].iter().all(|n| n.parse::<u32>().is_ok()),
        format!("azdo-ready's version is not semver: {ready}"),
    )?;
    ensure(
        ready["bubbles"] == true && ready["composed"] == true,
        format!("azdo-ready must bubble and be composed: {ready}"),
    )?;
    page.form_ready().await?;
    let defined = page
        .script(
            "return customElements.get('azdo-connect') !== undefined",
            vec![],
        )
        .await?;
    ensure(
        defined == true,
        "azdo-connect is not a defined custom element",
    )
}

async fn preview(page: &Page<'_>) -> Result {
    page.open("widget.html").await?;
    page.form_ready().await?;
    page.type_into("#org", PASTED_URL, false).await?;
    let shown = page.wait_text("#org-preview", ORG_URL).await?;
    ensure(
        shown == ORG_URL,
        format!("the preview shows {shown:?}, not {ORG_URL:?}"),
    )?;
    let kept = page.field_value("#org").await?;
    ensure(
        kept == PASTED_URL,
        format!("the field must keep what was typed, has {kept:?}"),
    )
}

async fn connect(page: &Page<'_>) -> Result {
    page.open("widget.html").await?;
    page.form_ready().await?;
    page.connect_with(FULL_TOKEN).await?;
    let connected = page.event("azdo-connected", 1).await?;
    check_connected(&connected)?;
    page.wait_text("#connected-heading", CONNECTED_HEADING)
        .await?;
    let surface = page.script(PAGE_SURFACE, vec![]).await?;
    ensure(
        !surface.to_string().contains(FULL_TOKEN),
        "the token is in the DOM, an attribute, a field, storage, the URL or an event",
    )
}

async fn connected_view(page: &Page<'_>) -> Result {
    page.open("widget.html?organization=contoso&connected-as=Dana%20Demo&verified-at=2026-11-23T08%3A00%3A00Z")
        .await?;
    let heading = page
        .wait_text("#connected-heading", CONNECTED_HEADING)
        .await?;
    ensure(
        heading.contains("2026-11-23"),
        format!("the heading does not say when: {heading:?}"),
    )?;
    ensure(
        page.script(&in_widget("return !!root.querySelector('#pat')"), vec![])
            .await?
            == false,
        "the connected view shows a token field",
    )?;
    page.element("#disconnect")
        .await?
        .click()
        .await
        .map_err(cmd("click Disconnect"))?;
    page.element("#confirm-disconnect")
        .await?
        .click()
        .await
        .map_err(cmd("click Yes, disconnect"))?;
    let disconnected = page.event("azdo-disconnected", 1).await?;
    ensure(
        disconnected["detail"] == json!({ "organization": ORG }),
        format!("azdo-disconnected's detail: {disconnected}"),
    )?;
    ensure(
        disconnected["cancelable"] == true,
        "azdo-disconnected must be cancelable",
    )?;
    page.form_ready().await
}

async fn strict_csp(page: &Page<'_>) -> Result {
    page.open("strict.html").await?;
    // The engine must really have been given the strict policy, or this proves nothing.
    let policy = page
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(location.href, { cache: 'no-store' })
               .then((r) => done(r.headers.get('content-security-policy')), (e) => done(String(e)));",
            vec![],
        )
        .await
        .map_err(cmd("read the page's Content-Security-Policy"))?;
    let policy = policy.as_str().unwrap_or_default();
    ensure(
        policy.contains("script-src 'self' 'wasm-unsafe-eval'")
            && !policy.contains("unsafe-inline")
            && !policy.contains("'unsafe-eval'"),
        format!("strict.html is not served with the strict policy: {policy:?}"),
    )?;
    page.form_ready().await?;
    // The adopted stylesheet applies (constructable sheets are not inline styles).
    let display = page
        .script(
            "return getComputedStyle(document.getElementById('widget')).display",
            vec![],
        )
        .await?;
    ensure(
        display == "block",
        format!("the widget's stylesheet did not apply (display: {display})"),
    )?;
    page.connect_with(FULL_TOKEN).await?;
    check_connected(&page.event("azdo-connected", 1).await?)?;
    let violations = page.script("return window.cspViolations", vec![]).await?;
    ensure(
        violations == json!([]),
        format!("CSP violations: {violations}"),
    )
}

/// What every `azdo-connected` must carry: who, where, a sealed credential and never the token.
fn check_connected(event: &Value) -> Result {
    let detail = &event["detail"];
    ensure(
        detail["organization"] == ORG
            && detail["organizationUrl"] == ORG_URL
            && detail["user"]["displayName"] == USER,
        format!("azdo-connected names the wrong connection: {detail}"),
    )?;
    let credential = detail["credential"].as_str().unwrap_or_default();
    // A JWE compact token has five dot-separated parts.
    ensure(
        credential.split('.').count() == 5,
        "azdo-connected's credential is not a JWE compact token",
    )?;
    ensure(
        !event.to_string().contains(FULL_TOKEN),
        "the token is in azdo-connected",
    )?;
    ensure(
        event["bubbles"] == true && event["composed"] == true,
        "azdo-connected must bubble and be composed",
    )
}

/// Everything a token could leak into on the page, as one string: the URL, the light and shadow
/// DOM with every attribute and field value, the recorded events, storage and cookies.
const PAGE_SURFACE: &str = "
    const parts = [location.href, document.documentElement.outerHTML, JSON.stringify(window.azdoEvents)];
    const walk = (root) => {
      for (const element of root.querySelectorAll('*')) {
        for (const attribute of element.attributes) parts.push(attribute.value);
        if ('value' in element && typeof element.value === 'string') parts.push(element.value);
        if (element.shadowRoot) {
          parts.push(element.shadowRoot.innerHTML);
          walk(element.shadowRoot);
        }
      }
    };
    walk(document);
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) parts.push(storage.key(i), storage.getItem(storage.key(i)));
    }
    parts.push(document.cookie);
    return parts.join('\\n');";

/// A script body with `root` bound to the widget's shadow root (null until it upgrades).
fn in_widget(body: &str) -> String {
    format!("const root = document.getElementById('widget')?.shadowRoot; if (!root) return null; {body}")
}

fn ensure(condition: bool, message: impl Into<String>) -> Result {
    if condition {
        Ok(())
    } else {
        Err(message.into())
    }
}

/// Names the WebDriver command that failed.
fn cmd(what: &'static str) -> impl Fn(CmdError) -> String {
    move |e| format!("{what}: {}", describe(&e))
}

/// A WebDriver error with its code: some drivers send an empty message.
fn describe(e: &CmdError) -> String {
    match e {
        CmdError::Standard(wd) => format!("{} ({})", wd.error(), wd.message),
        other => other.to_string(),
    }
}

/// One WebDriver session on the end-to-end host pages.
pub struct Page<'a> {
    /// The session.
    pub client: &'a Client,
    /// The pages' origin, e.g. `http://127.0.0.1:40123`.
    pub origin: &'a str,
}

impl Page<'_> {
    /// Navigates to `/pages/{path}`; the navigation clears what the previous page recorded.
    async fn open(&self, path: &str) -> Result {
        let url = format!("{}/pages/{path}", self.origin);
        self.client
            .goto(&url)
            .await
            .map_err(|e| format!("open {url}: {}", describe(&e)))
    }

    async fn script(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.client
            .execute(script, args)
            .await
            .map_err(|e| format!("script failed: {}\n{script}", describe(&e)))
    }

    /// Polls `script` until it returns something other than `null` or `false`, and returns that.
    async fn wait_for(
        &self,
        what: &str,
        limit: Duration,
        script: &str,
        args: Vec<Value>,
    ) -> Result<Value> {
        let deadline = Instant::now() + limit;
        loop {
            let value = self.script(script, args.clone()).await?;
            if !value.is_null() && value != false {
                return Ok(value);
            }
            if Instant::now() >= deadline {
                return Err(format!("waited {} s for {what}", limit.as_secs()));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the widget upgraded and rendered its form (the wasm loaded).
    async fn form_ready(&self) -> Result {
        self.wait_for(
            "the widget's form",
            LOAD,
            &in_widget("return root.querySelector('#org') !== null"),
            vec![],
        )
        .await
        .map(drop)
    }

    /// Waits for the `count`-th `azdo-*` event of `kind` the host page recorded.
    async fn event(&self, kind: &str, count: usize) -> Result<Value> {
        self.wait_for(
            &format!("event {kind} #{count}"),
            UI,
            "const seen = window.azdoEvents.filter((e) => e.type === arguments[0]);
             return seen.length >= arguments[1] ? seen[arguments[1] - 1] : null;",
            vec![json!(kind), json!(count)],
        )
        .await
    }

    /// Waits until the element `css` in the widget contains `text`, and returns its whole text.
    async fn wait_text(&self, css: &str, text: &str) -> Result<String> {
        let found = self
            .wait_for(
                &format!("{css} to say {text:?}"),
                UI,
                &in_widget(
                    "const t = root.querySelector(arguments[0])?.textContent.trim();
                     return t && t.includes(arguments[1]) ? t : null;",
                ),
                vec![json!(css), json!(text)],
            )
            .await?;
        Ok(found.as_str().unwrap_or_default().to_owned())
    }

    async fn field_value(&self, css: &str) -> Result<String> {
        let value = self
            .script(
                &in_widget("return root.querySelector(arguments[0])?.value ?? null"),
                vec![json!(css)],
            )
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The element `css` in the widget's shadow root, found through WebDriver's shadow-root
    /// commands once it is there.
    async fn element(&self, css: &str) -> Result<Element> {
        self.wait_for(
            css,
            UI,
            &in_widget("return root.querySelector(arguments[0]) !== null"),
            vec![json!(css)],
        )
        .await?;
        let host = self
            .client
            .find(Locator::Css("#widget"))
            .await
            .map_err(cmd("find #widget"))?;
        let root = host
            .shadow_root()
            .await
            .map_err(cmd("get #widget's shadow root"))?;
        root.find(Locator::Css(css))
            .await
            .map_err(|e| format!("find {css} in the shadow root: {}", describe(&e)))
    }

    /// Types `text` into the field `css` as key presses (Element Send Keys focuses the field
    /// first, as a click would; WebKitGTK 2.50's Element Click fails, with no message, on a text
    /// field in the widget's shadow root). A driver's message could echo the text, so for a
    /// `secret` only the error's code is reported.
    async fn type_into(&self, css: &str, text: &str, secret: bool) -> Result {
        let field = self.element(css).await?;
        field.send_keys(text).await.map_err(|e| match e {
            _ if !secret => format!("type into {css}: {}", describe(&e)),
            CmdError::Standard(e) => format!("type the token into {css}: {}", e.error()),
            _ => format!("type the token into {css}: the WebDriver request failed"),
        })
    }

    /// Fills in the demo organization and `token` and presses Connect, as a person would.
    async fn connect_with(&self, token: &str) -> Result {
        self.type_into("#org", ORG, false).await?;
        self.type_into("#pat", token, true).await?;
        self.element("#connect")
            .await?
            .click()
            .await
            .map_err(cmd("click Connect"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_e2e_readme_lists_every_scenario() {
        let readme =
            std::fs::read_to_string(crate::workspace_root().join("e2e/README.md")).unwrap();
        for scenario in Scenario::ALL {
            let row = format!("| `{}` |", scenario.name());
            assert!(readme.contains(&row), "e2e/README.md has no row {row}");
        }
    }
}
