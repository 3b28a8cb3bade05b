//! The top of the reply: an object with a `phoneNumbers` array, nothing else, at least one
//! selectable number, no number listed twice.

use std::collections::HashMap;

use serde_json::Value;

use super::entry::check_entry;
use super::text::{kind_of, pointer, preview};
use super::{CappedFindings, Finding, Picker};

pub(super) fn check_body(body: &Value, findings: &mut CappedFindings, picker: &mut Picker) {
    let Some(numbers) = phone_numbers(body, findings) else {
        return;
    };
    if numbers.is_empty() {
        findings.push(Finding::warning(
            "empty-list",
            "/phoneNumbers",
            "The list is empty: the user sees no number to connect. If this user really has none, fine; otherwise check how the app looks up the user's numbers.",
        ));
    }
    // Where each (number, extension) was first listed: a map, as a reply may list thousands.
    let mut seen: HashMap<(String, Option<String>), usize> = HashMap::new();
    for (index, entry) in numbers.iter().enumerate() {
        let Some(entry) = entry.as_object() else {
            findings.push(Finding::error(
                "invalid-type",
                pointer(&["phoneNumbers", &index.to_string()]),
                format!(
                    "Each phone number must be an object, got {}.",
                    kind_of(entry)
                ),
            ));
            continue;
        };
        let row = check_entry(index, entry, findings);
        if !row.number.is_empty() {
            let key = (row.number.clone(), row.extension.clone());
            if let Some(first) = seen.get(&key) {
                findings.push(Finding::warning(
                    "duplicate-number",
                    pointer(&["phoneNumbers", &index.to_string()]),
                    format!(
                        "{} is listed again (first at /phoneNumbers/{first}); the user sees it twice.",
                        row.number
                    ),
                ));
            } else {
                seen.insert(key, index);
            }
        }
        picker.push(row);
    }
    if picker.total > 0 && picker.selectable == 0 {
        findings.push(Finding::warning(
            "no-selectable-numbers",
            "/phoneNumbers",
            "No number in the list can be selected: the user cannot connect the channel.",
        ));
    }
}

/// The `phoneNumbers` array of an object with nothing else, or `None` (with a finding).
fn phone_numbers<'b>(body: &'b Value, findings: &mut CappedFindings) -> Option<&'b Vec<Value>> {
    let Some(object) = body.as_object() else {
        findings.push(Finding::error(
            "missing-phone-numbers",
            "",
            format!(
                "The reply is {}, not an object; HubSpot needs {{\"phoneNumbers\": [...]}}.",
                kind_of(body)
            ),
        ));
        return None;
    };
    for key in object.keys().filter(|k| *k != "phoneNumbers") {
        findings.push(Finding::warning(
            "unknown-field",
            pointer(&[key]),
            format!(
                "HubSpot ignores the field {:?}; the reply has only \"phoneNumbers\".",
                preview(key)
            ),
        ));
    }
    let numbers = match object.get("phoneNumbers") {
        None => {
            findings.push(Finding::error(
                "missing-phone-numbers",
                "/phoneNumbers",
                "The reply has no \"phoneNumbers\" array, so the user sees no numbers. Answer {\"phoneNumbers\": [{\"e164PhoneNumber\": \"+18001231234\", \"friendlyName\": \"Support line\"}]}.",
            ));
            return None;
        }
        Some(Value::Array(numbers)) => numbers,
        Some(other) => {
            findings.push(Finding::error(
                "invalid-type",
                "/phoneNumbers",
                format!("\"phoneNumbers\" must be an array, got {}.", kind_of(other)),
            ));
            return None;
        }
    };
    Some(numbers)
}
