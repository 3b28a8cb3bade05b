//! Every call engagement an app writes through the calls API is judged as HubSpot would keep it
//! (`inbound_call::judge`, the whole call as it stands after the write, needing what a recording
//! needs when the app has recording settings) and journaled for the control API and the
//! dashboard. The write itself is HubSpot's answer; findings never change it.
//!
//! A handler takes four steps: `CallJudge::of` before the write (what the app has, read outside
//! the CRM's lock), `written` or `copy` inside the write's own lock (the objects as written,
//! without locking the portal a second time to read them back), then `judge` and `journal`
//! once the lock is released, so that other writers of the portal do not wait on the judging.

use std::collections::BTreeMap;

use actix_web::HttpRequest;

use super::auth::CrmCall;
use crate::clock::Timestamp;
use crate::context::state_of;
use crate::crm::{CrmObject, ObjectType, PortalCrm, WrittenObject};
use crate::domain::Finding;
use crate::inbound_call::judge::judge_written_call;
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

    /// `object`, which the request just wrote, copied out under the write's lock for the
    /// answer (`WrittenObject::view` of `set`, the properties written) and for `judge`: a call
    /// whole (the judge and its journal read every property), anything else only what the
    /// answer shows.
    pub fn written<'a>(
        &self,
        object: &CrmObject,
        object_type: ObjectType,
        set: impl IntoIterator<Item = &'a String>,
    ) -> WrittenObject {
        match self.needs_recording {
            Some(_) => WrittenObject::of(object),
            None => WrittenObject::answered(object, object_type, set),
        }
    }

    /// Copies of the calls `ids` in `crm`, where the request just wrote them, for `judge`
    /// (none unless the request writes calls).
    pub fn copy(&self, crm: &PortalCrm, ids: &[u64]) -> Vec<WrittenObject> {
        if self.needs_recording.is_none() {
            return Vec::new();
        }
        ids.iter()
            .filter_map(|&id| crm.object(ObjectType::Calls, id))
            .map(WrittenObject::of)
            .collect()
    }

    /// Judges the calls a request wrote, as copied from the CRM (none unless it writes calls).
    pub fn judge(&self, calls: impl IntoIterator<Item = WrittenObject>) -> JudgedCalls {
        let Some(needs_recording) = self.needs_recording else {
            return JudgedCalls::default();
        };
        JudgedCalls(
            calls
                .into_iter()
                .map(|call| {
                    let findings = judge_written_call(&call, needs_recording);
                    (call.id, call.properties, findings)
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
