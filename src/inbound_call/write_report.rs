//! A call-write report: what the emulator made of a call engagement an app wrote through the
//! CRM's calls API (create, update, batch create, update or upsert): the call as it now stands,
//! judged whole as HubSpot would keep it (`judge`). The control API's journal keeps them
//! (`GET /_emulator/call-writes`), beside the inbound-call reports.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::domain::{AppId, PortalId};
use crate::webhook::Finding;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallWriteReport {
    /// The journal's number for it (from 1).
    pub id: u64,
    pub time: Timestamp,
    pub app_id: AppId,
    pub portal_id: PortalId,
    /// The request that wrote it, e.g. `POST /crm/v3/objects/calls/batch/upsert`.
    pub request: String,
    /// The call engagement's id.
    pub call_id: String,
    /// Its properties after the write.
    pub properties: BTreeMap<String, String>,
    pub findings: Vec<Finding>,
}

impl crate::journal::Weigh for CallWriteReport {
    fn weight(&self) -> usize {
        crate::journal::json_weight(self)
    }
}
