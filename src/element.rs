//! `<azdo-connect>`: the hand-over from the element class to Rust, and each element's lifetime.
//!
//! The class itself is the JavaScript snippet `element.js` (Rust cannot extend `HTMLElement`).
//! The wasm-bindgen glue imports it statically, so it defines the element before the wasm has
//! loaded; [`define`] then hands it `mount`, which returns an [`ElementHandle`] that owns the
//! Yew app for as long as the element is in the document. Attributes and properties set before
//! that are read when the element mounts.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use azdo_connect_core::contract::ErrorDetail;
use azdo_connect_core::ErrorCode;
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRoot};
use yew::AppHandle;

use crate::app::{App, AppProps};
use crate::config::{Config, Requirements, OBSERVED_ATTRIBUTES};
use crate::{events, js_value, style, Error, TextMap};

/// The element's tag name.
pub const TAG: &str = "azdo-connect";

#[wasm_bindgen(module = "/src/element.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = handOver)]
    fn hand_over(mount: &js_sys::Function) -> Result<bool, JsValue>;
}

thread_local! {
    static DEFINED: Cell<bool> = const { Cell::new(false) };
    // Every mounted element, so a panic can be reported on each of them.
    static LIVE: RefCell<Vec<HtmlElement>> = const { RefCell::new(Vec::new()) };
}

/// Makes `<azdo-connect>` work: defines it unless it is already defined, and mounts every
/// element on the page, present or future. Safe to call more than once.
///
/// # Errors
/// [`Error::Dom`] if the browser has no custom elements, or another script owns the tag.
pub fn define() -> Result<(), Error> {
    if DEFINED.with(|d| d.replace(true)) {
        return Ok(());
    }
    // Debug builds (the browser tests) chain to the hook already installed, the test harness's,
    // after reporting. A release build has only std's default hook there, which writes to a
    // stderr that wasm32-unknown-unknown discards: chaining to it would ship its formatting code
    // for nothing.
    #[cfg(debug_assertions)]
    let previous = std::panic::take_hook();
    yew::set_custom_panic_hook(Box::new(move |info| {
        report_panic(&info.to_string());
        #[cfg(debug_assertions)]
        previous(info);
    }));
    // Every element, present or future, mounts through it: it lives as long as the page.
    let mount =
        Closure::<dyn FnMut(HtmlElement, ShadowRoot) -> JsValue>::new(mount).into_js_value();
    hand_over(mount.unchecked_ref()).map_err(|e| {
        DEFINED.with(|d| d.set(false));
        Error::from(e)
    })?;
    Ok(())
}

fn mount(host: HtmlElement, shadow: ShadowRoot) -> JsValue {
    match ElementHandle::mount(host.clone(), shadow) {
        Ok(handle) => handle.into(),
        Err(e) => {
            web_sys::console::error_1(&format!("azdo-connect: could not mount: {e}").into());
            let detail = internal_error("The widget could not start.");
            let _ = events::dispatch(&host, events::ERROR, &detail, false);
            JsValue::UNDEFINED
        }
    }
}

fn internal_error(message: &str) -> ErrorDetail {
    ErrorDetail {
        code: ErrorCode::Internal,
        message: message.to_owned(),
        retry_after: None,
        missing_scopes: None,
    }
}

/// Reports a panic as `azdo-error` `{code: "internal"}` on every mounted element, and logs it.
///
/// The panic hook installed by [`define`] calls this; it is public so the browser tests can check
/// it without aborting their wasm instance. The token is a `Pat`, redacted in `Debug` and
/// `Display`, so a panic message cannot carry it.
#[doc(hidden)]
pub fn report_panic(message: &str) {
    web_sys::console::error_1(&format!("azdo-connect panicked: {message}").into());
    let hosts = LIVE.with(|live| live.try_borrow().map(|l| l.clone()).unwrap_or_default());
    let detail =
        internal_error("An internal error occurred in the widget. Reload the page to continue.");
    for host in hosts {
        let _ = events::dispatch(&host, events::ERROR, &detail, false);
    }
}

