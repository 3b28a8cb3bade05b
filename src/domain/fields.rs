//! The field rules of HubSpot's request schemas, and one validator that applies them to a raw
//! body. It reports every problem at once (each in `errors[]` with `in` naming the field),
//! rather than stopping at the first as a plain serde parse would.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::invalid::{ErrorDetail, Invalid};
use super::plain_words::{plain_serde_message, without_position};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    String,
    Boolean,
    Int32,
    /// A size in pixels: an int32 of 0 or more (the iframe's `height` and `width`).
    Pixels,
}

impl FieldKind {
    fn describe(self) -> &'static str {
        match self {
            FieldKind::String => "a string",
            FieldKind::Boolean => "a boolean (true or false)",
            FieldKind::Int32 => "a 32-bit integer",
            FieldKind::Pixels => "a whole number of pixels",
        }
    }
}

/// One property of a request schema. `required` applies to create (POST); a PATCH requires none.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

impl FieldSpec {
    pub const fn required(name: &'static str, kind: FieldKind) -> Self {
        Self {
            name,
            kind,
            required: true,
        }
    }

    pub const fn optional(name: &'static str, kind: FieldKind) -> Self {
        Self {
            name,
            kind,
            required: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Create,
    Patch,
}

/// What a validator needs to know about a request schema to explain itself.
pub struct Schema {
    /// HubSpot's schema name, e.g. `ChannelConnectionSettingsRequest`.
    pub name: &'static str,
    pub fields: &'static [FieldSpec],
    /// A valid body, shown in messages so the fix is one copy away.
    pub example: &'static str,
}

/// Parses `body` against `schema` and deserializes it into `T` (a struct of `Option`s).
pub fn parse_body<T: DeserializeOwned>(
    body: &[u8],
    schema: &Schema,
    mode: Mode,
) -> Result<T, Invalid> {
    let object = parse_object(body, schema)?;
    let object = check_fields(object, schema, mode)?;
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        Invalid::Body(format!(
            "Invalid input for {}: {}",
            schema.name,
            plain_serde_message(&e.to_string())
        ))
    })
}

/// `body` as a JSON object, or why not (empty, not JSON with the line and column, not an
/// object), each message showing `schema`'s example.
pub(crate) fn parse_object(body: &[u8], schema: &Schema) -> Result<Map<String, Value>, Invalid> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Invalid::Body(format!(
            "The request body is empty. Send a JSON {} such as {}",
            schema.name, schema.example
        )));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Invalid::Body(format!(
            "Invalid input JSON on line {}, column {}: {}. Send a JSON {} such as {}",
            e.line(),
            e.column(),
            without_position(&e.to_string()),
            schema.name,
            schema.example
        ))
    })?;
    match value {
        Value::Object(object) => Ok(object),
        other => Err(Invalid::Body(format!(
            "The request body must be a JSON object ({}), got {}. Example: {}",
            schema.name,
            describe_value(&other),
            schema.example
        ))),
    }
}

