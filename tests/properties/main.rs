//! Property tests (proptest): generated inputs against the emulator's pure parts.
//!
//! The example-based suites (`tests/api`, the unit tests) pin the behaviour someone thought of;
//! these look for the inputs nobody thought of. Each module states the property it checks:
//!
//! - `validator`: any reply (bytes, JSON, phone-number-shaped JSON, any status and content type)
//!   gets a verdict with well-formed findings and a consistent number picker, and never a panic.
//! - `fixtures`: any fixture document loads or is refused with a location that points into it.
//! - `signing`: signatures are deterministic, well-formed, and v3 depends on every input byte.
//! - `inbound_request`: an inbound-call body reads the same read directly (a well-formed one) or
//!   field by field (the reading that names every problem).
//! - `crm_indexes`: lookups through the CRM's indexes (caller-ID numbers, unique values such as
//!   email) answer as reading every record does, whatever writes came before.
//! - `store_model`: any sequence of API operations leaves the store as a simple model says.
//!
//! Failures are shrunk by proptest and the failing seed is saved under
//! `tests/properties/regressions/<module>.txt`, which later runs replay first; commit such a
//! file together with the fix it motivated.

mod crm_indexes;
mod fixtures;
mod inbound_request;
mod json;
mod signing;
mod store_model;
mod validator;

use proptest::test_runner::{Config, FileFailurePersistence};

/// The shared configuration: `cases` per property, regressions persisted per module.
///
/// The paths are relative to the package root, which is where `cargo test` runs test binaries.
/// `PROPTEST_CASES` overrides `cases`, for a longer hunt than the default run can afford.
pub fn config(cases: u32, regressions: &'static str) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..Config::default()
    }
}
