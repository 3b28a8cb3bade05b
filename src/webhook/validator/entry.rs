//! One entry of `phoneNumbers`: its fields, its number (E.164, dialable), its extension and its
//! name as the picker shows it.

use serde_json::{Map, Value};

use super::e164::{e164_problem, is_dialable};
use super::text::{clip, kind_of, pointer, preview, CLIP_CHARS};
use super::{bare_number, CappedFindings, Finding, PickerEntry, FRIENDLY_NAME_LIMIT};

/// Where in the reply an entry's field is, for findings.
struct Entry<'a> {
    index: usize,
    fields: &'a Map<String, Value>,
}

impl Entry<'_> {
    fn at(&self, field: &str) -> String {
        pointer(&["phoneNumbers", &self.index.to_string(), field])
    }
}

/// What an entry's number is: the text, whether it is valid E.164, and why the row cannot be
/// selected if it cannot.
struct Number {
    text: String,
    valid: bool,
}

/// Checks one entry and returns its picker row.
pub(super) fn check_entry(
    index: usize,
    fields: &Map<String, Value>,
    findings: &mut CappedFindings,
) -> PickerEntry {
    let entry = Entry { index, fields };
    let mut reasons = Vec::new();
    check_keys(&entry, findings);
    let number = check_number(&entry, findings, &mut reasons);
    let extension = check_extension(&entry, &number.text, findings, &mut reasons);
    let displayed_name = check_name(&entry, &number.text, findings);
    let selectable = number.valid && extension.is_none() && !number.text.is_empty();
    PickerEntry {
        displayed_name,
        number: number.text,
        extension,
        selectable,
        reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
    }
}

/// Fields HubSpot ignores, and the old name of the number's field.
fn check_keys(entry: &Entry<'_>, findings: &mut CappedFindings) {
    let at = |field: &str| entry.at(field);
    let entry = entry.fields;
    for key in entry.keys() {
        match key.as_str() {
            "e164PhoneNumber" | "extension" | "friendlyName" => {}
            "e164Number" => findings.push(Finding::error(
                "legacy-field-name",
                at(key),
                "\"e164Number\" is the field's old name (from an earlier version of HubSpot's docs); HubSpot reads \"e164PhoneNumber\". Rename it.",
            )),
            _ => findings.push(Finding::warning(
                "unknown-field",
                at(key),
                format!("HubSpot ignores {:?}; an entry has e164PhoneNumber, extension and friendlyName.", preview(key)),
            )),
        }
    }
}

/// `e164PhoneNumber`: present, a string, E.164, dialable.
fn check_number(
    entry: &Entry<'_>,
    findings: &mut CappedFindings,
    reasons: &mut Vec<String>,
) -> Number {
    let at = |field: &str| entry.at(field);
    let entry = entry.fields;
    let mut valid_number = false;
    let text = match entry.get("e164PhoneNumber") {
        Some(Value::String(number)) => {
            match e164_problem(number) {
                Some(problem) => {
                    findings.push(Finding::error(
                        "e164-syntax",
                        at("e164PhoneNumber"),
                        format!("{:?} is not an E.164 number: {problem}. Write it as + country code and digits, e.g. +18001231234.", preview(number)),
                    ));
                    reasons.push("not an E.164 number".to_string());
                }
                None => {
                    valid_number = true;
                    if !is_dialable(number) {
                        findings.push(Finding::warning(
                            "e164-not-dialable",
                            at("e164PhoneNumber"),
                            format!("{number} is well-formed but not a real number for its country (per libphonenumber's metadata); calls to it would fail."),
                        ));
                        reasons.push("not a dialable number".to_string());
                    }
                }
            }
            clip(number, CLIP_CHARS)
        }
        Some(other) => {
            findings.push(Finding::error(
                "invalid-type",
                at("e164PhoneNumber"),
                format!(
                    "\"e164PhoneNumber\" must be a string such as \"+18001231234\", got {}.",
                    kind_of(other)
                ),
            ));
            reasons.push("no usable number".to_string());
            String::new()
        }
        None => {
            if !entry.contains_key("e164Number") {
                findings.push(Finding::error(
                    "e164-missing",
                    at("e164PhoneNumber"),
                    "The entry has no \"e164PhoneNumber\"; HubSpot cannot show it.",
                ));
            }
            reasons.push("no e164PhoneNumber".to_string());
            String::new()
        }
    };
    Number {
        text,
        valid: valid_number,
    }
}

/// `extension`: a number with one is listed but cannot be selected.
fn check_extension(
    entry: &Entry<'_>,
    number: &str,
    findings: &mut CappedFindings,
    reasons: &mut Vec<String>,
) -> Option<String> {
    let at = |field: &str| entry.at(field);
    let entry = entry.fields;
    match entry.get("extension") {
        None | Some(Value::Null) => None,
        Some(Value::String(ext)) if ext.is_empty() => None,
        Some(Value::String(ext)) => {
            findings.push(Finding::warning(
                "extension-not-selectable",
                at("extension"),
                format!("{number} has extension {:?}: HubSpot lists numbers with an extension but the user cannot select them. Leave the extension out if the number should be selectable.", preview(ext)),
            ));
            reasons.push("has an extension".to_string());
            Some(clip(ext, CLIP_CHARS))
        }
        Some(other) => {
            findings.push(Finding::error(
                "invalid-type",
                at("extension"),
                format!("\"extension\" must be a string, got {}.", kind_of(other)),
            ));
            reasons.push("invalid extension".to_string());
            Some(clip(&other.to_string(), CLIP_CHARS))
        }
    }
}

/// `friendlyName`: what the picker shows, cut at 24 characters, or the bare number.
fn check_name(entry: &Entry<'_>, number: &str, findings: &mut CappedFindings) -> String {
    let at = |field: &str| entry.at(field);
    let entry = entry.fields;
    match entry.get("friendlyName") {
        Some(Value::String(name)) if !name.trim().is_empty() => {
            let count = name.chars().count();
            if count > FRIENDLY_NAME_LIMIT {
                let shown: String = name.chars().take(FRIENDLY_NAME_LIMIT).collect();
                findings.push(Finding::warning(
                    "friendly-name-truncated",
                    at("friendlyName"),
                    format!("The name has {count} characters; HubSpot shows only the first {FRIENDLY_NAME_LIMIT}: {shown:?}."),
                ));
                shown
            } else {
                name.clone()
            }
        }
        Some(Value::String(_)) | None | Some(Value::Null) => {
            findings.push(Finding::warning(
                "friendly-name-missing",
                at("friendlyName"),
                "The entry has no friendlyName; the user sees only the bare number. Give each number a short name (24 characters at most).",
            ));
            bare_number(number)
        }
        Some(other) => {
            findings.push(Finding::error(
                "invalid-type",
                at("friendlyName"),
                format!("\"friendlyName\" must be a string, got {}.", kind_of(other)),
            ));
            bare_number(number)
        }
    }
}