fn check_fields(
    object: Map<String, Value>,
    schema: &Schema,
    mode: Mode,
) -> Result<Map<String, Value>, Invalid> {
    let mut errors = Vec::new();
    let mut accepted = Map::new();
    for (key, value) in object {
        let Some(spec) = schema.fields.iter().find(|f| f.name == key) else {
            errors.push(unknown_field(&key, schema));
            continue;
        };
        // JSON null means "not given": generated clients may send it for unset optionals.
        if value.is_null() {
            continue;
        }
        match check_kind(spec, &value) {
            Ok(()) => {
                accepted.insert(key, value);
            }
            Err(detail) => errors.push(detail),
        }
    }
    if mode == Mode::Create {
        for spec in schema.fields.iter().filter(|f| f.required) {
            if !accepted.contains_key(spec.name) && !errors.iter().any(|e| e.field == spec.name) {
                errors.push(ErrorDetail::new(
                    spec.name,
                    "REQUIRED",
                    format!(
                        "`{}` is required ({}) in {}",
                        spec.name,
                        spec.kind.describe(),
                        schema.name
                    ),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(accepted)
    } else {
        Err(Invalid::Fields(errors))
    }
}

fn unknown_field(key: &str, schema: &Schema) -> ErrorDetail {
    let known: Vec<&str> = schema.fields.iter().map(|f| f.name).collect();
    let closest = known
        .iter()
        .map(|name| (strsim::jaro_winkler(key, name), *name))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let hint = match closest {
        Some((_, name)) => format!(" Did you mean `{name}`?"),
        None => String::new(),
    };
    ErrorDetail::new(
        key,
        "UNKNOWN_FIELD",
        format!(
            "`{key}` is not a property of {}; its properties are {}.{hint}",
            schema.name,
            known.join(", ")
        ),
    )
}

fn check_kind(spec: &FieldSpec, value: &Value) -> Result<(), ErrorDetail> {
    let ok = match spec.kind {
        FieldKind::String => value.is_string(),
        FieldKind::Boolean => value.is_boolean(),
        FieldKind::Pixels => match value.as_i64() {
            Some(n) if (0..=i64::from(i32::MAX)).contains(&n) => true,
            Some(n) => {
                return Err(ErrorDetail::new(
                    spec.name,
                    "INVALID_INTEGER",
                    format!(
                        "`{}` is the calling window's size in pixels: 0 to {}, got {n}",
                        spec.name,
                        i32::MAX
                    ),
                ))
            }
            None => false,
        },
        FieldKind::Int32 => match value.as_i64() {
            Some(n) if i32::try_from(n).is_ok() => true,
            Some(n) => {
                return Err(ErrorDetail::new(
                    spec.name,
                    "INVALID_INTEGER",
                    format!(
                        "`{}` must fit a 32-bit integer ({} to {}), got {n}",
                        spec.name,
                        i32::MIN,
                        i32::MAX
                    ),
                ))
            }
            None => false,
        },
    };
    if ok {
        Ok(())
    } else {
        Err(ErrorDetail::new(
            spec.name,
            "INVALID_TYPE",
            format!(
                "`{}` must be {}, got {}",
                spec.name,
                spec.kind.describe(),
                describe_value(value)
            ),
        ))
    }
}

pub(crate) fn describe_value(value: &Value) -> String {
    let mut shown = value.to_string();
    if shown.chars().count() > 40 {
        shown = shown.chars().take(40).collect::<String>() + "…";
    }
    let kind = match value {
        Value::Null => return "null".into(),
        Value::Bool(_) => "the boolean",
        Value::Number(_) => "the number",
        Value::String(_) => "the string",
        Value::Array(_) => "the array",
        Value::Object(_) => "the object",
    };
    format!("{kind} {shown}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::channel_connection::{ChannelConnectionFields, SCHEMA};

    fn errors_of(body: &str, mode: Mode) -> Vec<ErrorDetail> {
        match parse_body::<ChannelConnectionFields>(body.as_bytes(), &SCHEMA, mode) {
            Err(Invalid::Fields(errors)) => errors,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn reports_every_missing_field() {
        let fields: Vec<String> = errors_of("{}", Mode::Create)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["url", "isReady"]);
    }

    #[test]
    fn patch_accepts_empty_object() {
        let parsed: ChannelConnectionFields =
            parse_body(b"{}", &SCHEMA, Mode::Patch).expect("empty patch is valid");
        assert!(parsed.url.is_none() && parsed.is_ready.is_none());
    }

    #[test]
    fn names_wrong_types_and_unknown_fields_together() {
        let errors = errors_of(
            r#"{"url": 5, "isReady": "yes", "isready": true}"#,
            Mode::Create,
        );
        let codes: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert!(codes.contains(&("url", "INVALID_TYPE")));
        assert!(codes.contains(&("isReady", "INVALID_TYPE")));
        assert!(codes.contains(&("isready", "UNKNOWN_FIELD")));
        let unknown = errors.iter().find(|e| e.field == "isready").unwrap();
        assert!(unknown.message.contains("Did you mean `isReady`?"));
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        match parse_body::<ChannelConnectionFields>(b"{\n  \"url\": }", &SCHEMA, Mode::Create) {
            Err(Invalid::Body(message)) => {
                assert!(message.contains("line 2, column"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
