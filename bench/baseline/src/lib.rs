//! The baseline for `cargo xtask bench tti`: the least a Yew page can be that still has a form,
//! one labelled input and one button, mounted on `<body>` when the module starts. It is built
//! with the workspace's release profile, `wasm-bindgen --target web` and `wasm-opt -Oz`, exactly
//! like the widget, so the ratio between the two is the cost of the widget itself.
#![deny(missing_docs)]

use yew::prelude::*;

/// One input and one button.
#[function_component]
pub fn Baseline() -> Html {
    html! {
        <form>
            <label for="name">{ "Name" }</label>
            <input id="name" type="text" />
            <button type="button">{ "Go" }</button>
        </form>
    }
}

/// Mounts [`Baseline`] when the module loads.
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<Baseline>::new().render();
}
