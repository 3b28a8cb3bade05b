//! serde's type errors in plain words. serde names Rust types (`invalid type: string "x",
//! expected u64`), which means nothing to someone writing a fixture or a control API body; this
//! rewrites such a message as `expected a positive integer or 0, got the text "x"`. The fixture
//! loader, the control API and the HubSpot API's body validator all pass serde's messages through
//! [`plain_serde_message`], so the same mistake reads the same everywhere. Messages of any other
//! shape (unknown fields, missing fields, syntax errors, our own `custom` errors) pass through
//! unchanged but for serde_json's position suffix.

/// serde's message (from serde_json or serde_path_to_error) without its ` at line L column C`
/// (callers say where), with Rust type names replaced by plain words.
pub fn plain_serde_message(message: &str) -> String {
    let message = without_position(message);
    translate(message).unwrap_or_else(|| message.to_string())
}

/// `message` without serde_json's trailing ` at line L column C`; callers name the place
/// themselves (a JSON path, or the line and column).
pub fn without_position(message: &str) -> &str {
    let Some(cut) = message.rfind(" at line ") else {
        return message;
    };
    // Only a true suffix is cut: a string value quoted in the message may contain the words.
    let rest = &message[cut + " at line ".len()..];
    let is_position = rest.split_once(" column ").is_some_and(|(line, column)| {
        [line, column]
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    });
    if is_position {
        &message[..cut]
    } else {
        message
    }
}

/// `invalid type: U, expected E`, `invalid value: U, expected E` and `invalid length N,
/// expected E` as `expected E', got U'`; `None` for any other message.
fn translate(message: &str) -> Option<String> {
    // The expected part comes from code and never contains ", expected "; the unexpected part
    // may (a quoted string value), so split at the last one.
    let (head, expected) = message.rsplit_once(", expected ")?;
    let got = if let Some(unexpected) = head
        .strip_prefix("invalid type: ")
        .or_else(|| head.strip_prefix("invalid value: "))
    {
        plain_value(unexpected)
    } else {
        let length = head.strip_prefix("invalid length ")?;
        let items = if length == "1" { "item" } else { "items" };
        format!("a list of {length} {items}")
    };
    Some(format!("expected {}, got {got}", plain_type(expected)))
}

/// What serde's `expecting` says, for the types fixtures and bodies use; anything unknown (a
/// custom visitor's own words) is kept.
pub fn plain_type(expected: &str) -> String {
    let plain = match expected {
        "u8" => "a positive integer or 0, at most 255",
        "u16" => "a positive integer or 0, at most 65535",
        "u32" => "a positive integer or 0, at most 4294967295",
        "u64" | "u128" | "usize" => "a positive integer or 0",
        "i8" => "a whole number from -128 to 127",
        "i16" => "a whole number from -32768 to 32767",
        "i32" => "a whole number from -2147483648 to 2147483647",
        "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a string" | "a borrowed string" => "a text string",
        "a character" | "a char" => "a single character",
        "a sequence" => "a list",
        "a map" => "an object",
        "unit" => "null",
        "option" => "a value or null",
        other => return plain_compound(other),
    };
    plain.to_string()
}

/// The `expecting` texts that carry a name or a number: `struct FireRequest`, `a nonzero u32`,
/// `a tuple of size 2`, `an array of length 3`.
fn plain_compound(expected: &str) -> String {
    if expected.starts_with("struct ") || expected.starts_with("struct variant ") {
        return "an object".into();
    }
    if expected.starts_with("tuple struct ") || expected.starts_with("tuple variant ") {
        return "a list".into();
    }
    if let Some(kind) = expected.strip_prefix("a nonzero ") {
        return if kind.starts_with('u') {
            "a positive integer".into()
        } else {
            "a whole number other than 0".into()
        };
    }
    let size = expected
        .strip_prefix("a tuple of size ")
        .or_else(|| expected.strip_prefix("an array of length "));
    match size {
        Some(n) => format!("a list of {n} items"),
        None => expected.to_string(),
    }
}

