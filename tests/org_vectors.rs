//! The core's organization vectors, run in the browser: the wasm32 build of
//! `normalize_organization` must agree with the native one on every vector.
#![cfg(target_arch = "wasm32")]

#[path = "../crates/core/tests/support/org_vectors.rs"]
mod org_vectors;

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn every_org_vector_passes_in_wasm() {
    let (passed, failures) = org_vectors::run_all();
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(passed > 0, "no vectors ran");
    assert!(org_vectors::error_case_count() > 0, "no error vectors ran");
}
