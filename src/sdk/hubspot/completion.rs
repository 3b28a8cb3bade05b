//! The end of a call: `CALL_COMPLETED` (HubSpot updates the engagement with the app's
//! `engagementProperties`, judged like any call an app writes, sets the default associations,
//! answers UPDATE_ENGAGEMENT_SUCCEEDED and closes the widget unless `hideWidget` is false) and
//! `FINALIZE_ENGAGEMENT` (deprecated: `PUBLISH_TO_CHANNEL`).

use serde_json::{json, Map, Value};

use super::engagement;
use super::Respond;
use crate::crm::CrmError;
use crate::inbound_call::judge::{judge_call_properties, Written};
use crate::sdk::action::Action;
use crate::sdk::call::CallState;
use crate::sdk::findings;
use crate::sdk::record;
use crate::webhook::Severity;

/// Which engagement a message acts on: the one it names (told when it is not the call's), else
/// the one HubSpot logged the call as. The call's place in the session, if known.
fn target(respond: &mut Respond, severity: Severity) -> (Option<u64>, Option<usize>) {
    let report = respond.report;
    let given = report.engagement_id("engagementId");
    let external = report.text("externalCallId");
    let at = respond
        .session
        .call_index(external)
        .or_else(|| given.and_then(|id| respond.session.call_with_engagement(id)));
    let logged = at.and_then(|i| respond.session.calls[i].engagement_id);
    if let (Some(given), Some(logged), Some(i)) = (given, logged, at) {
        if given != logged {
            let call = respond.session.calls[i].external_call_id.clone();
            respond.out.findings.push(findings::engagement_id_mismatch(
                &report.message_type,
                given,
                logged,
                &call,
                severity,
            ));
        }
    }
    (given.or(logged), at)
}

/// The call's id as a finding names it.
fn call_name(respond: &Respond, at: Option<usize>) -> String {
    respond
        .report
        .text("externalCallId")
        .map(str::to_string)
        .or_else(|| at.map(|i| respond.session.calls[i].external_call_id.clone()))
        .unwrap_or_else(|| "(not named)".into())
}

pub fn completed(respond: &mut Respond) {
    let (target, at) = target(respond, Severity::Error);
    let portal_id = respond.session.portal_id;
    let store = respond.store;
    let live = target.filter(|id| {
        store
            .crm()
            .read(portal_id, |crm| engagement::exists(crm, *id))
    });
    let Some(id) = live else {
        let name = call_name(respond, at);
        respond
            .out
            .findings
            .push(findings::call_completed_without_engagement(&name));
        let why = "HubSpot has no engagement to update for this call";
        respond.out.fail(
            "UPDATE_ENGAGEMENT_FAILED",
            json!({ "engagementId": target }),
            why,
        );
        respond.out.notice(why);
        return;
    };
    let properties = match respond.report.field("engagementProperties") {
        Some(Value::Object(properties)) => properties.clone(),
        _ => Map::new(),
    };
    let end_status = at.and_then(|i| respond.session.calls[i].end_status.clone());
    let shown = record::shown(&respond.session.record);
    let app_id = respond.session.app_id;
    let talk_time = at.and_then(|i| respond.session.calls[i].talk_time());
    let written = store.crm().write(portal_id, |crm| {
        let after =
            engagement::complete(crm, id, &properties, end_status.as_deref(), shown, app_id)?;
        if let Some(talk_time) = talk_time {
            crm.observe_duration(id, talk_time);
        }
        Ok::<_, CrmError>(after)
    });
    match written {
        Ok(after) => {
            let needs_recording = store
                .app(app_id)
                .is_some_and(|app| app.extension.recording.is_some());
            respond.out.findings.extend(judge_call_properties(
                &after,
                "/data/engagementProperties",
                Written::Whole,
                needs_recording,
                talk_time,
            ));
            respond
                .out
                .reply("UPDATE_ENGAGEMENT_SUCCEEDED", json!({ "engagementId": id }));
            if respond.report.flag("hideWidget") != Some(false) {
                respond.out.actions.push(Action::Hide);
            }
            if let Some(i) = at {
                let call = &mut respond.session.calls[i];
                call.state = CallState::Completed;
                call.engagement_id.get_or_insert(id);
            }
        }
        Err(error) => {
            if let CrmError::InvalidProperties { errors } = &error {
                respond.out.findings.extend(
                    errors
                        .iter()
                        .map(|e| findings::property_refused(&e.name, &e.message)),
                );
            }
            let why = format!("HubSpot could not update the call's engagement: {error}");
            respond.out.fail(
                "UPDATE_ENGAGEMENT_FAILED",
                json!({ "engagementId": id }),
                &why,
            );
            respond.out.notice(&why);
        }
    }
}

/// `FINALIZE_ENGAGEMENT` / `PUBLISH_TO_CHANNEL`: HubSpot acknowledges the engagement it knows
/// (what else it does is not published).
pub fn finalize(respond: &mut Respond) {
    let deprecated = respond.report.message_type == "PUBLISH_TO_CHANNEL";
    if deprecated {
        respond
            .out
            .findings
            .push(findings::publish_to_channel_deprecated());
    }
    let answer = if deprecated {
        "PUBLISH_TO_CHANNEL"
    } else {
        "FINALIZE_ENGAGEMENT"
    };
    let (target, at) = target(respond, Severity::Error);
    let name = call_name(respond, at);
    let portal_id = respond.session.portal_id;
    let live = target.filter(|id| {
        respond
            .store
            .crm()
            .read(portal_id, |crm| engagement::exists(crm, *id))
    });
    let data = json!({ "engagementId": target, "externalCallId": name });
    match live {
        Some(_) => {
            respond.out.reply(&format!("{answer}_SUCCEEDED"), data);
            if let Some(call) = at.map(|i| &mut respond.session.calls[i]) {
                if call.state == CallState::Completed {
                    call.state = CallState::Finalized;
                }
            }
        }
        None => respond.out.fail(
            &format!("{answer}_FAILED"),
            data,
            "HubSpot has no engagement with this id to finalize; send the engagementId of onCreateEngagementSucceeded",
        ),
    }
}
