//! What HubSpot would make of what an app sends about a call: findings on an inbound-call request
//! and on the properties of any call engagement an app writes (through the inbound call's
//! `engagementProperties` or the CRM's calls API). Severity follows the consequence in HubSpot:
//! `error` when HubSpot would refuse the value or lose the call's meaning (a caller number that is
//! not E.164 cannot be matched; an `hs_call_status` HubSpot does not know), `warning` when the
//! call is kept but shows something else than the app meant (a duration in the wrong unit, a
//! recording HubSpot cannot fetch), `info` for what is only worth knowing. `hs_call_from_number`
//! and `hs_call_to_number` are free text in HubSpot, so they are never judged.

use std::collections::BTreeMap;
use std::time::Duration;

use super::request::InboundCall;
use super::status::CALL_STATUSES;
use crate::clock::Timestamp;
use crate::crm::{CrmObject, WrittenObject};
use crate::webhook::validator::e164_problem;
use crate::webhook::Finding;

/// The properties HubSpot needs to fetch a call's recording from the app (the recordings guide).
pub const RECORDING_PROPERTIES: &[&str] = &[
    "hs_call_external_id",
    "hs_call_external_account_id",
    "hs_call_app_id",
    "hs_call_source",
];

/// A duration in seconds past this (a day) was probably sent in milliseconds.
const LONGEST_PLAUSIBLE_CALL_SECONDS: i64 = 86_400;
/// A start time further ahead than this is a clock or unit mistake.
const FUTURE_TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// Findings on an inbound-call request, `now` being the real time (what the app's clock says);
/// `has_recording_settings`: the app registered `/settings/recording`, so its calls must carry
/// what a recording needs.
pub fn judge_inbound_call(
    call: &InboundCall,
    now: Timestamp,
    has_recording_settings: bool,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (side, number) in [
        ("fromNumber", &call.from_number),
        ("toNumber", &call.to_number),
    ] {
        if let Some(problem) = e164_problem(&number.e164_number) {
            let matching = if side == "fromNumber" {
                "HubSpot matches the caller to contacts and companies by this number, so the call may find no record (the emulator reads it leniently, in the portal's country)"
            } else {
                "HubSpot identifies the line called by this number"
            };
            findings.push(Finding::error(
                "inbound-number-not-e164",
                format!("/{side}/e164Number"),
                format!(
                    "{side}.e164Number {:?} is not E.164 ({problem}); {matching}. Send it as + and the country code and number, e.g. \"+14155552671\".",
                    number.e164_number
                ),
            ));
        }
    }
    if let Some(seconds) = call.duration_seconds.map(i64::from) {
        if seconds < 0 {
            findings.push(Finding::error(
                "duration-negative",
                "/durationSeconds",
                format!("durationSeconds is {seconds}; a call lasts 0 seconds or more."),
            ));
        } else if seconds > LONGEST_PLAUSIBLE_CALL_SECONDS {
            findings.push(Finding::warning(
                "duration-looks-like-milliseconds",
                "/durationSeconds",
                format!(
                    "durationSeconds is {seconds}, a call of {:.1} days: HubSpot reads it in seconds and shows the call that long. If it is milliseconds, send {}.",
                    seconds as f64 / 86_400.0,
                    seconds / 1000
                ),
            ));
        }
    }
    if let Some(started) = call
        .call_started_timestamp
        .as_deref()
        .and_then(|text| Timestamp::parse(text).ok())
    {
        if started.millis() > now.millis() + FUTURE_TOLERANCE_MS {
            findings.push(Finding::warning(
                "call-starts-in-the-future",
                "/callStartedTimestamp",
                format!(
                    "callStartedTimestamp {started} is after now ({now}): HubSpot files the call in the future of the timeline. Send the time the call started, in UTC."
                ),
            ));
        }
    }
    if call.potential_recipient_user_ids.is_empty() {
        findings.push(Finding::info(
            "no-potential-recipients",
            "/potentialRecipientUserIds",
            "potentialRecipientUserIds is empty: no HubSpot user is named as one who could have taken the call.",
        ));
    }
    // With createEngagement the call HubSpot keeps is the whole engagement (the request's fields
    // overlaid by engagementProperties), so it is judged whole: a recording property the app
    // never sent is missing, and the app fixes it in engagementProperties.
    findings.extend(match call.create_engagement {
        true => judge_call_properties(
            &super::engagement::properties(call, now),
            "/engagementProperties",
            Written::Whole,
            has_recording_settings,
            None,
        ),
        false => judge_call_properties(
            &call.engagement_properties,
            "/engagementProperties",
            Written::Partial,
            false,
            None,
        ),
    });
    findings
}

