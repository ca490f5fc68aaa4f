//! Runs `vectors/org.json` against `normalize_organization` (see `support/org_vectors.rs`).

#[path = "support/org_vectors.rs"]
mod org_vectors;

#[test]
fn every_org_vector_passes() {
    let (passed, failures) = org_vectors::run_all();
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(passed >= 100, "only {passed} vectors");
    assert!(org_vectors::error_case_count() >= 35);
}
