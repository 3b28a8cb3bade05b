//! Every call engagement an app writes through the calls API is judged as HubSpot would keep it
//! (`inbound_call::judge`, the whole call as it stands after the write, needing what a recording
//! needs when the app has recording settings) and journaled for the control API and the
//! dashboard. The write itself is HubSpot's answer; findings never change it.
//!
//! A handler takes three steps: `CallJudge::of` before the write (what the app has, read
//! outside the CRM's lock), `judge` inside the write's own lock (the calls as written, without
//! locking the portal a second time to read them back), `journal` once the lock is released.

use std::collections::BTreeMap;

use actix_web::HttpRequest;

use super::auth::CrmCall;
use crate::clock::Timestamp;
use crate::context::state_of;
use crate::crm::{ObjectType, PortalCrm};
use crate::domain::Finding;
use crate::inbound_call::judge::judge_call;
use crate::inbound_call::CallWriteReport;

/// How one request's call writes are judged; `None` inside for contacts and companies.
pub struct CallJudge {
    needs_recording: Option<bool>,
}

/// The calls one request wrote, as they stand after it, with their findings.
#[derive(Default)]
pub struct JudgedCalls(Vec<(u64, BTreeMap<String, String>, Vec<Finding>)>);

impl CallJudge {
    /// The judge of `call`'s writes (nothing to judge unless it writes calls).
    pub fn of(req: &HttpRequest, call: &CrmCall) -> Self {
        let needs_recording = (call.object_type == ObjectType::Calls).then(|| {
            let shared = state_of(req).expect("the state is registered by the composition root");
            (shared.store)
                .read_app(call.app_id, |app| app.extension.recording.is_some())
                .unwrap_or(false)
        });
        CallJudge { needs_recording }
    }

    /// Judges the calls `ids` in `crm`, where the request just wrote them.
    pub fn judge(&self, crm: &PortalCrm, ids: &[u64]) -> JudgedCalls {
        let Some(needs_recording) = self.needs_recording else {
            return JudgedCalls::default();
        };
        JudgedCalls(
            ids.iter()
                .filter_map(|&id| crm.object(ObjectType::Calls, id))
                .map(|object| {
                    let findings = judge_call(object, needs_recording);
                    (object.id, object.property_map(), findings)
                })
                .collect(),
        )
    }
}

/// Journals the calls `req` wrote, as `CallJudge::judge` found them.
pub fn journal(req: &HttpRequest, call: &CrmCall, judged: JudgedCalls) {
    if judged.0.is_empty() {
        return;
    }
    let shared = state_of(req).expect("the state is registered by the composition root");
    let request = format!("{} {}", req.method(), req.path());
    for (id, properties, findings) in judged.0 {
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
