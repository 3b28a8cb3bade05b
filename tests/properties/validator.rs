//! The webhook reply validator (`webhook::validator::judge`) against generated replies.
//!
//! The validator reads whatever an app under development sends back: bytes that are not UTF-8,
//! HTML error pages, JSON of the wrong shape, numbers in every notation, names in every script.
//! Whatever comes, the developer must get a verdict they can act on, so for every reply:
//!
//! - `judge` returns (no panic) and is deterministic;
//! - every finding has a code and severity from docs/webhook.md's "Finding codes" table (the
//!   codes are a stable interface: CI scripts match on them), and at most one finding per code
//!   and pointer;
//! - every pointer is `""` or starts with `/`, and when the reply is JSON it resolves in it, or,
//!   for the codes that report an absent field, its parent is the object lacking that field;
//! - the findings about the reply as a whole (status, size, content type, encoding, syntax) are
//!   exactly the ones docs/webhook.md's table describes for that reply;
//! - the picker matches the reply: one row per object entry, names cut at 24 characters,
//!   selectable rows only for E.164 numbers without an extension, a reason on every other row,
//!   `duplicate-number`, `friendly-name-truncated` and `no-selectable-numbers` exactly when due.

use std::collections::{BTreeMap, BTreeSet};

use hubspot_emulator::webhook::validator::{e164_problem, judge, Judgement, Reply};
use hubspot_emulator::webhook::verdict::{Finding, Severity};
use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::json::{any_json, json_leaf, json_with_keys, to_text, weird_string};

const REGRESSIONS: &str = "tests/properties/regressions/validator.txt";
const NAME_LIMIT: usize = 24;

/// Codes that point at a field the reply lacks: their pointer need not resolve, its parent must.
const ABSENT_FIELD_CODES: &[&str] = &[
    "missing-phone-numbers",
    "e164-missing",
    "friendly-name-missing",
];

/// Everything a `Reply` borrows, owned so that proptest can generate and shrink it.
#[derive(Clone, Debug)]
struct ReplyParts {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: Vec<u8>,
    truncated: bool,
    latency_ms: f64,
    slow_ms: u64,
}

impl ReplyParts {
    fn judge(&self) -> Judgement {
        judge(&Reply {
            status: self.status,
            content_type: self.content_type.as_deref(),
            location: self.location.as_deref(),
            content_encoding: None,
            body: &self.body,
            truncated: self.truncated,
            body_cap: 1 << 20,
            latency_ms: self.latency_ms,
            slow_ms: self.slow_ms,
        })
    }
}

/// The documented codes and their severities, read from docs/webhook.md's "Finding codes" table so
/// that a code added to the validator but not to the documentation fails here.
fn documented_codes() -> &'static BTreeMap<String, Severity> {
    static CODES: std::sync::OnceLock<BTreeMap<String, Severity>> = std::sync::OnceLock::new();
    CODES.get_or_init(|| {
        let page = include_str!("../../docs/webhook.md");
        let section = page
            .split("### Finding codes")
            .nth(1)
            .expect("docs/webhook.md has a \"### Finding codes\" section");
        let section = section.split("\n#").next().unwrap_or(section);
        let codes: BTreeMap<String, Severity> = section
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
                let severity = match *cells.get(2)? {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    "info" => Severity::Info,
                    _ => return None,
                };
                Some((code.to_string(), severity))
            })
            .collect();
        assert!(
            codes.len() >= 20,
            "docs/webhook.md's finding-code table did not parse: {codes:?}"
        );
        codes
    })
}

fn is_kebab_case(code: &str) -> bool {
    !code.is_empty()
        && code.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

// ---------------------------------------------------------------------------------------------
// Generators

/// Numbers as apps write them: real E.164 numbers (few, so duplicates happen), almost-E.164,
/// formatted for humans, anything at all, and not strings.
fn number_value() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => prop::sample::select(&[
            "+14155552671", "+18001231234", "+442071838750", "+33142685300", "+19999999999",
        ][..])
        .prop_map(Value::from),
        2 => "\\+[0-9]{0,17}".prop_map(Value::from),
        1 => "[+0-9 ().-]{0,20}".prop_map(Value::from),
        1 => weird_string().prop_map(Value::from),
        1 => json_leaf(),
    ]
    .boxed()
}