/// One mounted `<azdo-connect>`: owns its Yew app; freed by the element when it leaves the page.
#[wasm_bindgen]
pub struct ElementHandle {
    app: Option<AppHandle<App>>,
    props: AppProps,
}

impl ElementHandle {
    fn mount(host: HtmlElement, shadow: ShadowRoot) -> Result<ElementHandle, Error> {
        style::adopt(&shadow)?;
        let document = host
            .owner_document()
            .ok_or_else(|| Error::Dom("no document".to_owned()))?;
        // Yew clears its root, so it gets a dedicated child of the shadow root.
        let root = document.create_element("div")?;
        root.set_class_name("azdo-root");
        while let Some(child) = shadow.first_child() {
            shadow.remove_child(&child)?;
        }
        shadow.append_child(&root)?;
        let config = Config::from_attributes(
            OBSERVED_ATTRIBUTES
                .iter()
                .map(|name| (*name, host.get_attribute(name)))
                .collect::<Vec<_>>()
                .iter()
                .map(|(name, value)| (*name, value.as_deref())),
        );
        let strings = js_sys::Reflect::get(&host, &JsValue::from_str("strings"))
            .unwrap_or(JsValue::UNDEFINED);
        let requirements = js_sys::Reflect::get(&host, &JsValue::from_str("requirements"))
            .unwrap_or(JsValue::UNDEFINED);
        let props = AppProps {
            host: host.clone(),
            config: Rc::new(config),
            overrides: Rc::new(parse_strings(strings)),
            requirements: Rc::new(parse_requirements(requirements)),
        };
        let app = yew::Renderer::<App>::with_root_and_props(root, props.clone()).render();
        LIVE.with(|live| live.borrow_mut().push(host));
        Ok(ElementHandle {
            app: Some(app),
            props,
        })
    }

    fn update(&mut self) {
        if let Some(app) = self.app.as_mut() {
            app.update(self.props.clone());
        }
    }
}

#[wasm_bindgen]
impl ElementHandle {
    /// Called by the element for every change of an observed attribute.
    #[wasm_bindgen(js_name = attributeChanged)]
    pub fn attribute_changed(&mut self, name: &str, value: Option<String>) {
        let mut config = (*self.props.config).clone();
        config.set(name, value.as_deref());
        if config != *self.props.config {
            self.props.config = Rc::new(config);
            self.update();
        }
    }

    /// Called by the element when the host sets the `strings` property.
    #[wasm_bindgen(js_name = setStrings)]
    pub fn set_strings(&mut self, value: JsValue) {
        let overrides = parse_strings(value);
        if overrides != *self.props.overrides {
            self.props.overrides = Rc::new(overrides);
            self.update();
        }
    }

    /// Called by the element when the host sets the `requirements` property.
    #[wasm_bindgen(js_name = setRequirements)]
    pub fn set_requirements(&mut self, value: JsValue) {
        let requirements = parse_requirements(value);
        if requirements != *self.props.requirements {
            self.props.requirements = Rc::new(requirements);
            self.update();
        }
    }
}

impl Drop for ElementHandle {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        let host = &self.props.host;
        LIVE.with(|live| live.borrow_mut().retain(|h| h != host));
    }
}

/// Reads the `strings` property: an object of key → text; anything else means no overrides,
/// with a console warning.
fn parse_strings(value: JsValue) -> TextMap {
    read_property("strings", value)
}

/// Reads the `requirements` property; anything unreadable means none, with a console warning.
fn parse_requirements(value: JsValue) -> Requirements {
    read_property("requirements", value)
}

/// An object property the host set, read by `T`'s serde derive: unset (`undefined`/`null`) or
/// unreadable means the default, the latter with a console warning saying why. An array is
/// refused even where every member is optional: it is a mistake, not an empty object.
fn read_property<T: Default + serde::de::DeserializeOwned>(property: &str, value: JsValue) -> T {
    if value.is_undefined() || value.is_null() {
        return T::default();
    }
    let read = if js_sys::Array::is_array(&value) || !value.is_object() {
        Err("not an object".to_owned())
    } else {
        js_value::from_js(value)
    };
    read.unwrap_or_else(|why| {
        ignoring(property, &why);
        T::default()
    })
}

