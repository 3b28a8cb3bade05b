//! `CompletedThirdPartyCallRequest`, the inbound-call API's body. A well-formed body is read
//! straight into its type; any other is read field by field, so that every problem is reported
//! at once (an `ErrorDetail` whose `in` is the field's path, such as
//! `fromNumber.e164Number`), with a message that says how to fix it and a valid body to copy.
//! Only the request's shape is checked here; what HubSpot would make of well-formed values (a
//! number that is not E.164, a duration in milliseconds) is `judge`'s.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::status::{FinalCallStatus, FINAL_CALL_STATUSES};
use super::strict_json::is_json;
use crate::domain::invalid::{ErrorDetail, Invalid};

/// A valid body, quoted in messages.
pub const EXAMPLE: &str = r#"{"externalCallId": "call-1", "createEngagement": true, "finalCallStatus": "COMPLETED", "fromNumber": {"e164Number": "+14155552671", "phoneNumberType": "MOBILE"}, "toNumber": {"e164Number": "+14155550100", "phoneNumberType": "FIXED_LINE"}, "potentialRecipientUserIds": [101], "engagementProperties": {}, "durationSeconds": 95, "callStartedTimestamp": "2026-01-01T10:00:00Z"}"#;

wire_enum! {
    /// `phoneNumberType`, as the spec lists it.
    pub enum PhoneNumberType {
        FixedLine = "FIXED_LINE",
        FixedLineOrMobile = "FIXED_LINE_OR_MOBILE",
        Mobile = "MOBILE",
        Pager = "PAGER",
        PersonalNumber = "PERSONAL_NUMBER",
        PremiumRate = "PREMIUM_RATE",
        SharedCost = "SHARED_COST",
        TollFree = "TOLL_FREE",
        Uan = "UAN",
        Unknown = "UNKNOWN",
        Voicemail = "VOICEMAIL",
        Voip = "VOIP",
    }
}

const PHONE_NUMBER_TYPES: &[&str] = PhoneNumberType::NAMES;

/// `fromNumber` / `toNumber`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportedNumber {
    pub e164_number: String,
    #[serde(deserialize_with = "text_only")]
    pub phone_number_type: PhoneNumberType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

/// A well-formed inbound-call request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundCall {
    pub create_engagement: bool,
    pub engagement_properties: BTreeMap<String, String>,
    pub external_call_id: String,
    #[serde(deserialize_with = "text_only")]
    pub final_call_status: FinalCallStatus,
    #[serde(deserialize_with = "object_only")]
    pub from_number: ReportedNumber,
    #[serde(deserialize_with = "object_only")]
    pub to_number: ReportedNumber,
    pub potential_recipient_user_ids: Vec<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_started_timestamp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<i32>,
}

/// Reads `body` as a `CompletedThirdPartyCallRequest`, or says everything that is wrong with it.
/// Unknown fields are ignored, as HubSpot's APIs do.
pub fn parse(body: &[u8]) -> Result<InboundCall, Invalid> {
    // Most bodies are well-formed: they are read straight into the type, without building a
    // JSON tree first. Any other is read again field by field, to name every problem at once.
    read_well_formed(body).map_or_else(|| parse_field_by_field(body), Ok)
}

/// `body` read straight into an `InboundCall`, when `parse_field_by_field` would accept it and
/// read the same call (a property test holds the two to that). The whole text must be JSON as a
/// `Value` reads it (`is_json`: the derived reading skips unknown fields unchecked); the derived
/// reading accepts no other form of an object than an object (`object_only`) nor of an enum
/// than its name (`text_only`); what it does not check, `Checker` does.
/// Public for the property test that holds it to the field-by-field reading.
pub fn read_well_formed(body: &[u8]) -> Option<InboundCall> {
    if !is_json(body) {
        return None;
    }
    let mut reader = serde_json::Deserializer::from_slice(body);
    let call: InboundCall = object_only(&mut reader).ok()?;
    reader.end().ok()?;
    let filled = |text: &str| !text.trim().is_empty();
    let date_time = |text: &String| chrono::DateTime::parse_from_rfc3339(text).is_ok();
    let well_formed = filled(&call.external_call_id)
        && filled(&call.from_number.e164_number)
        && filled(&call.to_number.e164_number)
        && call.call_started_timestamp.as_ref().is_none_or(date_time);
    well_formed.then_some(call)
}