fn extension_value() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::from("")),
        "[0-9]{1,5}".prop_map(Value::from),
        weird_string().prop_map(Value::from),
        json_leaf(),
    ]
    .boxed()
}

/// Names around the 24-character limit, in scripts where characters are not bytes.
fn name_value() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => "\\PC{0,30}".prop_map(Value::from),
        2 => "[a-zé😀 ]{22,27}".prop_map(Value::from),
        1 => "[ \t]{0,3}".prop_map(Value::from),
        1 => weird_string().prop_map(Value::from),
        1 => json_leaf(),
    ]
    .boxed()
}

const ENTRY_KEYS: &[&str] = &["e164PhoneNumber", "extension", "friendlyName", "e164Number"];

/// An entry of `phoneNumbers`: each known field present or not, the legacy name sometimes,
/// sometimes extra keys, and sometimes not an object at all.
fn entry() -> BoxedStrategy<Value> {
    let object = (
        prop::option::weighted(0.85, number_value()),
        prop::option::weighted(0.1, number_value()),
        prop::option::weighted(0.3, extension_value()),
        prop::option::weighted(0.8, name_value()),
        prop::collection::vec((crate::json::key_from(ENTRY_KEYS), json_leaf()), 0..2),
    )
        .prop_map(|(number, legacy, extension, name, extra)| {
            let mut entry = Map::new();
            // Extra keys first: a generated key equal to a known one is then overwritten by it.
            entry.extend(extra);
            for (key, value) in [
                ("e164PhoneNumber", number),
                ("e164Number", legacy),
                ("extension", extension),
                ("friendlyName", name),
            ] {
                if let Some(value) = value {
                    entry.insert(key.to_string(), value);
                }
            }
            Value::Object(entry)
        });
    prop_oneof![9 => object, 1 => json_leaf()].boxed()
}

/// JSON shaped like a phone-number reply, with every part liable to be wrong.
fn phone_reply() -> BoxedStrategy<Value> {
    let numbers = prop_oneof![
        8 => prop::collection::vec(entry(), 0..6).prop_map(Value::Array),
        1 => json_leaf(),
    ];
    (
        prop::option::weighted(0.9, numbers),
        prop::collection::vec((weird_string(), json_leaf()), 0..2),
    )
        .prop_map(|(numbers, extra)| {
            let mut reply: Map<String, Value> = extra.into_iter().collect();
            if let Some(numbers) = numbers {
                reply.insert("phoneNumbers".into(), numbers);
            }
            Value::Object(reply)
        })
        .boxed()
}

/// A valid-looking body with one bit flipped: mostly invalid UTF-8 or broken syntax, sometimes
/// another valid JSON document.
fn corrupted(text: String, position: prop::sample::Index, bit: u8) -> Vec<u8> {
    let mut bytes = text.into_bytes();
    if !bytes.is_empty() {
        let at = position.index(bytes.len());
        bytes[at] ^= 1 << (bit % 8);
    }
    bytes
}

fn body() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        4 => (phone_reply(), any::<bool>()).prop_map(|(v, pretty)| to_text(&v, pretty).into_bytes()),
        2 => (json_with_keys(&["phoneNumbers", "e164PhoneNumber", "friendlyName", "extension"]), any::<bool>())
            .prop_map(|(v, pretty)| to_text(&v, pretty).into_bytes()),
        1 => any_json().prop_map(|v| v.to_string().into_bytes()),
        2 => (phone_reply(), any::<prop::sample::Index>(), any::<u8>())
            .prop_map(|(v, at, bit)| corrupted(v.to_string(), at, bit)),
        2 => prop::collection::vec(any::<u8>(), 0..200),
        1 => "(?s)[ \t\r\n]{0,3}(<!DOCTYPE html>|<html>|<HEAD>)?.{0,40}".prop_map(String::into_bytes),
        1 => "[ \t\r\n\u{c}]{0,4}".prop_map(String::into_bytes),
    ]
    .boxed()
}

