//! Is a text one JSON document exactly as `serde_json::from_slice::<Value>` would read it? The
//! same reader walks every value, numbers and strings included, and builds nothing.
//!
//! The inbound call's direct reading (`request::read_well_formed`) needs this: serde's derived
//! reading skips the fields it does not know without checking them (invalid UTF-8, a lone
//! surrogate, a number past `f64`, nesting past serde_json's 128 levels all pass there), where
//! the field-by-field reading, which builds a `Value`, refuses them. Walking the text once more
//! is still far cheaper than building the tree.

use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, SeqAccess, Visitor};

/// Would `serde_json::from_slice::<serde_json::Value>(body)` succeed?
pub fn is_json(body: &[u8]) -> bool {
    serde_json::from_slice::<Anything>(body).is_ok()
}

/// Any JSON value, read through `deserialize_any` all the way down (as `Value` is) and kept as
/// nothing.
struct Anything;

impl<'de> Deserialize<'de> for Anything {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(AnythingVisitor)
    }
}

struct AnythingVisitor;

impl<'de> Visitor<'de> for AnythingVisitor {
    type Value = Anything;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: Error>(self, _: bool) -> Result<Anything, E> {
        Ok(Anything)
    }

    fn visit_i64<E: Error>(self, _: i64) -> Result<Anything, E> {
        Ok(Anything)
    }

    fn visit_u64<E: Error>(self, _: u64) -> Result<Anything, E> {
        Ok(Anything)
    }

    fn visit_f64<E: Error>(self, _: f64) -> Result<Anything, E> {
        Ok(Anything)
    }

    fn visit_str<E: Error>(self, _: &str) -> Result<Anything, E> {
        Ok(Anything)
    }

    fn visit_unit<E: Error>(self) -> Result<Anything, E> {
        Ok(Anything)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Anything, A::Error> {
        while items.next_element::<Anything>()?.is_some() {}
        Ok(Anything)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Anything, A::Error> {
        while members.next_key::<Key>()?.is_some() {
            members.next_value::<Anything>()?;
        }
        Ok(Anything)
    }
}

/// serde_json's private keys: with its `raw_value` or `arbitrary_precision` feature on (another
/// crate may turn them on for the whole build), a `Value` reads an object under one of them as
/// a raw value or a number and may refuse it, where walking it as an object would not. Such a
/// key counts as not JSON here: the direct reading then gives way to the field-by-field one,
/// which is right with or without the features.
const PRIVATE_KEYS: &[&str] = &[
    "$serde_json::private::RawValue",
    "$serde_json::private::Number",
];

/// A member's name, refused when it is one of `PRIVATE_KEYS`.
struct Key;

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E: Error>(self, name: &str) -> Result<Key, E> {
        if PRIVATE_KEYS.contains(&name) {
            return Err(E::custom("serde_json's private key"));
        }
        Ok(Key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_value(body: &[u8]) -> bool {
        serde_json::from_slice::<serde_json::Value>(body).is_ok()
    }

    #[test]
    fn agrees_with_reading_a_value() {
        let deep = |levels: usize| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        let cases: Vec<Vec<u8>> = vec![
            br#"{"a": [1, -2, 3.5e10, "x\u00e9\n", true, null, {}], "b": {"c": "d"}}"#.to_vec(),
            br#"{"a": 1, "a": 2}"#.to_vec(),
            b"{\"a\": \"\xff\"}".to_vec(),
            br#"{"a": "\ud800"}"#.to_vec(),
            br#"{"a": "\ud83d\ude00"}"#.to_vec(),
            br#"{"a": "\x"}"#.to_vec(),
            b"{\"a\": \"tab\there\"}".to_vec(),
            br#"{"a": 1e400}"#.to_vec(),
            br#"{"a": 18446744073709551616}"#.to_vec(),
            br#"{"a": -0}"#.to_vec(),
            br#"{"a": 01}"#.to_vec(),
            br#"{"a": 1,}"#.to_vec(),
            br#"{"a": 1} x"#.to_vec(),
            br#"{"a": 1}  "#.to_vec(),
            br#"{a: 1}"#.to_vec(),
            b"".to_vec(),
            deep(128).into_bytes(),
            deep(129).into_bytes(),
            format!(r#"{{"a": {}}}"#, deep(127)).into_bytes(),
            format!(r#"{{"a": {}}}"#, deep(128)).into_bytes(),
        ];
        for body in cases {
            assert_eq!(
                is_json(&body),
                as_value(&body),
                "{}",
                String::from_utf8_lossy(&body)
            );
        }
        // Both ways, some of each.
        assert!(is_json(br#"{"a": 1}"#));
        assert!(!is_json(br#"{"a": 1e400}"#));
    }

    /// serde_json's private keys are refused whatever its features (see `PRIVATE_KEYS`); an
    /// escaped spelling of one is the same key.
    #[test]
    fn serde_jsons_private_keys_are_not_taken() {
        for key in PRIVATE_KEYS {
            assert!(!is_json(format!(r#"{{"x": {{"{key}": "1"}}}}"#).as_bytes()));
        }
        assert!(!is_json(br#"{"\u0024serde_json::private::Number": "1"}"#));
        assert!(is_json(br#"{"$serde_json::private::Other": "1"}"#));
    }
}
