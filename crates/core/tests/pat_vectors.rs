//! Runs `vectors/pat.json` against `classify_pat` and `token_format_error`.

#[path = "support/pat_vectors.rs"]
mod pat_vectors;

#[test]
fn every_pat_vector_passes() {
    let (passed, failures) = pat_vectors::run_all();
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(passed >= 15, "only {passed} vectors");
}