/// What serde's `Unexpected` says the input was: `string "x"`, ``integer `5` ``, `sequence`.
fn plain_value(unexpected: &str) -> String {
    if let Some(text) = unexpected.strip_prefix("string ") {
        return format!("the text {text}");
    }
    if let Some(character) = unexpected.strip_prefix("character ") {
        return format!("the character {character}");
    }
    for prefix in ["integer ", "floating point ", "boolean "] {
        if let Some(literal) = unexpected.strip_prefix(prefix) {
            return literal.trim_matches('`').to_string();
        }
    }
    match unexpected {
        "sequence" => "a list".into(),
        "map" => "an object".into(),
        "unit value" | "null" => "null".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    /// serde_json's own message for `json` read as `T`, as the callers see it.
    fn message_for<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        plain_serde_message(&serde_json::from_str::<T>(json).unwrap_err().to_string())
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // read only to provoke errors
    struct Body {
        id: u64,
    }

    #[test]
    fn every_type_the_inputs_use_reads_in_plain_words() {
        // Real serde_json errors, not hand-written ones: a serde upgrade that changes its wording
        // fails here rather than leaking type names to users.
        let cases = [
            (
                message_for::<u64>("\"x\""),
                r#"expected a positive integer or 0, got the text "x""#,
            ),
            (
                message_for::<u64>("-1"),
                "expected a positive integer or 0, got -1",
            ),
            (
                message_for::<u16>("70000"),
                "expected a positive integer or 0, at most 65535, got 70000",
            ),
            (
                message_for::<u32>("1.5"),
                "expected a positive integer or 0, at most 4294967295, got 1.5",
            ),
            (
                message_for::<i64>("true"),
                "expected a whole number, got true",
            ),
            (
                message_for::<i32>("\"7\""),
                r#"expected a whole number from -2147483648 to 2147483647, got the text "7""#,
            ),
            (
                message_for::<bool>("\"yes\""),
                r#"expected true or false, got the text "yes""#,
            ),
            (message_for::<bool>("1"), "expected true or false, got 1"),
            (
                message_for::<String>("12"),
                "expected a text string, got 12",
            ),
            (
                message_for::<String>("[1]"),
                "expected a text string, got a list",
            ),
            (
                message_for::<Vec<String>>("\"a\""),
                r#"expected a list, got the text "a""#,
            ),
            (
                message_for::<BTreeMap<String, u8>>("[]"),
                "expected an object, got a list",
            ),
            (
                message_for::<Body>("[]"),
                "expected an object, got a list of 0 items",
            ),
            (
                message_for::<Body>("\"b\""),
                r#"expected an object, got the text "b""#,
            ),
            (
                message_for::<Body>(r#"{"id": {}}"#),
                "expected a positive integer or 0, got an object",
            ),
            (
                message_for::<std::num::NonZeroU32>("0"),
                "expected a positive integer, got 0",
            ),
            (
                message_for::<(u8, u8)>("[1]"),
                "expected a list of 2 items, got a list of 1 item",
            ),
            (
                message_for::<f64>("\"1\""),
                r#"expected a number, got the text "1""#,
            ),
            (
                message_for::<char>("\"ab\""),
                r#"expected a single character, got the text "ab""#,
            ),
        ];
        for (actual, expected) in cases {
            assert_eq!(actual, expected);
        }
    }

    #[test]
    fn other_messages_keep_their_words_and_lose_only_the_position() {
        let unknown = message_for::<Body>(r#"{"id": 1, "colour": 2}"#);
        assert!(
            unknown.starts_with("unknown field `colour`, expected `id`"),
            "{unknown}"
        );
        assert!(!unknown.contains(" at line "), "{unknown}");
        assert_eq!(message_for::<Body>("{}"), "missing field `id`");
        assert_eq!(
            plain_serde_message("appId must be a positive 32-bit integer (1 to 2147483647), got 0"),
            "appId must be a positive 32-bit integer (1 to 2147483647), got 0"
        );
        // A quoted value may contain the words serde's suffix starts with.
        assert_eq!(
            without_position(r#"unknown variant `at line x`"#),
            r#"unknown variant `at line x`"#
        );
        assert_eq!(
            without_position("missing field `id` at line 1 column 2"),
            "missing field `id`"
        );
    }

    proptest! {
        /// Whatever a string value holds (commas, the word "expected", quotes), the message
        /// names the right type and quotes the value as serde_json did.
        #[test]
        fn a_string_where_a_number_belongs_is_named_whatever_it_holds(text in ".{0,40}") {
            let json = serde_json::to_string(&text).unwrap();
            let message = message_for::<u64>(&json);
            let prefix = "expected a positive integer or 0, got the text ";
            prop_assert!(message.starts_with(prefix), "{}", message);
            prop_assert_eq!(&message[prefix.len()..], format!("{text:?}"));
        }

        /// No Rust integer type name survives, for any integer type and any wrong JSON value.
        #[test]
        fn no_rust_type_name_survives(value in prop_oneof![
            Just("\"s\"".to_string()), Just("true".to_string()), Just("[]".to_string()),
            Just("{}".to_string()), Just("1.5".to_string()), any::<i64>().prop_map(|n| n.to_string()),
        ]) {
            let messages = [
                serde_json::from_str::<u8>(&value).err(),
                serde_json::from_str::<u16>(&value).err(),
                serde_json::from_str::<u32>(&value).err(),
                serde_json::from_str::<u64>(&value).err(),
                serde_json::from_str::<usize>(&value).err(),
                serde_json::from_str::<i32>(&value).err(),
                serde_json::from_str::<i64>(&value).err(),
            ];
            for error in messages.into_iter().flatten() {
                let message = plain_serde_message(&error.to_string());
                prop_assert!(message.starts_with("expected a "), "{}", message);
                for name in ["u8", "u16", "u32", "u64", "usize", "i32", "i64"] {
                    prop_assert!(!message.split(|c: char| !c.is_alphanumeric()).any(|w| w == name), "{}", message);
                }
            }
        }
    }
}