fn status() -> BoxedStrategy<u16> {
    prop_oneof![
        10 => Just(200u16),
        1 => 200u16..300,
        1 => 300u16..400,
        1 => 400u16..600,
        1 => any::<u16>(),
    ]
    .boxed()
}

fn content_type() -> BoxedStrategy<Option<String>> {
    prop_oneof![
        6 => Just(Some("application/json".to_string())),
        1 => prop::sample::select(&[
            "application/json; charset=utf-8",
            "Application/JSON;charset=UTF-8",
            " application/json ",
            "text/html; charset=utf-8",
            "application/jsonp",
            "application/problem+json",
            "",
        ][..])
        .prop_map(|s| Some(s.to_string())),
        1 => Just(None),
        1 => weird_string().prop_map(Some),
    ]
    .boxed()
}

fn latency() -> BoxedStrategy<f64> {
    prop_oneof![
        6 => 0.0f64..5000.0,
        1 => prop::sample::select(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0, 1e300][..]),
    ]
    .boxed()
}

fn reply() -> impl Strategy<Value = ReplyParts> {
    (
        status(),
        content_type(),
        prop::option::weighted(0.1, weird_string()),
        body(),
        prop::bool::weighted(0.05),
        latency(),
        prop_oneof![4 => Just(3000u64), 1 => any::<u64>()],
    )
        .prop_map(
            |(status, content_type, location, body, truncated, latency_ms, slow_ms)| ReplyParts {
                status,
                content_type,
                location,
                body,
                truncated,
                latency_ms,
                slow_ms,
            },
        )
}

// ---------------------------------------------------------------------------------------------
// The properties

/// What docs/webhook.md's table says about the reply as a whole: the codes with an empty pointer,
/// and the parsed body when the reply gets as far as being read as JSON.
fn whole_reply_expectation(reply: &ReplyParts) -> (Vec<&'static str>, Option<Value>) {
    let mut codes = Vec::new();
    if reply.latency_ms > reply.slow_ms as f64 {
        codes.push("slow-reply");
    }
    let parsed = if reply.truncated {
        codes.push("body-too-large");
        None
    } else if (300..400).contains(&reply.status) {
        codes.push("redirect");
        None
    } else if !(200..300).contains(&reply.status) {
        codes.push("http-status");
        None
    } else if reply.body.iter().all(u8::is_ascii_whitespace) {
        codes.push("empty-body");
        None
    } else {
        let json_type = reply.content_type.as_deref().is_some_and(|value| {
            let essence = value.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
        });
        if !json_type {
            codes.push("content-type");
        }
        match std::str::from_utf8(&reply.body)
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(text).ok())
        {
            None => {
                codes.push("not-json");
                None
            }
            Some(value) => {
                if !value.is_object() {
                    codes.push("missing-phone-numbers");
                }
                Some(value)
            }
        }
    };
    codes.sort_unstable();
    (codes, parsed)
}

fn check_finding_shape(finding: &Finding) -> Result<(), TestCaseError> {
    prop_assert!(
        is_kebab_case(&finding.code),
        "code {:?} is not kebab-case",
        finding.code
    );
    let documented = documented_codes().get(&finding.code);
    prop_assert!(
        documented.is_some(),
        "code {:?} is not in docs/webhook.md's table",
        finding.code
    );
    prop_assert_eq!(
        Some(&finding.severity),
        documented,
        "severity of {:?} differs from docs/webhook.md",
        finding.code
    );
    prop_assert!(
        finding.pointer.is_empty() || finding.pointer.starts_with('/'),
        "pointer {:?} is not a JSON pointer",
        finding.pointer
    );
    prop_assert!(
        !finding.message.trim().is_empty(),
        "{:?} has no message",
        finding.code
    );
    Ok(())
}

