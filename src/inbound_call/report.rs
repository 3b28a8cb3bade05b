//! A call report: what the emulator made of one inbound call an app submitted, as the control
//! API's journal keeps it (`GET /_emulator/inbound-calls`): who sent it, the request as read,
//! the caller's number as matching read it, the matches, the call engagement written (if any),
//! HubSpot's answer, and the findings (`judge`).

use serde::{Deserialize, Serialize};

use super::caller_id::CallerIdMatch;
use super::request::InboundCall;
use crate::clock::Timestamp;
use crate::domain::{AppId, PortalId};
use crate::webhook::Finding;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallReport {
    /// The journal's number for it (from 1).
    pub id: u64,
    pub time: Timestamp,
    pub app_id: AppId,
    pub portal_id: PortalId,
    /// The path it was sent to (either path family).
    pub path: String,
    pub request: InboundCall,
    /// `fromNumber.e164Number` in E.164 as matching read it (in the portal's default country);
    /// absent when it is not a phone number.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub caller_e164: Option<String>,
    pub caller_id_matches: Vec<CallerIdMatch>,
    /// The call engagement created or updated (with `createEngagement`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub engagement_id: Option<u64>,
    /// `created`, `updated` (an earlier call with the same external id), or `none`.
    pub engagement: EngagementOutcome,
    /// The status the API answered with: 200, or the CRM's refusal of the engagement.
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub error: Option<String>,
    pub findings: Vec<Finding>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngagementOutcome {
    Created,
    Updated,
    /// `createEngagement` was false, or the write was refused (`error`).
    None,
}

impl crate::journal::Weigh for CallReport {
    fn weight(&self) -> usize {
        crate::journal::json_weight(self)
    }
}
