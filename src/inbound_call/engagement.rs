//! The call engagement an inbound call becomes with `createEngagement`: its properties, from the
//! request's fields, overlaid by the app's own `engagementProperties` (the app has the last
//! word, as the field's name promises).
//!
//! HubSpot publishes nothing of this (docs/fidelity.md names each choice): the direction is
//! `INBOUND`; `hs_call_status` follows `status`; `durationSeconds` becomes `hs_call_duration` in
//! milliseconds; `callStartedTimestamp` (else the time of the request) is `hs_timestamp`; the
//! numbers as sent, with `;ext=` when there is an extension; `externalCallId` is
//! `hs_call_external_id`; `userId` is `hubspot_owner_id`. The app's id and `hs_call_source` are
//! not filled in for the app: a recording needs them, and the app must send them.

use std::collections::BTreeMap;

use super::request::{InboundCall, ReportedNumber};
use crate::clock::Timestamp;

/// The new engagement's properties; `now` is `hs_timestamp` when the call has no start time.
pub fn properties(call: &InboundCall, now: Timestamp) -> BTreeMap<String, String> {
    let mut properties = BTreeMap::new();
    let mut set = |name: &str, value: String| {
        properties.insert(name.to_string(), value);
    };
    set("hs_call_direction", "INBOUND".into());
    if let Some(status) = call.final_call_status.call_status() {
        set("hs_call_status", status.into());
    }
    if let Some(seconds) = call.duration_seconds {
        set("hs_call_duration", (i64::from(seconds) * 1000).to_string());
    }
    let started = call
        .call_started_timestamp
        .as_deref()
        .and_then(|text| Timestamp::parse(text).ok())
        .unwrap_or(now);
    set("hs_timestamp", started.to_string());
    set("hs_call_from_number", written(&call.from_number));
    set("hs_call_to_number", written(&call.to_number));
    set("hs_call_external_id", call.external_call_id.clone());
    if let Some(user_id) = call.user_id {
        set("hubspot_owner_id", user_id.to_string());
    }
    for (name, value) in &call.engagement_properties {
        properties.insert(name.clone(), value.clone());
    }
    properties
}

/// A number as the engagement shows it: the number, then `;ext=` and the extension if any.
fn written(number: &ReportedNumber) -> String {
    match number.extension.as_deref().map(str::trim) {
        Some(extension) if !extension.is_empty() => {
            format!("{};ext={extension}", number.e164_number)
        }
        _ => number.e164_number.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inbound_call::request::{parse, EXAMPLE};

    #[test]
    fn the_request_fills_the_call_and_engagement_properties_win() {
        let mut body: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        body["finalCallStatus"] = "HOLD".into();
        body["toNumber"]["extension"] = "12".into();
        body["userId"] = 7.into();
        body["engagementProperties"] =
            serde_json::json!({"hs_call_title": "Support", "hs_call_direction": "OUTBOUND"});
        let call = parse(body.to_string().as_bytes()).unwrap();
        let now = Timestamp::parse("2026-02-01T00:00:00Z").unwrap();
        let properties = properties(&call, now);
        let get = |name: &str| properties.get(name).map(String::as_str);
        assert_eq!(get("hs_call_status"), Some("IN_PROGRESS"));
        assert_eq!(get("hs_call_duration"), Some("95000"));
        assert_eq!(get("hs_timestamp"), Some("2026-01-01T10:00:00.000Z"));
        assert_eq!(get("hs_call_from_number"), Some("+14155552671"));
        assert_eq!(get("hs_call_to_number"), Some("+14155550100;ext=12"));
        assert_eq!(get("hs_call_external_id"), Some("call-1"));
        assert_eq!(get("hubspot_owner_id"), Some("7"));
        assert_eq!(get("hs_call_title"), Some("Support"));
        assert_eq!(
            get("hs_call_direction"),
            Some("OUTBOUND"),
            "the app's own value wins"
        );
    }

    #[test]
    fn without_a_start_time_the_call_is_timed_now_and_unknown_has_no_status() {
        let mut body: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
        body.as_object_mut().unwrap().remove("callStartedTimestamp");
        body["finalCallStatus"] = "UNKNOWN".into();
        let call = parse(body.to_string().as_bytes()).unwrap();
        let now = Timestamp::parse("2026-02-01T00:00:00Z").unwrap();
        let properties = properties(&call, now);
        assert_eq!(properties["hs_timestamp"], "2026-02-01T00:00:00.000Z");
        assert!(!properties.contains_key("hs_call_status"));
    }
}
