//! Every call engagement an app writes through the calls API is judged as HubSpot would keep it
//! (`inbound_call::judge`, the whole call as it stands after the write, needing what a recording
//! needs when the app has recording settings) and journaled for the control API and the
//! dashboard. The write itself is HubSpot's answer; findings never change it.

use actix_web::HttpRequest;

use super::auth::CrmCall;
use crate::clock::Timestamp;
use crate::context::state_of;
use crate::crm::ObjectType;
use crate::inbound_call::judge::judge_call;
use crate::inbound_call::CallWriteReport;

/// Judges and journals the calls `ids` that `req` wrote (nothing for contacts and companies).
pub fn journal_call_writes(req: &HttpRequest, call: &CrmCall, ids: &[u64]) {
    if call.object_type != ObjectType::Calls || ids.is_empty() {
        return;
    }
    let shared = state_of(req).expect("the state is registered by the composition root");
    let needs_recording = shared
        .store
        .read_app(call.app_id, |app| app.extension.recording.is_some())
        .unwrap_or(false);
    let request = format!("{} {}", req.method(), req.path());
    for &id in ids {
        let Some((properties, findings)) = shared.store.crm().read(call.portal_id, |crm| {
            crm.object(ObjectType::Calls, id).map(|object| {
                (
                    object.properties.clone(),
                    judge_call(object, needs_recording),
                )
            })
        }) else {
            continue;
        };
        shared.call_writes.push(|journal_id| CallWriteReport {
            id: journal_id,
            time: Timestamp::now(),
            app_id: call.app_id,
            portal_id: call.portal_id,
            request: request.clone(),
            call_id: id.to_string(),
            properties,
            findings,
        });
    }
}