/// The pointer resolves in the reply, or names an absent field of an object that does resolve.
fn check_pointer_resolves(finding: &Finding, body: &Value) -> Result<(), TestCaseError> {
    if body.pointer(&finding.pointer).is_some() {
        return Ok(());
    }
    prop_assert!(
        ABSENT_FIELD_CODES.contains(&finding.code.as_str()),
        "{} points at {:?}, which is not in the reply",
        finding.code,
        finding.pointer
    );
    let cut = finding.pointer.rfind('/').expect("a non-empty pointer");
    let (parent, last) = (&finding.pointer[..cut], &finding.pointer[cut + 1..]);
    let key = last.replace("~1", "/").replace("~0", "~");
    let parent_value = body.pointer(parent);
    prop_assert!(
        parent_value.is_some_and(|p| p.as_object().is_some_and(|o| !o.contains_key(&key))),
        "{} points at {:?}: neither it nor an object lacking {:?} at {:?} is in the reply",
        finding.code,
        finding.pointer,
        key,
        parent
    );
    Ok(())
}

/// The picker and the entry-level findings against the reply's `phoneNumbers`.
fn check_picker(judgement: &Judgement, body: &Value) -> Result<(), TestCaseError> {
    let picker = &judgement.picker;
    let entries = match body.get("phoneNumbers") {
        Some(Value::Array(entries)) if body.is_object() => entries,
        _ => {
            prop_assert!(picker.is_empty(), "a picker without a phoneNumbers array");
            return Ok(());
        }
    };
    let objects: Vec<(usize, &Map<String, Value>)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.as_object().map(|o| (i, o)))
        .collect();
    prop_assert_eq!(
        picker.len(),
        objects.len(),
        "one picker row per object entry"
    );
    prop_assert_eq!(judgement.picker_total, objects.len(), "the picker's total");
    prop_assert_eq!(
        judgement.picker_selectable,
        picker.iter().filter(|row| row.selectable).count(),
        "the picker's selectable count"
    );
    let has = |code: &str, pointer: &str| {
        judgement
            .findings
            .iter()
            .any(|f| f.code == code && f.pointer == pointer)
    };
    let mut seen = BTreeSet::new();
    for ((index, entry), row) in objects.iter().zip(picker) {
        let at = format!("/phoneNumbers/{index}");
        let name = entry
            .get("friendlyName")
            .and_then(Value::as_str)
            .filter(|n| !n.trim().is_empty());
        prop_assert!(
            row.displayed_name.chars().count() <= NAME_LIMIT,
            "row {index} shows {:?}, over {NAME_LIMIT} characters",
            row.displayed_name
        );
        match name {
            Some(name) => {
                let shown: String = name.chars().take(NAME_LIMIT).collect();
                prop_assert_eq!(&row.displayed_name, &shown, "row {} name", index);
                prop_assert_eq!(
                    has("friendly-name-truncated", &format!("{at}/friendlyName")),
                    name.chars().count() > NAME_LIMIT,
                    "friendly-name-truncated at row {}",
                    index
                );
            }
            None => {
                let shown: String = row.number.chars().take(NAME_LIMIT).collect();
                prop_assert_eq!(&row.displayed_name, &shown, "unnamed row {}", index)
            }
        }
        let number = entry.get("e164PhoneNumber").and_then(Value::as_str);
        prop_assert_eq!(
            row.number.as_str(),
            number.unwrap_or(""),
            "row {} number",
            index
        );
        if row.selectable {
            prop_assert!(
                number.is_some_and(|n| e164_problem(n).is_none()) && row.extension.is_none(),
                "row {index} is selectable but has {:?} extension {:?}",
                row.number,
                row.extension
            );
        } else {
            prop_assert!(
                row.reason.is_some(),
                "row {index} is unselectable without a reason"
            );
        }
        if !row.number.is_empty() {
            let first = seen.insert((row.number.clone(), row.extension.clone()));
            prop_assert_eq!(
                has("duplicate-number", &at),
                !first,
                "duplicate-number at {}",
                at
            );
        }
    }
    prop_assert_eq!(
        has("no-selectable-numbers", "/phoneNumbers"),
        !picker.is_empty() && picker.iter().all(|row| !row.selectable),
        "no-selectable-numbers"
    );
    prop_assert_eq!(
        has("empty-list", "/phoneNumbers"),
        entries.is_empty(),
        "empty-list"
    );
    Ok(())
}