/// Tells the host developer why a property they set has no effect.
fn ignoring(property: &str, why: &str) {
    web_sys::console::warn_1(&format!("azdo-connect: ignoring `{property}`: {why}").into());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shim_is_csp_friendly() {
        let js = include_str!("element.js");
        for banned in [
            "eval(",
            "new Function",
            "innerHTML",
            "document.write",
            "setTimeout(\"",
        ] {
            assert!(!js.contains(banned), "element.js uses {banned}");
        }
        assert!(js.contains(r#"attachShadow({ mode: "open" })"#));
    }

    #[test]
    fn the_stylesheet_fetches_nothing() {
        assert!(!style::CSS.contains("@import") && !style::CSS.contains("url("));
        assert!(style::CSS.contains(":host([hidden])"));
        assert!(style::CSS.contains("prefers-color-scheme"));
    }

    /// The quoted strings of the `const ATTRIBUTES = [...]` list in `element.js`.
    fn snippet_attributes() -> Vec<String> {
        let js = include_str!("element.js");
        let list = js
            .split_once("const ATTRIBUTES = [")
            .and_then(|(_, rest)| rest.split_once("];"))
            .expect("element.js declares `const ATTRIBUTES = [...];`")
            .0;
        list.split(',')
            .map(|item| item.trim().trim_matches('"').to_owned())
            .filter(|item| !item.is_empty())
            .collect()
    }

    #[test]
    fn the_class_observes_the_attributes_rust_reads() {
        // The class is defined before the wasm loads, so it keeps its own copy of the list.
        assert_eq!(snippet_attributes(), OBSERVED_ATTRIBUTES);
    }

    /// The attribute's property name: `proxy-url` → `proxyUrl`.
    fn camel(attribute: &str) -> String {
        let mut parts = attribute.split('-');
        let first = parts.next().unwrap_or_default().to_owned();
        parts.fold(first, |mut name, part| {
            let mut chars = part.chars();
            if let Some(c) = chars.next() {
                name.extend(c.to_uppercase());
                name.push_str(chars.as_str());
            }
            name
        })
    }

    #[test]
    fn the_custom_elements_manifest_matches_the_element() {
        let manifest: serde_json::Value =
            serde_json::from_str(include_str!("../packaging/custom-elements.json"))
                .expect("custom-elements.json is JSON");
        let element = manifest["modules"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|module| module["declarations"].as_array().into_iter().flatten())
            .find(|declaration| declaration["tagName"] == TAG)
            .expect("the manifest declares <azdo-connect>");
        let names = |list: &str, key: &str| -> Vec<String> {
            element[list]
                .as_array()
                .into_iter()
                .flatten()
                .map(|item| item[key].as_str().unwrap_or_default().to_owned())
                .collect()
        };

        assert_eq!(names("attributes", "name"), OBSERVED_ATTRIBUTES);
        let properties: Vec<String> = OBSERVED_ATTRIBUTES.iter().map(|a| camel(a)).collect();
        assert_eq!(names("attributes", "fieldName"), properties);
        let mut members = properties.clone();
        members.extend(["strings".to_owned(), "requirements".to_owned()]);
        assert_eq!(names("members", "name"), members);
        assert_eq!(
            names("events", "name"),
            [
                events::READY,
                events::VERIFYING,
                events::CONNECTED,
                events::ERROR,
                events::DISCONNECTED,
                events::SELECTION_CHANGED,
            ]
        );
    }

    #[test]
    fn every_observed_attribute_is_configurable() {
        // Each attribute either changes the config or is styled by CSS (`theme`).
        for name in OBSERVED_ATTRIBUTES {
            let mut config = Config::default();
            // Any text sets most; `method` takes only its two values.
            config.set(
                name,
                Some(if name == "method" {
                    "entra"
                } else {
                    "projects"
                }),
            );
            assert!(
                config != Config::default() || name == "theme",
                "{name} is observed but ignored"
            );
        }
    }
}