/// Whether the properties are the whole call (a create) or a change to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// A new call: what is absent stays absent.
    Whole,
    /// An update, or properties overlaid on ones the emulator fills in.
    Partial,
}

/// Where the judge reads a call's properties: the CRM's object, or a map of them (a write's
/// properties, a report's).
pub trait CallProperties {
    /// The property's value as written (`Some("")`: set blank, which a map can say).
    fn property(&self, name: &str) -> Option<&str>;
}

impl CallProperties for BTreeMap<String, String> {
    fn property(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl CallProperties for CrmObject {
    fn property(&self, name: &str) -> Option<&str> {
        self.get(name)
    }
}

/// Findings on a call engagement as it stands in the CRM: its properties judged whole, with
/// what HubSpot itself saw of the call (`CrmObject::observed_duration`).
pub fn judge_call(call: &CrmObject, needs_recording: bool) -> Vec<Finding> {
    judge_whole_call(call, needs_recording, call.observed_duration)
}

/// Findings on a call engagement as a write left it, copied out of the CRM: as `judge_call`
/// finds on the stored call.
pub fn judge_written_call(call: &WrittenObject, needs_recording: bool) -> Vec<Finding> {
    judge_whole_call(&call.properties, needs_recording, call.observed_duration)
}

fn judge_whole_call(
    properties: &impl CallProperties,
    needs_recording: bool,
    observed: Option<Duration>,
) -> Vec<Finding> {
    judge_call_properties(
        properties,
        "/properties",
        Written::Whole,
        needs_recording,
        observed,
    )
}

/// Is a logged duration of `ms` (1–999 on a completed call) more likely seconds than
/// milliseconds? Yes, unless HubSpot saw the call last `observed` (answered to ended) and `ms`
/// is nearer that than `ms` seconds would be: the call really was that short (a test that hangs
/// up at once), so the app is not blamed; a 1.2 s call logged as `1` is still told.
fn looks_like_seconds(ms: i64, observed: Option<Duration>) -> bool {
    let Some(observed) = observed else {
        return true;
    };
    let (logged, seen) = (ms.unsigned_abs() as u128, observed.as_millis());
    (logged * 1000).abs_diff(seen) <= logged.abs_diff(seen)
}

/// Findings on a call engagement's properties, at `base` (`/properties`,
/// `/engagementProperties`); `needs_recording`: the app has recording settings, so the call
/// must carry `RECORDING_PROPERTIES` (checked on whole calls only, or on `Partial` ones for the
/// properties they set).
pub fn judge_call_properties(
    properties: &impl CallProperties,
    base: &str,
    written: Written,
    needs_recording: bool,
    observed: Option<Duration>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let get = |name: &str| {
        properties
            .property(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    let at = |name: &str| format!("{base}/{name}");
    match get("hs_timestamp") {
        None if written == Written::Whole => findings.push(Finding::error(
            "call-timestamp-missing",
            at("hs_timestamp"),
            "hs_timestamp is required for a call: HubSpot places the call on the timeline by it. Send the call's start as Unix milliseconds or an ISO-8601 UTC time.",
        )),
        Some(value) if !is_time(value) => findings.push(Finding::error(
            "call-timestamp-invalid",
            at("hs_timestamp"),
            format!("hs_timestamp {value:?} is neither Unix milliseconds nor an ISO-8601 UTC time; send e.g. \"2026-01-01T10:00:00Z\" or \"1767261600000\"."),
        )),
        _ => {}
    }
    if let Some(status) = get("hs_call_status") {
        if !CALL_STATUSES.contains(&status) {
            findings.push(Finding::error(
                "call-status-unknown",
                at("hs_call_status"),
                format!(
                    "hs_call_status {status:?} is not one HubSpot knows, so the call shows no outcome; use one of {}.",
                    CALL_STATUSES.join(", ")
                ),
            ));
        }
    }
    if let Some(direction) = get("hs_call_direction") {
        if direction != "INBOUND" && direction != "OUTBOUND" {
            findings.push(Finding::error(
                "call-direction-unknown",
                at("hs_call_direction"),
                format!("hs_call_direction {direction:?} is neither INBOUND nor OUTBOUND (the HubSpot user's point of view)."),
            ));
        }
    }
    if let Some(duration) = get("hs_call_duration") {
        match duration.parse::<i64>() {
            Err(_) => findings.push(Finding::error(
                "call-duration-invalid",
                at("hs_call_duration"),
                format!("hs_call_duration {duration:?} is not a whole number of milliseconds."),
            )),
            Ok(ms)
                if (1..1000).contains(&ms)
                    && get("hs_call_status") == Some("COMPLETED")
                    && looks_like_seconds(ms, observed) =>
            {
                findings.push(Finding::warning(
                    "duration-looks-like-seconds",
                    at("hs_call_duration"),
                    format!(
                        "hs_call_duration is {ms}, which HubSpot reads as milliseconds: a completed call of {:.3} s. If it is seconds, send {}.",
                        ms as f64 / 1000.0,
                        ms * 1000
                    ),
                ));
            }
            Ok(_) => {}
        }
    }
    if let Some(url) = get("hs_call_recording_url") {
        if !url.starts_with("https://") {
            findings.push(Finding::warning(
                "recording-url-not-https",
                at("hs_call_recording_url"),
                format!("hs_call_recording_url {url:?} is not HTTPS; HubSpot plays back only HTTPS recordings (.mp3 or .wav)."),
            ));
        }
    }
    if let Some(source) = get("hs_call_source") {
        if source != "INTEGRATIONS_PLATFORM" {
            findings.push(Finding::warning(
                "call-source-unknown",
                at("hs_call_source"),
                format!("hs_call_source {source:?}: the only value for calls from an app is \"INTEGRATIONS_PLATFORM\"."),
            ));
        }
    }
    if needs_recording {
        for name in RECORDING_PROPERTIES {
            let missing = match written {
                Written::Whole => get(name).is_none(),
                Written::Partial => properties
                    .property(name)
                    .is_some_and(|v| v.trim().is_empty()),
            };
            if missing {
                findings.push(Finding::warning(
                    "recording-property-missing",
                    at(name),
                    format!("{name} is missing: the app has recording settings, and HubSpot fetches a call's recording only when the call carries hs_call_external_id, hs_call_external_account_id, hs_call_app_id and hs_call_source \"INTEGRATIONS_PLATFORM\"."),
                ));
            }
        }
    }
    findings
}

/// Unix milliseconds or an ISO-8601 time, as HubSpot accepts for `hs_timestamp`.
fn is_time(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_digit()) && value.len() <= 15
        || Timestamp::parse(value).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound_call::request::{parse, EXAMPLE};

    fn codes(findings: &[Finding]) -> Vec<(&str, &str)> {
        findings
            .iter()
            .map(|f| (f.code.as_str(), f.pointer.as_str()))
            .collect()
    }

    fn call(edit: impl FnOnce(&mut serde_json::Value)) -> InboundCall {
        let mut body: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        edit(&mut body);
        parse(body.to_string().as_bytes()).unwrap()
    }

    fn now() -> Timestamp {
        Timestamp::parse("2026-01-01T12:00:00Z").unwrap()
    }

    #[test]
    fn a_correct_call_has_no_findings() {
        assert_eq!(codes(&judge_inbound_call(&call(|_| {}), now(), false)), []);
    }

    #[test]
    fn a_caller_number_that_is_not_e164_is_an_error() {
        let call = call(|b| b["fromNumber"]["e164Number"] = "(415) 555-2671".into());
        let findings = judge_inbound_call(&call, now(), false);
        assert_eq!(
            codes(&findings),
            [("inbound-number-not-e164", "/fromNumber/e164Number")]
        );
        assert!(findings[0].message.contains("may find no record"));
    }

    #[test]
    fn durations_in_the_wrong_unit_are_warnings() {
        let call = call(|b| b["durationSeconds"] = 95_000_000.into());
        assert_eq!(
            codes(&judge_inbound_call(&call, now(), false)),
            [("duration-looks-like-milliseconds", "/durationSeconds")]
        );
        let mut properties = BTreeMap::new();
        properties.insert("hs_timestamp".to_string(), "1767261600000".to_string());
        properties.insert("hs_call_status".into(), "COMPLETED".into());
        properties.insert("hs_call_duration".into(), "95".into());
        assert_eq!(
            codes(&judge_call_properties(
                &properties,
                "/properties",
                Written::Whole,
                false,
                None
            )),
            [(
                "duration-looks-like-seconds",
                "/properties/hs_call_duration"
            )]
        );
    }

    #[test]
    fn unknown_statuses_and_missing_timestamps_are_errors_free_numbers_never() {
        let mut properties = BTreeMap::new();
        properties.insert("hs_call_status".to_string(), "DONE".to_string());
        properties.insert("hs_call_from_number".into(), "call me maybe".into());
        assert_eq!(
            codes(&judge_call_properties(
                &properties,
                "/properties",
                Written::Whole,
                false,
                None
            )),
            [
                ("call-timestamp-missing", "/properties/hs_timestamp"),
                ("call-status-unknown", "/properties/hs_call_status")
            ]
        );
        // An update need not repeat hs_timestamp.
        assert_eq!(
            codes(&judge_call_properties(
                &properties,
                "/properties",
                Written::Partial,
                false,
                None
            )),
            [("call-status-unknown", "/properties/hs_call_status")]
        );
    }

    #[test]
    fn recording_properties_are_judged_only_for_apps_with_recording_settings() {
        let call = call(|_| {});
        assert!(judge_inbound_call(&call, now(), false).is_empty());
        // The engagement HubSpot would keep lacks what a recording needs but the external id.
        assert_eq!(
            codes(&judge_inbound_call(&call, now(), true)),
            [
                (
                    "recording-property-missing",
                    "/engagementProperties/hs_call_external_account_id"
                ),
                (
                    "recording-property-missing",
                    "/engagementProperties/hs_call_app_id"
                ),
                (
                    "recording-property-missing",
                    "/engagementProperties/hs_call_source"
                )
            ]
        );
        let mut properties = BTreeMap::new();
        properties.insert(
            "hs_timestamp".to_string(),
            "2026-01-01T10:00:00Z".to_string(),
        );
        properties.insert("hs_call_external_id".into(), "c-1".into());
        let findings =
            judge_call_properties(&properties, "/properties", Written::Whole, true, None);
        assert_eq!(
            codes(&findings),
            [
                (
                    "recording-property-missing",
                    "/properties/hs_call_external_account_id"
                ),
                ("recording-property-missing", "/properties/hs_call_app_id"),
                ("recording-property-missing", "/properties/hs_call_source")
            ]
        );
    }

    #[test]
    fn future_starts_and_empty_recipients_are_noted() {
        let call = call(|b| {
            b["callStartedTimestamp"] = "2026-01-02T00:00:00Z".into();
            b["potentialRecipientUserIds"] = serde_json::json!([]);
        });
        assert_eq!(
            codes(&judge_inbound_call(&call, now(), false)),
            [
                ("call-starts-in-the-future", "/callStartedTimestamp"),
                ("no-potential-recipients", "/potentialRecipientUserIds")
            ]
        );
    }

    #[test]
    fn a_short_call_hubspot_saw_is_not_taken_for_seconds() {
        let mut call = CrmObject::new(1, Timestamp::now());
        for (name, value) in [
            ("hs_call_duration", "40"),
            ("hs_call_status", "COMPLETED"),
            ("hs_timestamp", "2026-01-01T10:00:00Z"),
        ] {
            call.set(
                name,
                value.into(),
                Timestamp::now(),
                &crate::crm::WriteSource::import(),
            );
        }
        let coded = |call: &CrmObject| {
            judge_call(call, false)
                .into_iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
        };
        // Nothing observed: 40 on a completed call is probably seconds.
        assert_eq!(coded(&call), ["duration-looks-like-seconds"]);
        // HubSpot saw it last 35 ms: it was that short.
        call.observed_duration = Some(Duration::from_millis(35));
        assert!(coded(&call).is_empty());
        // HubSpot saw 40 s: the app sent seconds.
        call.observed_duration = Some(Duration::from_secs(40));
        assert_eq!(coded(&call), ["duration-looks-like-seconds"]);
    }
}
