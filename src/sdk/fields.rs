//! Checks a message's `data` against the catalogue: every required field present, every field of
//! its declared JSON type, nested objects (`objectCoordinates`, `sizeInfo`) field by field. Fields
//! the catalogue does not list are never judged: the SDK passes whatever the app gives it.

use serde_json::{Map, Value};

use super::catalogue::{Field, FieldType, MessageSpec};
use super::findings;
use super::message::kind;
use crate::webhook::{Finding, Severity};

/// The findings on `data` (absent: no payload) of a message of `spec`.
pub fn check(spec: &MessageSpec, data: Option<&Value>) -> Vec<Finding> {
    let mut found = Vec::new();
    let empty = Map::new();
    let fields = match data {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(fields)) => fields,
        Some(other) => {
            if spec.fields.is_empty() {
                return found;
            }
            let severity = spec
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::Warning);
            found.push(findings::data_not_an_object(spec, kind(other), severity));
            return found;
        }
    };
    check_object(spec, &[], spec.fields, fields, &mut found);
    found
}

fn check_object<'a>(
    spec: &MessageSpec,
    at: &[&'a str],
    declared: &'a [Field],
    fields: &Map<String, Value>,
    found: &mut Vec<Finding>,
) {
    for field in declared {
        let mut path = at.to_vec();
        path.push(field.name);
        match fields.get(field.name) {
            None | Some(Value::Null) if field.required => {
                found.push(findings::field_missing(spec, &path, field))
            }
            None | Some(Value::Null) => {}
            Some(value) => match (field.ty, value) {
                (FieldType::Object(nested), Value::Object(inner)) => {
                    check_object(spec, &path, nested, inner, found)
                }
                (ty, value) if !fits(ty, value) => {
                    found.push(findings::field_mistyped(spec, &path, field, &shown(value)))
                }
                _ => {}
            },
        }
    }
}

/// Does `value` have the JSON type `ty` asks for?
pub fn fits(ty: FieldType, value: &Value) -> bool {
    match ty {
        FieldType::Text => value.is_string(),
        FieldType::Number => value.is_number(),
        FieldType::Integer => is_whole(value),
        FieldType::Boolean => value.is_boolean(),
        FieldType::IntegerOrText => is_whole(value) || value.is_string(),
        FieldType::Choice(options) => value.as_str().is_some_and(|v| options.contains(&v)),
        FieldType::Object(_) => value.is_object(),
        FieldType::Any => true,
    }
}

fn is_whole(value: &Value) -> bool {
    value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0)
}

/// The value as a fix quotes it: `the string "12"`, `a number (12.5)`.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    let text = match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    };
    match value {
        Value::String(_) => format!("the string {text}"),
        Value::Array(_) | Value::Object(_) => kind(value).to_string(),
        _ => format!("{} ({text})", kind(value)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sdk::catalogue::from_app;

    fn codes(name: &str, data: Value) -> Vec<(String, String, Severity)> {
        check(from_app(name).unwrap(), Some(&data))
            .into_iter()
            .map(|f| (f.code, f.pointer, f.severity))
            .collect()
    }

    #[test]
    fn required_fields_and_types_are_judged_with_their_consequence() {
        assert_eq!(
            codes(
                "OUTGOING_CALL_STARTED",
                json!({"toNumber": 5, "createEngagement": true})
            ),
            [
                (
                    "field-missing".into(),
                    "/data/externalCallId".into(),
                    Severity::Error
                ),
                (
                    "field-mistyped".into(),
                    "/data/toNumber".into(),
                    Severity::Warning
                ),
            ]
        );
        assert_eq!(
            codes(
                "NAVIGATE_TO_RECORD",
                json!({"objectCoordinates": {"portalId": 1, "objectId": "7", "objectTypeId": "0-3"}})
            ),
            [
                (
                    "field-mistyped".into(),
                    "/data/objectCoordinates/objectId".into(),
                    Severity::Error
                ),
                (
                    "field-mistyped".into(),
                    "/data/objectCoordinates/objectTypeId".into(),
                    Severity::Error
                ),
            ]
        );
        assert!(codes(
            "CALL_COMPLETED",
            json!({"externalCallId": "c", "engagementId": "17"})
        )
        .is_empty());
        assert!(codes("CALL_DATA", json!([1, 2])).is_empty());
    }

    #[test]
    fn data_that_is_no_object_is_one_finding() {
        let found = check(from_app("INCOMING_CALL").unwrap(), Some(&json!("+1555")));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].pointer.as_str(), found[0].severity),
            ("/data", Severity::Error)
        );
        assert!(
            found[0].message.contains("a string"),
            "{}",
            found[0].message
        );
        // No data at all: each required field is missing.
        let missing = check(from_app("CALL_ANSWERED").unwrap(), None);
        assert_eq!(missing[0].code, "field-missing");
        assert_eq!(missing[0].severity, Severity::Warning);
        assert!(
            missing[0].message.contains("callAnswered"),
            "{}",
            missing[0].message
        );
    }
}
