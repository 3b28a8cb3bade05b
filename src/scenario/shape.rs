//! One check serde cannot make: an array where the format has an object. Derived structs also
//! read a JSON array field by field (`["a", 1]` as `{"name": "a", "appId": 1}`), which would let
//! nonsense load and give errors at paths that name nothing in the document. The loader runs
//! this first, walking the document beside the fixture's JSON Schema (the one generated from the
//! types, see `schema`), and reports the first such array by its JSON path.

use std::sync::OnceLock;

use serde_json::Value;

use super::Fixture;

/// The path of the first array that stands where the format wants an object, if any.
pub fn misplaced_array(document: &Value) -> Option<String> {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    let schema = SCHEMA.get_or_init(|| {
        serde_json::to_value(schemars::schema_for!(Fixture)).unwrap_or(Value::Bool(true))
    });
    walk(document, schema, schema, "$")
}

fn walk(value: &Value, schema: &Value, root: &Value, path: &str) -> Option<String> {
    let alternatives = flatten(schema, root);
    match value {
        Value::Array(items) => {
            if !alternatives.iter().any(|s| allows(s, "array"))
                && alternatives.iter().any(|s| allows(s, "object"))
            {
                return Some(path.to_string());
            }
            let item_schemas: Vec<&Value> =
                alternatives.iter().filter_map(|s| s.get("items")).collect();
            items.iter().enumerate().find_map(|(index, item)| {
                let here = format!("{path}[{index}]");
                item_schemas
                    .iter()
                    .find_map(|schema| walk(item, schema, root, &here))
            })
        }
        Value::Object(members) => members.iter().find_map(|(key, member)| {
            let here = format!("{path}.{key}");
            alternatives
                .iter()
                .filter_map(|s| s.get("properties").and_then(|p| p.get(key)))
                .find_map(|schema| walk(member, schema, root, &here))
        }),
        _ => None,
    }
}

/// The schema with `$ref`s followed and `anyOf`/`oneOf`/`allOf` spread into alternatives.
fn flatten<'s>(schema: &'s Value, root: &'s Value) -> Vec<&'s Value> {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(reference, root).unwrap_or(&Value::Bool(true)),
        None => schema,
    };
    let mut all = vec![schema];
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(variants)) = schema.get(key) {
            all.extend(variants.iter().flat_map(|v| flatten(v, root)));
        }
    }
    all
}

fn resolve<'s>(reference: &str, root: &'s Value) -> Option<&'s Value> {
    root.pointer(reference.strip_prefix('#')?)
}

/// Whether a schema (without its alternatives) admits JSON values of `kind`. A schema that says
/// nothing of types (free JSON, such as an `api` step's `body`) admits everything.
fn allows(schema: &Value, kind: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == kind,
        Some(Value::Array(types)) => types.iter().any(|t| t == kind),
        _ => {
            let implied = match kind {
                "object" => schema.get("properties").is_some(),
                "array" => schema.get("items").is_some(),
                _ => false,
            };
            implied || is_unconstrained(schema)
        }
    }
}

fn is_unconstrained(schema: &Value) -> bool {
    match schema {
        Value::Bool(b) => *b,
        Value::Object(map) => ![
            "type",
            "properties",
            "items",
            "$ref",
            "anyOf",
            "oneOf",
            "allOf",
            "enum",
            "const",
        ]
        .iter()
        .any(|k| map.contains_key(*k)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arrays_where_objects_belong_are_found_by_path() {
        assert_eq!(misplaced_array(&json!([])), Some("$".into()));
        assert_eq!(
            misplaced_array(&json!({"apps": [["a", 1, null]]})),
            Some("$.apps[0]".into())
        );
        assert_eq!(
            misplaced_array(&json!({"portals": [{"portalId": 1, "users": [[2, 5]]}]})),
            Some("$.portals[0].users[0]".into())
        );
        assert_eq!(
            misplaced_array(
                &json!({"apps": [{"name": "a", "appId": 1, "channelConnection": ["u", true]}]})
            ),
            Some("$.apps[0].channelConnection".into())
        );
    }

    #[test]
    fn real_lists_and_free_json_are_left_alone() {
        let document = json!({
            "apps": [{"name": "a", "appId": 1, "accessTokenScopes": ["developers-read"]}],
            "portals": [{"portalId": 1, "users": [{"userId": 2}]}],
            "scenarios": [{"name": "s", "steps": [
                {"api": {"method": "POST", "path": "/x", "body": [1, [2], {"k": []}],
                         "expect": {"body": [[]]}}},
                {"fire": {"portalId": 1, "userId": 2, "expect": {"codes": ["x"], "displayedNames": []}}},
                {"probe": {"expect": {"accepted": ["legacy-only"]}}}
            ]}]
        });
        assert_eq!(misplaced_array(&document), None);
    }
}
