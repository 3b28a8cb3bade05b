//! Judges the app's reply against HubSpot's contract for the phone-number webhook and builds the
//! number picker the help-desk user would see. Pure: bytes in, findings and picker rows out, so
//! every rule is testable without a network and no input can make it panic.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use dashmap::DashMap;
use serde_json::{Map, Value};

use super::findings::CappedFindings;
use super::verdict::{Finding, PickerEntry};

/// Picker rows kept in a verdict; past this only the totals grow.
pub const PICKER_ROWS: usize = 100;

/// HubSpot shows at most this many characters of a friendly name.
pub const FRIENDLY_NAME_LIMIT: usize = 24;

/// What the picker shows for an entry without a usable name: the number, in the same 24
/// characters a name gets (only a malformed "number" is ever that long).
fn bare_number(number: &str) -> String {
    number.chars().take(FRIENDLY_NAME_LIMIT).collect()
}

/// What came back, as the sender read it.
pub struct Reply<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    /// `Content-Encoding`, if the app sent one (the request asked for `identity`).
    pub content_encoding: Option<&'a str>,
    pub location: Option<&'a str>,
    pub body: &'a [u8],
    /// The body went past the cap and was not read to its end.
    pub truncated: bool,
    pub body_cap: usize,
    pub latency_ms: f64,
    pub slow_ms: u64,
}

/// What the reply concluded, bounded whatever the app sent: at most `FINDINGS_PER_CODE`
/// findings of each code and `PICKER_ROWS` picker rows are kept, with the counts of the rest.
#[derive(Default)]
pub struct Judgement {
    pub findings: Vec<Finding>,
    /// Findings left out per code, past the first `FINDINGS_PER_CODE` of each.
    pub omitted_findings: BTreeMap<String, u64>,
    /// The first `PICKER_ROWS` rows of the picker.
    pub picker: Vec<PickerEntry>,
    /// Rows in the whole picker, and how many of them the user can select.
    pub picker_total: usize,
    pub picker_selectable: usize,
}

/// The number picker as it is built: the first rows in full, every row counted.
#[derive(Default)]
struct Picker {
    rows: Vec<PickerEntry>,
    total: usize,
    selectable: usize,
}

impl Picker {
    fn push(&mut self, row: PickerEntry) {
        self.total += 1;
        self.selectable += usize::from(row.selectable);
        if self.rows.len() < PICKER_ROWS {
            self.rows.push(row);
        }
    }
}

pub fn judge(reply: &Reply<'_>) -> Judgement {
    let mut findings = CappedFindings::default();
    let mut picker = Picker::default();
    if reply.latency_ms > reply.slow_ms as f64 {
        findings.push(Finding::warning(
            "slow-reply",
            "",
            format!(
                "The app took {:.0} ms to answer (over {} ms): help-desk users wait that long for the number picker. Answer from a cache or precomputed list.",
                reply.latency_ms, reply.slow_ms
            ),
        ));
    }
    if let Some(body) = check_envelope(reply, &mut findings) {
        check_body(&body, &mut findings, &mut picker);
    }
    let (findings, omitted_findings) = findings.into_parts();
    Judgement {
        findings,
        omitted_findings,
        picker: picker.rows,
        picker_total: picker.total,
        picker_selectable: picker.selectable,
    }
}

/// Status, size, content type, encoding, syntax: returns the parsed body when it is JSON.
fn check_envelope(reply: &Reply<'_>, findings: &mut CappedFindings) -> Option<Value> {
    if reply.truncated {
        findings.push(Finding::error(
            "body-too-large",
            "",
            format!(
                "The reply body is larger than {} bytes; the emulator stopped reading it. A phone-number list is a few KiB: check what the endpoint returns.",
                reply.body_cap
            ),
        ));
        return None;
    }
    if (300..400).contains(&reply.status) {
        findings.push(Finding::error(
            "redirect",
            "",
            format!(
                "The app answered {} redirecting to {}. HubSpot does not follow redirects: register the final URL as the channel connection url.",
                reply.status,
                reply.location.unwrap_or("(no Location header)")
            ),
        ));
        return None;
    }
    if !(200..300).contains(&reply.status) {
        let html = if looks_like_html(reply.body) {
            " The body is an HTML page, probably your framework's error page: check the app's logs."
        } else {
            ""
        };
        findings.push(Finding::error(
            "http-status",
            "",
            format!(
                "The app answered HTTP {}; HubSpot needs 200 with a JSON body and shows the user no numbers otherwise.{html}",
                reply.status
            ),
        ));
        return None;
    }
    if reply.body.iter().all(u8::is_ascii_whitespace) {
        findings.push(Finding::error(
            "empty-body",
            "",
            format!(
                "The app answered {} with an empty body; HubSpot needs {{\"phoneNumbers\": [...]}}.",
                reply.status
            ),
        ));
        return None;
    }
    let json_type = reply.content_type.is_some_and(|value| {
        let essence = value.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("application/json")
    });
    if !json_type {
        findings.push(Finding::warning(
            "content-type",
            "",
            format!(
                "The reply's Content-Type is {}; send application/json.",
                reply
                    .content_type
                    .map_or("missing".to_string(), |v| format!("{v:?}"))
            ),
        ));
    }
    if let Some(encoding) = reply
        .content_encoding
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("identity"))
    {
        findings.push(Finding::error(
            "content-encoding",
            "",
            format!(
                "The reply is {encoding}-encoded (Content-Encoding: {encoding}) although the request asked for Accept-Encoding: identity, so it cannot be read as JSON. Send the body uncompressed: turn off compression for this endpoint, or honour Accept-Encoding."
            ),
        ));
        return None;
    }
    let text = match std::str::from_utf8(reply.body) {
        Ok(text) => text,
        Err(e) => {
            findings.push(Finding::error(
                "not-json",
                "",
                format!(
                    "The reply is not valid UTF-8 (bad byte at offset {}), so it cannot be JSON. Serialize the reply with a JSON library.",
                    e.valid_up_to()
                ),
            ));
            return None;
        }
    };
    match serde_json::from_str::<Value>(text) {
        Ok(value) => Some(value),
        Err(e) => {
            let what = if looks_like_html(reply.body) {
                "an HTML page"
            } else {
                "not JSON"
            };
            findings.push(Finding::error(
                "not-json",
                "",
                format!(
                    "The reply is {what} (line {}, column {}: {}). Starts with: {:?}",
                    e.line(),
                    e.column(),
                    e.to_string().split(" at line").next().unwrap_or(""),
                    preview(text)
                ),
            ));
            None
        }
    }
}