/// What `parse` does with a body that is not well-formed: the body as a JSON tree, each field
/// checked, every problem reported. Public for the property test that compares the two readings.
pub fn parse_field_by_field(body: &[u8]) -> Result<InboundCall, Invalid> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        Invalid::Body(format!(
            "The body is not JSON ({}). Send a CompletedThirdPartyCallRequest, for example {EXAMPLE}",
            crate::domain::plain_words::without_position(&e.to_string())
        ))
    })?;
    let Value::Object(object) = value else {
        return Err(Invalid::Body(format!(
            "The body must be a JSON object, a CompletedThirdPartyCallRequest, for example {EXAMPLE}"
        )));
    };
    let mut checker = Checker::default();
    checker.required(&object, "createEngagement", Kind::Boolean);
    checker.required(&object, "externalCallId", Kind::NonEmptyString);
    checker.required(&object, "finalCallStatus", Kind::OneOf(FINAL_CALL_STATUSES));
    checker.required(&object, "engagementProperties", Kind::StringMap);
    checker.required(&object, "potentialRecipientUserIds", Kind::Int32List);
    checker.optional(&object, "callStartedTimestamp", Kind::DateTime);
    checker.optional(&object, "durationSeconds", Kind::Int32);
    checker.optional(&object, "userId", Kind::Int32);
    for side in ["fromNumber", "toNumber"] {
        checker.number(&object, side);
    }
    if !checker.errors.is_empty() {
        return Err(Invalid::Fields(checker.errors));
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| Invalid::Body(e.to_string()))
}

/// A `T` read only from a JSON object: serde's derived reading of a struct also takes an array
/// of its fields in order, which HubSpot refuses.
fn object_only<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map))
        }
    }
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// An enum read only from its name as a string: serde's derived reading also takes
/// `{"NAME": null}`, which HubSpot refuses.
fn text_only<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct TextVisitor<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for TextVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
            T::deserialize(text.into_deserializer())
        }
    }
    deserializer.deserialize_str(TextVisitor(PhantomData))
}

#[derive(Clone, Copy)]
enum Kind {
    Boolean,
    NonEmptyString,
    String,
    Int32,
    Int32List,
    StringMap,
    DateTime,
    OneOf(&'static [&'static str]),
}

impl Kind {
    fn describe(self) -> String {
        match self {
            Kind::Boolean => "true or false".into(),
            Kind::NonEmptyString => "a non-empty string".into(),
            Kind::String => "a string".into(),
            Kind::Int32 => "a 32-bit integer".into(),
            Kind::Int32List => "a list of user ids (32-bit integers)".into(),
            Kind::StringMap => {
                "an object of call properties, each value a string (e.g. {\"hs_call_title\": \"Support call\"})".into()
            }
            Kind::DateTime => "an ISO-8601 date-time such as \"2026-01-01T10:00:00Z\"".into(),
            Kind::OneOf(values) => format!("one of {}", values.join(", ")),
        }
    }

    fn accepts(self, value: &Value) -> bool {
        let int32 = |v: &Value| v.as_i64().is_some_and(|n| i32::try_from(n).is_ok());
        match self {
            Kind::Boolean => value.is_boolean(),
            Kind::NonEmptyString => value.as_str().is_some_and(|s| !s.trim().is_empty()),
            Kind::String => value.is_string(),
            Kind::Int32 => int32(value),
            Kind::Int32List => value
                .as_array()
                .is_some_and(|items| items.iter().all(int32)),
            Kind::StringMap => value
                .as_object()
                .is_some_and(|map| map.values().all(Value::is_string)),
            Kind::DateTime => value
                .as_str()
                .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok()),
            Kind::OneOf(values) => value.as_str().is_some_and(|s| values.contains(&s)),
        }
    }
}

#[derive(Default)]
struct Checker {
    errors: Vec<ErrorDetail>,
}

impl Checker {
    fn required(&mut self, object: &Map<String, Value>, field: &str, kind: Kind) {
        self.at(object, "", field, kind, true);
    }

    fn optional(&mut self, object: &Map<String, Value>, field: &str, kind: Kind) {
        self.at(object, "", field, kind, false);
    }

    fn at(
        &mut self,
        object: &Map<String, Value>,
        prefix: &str,
        field: &str,
        kind: Kind,
        required: bool,
    ) {
        // The path is only spelled out for an error: every inbound call passes here.
        let path = || format!("{prefix}{field}");
        match object.get(field) {
            None | Some(Value::Null) if required => {
                let path = path();
                let message = format!("{path} is required: {}.", kind.describe());
                self.errors
                    .push(ErrorDetail::new(path, "REQUIRED", message));
            }
            None | Some(Value::Null) => {}
            Some(value) if kind.accepts(value) => {}
            Some(value) => {
                let path = path();
                let message = format!("{path} must be {}; got {}.", kind.describe(), shown(value));
                self.errors
                    .push(ErrorDetail::new(path, "INVALID_TYPE", message));
            }
        }
    }

