//! The protocol judge's findings, one constructor per code, each with the message that says how
//! to fix it. Codes are stable (docs/calling-widget.md lists them); pointers point into the
//! reported message (`/data/externalCallId`), or are empty for the session as a whole.
//! Severities follow the consequence in HubSpot: `error` when the call is not logged or the
//! widget never works, `warning` when HubSpot copes but the user sees less than the app meant,
//! `info` for what is only worth knowing.

use crate::webhook::{Finding, Severity};

use super::catalogue::{Field, MessageSpec};

/// Every code the judge itself gives, its severity (the highest it can have) and when.
pub const CODES: &[(&str, Severity, &str)] = &[
    (
        "message-before-handshake",
        Severity::Error,
        "a message before the SYNC/SYNC_ACK handshake",
    ),
    (
        "unknown-message-type",
        Severity::Error,
        "a type the SDK does not have",
    ),
    (
        "field-missing",
        Severity::Error,
        "a field the SDK's types require is absent",
    ),
    (
        "field-mistyped",
        Severity::Error,
        "a field of the wrong JSON type, or a value HubSpot refuses",
    ),
    (
        "call-completed-without-engagement",
        Severity::Error,
        "CALL_COMPLETED with no engagement to update",
    ),
    (
        "engagement-id-mismatch",
        Severity::Error,
        "an engagementId that is not the call's",
    ),
    (
        "call-never-completed",
        Severity::Error,
        "a call left without CALL_COMPLETED",
    ),
    (
        "not-initialized",
        Severity::Error,
        "no INITIALIZED after the handshake",
    ),
    ("handshake-failed", Severity::Error, "no SYNC_ACK"),
    (
        "outgoing-call-while-logged-out",
        Severity::Warning,
        "OUTGOING_CALL_STARTED while logged out",
    ),
    (
        "incoming-call-while-unavailable",
        Severity::Warning,
        "INCOMING_CALL while unavailable",
    ),
    (
        "call-ended-without-engagement-id",
        Severity::Warning,
        "CALL_ENDED without engagementId",
    ),
    (
        "unknown-call",
        Severity::Warning,
        "a call message for a call never started",
    ),
    (
        "publish-to-channel-deprecated",
        Severity::Info,
        "PUBLISH_TO_CHANNEL",
    ),
    ("app-error", Severity::Warning, "the app sent ERROR"),
];

/// `/data/a/b`.
pub fn pointer(path: &[&str]) -> String {
    path.iter().fold("/data".to_string(), |mut at, part| {
        at.push('/');
        at.push_str(part);
        at
    })
}

pub fn message_before_handshake(spec_name: &str) -> Finding {
    Finding::error(
        "message-before-handshake",
        "",
        format!(
            "{spec_name} came before the handshake ended: HubSpot's widget listens only after the app answers SYNC (the SDK's IFrameManager sends SYNC_ACK for you), so the message is lost. Create `new CallingExtensions({{…}})` as the page loads and send messages from its onReady handler on."
        ),
    )
}

pub fn unknown_message_type(name: &str, hubspot_sends_it: bool, closest: Option<&str>) -> Finding {
    let fix = if hubspot_sends_it {
        format!("{name} is a message HubSpot sends to the app, not one the app sends; handle it in the matching eventHandlers entry instead.")
    } else if let Some(known) = closest {
        format!("{name} is not a message of the calling-extensions SDK, so HubSpot ignores it; did you mean {known}? Send messages with the SDK's methods (cti.outgoingCall(…), cti.callEnded(…)), which use the right types.")
    } else {
        format!("{name} is not a message of the calling-extensions SDK, so HubSpot ignores it; send messages with the SDK's methods (cti.initialized(…), cti.outgoingCall(…) …).")
    };
    Finding::error("unknown-message-type", "/type", fix)
}

pub fn field_missing(spec: &MessageSpec, path: &[&str], field: &Field) -> Finding {
    Finding::new(
        "field-missing",
        field.severity,
        pointer(path),
        format!(
            "{} has no {}: {}. Send it as {} in the data of {}({{…}}).",
            spec.name,
            path.join("."),
            field.used_for,
            field.ty.describe(),
            spec.method
        ),
    )
}

pub fn field_mistyped(spec: &MessageSpec, path: &[&str], field: &Field, got: &str) -> Finding {
    Finding::new(
        "field-mistyped",
        field.severity,
        pointer(path),
        format!(
            "{}'s {} is {got}, not {} as the SDK's types declare it ({}).",
            spec.name,
            path.join("."),
            field.ty.describe(),
            field.used_for
        ),
    )
}

/// `data` itself is not an object, where the message has fields.
pub fn data_not_an_object(spec: &MessageSpec, got: &str, severity: Severity) -> Finding {
    Finding::new(
        "field-mistyped",
        severity,
        "/data",
        format!(
            "{}'s data is {got}, not an object with its fields: call {}({{…}}) with an object.",
            spec.name, spec.method
        ),
    )
}

/// An engagement property HubSpot refuses (an unknown name, an array or object value).
pub fn property_refused(name: &str, why: &str) -> Finding {
    Finding::error(
        "field-mistyped",
        pointer(&["engagementProperties", name]),
        format!("HubSpot refuses engagementProperties.{name}: {why}. The engagement is not updated; fix or remove the property."),
    )
}