fn check_body(body: &Value, findings: &mut CappedFindings, picker: &mut Picker) {
    let Some(object) = body.as_object() else {
        findings.push(Finding::error(
            "missing-phone-numbers",
            "",
            format!(
                "The reply is {}, not an object; HubSpot needs {{\"phoneNumbers\": [...]}}.",
                kind_of(body)
            ),
        ));
        return;
    };
    for key in object.keys().filter(|k| *k != "phoneNumbers") {
        findings.push(Finding::warning(
            "unknown-field",
            pointer(&[key]),
            format!("HubSpot ignores the field {key:?}; the reply has only \"phoneNumbers\"."),
        ));
    }
    let numbers = match object.get("phoneNumbers") {
        None => {
            findings.push(Finding::error(
                "missing-phone-numbers",
                "/phoneNumbers",
                "The reply has no \"phoneNumbers\" array, so the user sees no numbers. Answer {\"phoneNumbers\": [{\"e164PhoneNumber\": \"+18001231234\", \"friendlyName\": \"Support line\"}]}.",
            ));
            return;
        }
        Some(Value::Array(numbers)) => numbers,
        Some(other) => {
            findings.push(Finding::error(
                "invalid-type",
                "/phoneNumbers",
                format!("\"phoneNumbers\" must be an array, got {}.", kind_of(other)),
            ));
            return;
        }
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

/// Checks one entry and returns its picker row.
fn check_entry(
    index: usize,
    entry: &Map<String, Value>,
    findings: &mut CappedFindings,
) -> PickerEntry {
    let at = |field: &str| pointer(&["phoneNumbers", &index.to_string(), field]);
    let mut reasons = Vec::new();
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
                format!("HubSpot ignores {key:?}; an entry has e164PhoneNumber, extension and friendlyName."),
            )),
        }
    }

    let mut valid_number = false;
    let number = match entry.get("e164PhoneNumber") {
        Some(Value::String(number)) => {
            match e164_problem(number) {
                Some(problem) => {
                    findings.push(Finding::error(
                        "e164-syntax",
                        at("e164PhoneNumber"),
                        format!("{number:?} is not an E.164 number: {problem}. Write it as + country code and digits, e.g. +18001231234."),
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
            number.clone()
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

    let extension = match entry.get("extension") {
        None | Some(Value::Null) => None,
        Some(Value::String(ext)) if ext.is_empty() => None,
        Some(Value::String(ext)) => {
            findings.push(Finding::warning(
                "extension-not-selectable",
                at("extension"),
                format!("{number} has extension {ext:?}: HubSpot lists numbers with an extension but the user cannot select them. Leave the extension out if the number should be selectable."),
            ));
            reasons.push("has an extension".to_string());
            Some(ext.clone())
        }
        Some(other) => {
            findings.push(Finding::error(
                "invalid-type",
                at("extension"),
                format!("\"extension\" must be a string, got {}.", kind_of(other)),
            ));
            reasons.push("invalid extension".to_string());
            Some(other.to_string())
        }
    };

    let displayed_name = match entry.get("friendlyName") {
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
            bare_number(&number)
        }
        Some(other) => {
            findings.push(Finding::error(
                "invalid-type",
                at("friendlyName"),
                format!("\"friendlyName\" must be a string, got {}.", kind_of(other)),
            ));
            bare_number(&number)
        }
    };

    let selectable = valid_number && extension.is_none() && !number.is_empty();
    PickerEntry {
        displayed_name,
        number,
        extension,
        selectable,
        reason: (!reasons.is_empty()).then(|| reasons.join("; ")),
    }
}

/// What is wrong with `number` as E.164 (`+`, a country code not starting with 0, at most 15
/// digits in all), or `None`.
pub fn e164_problem(number: &str) -> Option<&'static str> {
    let Some(digits) = number.strip_prefix('+') else {
        return Some("it must start with +");
    };
    if digits.is_empty() {
        return Some("there are no digits after +");
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some("only digits may follow + (no spaces, dashes, dots or brackets)");
    }
    if digits.starts_with('0') {
        return Some("a country code never starts with 0");
    }
    if digits.len() > 15 {
        return Some("E.164 numbers have at most 15 digits");
    }
    if digits.len() < 3 {
        return Some("too short to be a phone number");
    }
    None
}

/// Is a syntactically valid E.164 number a real, dialable number per libphonenumber?
///
/// libphonenumber's check costs about 160 µs a number, and an app answers the same few numbers
/// on every delivery, so answers are cached (bounded: the cache is emptied when full).
pub fn is_dialable(number: &str) -> bool {
    static CACHE: OnceLock<DashMap<String, bool>> = OnceLock::new();
    const CACHE_LIMIT: usize = 16_384;
    let cache = CACHE.get_or_init(DashMap::new);
    if let Some(known) = cache.get(number) {
        return *known;
    }
    let dialable =
        phonenumber::parse(None, number).is_ok_and(|parsed| phonenumber::is_valid(&parsed));
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(number.to_string(), dialable);
    dialable
}

/// A JSON pointer (RFC 6901) from path segments.
fn pointer(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {:?}", preview(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(256)]).to_ascii_lowercase();
    let start = start.trim_start();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with("<head")
}

fn preview(text: &str) -> String {
    let mut shown: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge_json(body: &str) -> Judgement {
        judge(&Reply {
            status: 200,
            content_type: Some("application/json"),
            location: None,
            content_encoding: None,
            body: body.as_bytes(),
            truncated: false,
            body_cap: 1 << 20,
            latency_ms: 1.0,
            slow_ms: 3000,
        })
    }

    fn codes(judgement: &Judgement) -> Vec<&str> {
        judgement.findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn a_clean_reply_has_no_findings() {
        let j = judge_json(
            r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Office"}]}"#,
        );
        assert!(j.findings.is_empty(), "{:?}", j.findings);
        assert!(j.picker[0].selectable);
    }

    #[test]
    fn e164_rules() {
        assert_eq!(e164_problem("+14155552671"), None);
        assert!(e164_problem("14155552671").is_some());
        assert!(e164_problem("+1 415 555 2671").is_some());
        assert!(e164_problem("+0123").is_some());
        assert!(e164_problem("+1234567890123456").is_some());
        assert!(is_dialable("+14155552671"));
        assert!(!is_dialable("+19999999999"));
    }

    #[test]
    fn names_are_cut_at_24_characters_not_bytes() {
        let j = judge_json(
            r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Ligne très très spéciale 😀😀😀"}]}"#,
        );
        assert_eq!(codes(&j), ["friendly-name-truncated"]);
        assert_eq!(j.picker[0].displayed_name, "Ligne très très spéciale");
        assert_eq!(j.picker[0].displayed_name.chars().count(), 24);
    }

    #[test]
    fn a_huge_reply_gives_a_bounded_judgement_with_true_totals() {
        let entries: Vec<String> = (0..5000)
            .map(|i| format!(r#"{{"e164PhoneNumber":"1415555{i:04}","friendlyName":"n{i}"}}"#))
            .collect();
        let j = judge_json(&format!(r#"{{"phoneNumbers":[{}]}}"#, entries.join(",")));
        assert_eq!(
            j.findings.len(),
            super::super::findings::FINDINGS_PER_CODE + 1
        );
        assert_eq!(j.omitted_findings["e164-syntax"], 5000 - 20);
        assert_eq!(j.picker.len(), PICKER_ROWS);
        assert_eq!((j.picker_total, j.picker_selectable), (5000, 0));
        assert!(codes(&j).contains(&"no-selectable-numbers"));
    }

    #[test]
    fn a_compressed_reply_is_named() {
        let j = judge(&Reply {
            status: 200,
            content_type: Some("application/json"),
            location: None,
            content_encoding: Some("gzip"),
            body: &[0x1f, 0x8b, 8, 0],
            truncated: false,
            body_cap: 1 << 20,
            latency_ms: 1.0,
            slow_ms: 3000,
        });
        assert_eq!(codes(&j), ["content-encoding"]);
        assert!(j.findings[0].message.contains("gzip-encoded"));
    }

    #[test]
    fn pointers_escape_keys() {
        assert_eq!(pointer(&["a/b", "c~d"]), "/a~1b/c~0d");
    }
}
