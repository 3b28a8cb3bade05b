//! Calls starting and moving on: `OUTGOING_CALL_STARTED` (the engagement created for the callee
//! HubSpot dialled, or the record the number belongs to), `INCOMING_CALL` (the caller matched
//! against the CRM first, then the engagement associated with every match), and
//! `CALL_ANSWERED`, `CALL_TRANSFERRED`, `CALL_ENDED` (the call's state).

use serde_json::json;

use super::engagement::{self, NewEngagement};
use super::Respond;
use crate::crm::{ObjectType, PortalCrm};
use crate::domain::PortalId;
use crate::inbound_call::caller_id::{caller_e164, match_caller};
use crate::inbound_call::phone::to_e164;
use crate::sdk::call::{CallDirection, CallState, SdkCall};
use crate::sdk::catalogue::END_STATUSES;
use crate::sdk::findings;
use crate::sdk::message::Report;
use crate::sdk::record::object_type;
use crate::sdk::session::Dialled;
use crate::webhook::Severity;

/// The new call's id, the call started and judged against the user's status; `None` when the
/// message has no id (field-missing said so: HubSpot cannot follow a call without it).
fn start<'r>(respond: &mut Respond<'r>, direction: CallDirection) -> Option<&'r str> {
    let report: &'r Report = respond.report;
    let external = report.text("externalCallId")?;
    let session = &mut *respond.session;
    let unready = match direction {
        CallDirection::Outbound => {
            (!session.logged_in).then(findings::outgoing_call_while_logged_out)
        }
        CallDirection::Inbound => {
            (!session.available).then(findings::incoming_call_while_unavailable)
        }
    };
    respond.out.findings.extend(unready);
    session.start_call(SdkCall::new(external, direction));
    Some(external)
}

pub fn outgoing(respond: &mut Respond) {
    let report = respond.report;
    let Some(external) = start(respond, CallDirection::Outbound) else {
        return;
    };
    let dialled = respond.session.dialled.take();
    if report.flag("createEngagement") != Some(true) {
        return;
    }
    let portal_id = respond.session.portal_id;
    let to = report.text("toNumber");
    let callee = respond.store.crm().read(portal_id, |crm| {
        callee(crm, portal_id, dialled.as_ref(), to)
    });
    let records = callee.into_iter().collect();
    create(respond, external, CallDirection::Outbound, records);
}

pub fn incoming(respond: &mut Respond) {
    let report = respond.report;
    let Some(external) = start(respond, CallDirection::Inbound) else {
        return;
    };
    let portal_id = respond.session.portal_id;
    let from = report.text("fromNumber");
    let matches = respond.store.crm().read(portal_id, |crm| {
        let caller = caller_e164(from?, crm)?;
        Some(match_caller(crm, portal_id, &caller))
    });
    let Some(matches) = matches else {
        let why = match from {
            Some(from) => format!("fromNumber {from:?} is not a phone number HubSpot can read (in the portal's country), so no record can match it"),
            None => "the call has no fromNumber to match".to_string(),
        };
        respond.out.fail("CALLER_ID_MATCH_FAILED", json!({}), &why);
        create_if_asked(respond, external, Vec::new());
        return;
    };
    respond.out.reply(
        "CALLER_ID_MATCH_SUCCEEDED",
        json!({ "callerIdMatches": matches }),
    );
    let records = matches.iter().map(|m| m.record()).collect();
    create_if_asked(respond, external, records);
}

fn create_if_asked(respond: &mut Respond, external: &str, records: Vec<(ObjectType, u64)>) {
    if respond.report.flag("createEngagement") == Some(true) {
        create(respond, external, CallDirection::Inbound, records);
    }
}

/// Creates the call's engagement; answers CREATE_ENGAGEMENT_SUCCEEDED or _FAILED.
fn create(
    respond: &mut Respond,
    external: &str,
    direction: CallDirection,
    records: Vec<(ObjectType, u64)>,
) {
    let report = respond.report;
    let session = &*respond.session;
    let new = NewEngagement {
        direction,
        external_call_id: external,
        from_number: report.text("fromNumber"),
        to_number: report.text("toNumber"),
        started_ms: report.field("callStartTime").and_then(|t| t.as_i64()),
        owner_id: session.owner_id,
        app_id: session.app_id,
        records,
    };
    let now = respond.now;
    let created = respond
        .store
        .crm()
        .write(session.portal_id, |crm| engagement::create(crm, &new, now));
    match created {
        Ok(id) => {
            if let Some(call) = respond.session.call_mut(Some(external)) {
                call.engagement_id = Some(id);
            }
            respond
                .out
                .reply("CREATE_ENGAGEMENT_SUCCEEDED", json!({ "engagementId": id }));
        }
        Err(error) => {
            let why = format!("HubSpot could not create the call's engagement: {error}");
            respond
                .out
                .fail("CREATE_ENGAGEMENT_FAILED", json!({}), &why);
            respond.out.notice(&why);
        }
    }
}

/// Whom an outbound call is to: the contact or company HubSpot dialled (when the app calls the
/// number it was given, or names none), else the first record the number belongs to.
fn callee(
    crm: &PortalCrm,
    portal_id: PortalId,
    dialled: Option<&Dialled>,
    to: Option<&str>,
) -> Option<(ObjectType, u64)> {
    let country = crm.default_country();
    let same = |a: &str, b: &str| {
        a == b || matches!((to_e164(a, country), to_e164(b, country)), (Some(x), Some(y)) if x == y)
    };
    if let Some(dialled) = dialled {
        if to.is_none_or(|to| same(to, &dialled.phone_number)) {
            if let Some((type_id, id)) = &dialled.callee {
                return object_type(type_id).map(|t| (t, *id));
            }
        }
    }
    let number = caller_e164(to?, crm)?;
    match_caller(crm, portal_id, &number)
        .first()
        .map(|record| record.record())
}

/// `CALL_ANSWERED`, `CALL_TRANSFERRED`, `CALL_ENDED`: the named call (or the current one, when
/// the message names none) moves on.
pub fn progress(respond: &mut Respond) {
    let report = respond.report;
    let name = report.message_type.as_str();
    let external = report.text("externalCallId");
    let Some(at) = respond.session.call_index(external) else {
        if let Some(id) = external {
            respond.out.findings.push(findings::unknown_call(name, id));
        }
        return;
    };
    let call = &mut respond.session.calls[at];
    match name {
        "CALL_ANSWERED" if call.state == CallState::Ringing => {
            call.state = CallState::Answered;
            call.answered_at = Some(std::time::Instant::now());
        }
        "CALL_TRANSFERRED" if !call.is_done() => call.state = CallState::Transferred,
        "CALL_ENDED" => {
            if let (Some(given), Some(logged)) =
                (report.engagement_id("engagementId"), call.engagement_id)
            {
                if given != logged {
                    respond.out.findings.push(findings::engagement_id_mismatch(
                        name,
                        given,
                        logged,
                        &call.external_call_id,
                        Severity::Warning,
                    ));
                }
            }
            if !call.is_done() {
                call.state = CallState::Ended;
                call.ended_at.get_or_insert_with(std::time::Instant::now);
                // Kept only when it is one of the SDK's (a field-mistyped said so otherwise).
                call.end_status = report
                    .text("callEndStatus")
                    .filter(|status| END_STATUSES.contains(status))
                    .map(str::to_string);
            }
        }
        _ => {}
    }
}
