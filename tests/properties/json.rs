//! Generators of JSON shared by the property modules.
//!
//! A generator of "any JSON" rarely produces the keys a parser looks for, so it would spend its
//! cases on documents refused at the first key. `json_with_keys` therefore mixes a vocabulary of
//! meaningful keys with arbitrary ones, which lets the generated documents reach deep into the
//! validators while still covering the strange inputs (unicode, `~` and `/` in keys, huge
//! numbers) that hand-written tests leave out.

use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Strings a hand-written test rarely uses: empty, blank, control characters, escapes that
/// matter to JSON pointers (`~`, `/`), astral-plane emoji, combining marks, long runs.
pub fn weird_string() -> BoxedStrategy<String> {
    prop_oneof![
        4 => "\\PC{0,16}",
        2 => "(?s).{0,12}",
        1 => Just(String::new()),
        1 => "[ \t\r\n]{1,3}",
        1 => "[~/.\\[\\]$]{1,4}",
        1 => "[😀é\u{301}\u{0}a ]{20,40}",
    ]
    .boxed()
}

/// A JSON number of any kind serde_json can hold (it has no NaN or infinity).
pub fn any_number() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e3f64..1e3).prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(Value::from(i64::from(i32::MAX) + 1)),
        Just(Value::from(0)),
        Just(Value::from(-1)),
    ]
    .boxed()
}

pub fn json_leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any_number(),
        weird_string().prop_map(Value::String),
    ]
    .boxed()
}

/// Any JSON value up to a few levels deep.
pub fn any_json() -> BoxedStrategy<Value> {
    json_with_keys(&[])
}

/// Any JSON value whose object keys are drawn half from `vocabulary`, half at random.
pub fn json_with_keys(vocabulary: &'static [&'static str]) -> BoxedStrategy<Value> {
    let key = key_from(vocabulary);
    json_leaf()
        .prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
            ]
        })
        .boxed()
}

pub fn key_from(vocabulary: &'static [&'static str]) -> BoxedStrategy<String> {
    if vocabulary.is_empty() {
        weird_string()
    } else {
        prop_oneof![
            prop::sample::select(vocabulary).prop_map(str::to_string),
            weird_string(),
        ]
        .boxed()
    }
}

/// Serializes `value` compactly or pretty-printed: line and column positions differ.
pub fn to_text(value: &Value, pretty: bool) -> String {
    if pretty {
        serde_json::to_string_pretty(value).expect("a Value always serializes")
    } else {
        value.to_string()
    }
}
