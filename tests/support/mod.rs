//! Helpers shared by the browser tests: mount `<azdo-connect>`, reach into its open shadow root,
//! type like a person, and record the events it dispatches.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, EventInit, HtmlElement, HtmlInputElement, ShadowRoot};

/// The proxy the browser tests talk to (in front of the fake Azure DevOps), e.g.
/// `http://127.0.0.1:PORT/api/azdo`.
pub fn proxy_url() -> &'static str {
    // Read at compile time, so the browser test needs no way to see the environment.
    match option_env!("AZDO_CONNECT_TEST_PROXY_URL") {
        Some(url) => url,
        None => panic!(
            "AZDO_CONNECT_TEST_PROXY_URL is not set: run `cargo xtask test`, or start the proxy and \
             fake and set it to http://127.0.0.1:PORT/api/azdo when building the tests"
        ),
    }
}

/// The page's document.
pub fn document() -> Document {
    web_sys::window()
        .expect("window")
        .document()
        .expect("document")
}

/// Lets Yew render and the event loop turn once.
pub async fn settle() {
    yew::scheduler::flush().await;
    gloo_timers::future::TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
}

/// Settles until `done` holds, at most `turns` times; returns whether it held.
pub async fn settle_until(turns: u32, mut done: impl FnMut() -> bool) -> bool {
    for _ in 0..turns {
        if done() {
            return true;
        }
        yew::scheduler::flush().await;
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    done()
}

type Listener = Closure<dyn FnMut(Event)>;

/// Every event of the listened names, in order, as `(type, detail)`.
#[derive(Clone, Default)]
pub struct Recorder {
    events: Rc<RefCell<Vec<(String, JsValue)>>>,
    // Kept alive for as long as the recorder: dropping a Closure detaches the callback.
    _listeners: Rc<RefCell<Vec<Listener>>>,
}

impl Recorder {
    /// Records `names` dispatched on (or bubbling through) `target`.
    pub fn listen(target: &web_sys::EventTarget, names: &[&str]) -> Recorder {
        let recorder = Recorder::default();
        for name in names {
            let events = Rc::clone(&recorder.events);
            let closure = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
                let detail = e.unchecked_ref::<web_sys::CustomEvent>().detail();
                events.borrow_mut().push((e.type_(), detail));
            });
            target
                .add_event_listener_with_callback(name, closure.as_ref().unchecked_ref())
                .expect("listen");
            recorder._listeners.borrow_mut().push(closure);
        }
        recorder
    }

    /// The recorded event types, in order.
    pub fn names(&self) -> Vec<String> {
        self.events
            .borrow()
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// The details of every event named `name`.
    pub fn details(&self, name: &str) -> Vec<JsValue> {
        self.events
            .borrow()
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
            .collect()
    }

    /// How many events named `name` were recorded.
    pub fn count(&self, name: &str) -> usize {
        self.details(name).len()
    }

    /// Forgets what was recorded.
    pub fn clear(&self) {
        self.events.borrow_mut().clear();
    }
}

/// Creates `<azdo-connect>` with `attributes` (not yet in the document).
pub fn create(attributes: &[(&str, &str)]) -> HtmlElement {
    azdo_connect::define().expect("define");
    let element = document()
        .create_element(azdo_connect::TAG)
        .expect("create");
    for (name, value) in attributes {
        element.set_attribute(name, value).expect("set attribute");
    }
    element.unchecked_into()
}

/// Appends `element` to `<body>`.
pub fn attach(element: &HtmlElement) {
    document()
        .body()
        .expect("body")
        .append_child(element)
        .expect("append");
}

/// The element's open shadow root.
pub fn shadow(host: &HtmlElement) -> ShadowRoot {
    host.shadow_root().expect("an open shadow root")
}

/// The first element matching `selector` inside the shadow root, if any.
pub fn find(host: &HtmlElement, selector: &str) -> Option<Element> {
    shadow(host)
        .query_selector(selector)
        .expect("valid selector")
}

/// The text of the element matching `selector` inside the shadow root, if any.
pub fn text(host: &HtmlElement, selector: &str) -> Option<String> {
    find(host, selector).and_then(|e| e.text_content())
}

/// Types `value` into the input matching `selector` the way a browser reports it.
pub fn type_into(host: &HtmlElement, selector: &str, value: &str) {
    let input: HtmlInputElement = find(host, selector).expect("input").unchecked_into();
    input.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    let event = Event::new_with_event_init_dict("input", &init).expect("event");
    input.dispatch_event(&event).expect("dispatch");
}

/// Clicks the element matching `selector`.
pub fn click(host: &HtmlElement, selector: &str) {
    let element: HtmlElement = find(host, selector).expect("clickable").unchecked_into();
    element.click();
}

/// `detail[key]` as a string.
pub fn field(detail: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(detail, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

/// Whether `value` is a plain object (not a `Map`, not a class instance).
pub fn is_plain_object(value: &JsValue) -> bool {
    value.is_object()
        && js_sys::Object::get_prototype_of(value)
            == js_sys::Object::get_prototype_of(&js_sys::Object::new())
}

type ConsoleHook = Closure<dyn FnMut(JsValue, JsValue, JsValue, JsValue)>;

/// Replaces `console.{log,info,warn,error,debug}` with recorders until dropped.
pub struct ConsoleSpy {
    lines: Rc<RefCell<Vec<String>>>,
    console: JsValue,
    originals: Vec<(&'static str, JsValue)>,
    _hooks: Vec<ConsoleHook>,
}

impl ConsoleSpy {
    /// Starts recording everything written to the console.
    pub fn install() -> ConsoleSpy {
        let console = js_sys::Reflect::get(&js_sys::global(), &"console".into()).expect("console");
        let lines: Rc<RefCell<Vec<String>>> = Rc::default();
        let mut originals = Vec::new();
        let mut hooks = Vec::new();
        for method in ["log", "info", "warn", "error", "debug"] {
            let original = js_sys::Reflect::get(&console, &method.into()).expect("method");
            let lines = Rc::clone(&lines);
            let hook = ConsoleHook::new(move |a: JsValue, b: JsValue, c: JsValue, d: JsValue| {
                for value in [a, b, c, d].iter().filter(|v| !v.is_undefined()) {
                    let text = value
                        .as_string()
                        .or_else(|| js_sys::JSON::stringify(value).ok().map(String::from))
                        .unwrap_or_else(|| format!("{value:?}"));
                    lines.borrow_mut().push(text);
                }
            });
            js_sys::Reflect::set(&console, &method.into(), hook.as_ref()).expect("hook");
            originals.push((method, original));
            hooks.push(hook);
        }
        ConsoleSpy {
            lines,
            console,
            originals,
            _hooks: hooks,
        }
    }

    /// Whether anything written so far contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.lines.borrow().iter().any(|line| line.contains(needle))
    }
}

impl Drop for ConsoleSpy {
    fn drop(&mut self) {
        for (method, original) in &self.originals {
            let _ = js_sys::Reflect::set(&self.console, &(*method).into(), original);
        }
    }
}
