//! The JSON Schema of the fixture format, generated from the Rust types so it cannot drift;
//! `fixtures/schema.json` is this output (a test keeps them equal).

use super::Fixture;

/// The schema as pretty JSON with a trailing newline, exactly as committed.
pub fn fixture_schema() -> String {
    let schema = schemars::schema_for!(Fixture);
    let mut value = serde_json::to_value(&schema).unwrap_or_default();
    value["title"] = "hubspot-emulator fixture (seed state and scenarios)".into();
    drop_load_time_defaults(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// `createdAt`/`updatedAt` default to the time the fixture is loaded; schemars would write the
/// time of generation into the schema, which would then change on every run.
fn drop_load_time_defaults(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "createdAt" || key == "updatedAt" {
                    if let Some(property) = child.as_object_mut() {
                        property.remove("default");
                        property.insert(
                            "description".into(),
                            "Defaults to the time the fixture is loaded.".into(),
                        );
                    }
                }
                drop_load_time_defaults(child);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_load_time_defaults),
        _ => {}
    }
}
