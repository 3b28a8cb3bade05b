//! Property: an inbound-call body reads the same whichever way the emulator reads it. `parse`
//! reads a well-formed body straight into its type and only falls back to the field-by-field
//! reading (`parse_field_by_field`, which names every problem); the direct reading must never
//! accept a body the field-by-field one refuses, nor read it differently.
//!
//! The bodies are built field by field from each field's likely forms and its traps (an object
//! written as an array, an enum as `{"NAME": null}`, blank text, a float or a string where an
//! integer belongs, an integer past 32 bits, null), with unknown fields, duplicate keys and
//! bodies that are not objects at all.

use hubspot_emulator::inbound_call::request::{
    parse, parse_field_by_field, read_well_formed, EXAMPLE,
};
use proptest::prelude::*;
use serde_json::{json, Value};

/// A field: mostly one of its `valid` forms, else one of its `traps`, or left out. The direct
/// reading differs from the field-by-field one, if at all, on a body whose every other field is
/// valid, so valid forms dominate.
fn field(valid: Vec<Value>, traps: Vec<Value>) -> BoxedStrategy<Option<Value>> {
    prop_oneof![
        8 => proptest::sample::select(valid).prop_map(Some),
        2 => proptest::sample::select(traps).prop_map(Some),
        1 => Just(None),
    ]
    .boxed()
}

fn text(valid: &[&str]) -> BoxedStrategy<Option<Value>> {
    let valid = valid.iter().map(|text| json!(text)).collect();
    let traps = vec![
        json!(""),
        json!("  "),
        Value::Null,
        json!(5),
        json!(["call-1"]),
    ];
    field(valid, traps)
}

fn int32() -> BoxedStrategy<Option<Value>> {
    field(
        vec![
            json!(95),
            json!(-1),
            json!(0),
            json!(2_147_483_647),
            Value::Null,
        ],
        vec![
            json!(2_147_483_648_i64),
            json!(1.5),
            json!(95.0),
            json!("95"),
            json!([95]),
        ],
    )
}

fn number_object() -> BoxedStrategy<Value> {
    (
        text(&["+14155552671", "(415) 555-2671"]),
        field(
            vec![
                json!("MOBILE"),
                json!("FIXED_LINE_OR_MOBILE"),
                json!("VOIP"),
            ],
            vec![
                json!("mobile"),
                json!({"MOBILE": null}),
                json!(3),
                Value::Null,
            ],
        ),
        field(
            vec![json!("12"), json!(""), Value::Null],
            vec![json!(12), json!({"x": 1})],
        ),
    )
        .prop_map(|(e164, kind, extension)| {
            let mut number = serde_json::Map::new();
            for (name, value) in [
                ("e164Number", e164),
                ("phoneNumberType", kind),
                ("extension", extension),
            ] {
                if let Some(value) = value {
                    number.insert(name.into(), value);
                }
            }
            Value::Object(number)
        })
        .boxed()
}

fn number() -> BoxedStrategy<Option<Value>> {
    prop_oneof![
        12 => number_object().prop_map(Some),
        1 => Just(Some(json!(["+14155552671", "MOBILE"]))),
        1 => Just(Some(json!("+14155552671"))),
        1 => Just(Some(Value::Null)),
        1 => Just(None),
    ]
    .boxed()
}

