//! The protocol judge: what is wrong with a message the app sent, before HubSpot's side acts on
//! it — an unknown type, fields missing or of the wrong type (the catalogue's), a message before
//! the handshake — and then HubSpot's answers (`hubspot::Respond`), which add the findings that
//! need the session's state (a call never started, an engagement id that is not the call's).
//!
//! Never blame a correct app: the SDK's own `ERROR {type: UNKNOWN_MESSAGE_TYPE}` has no
//! `message`, and `CALL_ENDED` without `engagementId` has its own, milder code. A message before
//! the handshake is one that reaches HubSpot before the app's SYNC_ACK: the SDK drops whatever an
//! app sends before SYNC, and sends SYNC_ACK before anything else, so only an app that posts on
//! its own (around the SDK) does that; the page reports what it sees in order.

use super::catalogue::{self, HOST_EVENTS};
use super::fields;
use super::findings;
use super::hubspot::{Outcome, Respond};
use super::message::Report;
use super::session::{HostSession, Phase};
use crate::clock::Timestamp;
use crate::store::Store;

/// The most of an unknown type a finding quotes.
const MAX_TYPE_SHOWN: usize = 100;

/// Judges a message from the app and, unless it is lost, lets HubSpot answer it.
pub fn from_app(store: &Store, session: &mut HostSession, report: &Report) -> Outcome {
    let name = report.message_type.as_str();
    let Some(spec) = catalogue::from_app(name) else {
        let hubspot_sends_it = catalogue::to_app(name).is_some() || HOST_EVENTS.contains(&name);
        // A type is any string the app posts: the finding quotes (and compares) its start only.
        let shown: String = name.chars().take(MAX_TYPE_SHOWN).collect();
        return Outcome {
            findings: vec![findings::unknown_message_type(
                &shown,
                hubspot_sends_it,
                catalogue::closest(&shown),
            )],
            ..Outcome::default()
        };
    };
    let sdk_error = name == "ERROR" && report.text("type") == Some("UNKNOWN_MESSAGE_TYPE");
    let mut found = match sdk_error {
        true => Vec::new(),
        false => fields::check(spec, report.data.as_ref()),
    };
    if name == "CALL_ENDED" {
        for finding in &mut found {
            if finding.code == "field-missing" && finding.pointer == "/data/engagementId" {
                *finding = findings::call_ended_without_engagement_id();
            }
        }
    }
    if session.phase == Phase::Syncing && name != "SYNC_ACK" {
        found.push(findings::message_before_handshake(name));
        return Outcome {
            findings: found,
            ..Outcome::default()
        };
    }
    let mut outcome = Respond {
        store,
        session,
        report,
        now: Timestamp::now(),
        out: Outcome::default(),
    }
    .run();
    found.append(&mut outcome.findings);
    outcome.findings = found;
    outcome
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::domain::AppId;
    use crate::store::Seed;

    fn report(name: &str, data: Value) -> Report {
        Report {
            direction: crate::sdk::direction::Direction::FromApp,
            message_type: name.into(),
            data: (!data.is_null()).then_some(data),
            message_id: None,
        }
    }

    fn codes(outcome: &Outcome) -> Vec<&str> {
        outcome.findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn before_the_apps_sync_ack_a_message_is_lost() {
        let store = Store::new(Seed::default());
        let mut session =
            HostSession::new("s1".into(), AppId::new(1).unwrap(), 2, 3, None, Value::Null);
        let early = from_app(&store, &mut session, &report("LOGGED_IN", Value::Null));
        assert_eq!(codes(&early), ["message-before-handshake"]);
        assert!(early.actions.is_empty() && !session.logged_in);
        let ack = from_app(
            &store,
            &mut session,
            &report("SYNC_ACK", json!({"version": "0.9.7"})),
        );
        assert!(codes(&ack).is_empty());
        assert_eq!(session.phase, Phase::Ready);
        let late = from_app(&store, &mut session, &report("LOGGED_IN", Value::Null));
        assert!(codes(&late).is_empty());
        assert!(session.logged_in);
    }

    #[test]
    fn unknown_types_are_named_and_the_sdks_own_errors_are_not_missing_a_message() {
        let store = Store::new(Seed::default());
        let mut session =
            HostSession::new("s1".into(), AppId::new(1).unwrap(), 2, 3, None, Value::Null);
        session.handshake_done();
        let typo = from_app(&store, &mut session, &report("CALL_COMPLETE", json!({})));
        assert_eq!(codes(&typo), ["unknown-message-type"]);
        assert!(typo.findings[0].message.contains("CALL_COMPLETED"));
        let huge = from_app(
            &store,
            &mut session,
            &report(&"X".repeat(100_000), json!({})),
        );
        assert!(huge.findings[0].message.len() < 1000);
        let theirs = from_app(&store, &mut session, &report("DIAL_NUMBER", json!({})));
        assert!(theirs.findings[0]
            .message
            .contains("HubSpot sends to the app"));
        let sdk = from_app(
            &store,
            &mut session,
            &report(
                "ERROR",
                json!({"type": "UNKNOWN_MESSAGE_TYPE", "data": {"originalMessage": {"type": "SET_CALL_STATE"}}}),
            ),
        );
        assert_eq!(codes(&sdk), ["app-error"]);
        assert!(sdk.findings[0].message.contains("SET_CALL_STATE"));
        let ended = from_app(&store, &mut session, &report("CALL_ENDED", Value::Null));
        assert_eq!(
            codes(&ended),
            ["field-missing", "call-ended-without-engagement-id"]
        );
    }
}
