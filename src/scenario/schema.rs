//! The JSON Schema of the fixture format, generated from the Rust types so it cannot drift;
//! `fixtures/schema.json` is this output (a test keeps them equal).

use super::Fixture;

/// The schema as pretty JSON with a trailing newline, exactly as committed.
pub fn fixture_schema() -> String {
    let mut schema = schemars::schema_for!(Fixture);
    schema.insert(
        "title".into(),
        "hubspot-emulator fixture (seed state and scenarios)".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