/// The body as text: the fields in order, then maybe an unknown field or a repeated one.
fn body() -> BoxedStrategy<String> {
    let fields = (
        field(
            vec![json!(true), json!(false)],
            vec![json!("true"), json!(1), Value::Null],
        ),
        text(&["call-1", "ext-42"]),
        field(
            vec![json!("COMPLETED"), json!("HOLD"), json!("UNKNOWN")],
            vec![
                json!("DONE"),
                json!("completed"),
                json!({"COMPLETED": null}),
                Value::Null,
            ],
        ),
        number(),
        number(),
        field(
            vec![json!([101]), json!([]), json!([1, 2])],
            vec![
                json!([1, "2"]),
                json!([1.5]),
                json!([3_000_000_000_i64]),
                json!({"0": 101}),
                Value::Null,
            ],
        ),
        field(
            vec![json!({}), json!({"hs_call_title": "Support"})],
            vec![json!({"hs_call_duration": 95000}), json!([]), Value::Null],
        ),
        field(
            vec![
                json!("2026-01-01T10:00:00Z"),
                json!("2026-01-01T10:00:00.123+02:00"),
                Value::Null,
            ],
            vec![json!("yesterday"), json!(""), json!(5)],
        ),
        int32(),
        int32(),
    );
    let repeated = prop_oneof![
        Just(r#","createEngagement":false"#.to_string()),
        Just(r#","externalCallId":"again""#.to_string()),
    ];
    let extra = prop_oneof![
        12 => Just(String::new()),
        2 => repeated,
        // An unknown field, at the top or inside fromNumber.
        4 => (proptest::sample::select(unknown_members()), any::<bool>())
            .prop_map(|(member, nested)| if nested { format!("@{member}") } else { format!(",{member}") }),
    ];
    (fields, extra, any::<bool>())
        .prop_map(|(fields, extra, as_array)| {
            let names = [
                "createEngagement",
                "externalCallId",
                "finalCallStatus",
                "fromNumber",
                "toNumber",
                "potentialRecipientUserIds",
                "engagementProperties",
                "callStartedTimestamp",
                "durationSeconds",
                "userId",
            ];
            let values = [
                fields.0, fields.1, fields.2, fields.3, fields.4, fields.5, fields.6, fields.7,
                fields.8, fields.9,
            ];
            let members: Vec<String> = names
                .iter()
                .zip(values)
                .filter_map(|(name, value)| value.map(|value| format!("{name:?}:{value}")))
                .collect();
            let mut text = format!("{{{}", members.join(","));
            if let Some(member) = extra.strip_prefix('@') {
                // Inside fromNumber when it is an object, else at the top.
                match text.find(r#""fromNumber":{"#) {
                    Some(at) => {
                        let open = at + r#""fromNumber":{"#.len();
                        let comma = if text[open..].starts_with('}') {
                            ""
                        } else {
                            ","
                        };
                        text.insert_str(open, &format!("{member}{comma}"));
                    }
                    None if members.is_empty() => text.push_str(member),
                    None => text.push_str(&format!(",{member}")),
                }
            } else if members.is_empty() {
                text.push_str(extra.trim_start_matches(','));
            } else {
                text.push_str(&extra);
            }
            text.push('}');
            // Rarely, the body wrapped in an array: a struct's other derived form.
            if as_array && extra.is_empty() && members.len() % 7 == 3 {
                text = format!("[{text}]");
            }
            text
        })
        .boxed()
}

/// Unknown members, most of them text that is not JSON as a `Value` reads it though serde skips
/// it unchecked in a field it does not know (with a marker byte for raw bytes: `\u{1}` becomes a
/// raw control character, `\u{ff}` the invalid UTF-8 byte 0xFF, in `raw`).
fn unknown_members() -> Vec<String> {
    let deep = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    vec![
        r#""extra":{"deep":[1,2,{"x":null}]}"#.to_string(),
        r#""extra":"caf\u00e9 \ud83d\ude00""#.to_string(),
        format!(r#""extra":{}"#, deep(120)),
        format!(r#""extra":{}"#, deep(128)),
        r#""extra":"\ud800""#.to_string(),
        r#""extra":"\x""#.to_string(),
        r#""extra":1e400"#.to_string(),
        r#""extra":-1e309"#.to_string(),
        "\"extra\":\"a\u{1}b\"".to_string(),
        "\"extra\":\"\u{ff}\"".to_string(),
        "\"\u{ff}\":1".to_string(),
    ]
}

/// The body's bytes: the marker `\u{ff}` as the raw byte 0xFF (invalid UTF-8).
fn raw(body: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(body.len());
    for c in body.chars() {
        match c {
            '\u{ff}' => bytes.push(0xFF),
            c => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    bytes
}

/// `parse`'s answer and `parse_field_by_field`'s, as comparable text.
fn both(body: &[u8]) -> (String, String) {
    (
        format!("{:?}", parse(body)),
        format!("{:?}", parse_field_by_field(body)),
    )
}

proptest! {
    #![proptest_config(crate::config(2048, "tests/properties/regressions/inbound_request.txt"))]

    #[test]
    fn both_readings_of_a_body_agree(body in body()) {
        let (direct, field_by_field) = both(&raw(&body));
        prop_assert_eq!(direct, field_by_field, "{}", body);
    }
}

/// The traps the generator aims at, each read alike both ways (and refused).
#[test]
fn the_traps_read_alike_both_ways() {
    for body in [
        EXAMPLE.replace(
            r#""finalCallStatus": "COMPLETED""#,
            r#""finalCallStatus": {"COMPLETED": null}"#,
        ),
        EXAMPLE.replace(
            r#"{"e164Number": "+14155552671", "phoneNumberType": "MOBILE"}"#,
            r#"["+14155552671", "MOBILE"]"#,
        ),
        EXAMPLE.replace(r#""externalCallId": "call-1""#, r#""externalCallId": " ""#),
        format!("[{EXAMPLE}]"),
    ] {
        assert_ne!(body, EXAMPLE, "the replacement applies");
        let (direct, field_by_field) = both(body.as_bytes());
        assert_eq!(direct, field_by_field, "{body}");
        assert!(parse(body.as_bytes()).is_err(), "{body}");
    }
}

/// An unknown field is read, though not kept: one that is not JSON as a `Value` reads it is
/// refused both ways, at the top and inside a number; a JSON one is accepted both ways.
#[test]
fn unknown_fields_are_checked_alike_both_ways() {
    let number = r#""fromNumber": {"#;
    assert!(EXAMPLE.contains(number));
    for member in unknown_members() {
        let json = serde_json::from_slice::<Value>(&raw(&format!("{{{member}}}"))).is_ok();
        for body in [
            EXAMPLE.replacen('{', &format!("{{{member}, "), 1),
            EXAMPLE.replacen(number, &format!("{number}{member}, "), 1),
        ] {
            let body = raw(&body);
            let (direct, field_by_field) = both(&body);
            let shown = String::from_utf8_lossy(&body);
            assert_eq!(direct, field_by_field, "{shown}");
            assert_eq!(parse(&body).is_ok(), json, "{shown}");
        }
    }
}

/// Well-formed bodies in other spellings than the example's: each is read directly.
fn well_formed_spellings() -> Vec<String> {
    let number = r#"{"e164Number": "+14155552671", "phoneNumberType": "MOBILE"}"#;
    vec![
        EXAMPLE.to_string(),
        EXAMPLE.replace(", ", ",").replace(": ", ":"),
        EXAMPLE.replace(", ", ",\n\t "),
        format!(" \r\n{EXAMPLE}\n "),
        EXAMPLE.replace(r#""createEngagement""#, r#""createEngag\u0065ment""#),
        EXAMPLE.replace(
            r#""e164Number": "+14155552671""#,
            r#""e164N\u0075mber": "\u002b14155552671""#,
        ),
        EXAMPLE.replacen(
            number,
            r#"{"e164Number": "+14155552671", "phoneNumberType": "MOBILE", "extension": null}"#,
            1,
        ),
        EXAMPLE.replace(
            r#""durationSeconds": 95"#,
            r#""durationSeconds": -2147483648"#,
        ),
        EXAMPLE.replace(r#""durationSeconds": 95"#, r#""durationSeconds": null"#),
        EXAMPLE.replace(
            r#""engagementProperties": {}"#,
            r#""engagementProperties": {"a": "1", "a": "2"}"#,
        ),
        EXAMPLE.replace(
            r#""potentialRecipientUserIds": [101]"#,
            r#""potentialRecipientUserIds": [ ]"#,
        ),
        EXAMPLE.replacen(
            '{',
            r#"{"unknown": {"deep": [1, -0, 1e2, "\ud83d\ude00"]}, "#,
            1,
        ),
    ]
}

#[test]
fn well_formed_bodies_in_any_spelling_are_read_directly_as_field_by_field() {
    for body in well_formed_spellings() {
        let direct = read_well_formed(body.as_bytes());
        assert!(direct.is_some(), "not read directly: {body}");
        assert_eq!(direct, parse_field_by_field(body.as_bytes()).ok(), "{body}");
    }
}

/// One change to a well-formed body: the places a direct reading could part from the
/// field-by-field one (a review's list): escaped and repeated names, number forms, blank or
/// escaped text, nulls, unknown members, what surrounds the object, and raw byte edits.
#[derive(Clone, Debug)]
enum Change {
    /// Replace the first occurrence of the text with another.
    Replace(&'static str, &'static str),
    /// Insert a member after the first `{` (at the top) or after `"fromNumber": {`.
    Member(&'static str, bool),
    /// Text before and after the body.
    Around(&'static str, &'static str),
    /// Overwrite, insert or delete one byte at a position (modulo the length).
    Byte(usize, u8, u8),
}

fn change() -> BoxedStrategy<Change> {
    let replacements: Vec<(&str, &str)> = vec![
        (r#""durationSeconds": 95"#, r#""durationSeconds": -0"#),
        (r#""durationSeconds": 95"#, r#""durationSeconds": 95.0"#),
        (r#""durationSeconds": 95"#, r#""durationSeconds": 1e2"#),
        (
            r#""durationSeconds": 95"#,
            r#""durationSeconds": 2147483648"#,
        ),
        (
            r#""durationSeconds": 95"#,
            r#""durationSeconds": 18446744073709551616"#,
        ),
        (r#""durationSeconds": 95"#, r#""durationSeconds": "95""#),
        (
            r#""potentialRecipientUserIds": [101]"#,
            r#""potentialRecipientUserIds": [101.0]"#,
        ),
        (
            r#""potentialRecipientUserIds": [101]"#,
            r#""potentialRecipientUserIds": [-0]"#,
        ),
        (
            r#""potentialRecipientUserIds": [101]"#,
            r#""potentialRecipientUserIds": null"#,
        ),
        (
            r#""externalCallId": "call-1""#,
            r#""externalCallId": "\u0020""#,
        ),
        (r#""externalCallId": "call-1""#, r#""externalCallId": "\t""#),
        (
            r#""externalCallId": "call-1""#,
            r#""externalCallId": "\u0000""#,
        ),
        (r#""externalCallId": "call-1""#, r#""externalCallId": null"#),
        (r#""e164Number": "+14155552671""#, r#""e164Number": " ""#),
        (
            r#""phoneNumberType": "MOBILE""#,
            r#""phoneNumberType": "M\u004fBILE""#,
        ),
        (
            r#""phoneNumberType": "MOBILE""#,
            r#""phoneNumberType": "mobile""#,
        ),
        (
            r#""finalCallStatus": "COMPLETED""#,
            r#""finalCallStatus": "COMPLETED ""#,
        ),
        (r#""createEngagement": true"#, r#""createEngagement": 1"#),
        (r#""createEngagement""#, r#""createEngag\u0065ment""#),
        (r#""createEngagement""#, r#""CreateEngagement""#),
        (
            r#""callStartedTimestamp": "2026-01-01T10:00:00Z""#,
            r#""callStartedTimestamp": "2026-01-01T10:00:00""#,
        ),
        (
            r#""callStartedTimestamp": "2026-01-01T10:00:00Z""#,
            r#""callStartedTimestamp": "2026-01-01 10:00:00Z""#,
        ),
        (
            r#""callStartedTimestamp": "2026-01-01T10:00:00Z""#,
            r#""callStartedTimestamp": "2026-01-01t10:00:00.5+01:00""#,
        ),
        (
            r#""callStartedTimestamp": "2026-01-01T10:00:00Z""#,
            r#""callStartedTimestamp": "2026-02-30T10:00:00Z""#,
        ),
        (
            r#""engagementProperties": {}"#,
            r#""engagementProperties": {"a": 1}"#,
        ),
        (
            r#""engagementProperties": {}"#,
            r#""engagementProperties": {"a": "1", "\u0061": "2"}"#,
        ),
        (
            r#""engagementProperties": {}"#,
            r#""engagementProperties": null"#,
        ),
        (
            r#""phoneNumberType": "MOBILE"}"#,
            r#""phoneNumberType": "MOBILE", "extension": 12}"#,
        ),
        (
            r#""phoneNumberType": "MOBILE"}"#,
            r#""phoneNumberType": "MOBILE", "phoneNumberType": "VOIP"}"#,
        ),
    ];
    let members: Vec<&str> = vec![
        r#""externalCallId": "again""#,
        r#""extern\u0061lCallId": "again""#,
        r#""e164Number": "+14155550100""#,
        r#""userId": 101"#,
        r#""userId": null"#,
        r#""x": {"$serde_json::private::Number": "1"}"#,
        r#""x": [[[[[[[[[[]]]]]]]]]]"#,
        r#""x": 1e400"#,
        r#""x": "\udc00""#,
    ];
    let surroundings: Vec<(&str, &str)> = vec![
        ("\u{feff}", ""),
        ("", " x"),
        ("", "}"),
        ("", ","),
        ("[", "]"),
        ("", "\u{0}"),
    ];
    prop_oneof![
        4 => proptest::sample::select(replacements).prop_map(|(a, b)| Change::Replace(a, b)),
        2 => (proptest::sample::select(members), any::<bool>()).prop_map(|(m, nested)| Change::Member(m, nested)),
        1 => proptest::sample::select(surroundings).prop_map(|(a, b)| Change::Around(a, b)),
        3 => (any::<usize>(), 0u8..3, any::<u8>()).prop_map(|(at, how, byte)| Change::Byte(at, how, byte)),
    ]
    .boxed()
}

fn changed(mut body: Vec<u8>, change: &Change) -> Vec<u8> {
    let text = |body: &[u8]| String::from_utf8_lossy(body).into_owned();
    match change {
        Change::Replace(from, to) => text(&body).replacen(from, to, 1).into_bytes(),
        Change::Member(member, nested) => {
            let at = if *nested { r#""fromNumber": {"# } else { "{" };
            text(&body)
                .replacen(at, &format!("{at}{member}, "), 1)
                .into_bytes()
        }
        Change::Around(before, after) => format!("{before}{}{after}", text(&body)).into_bytes(),
        Change::Byte(at, how, byte) => {
            if body.is_empty() {
                return body;
            }
            let at = at % body.len();
            match how {
                0 => body[at] = *byte,
                1 => body.insert(at, *byte),
                _ => {
                    body.remove(at);
                }
            }
            body
        }
    }
}

proptest! {
    #![proptest_config(crate::config(2048, "tests/properties/regressions/inbound_request.txt"))]

    /// Whatever the direct reading accepts, the field-by-field reading accepts as the same call.
    #[test]
    fn what_is_read_directly_is_read_alike_field_by_field(
        base in proptest::sample::select(well_formed_spellings()),
        changes in proptest::collection::vec(change(), 1..3),
    ) {
        let body = changes.iter().fold(base.into_bytes(), changed);
        if let Some(call) = read_well_formed(&body) {
            prop_assert_eq!(
                Ok(call),
                parse_field_by_field(&body).map_err(|e| format!("{e:?}")),
                "{}",
                String::from_utf8_lossy(&body)
            );
        }
        let (direct, field_by_field) = both(&body);
        prop_assert_eq!(direct, field_by_field, "{}", String::from_utf8_lossy(&body));
    }
}