pub fn call_completed_without_engagement(external_call_id: &str) -> Finding {
    Finding::error(
        "call-completed-without-engagement",
        pointer(&["engagementId"]),
        format!(
            "CALL_COMPLETED for call {external_call_id:?} names no engagement HubSpot has, so the call is not logged. Start the call with createEngagement: true (cti.outgoingCall / cti.incomingCall) and send the engagementId that CREATE_ENGAGEMENT_SUCCEEDED gave you in callCompleted({{engagementId, …}})."
        ),
    )
}

pub fn engagement_id_mismatch(
    message: &str,
    given: u64,
    logged: u64,
    external_call_id: &str,
    severity: Severity,
) -> Finding {
    Finding::new(
        "engagement-id-mismatch",
        severity,
        pointer(&["engagementId"]),
        format!(
            "{message} names engagement {given}, but HubSpot logged call {external_call_id:?} as engagement {logged} (CREATE_ENGAGEMENT_SUCCEEDED said so): HubSpot acts on engagement {given}. Keep the engagementId of onCreateEngagementSucceeded per call and send that one."
        ),
    )
}

pub fn call_never_completed(external_call_id: &str, why: &str) -> Finding {
    Finding::error(
        "call-never-completed",
        "",
        format!(
            "Call {external_call_id:?} never got CALL_COMPLETED ({why}), so HubSpot never logged its outcome and notes. After callEnded, send callCompleted({{externalCallId, engagementId, engagementProperties}}) for every call."
        ),
    )
}

pub fn not_initialized(within_ms: u128) -> Finding {
    Finding::error(
        "not-initialized",
        "",
        format!(
            "The app answered SYNC but sent no INITIALIZED within {within_ms} ms, so HubSpot shows the widget as loading and offers no calling. Call cti.initialized({{isLoggedIn, isAvailable, sizeInfo}}) from the onReady handler."
        ),
    )
}

pub fn handshake_failed(why: &str) -> Finding {
    Finding::error(
        "handshake-failed",
        "",
        format!(
            "The app never answered HubSpot's SYNC ({why}), so the widget never works. The widget's page must load the calling-extensions SDK and create `new CallingExtensions({{eventHandlers: {{…}}}})` as it loads; check that the widget's URL (the calling settings' url) loads in a browser."
        ),
    )
}

pub fn outgoing_call_while_logged_out() -> Finding {
    Finding::warning(
        "outgoing-call-while-logged-out",
        "",
        "OUTGOING_CALL_STARTED while the user is logged out of the app (INITIALIZED isLoggedIn false, or LOGGED_OUT): HubSpot tells the user to log in before calling. Send cti.userLoggedIn() once the user is logged in.",
    )
}

pub fn incoming_call_while_unavailable() -> Finding {
    Finding::warning(
        "incoming-call-while-unavailable",
        "",
        "INCOMING_CALL while the user is unavailable (INITIALIZED isAvailable false, or USER_UNAVAILABLE): HubSpot routes inbound calls only to available users. Send cti.userAvailable() when the user takes calls.",
    )
}

pub fn call_ended_without_engagement_id() -> Finding {
    Finding::warning(
        "call-ended-without-engagement-id",
        pointer(&["engagementId"]),
        "CALL_ENDED has no engagementId; the SDK's types require it (OnCallEnded). HubSpot finds the call by externalCallId today, but send callEnded({externalCallId, engagementId, callEndStatus}) with the engagementId of onCreateEngagementSucceeded.",
    )
}

pub fn unknown_call(message: &str, external_call_id: &str) -> Finding {
    Finding::warning(
        "unknown-call",
        pointer(&["externalCallId"]),
        format!(
            "{message} names call {external_call_id:?}, which this widget never started, so HubSpot does not know it. Send cti.outgoingCall(…) or cti.incomingCall(…) with this externalCallId first."
        ),
    )
}

pub fn publish_to_channel_deprecated() -> Finding {
    Finding::info(
        "publish-to-channel-deprecated",
        "/type",
        "PUBLISH_TO_CHANNEL is deprecated (SDK 0.9.4): call cti.finalizeEngagement({externalCallId, engagementId}) instead.",
    )
}

pub fn app_error(quoted: &str) -> Finding {
    Finding::warning(
        "app-error",
        pointer(&["message"]),
        format!(
            "The app reported an error, which HubSpot shows the user: {quoted}. If it is not meant for the user, log it in the app instead of cti.sendError(…)."
        ),
    )
}

/// The SDK's own `ERROR {type: UNKNOWN_MESSAGE_TYPE}`: the app did not know a message HubSpot sent.
pub fn app_did_not_know(original: &str) -> Finding {
    Finding::warning(
        "app-error",
        "/data/data/originalMessage",
        format!(
            "The app's SDK did not know the message {original} HubSpot sent it (an ERROR of type UNKNOWN_MESSAGE_TYPE): update @hubspot/calling-extensions-sdk (0.9.7 knows every message HubSpot sends)."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_documented() {
        let docs = include_str!("../../docs/calling-widget.md");
        for (code, _, _) in CODES {
            assert!(
                docs.contains(&format!("`{code}`")),
                "{code} is not in docs/calling-widget.md"
            );
        }
    }
}