fn check_judgement(reply: &ReplyParts) -> Result<(), TestCaseError> {
    let judgement = reply.judge();
    let again = reply.judge();
    prop_assert_eq!(
        &judgement.findings,
        &again.findings,
        "judge is not deterministic"
    );
    prop_assert_eq!(
        &judgement.picker,
        &again.picker,
        "judge is not deterministic"
    );

    let mut pairs = BTreeSet::new();
    for finding in &judgement.findings {
        check_finding_shape(finding)?;
        prop_assert!(
            pairs.insert((finding.code.as_str(), finding.pointer.as_str())),
            "{} at {:?} reported twice",
            finding.code,
            finding.pointer
        );
    }

    let (expected, parsed) = whole_reply_expectation(reply);
    let mut whole: Vec<&str> = judgement
        .findings
        .iter()
        .filter(|f| f.pointer.is_empty())
        .map(|f| f.code.as_str())
        .collect();
    whole.sort_unstable();
    prop_assert_eq!(whole, expected, "findings about the whole reply");

    match &parsed {
        Some(body) => {
            for finding in &judgement.findings {
                check_pointer_resolves(finding, body)?;
            }
            check_picker(&judgement, body)?;
        }
        None => {
            prop_assert!(
                judgement.picker.is_empty(),
                "a picker for a reply that is not JSON"
            );
            prop_assert!(
                judgement.findings.iter().all(|f| f.pointer.is_empty()),
                "a pointer into a reply that is not JSON: {:?}",
                judgement.findings
            );
        }
    }

    if judgement.findings.is_empty() {
        prop_assert!(
            !judgement.picker.is_empty() && judgement.picker.iter().all(|r| r.selectable),
            "a reply without findings must offer only selectable numbers: {:?}",
            judgement.picker
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::config(768, REGRESSIONS))]

    /// Replies of every kind: status, content type, body bytes, latency.
    #[test]
    fn any_reply_gets_a_well_formed_verdict(reply in reply()) {
        check_judgement(&reply)?;
    }

    /// Phone-number-shaped JSON with a 200 and the right content type: every case reaches the
    /// entry checks and the picker.
    #[test]
    fn phone_number_replies_get_a_consistent_picker(value in phone_reply(), pretty in any::<bool>()) {
        let reply = ReplyParts {
            status: 200,
            content_type: Some("application/json".into()),
            location: None,
            body: to_text(&value, pretty).into_bytes(),
            truncated: false,
            latency_ms: 1.0,
            slow_ms: 3000,
        };
        check_judgement(&reply)?;
    }
}

proptest! {
    #![proptest_config(crate::config(256, REGRESSIONS))]

    /// Arbitrary bytes, most of them not UTF-8, with every status (mostly a 2xx: only those
    /// have their body read).
    #[test]
    fn arbitrary_bytes_never_panic(
        body in prop::collection::vec(any::<u8>(), 0..1024),
        status in prop_oneof![3 => 200u16..300, 1 => any::<u16>()],
    ) {
        let reply = ReplyParts {
            status,
            content_type: Some("application/json".into()),
            location: None,
            body,
            truncated: false,
            latency_ms: 0.0,
            slow_ms: 3000,
        };
        check_judgement(&reply)?;
    }
}

#[test]
fn displayed_names_fit_24_characters() {
    let reply = ReplyParts {
        status: 200,
        content_type: Some("application/json".into()),
        location: None,
        body: br#"{"phoneNumbers":[{"e164PhoneNumber":"1234567890123456789012345"}]}"#.to_vec(),
        truncated: false,
        latency_ms: 1.0,
        slow_ms: 3000,
    };
    let judgement = reply.judge();
    assert!(
        judgement.picker[0].displayed_name.chars().count() <= NAME_LIMIT,
        "{:?}",
        judgement.picker
    );
}

#[test]
fn the_readme_table_lists_the_validator_codes() {
    // The property above checks codes against this table; make sure the table itself was read.
    let codes = documented_codes();
    for code in [
        "not-json",
        "e164-syntax",
        "friendly-name-truncated",
        "duplicate-number",
    ] {
        assert!(codes.contains_key(code), "{code} missing from {codes:?}");
    }
}
