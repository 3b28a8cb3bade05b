//! Judges the app's reply against HubSpot's contract for the phone-number webhook and builds the
//! number picker the help-desk user would see. Pure: bytes in, findings and picker rows out, so
//! every rule is testable without a network and no input can make it panic.
//!
//! `envelope` judges status, size, type, encoding and syntax; `body` the `phoneNumbers` list;
//! `entry` each number (E.164 by `e164`, names cut at 24 characters); `text` words and pointers.

mod body;
mod e164;
mod entry;
mod envelope;
mod text;

use std::collections::BTreeMap;

use super::findings::CappedFindings;
use super::verdict::{Finding, PickerEntry};

#[cfg(test)]
pub use e164::region_examples;
pub use e164::{e164_problem, is_dialable};
pub use text::one_line;

/// Picker rows kept in a verdict; past this only the totals grow.
pub const PICKER_ROWS: usize = 100;

/// HubSpot shows at most this many characters of a friendly name.
pub const FRIENDLY_NAME_LIMIT: usize = 24;

/// What the picker shows for an entry without a usable name: the number, in the same 24
/// characters a name gets (only a malformed "number" is ever that long).
pub(super) fn bare_number(number: &str) -> String {
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

impl<'a> Reply<'a> {
    /// A 200 with `body` as JSON, answered at once and read whole under a delivery's own cap and
    /// slow-reply line (the warm-up's reply, and the tests').
    pub fn prompt_json(body: &'a [u8]) -> Self {
        Reply {
            status: 200,
            content_type: Some("application/json"),
            location: None,
            content_encoding: None,
            body,
            truncated: false,
            body_cap: super::sender::BODY_CAP,
            latency_ms: 1.0,
            slow_ms: super::delivery::SLOW_REPLY_MS,
        }
    }
}

/// What `warm_up` judges: a clean list of one US number, so that it walks every check a good
/// reply meets (a test holds it to that).
const WARM_UP_REPLY: &[u8] =
    br#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Support line"}]}"#;

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
pub(super) struct Picker {
    rows: Vec<PickerEntry>,
    pub(super) total: usize,
    pub(super) selectable: usize,
}

impl Picker {
    pub(super) fn push(&mut self, row: PickerEntry) {
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
    if let Some(body) = envelope::check_envelope(reply, &mut findings) {
        body::check_body(&body, &mut findings, &mut picker);
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

/// Judges a typical reply once, off the serving path (`inbound_call::phone::warm_up` calls it on
/// its background thread, after loading libphonenumber's metadata): an app's first delivery
/// then finds what the judge builds on first use ready, ~0.7 ms of a first fire measured. A
/// country's patterns are still compiled when its first number comes (not guessed here).
pub fn warm_up() {
    let _ = judge(&Reply::prompt_json(WARM_UP_REPLY));
}

#[cfg(test)]
mod tests {
    use super::text::pointer;
    use super::*;

    fn judge_json(body: &str) -> Judgement {
        judge(&Reply::prompt_json(body.as_bytes()))
    }

    /// The warm-up's reply passes every check (one failing early would leave the rest of the
    /// judge cold for the first fire).
    #[test]
    fn the_warm_up_reply_walks_the_whole_judge() {
        let j = judge(&Reply::prompt_json(WARM_UP_REPLY));
        assert!(j.findings.is_empty(), "{:?}", j.findings);
        assert_eq!((j.picker_total, j.picker_selectable), (1, 1));
        assert!(j.picker[0].selectable);
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
    fn long_strings_from_the_reply_are_cut_in_the_verdict() {
        let long = "9".repeat(100_000);
        let j = judge_json(&format!(
            r#"{{"phoneNumbers":[{{"e164PhoneNumber":"{long}","extension":"{long}","{long}":1}}],"{long}":2}}"#
        ));
        let size: usize = j
            .findings
            .iter()
            .map(|f| f.message.len() + f.pointer.len())
            .sum::<usize>()
            + j.picker
                .iter()
                .map(|p| p.number.len() + p.displayed_name.len())
                .sum::<usize>()
            + j.picker
                .iter()
                .filter_map(|p| p.extension.as_ref())
                .map(String::len)
                .sum::<usize>();
        assert!(size < 5_000, "{size} bytes of text in the verdict");
        assert!(j.picker[0].number.ends_with('…'));
    }

    #[test]
    fn a_compressed_reply_is_named() {
        let j = judge(&Reply {
            content_encoding: Some("gzip"),
            ..Reply::prompt_json(&[0x1f, 0x8b, 8, 0])
        });
        assert_eq!(codes(&j), ["content-encoding"]);
        assert!(j.findings[0].message.contains("gzip-encoded"));
    }

    #[test]
    fn pointers_escape_keys() {
        assert_eq!(pointer(&["a/b", "c~d"]), "/a~1b/c~0d");
    }
}