    /// `fromNumber` / `toNumber`: an object with `e164Number`, `phoneNumberType`, `extension`?
    fn number(&mut self, object: &Map<String, Value>, side: &str) {
        match object.get(side) {
            Some(Value::Object(number)) => {
                let prefix = format!("{side}.");
                self.at(number, &prefix, "e164Number", Kind::NonEmptyString, true);
                self.at(number, &prefix, "phoneNumberType", Kind::OneOf(PHONE_NUMBER_TYPES), true);
                self.at(number, &prefix, "extension", Kind::String, false);
            }
            None | Some(Value::Null) => self.errors.push(ErrorDetail::new(
                side,
                "REQUIRED",
                format!("{side} is required: {{\"e164Number\": \"+14155552671\", \"phoneNumberType\": \"MOBILE\"}}."),
            )),
            Some(other) => self.errors.push(ErrorDetail::new(
                side,
                "INVALID_TYPE",
                format!(
                    "{side} must be an object such as {{\"e164Number\": \"+14155552671\", \"phoneNumberType\": \"MOBILE\"}}; got {}.",
                    shown(other)
                ),
            )),
        }
    }
}

/// A value as a message quotes it: short, on one line.
fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde reads and writes each variant under the name the field-by-field reading lists
    /// (`wire_enum!` writes both from one declaration).
    #[test]
    fn every_phone_number_type_is_listed_under_its_wire_name() {
        for kind in PhoneNumberType::EVERY {
            let wire = serde_json::to_value(kind).unwrap();
            assert!(
                PHONE_NUMBER_TYPES.contains(&wire.as_str().unwrap()),
                "{kind:?}"
            );
        }
        assert_eq!(PhoneNumberType::EVERY.len(), PHONE_NUMBER_TYPES.len());
    }

    #[test]
    fn the_example_is_valid() {
        let call = parse(EXAMPLE.as_bytes()).unwrap();
        assert_eq!(call.external_call_id, "call-1");
        assert_eq!(call.from_number.phone_number_type, PhoneNumberType::Mobile);
        assert_eq!(call.duration_seconds, Some(95));
    }

    #[test]
    fn a_well_formed_body_is_read_directly_and_the_traps_are_not() {
        assert_eq!(
            read_well_formed(EXAMPLE.as_bytes()),
            Some(parse_field_by_field(EXAMPLE.as_bytes()).unwrap())
        );
        let number = r#"{"e164Number": "+14155552671", "phoneNumberType": "MOBILE"}"#;
        for (from, to) in [
            (r#""COMPLETED""#, r#"{"COMPLETED": null}"#),
            (number, r#"["+14155552671", "MOBILE"]"#),
            (r#""call-1""#, r#"" ""#),
            (r#""2026-01-01T10:00:00Z""#, r#""yesterday""#),
        ] {
            let body = EXAMPLE.replacen(from, to, 1);
            assert_ne!(body, EXAMPLE);
            assert_eq!(read_well_formed(body.as_bytes()), None, "{body}");
        }
        assert_eq!(read_well_formed(format!("[{EXAMPLE}]").as_bytes()), None);
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_path() {
        let body = br#"{"createEngagement": "yes", "finalCallStatus": "DONE", "fromNumber": {"e164Number": 14155552671},
                        "toNumber": "+14155550100", "potentialRecipientUserIds": [1, "2"],
                        "engagementProperties": {"hs_call_duration": 95000}, "durationSeconds": 1.5,
                        "callStartedTimestamp": "yesterday", "extra": true}"#;
        let Err(Invalid::Fields(errors)) = parse(body) else {
            panic!("fields are wrong")
        };
        let fields: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            fields,
            [
                ("createEngagement", "INVALID_TYPE"),
                ("externalCallId", "REQUIRED"),
                ("finalCallStatus", "INVALID_TYPE"),
                ("engagementProperties", "INVALID_TYPE"),
                ("potentialRecipientUserIds", "INVALID_TYPE"),
                ("callStartedTimestamp", "INVALID_TYPE"),
                ("durationSeconds", "INVALID_TYPE"),
                ("fromNumber.e164Number", "INVALID_TYPE"),
                ("fromNumber.phoneNumberType", "REQUIRED"),
                ("toNumber", "INVALID_TYPE"),
            ]
        );
        assert!(
            errors[2].message.contains("one of BUSY, CALLING_CRM_USER"),
            "{}",
            errors[2].message
        );
    }

    #[test]
    fn not_an_object_says_what_to_send() {
        for body in [&b"[]"[..], b"nope", b""] {
            let Err(Invalid::Body(message)) = parse(body) else {
                panic!("{body:?} is refused as a whole")
            };
            assert!(
                message.contains("CompletedThirdPartyCallRequest"),
                "{message}"
            );
        }
    }
}
