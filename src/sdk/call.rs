//! A call as HubSpot's side of the widget follows it: the app's id for it, the engagement HubSpot
//! logged it as, its direction and where it is in its life.

use std::time::{Duration, Instant};

use serde::Serialize;

/// The HubSpot user's point of view, as `hs_call_direction` has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CallDirection {
    Inbound,
    Outbound,
}

impl CallDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Inbound => "INBOUND",
            CallDirection::Outbound => "OUTBOUND",
        }
    }
}

/// Where a call is: started (ringing), answered, ended, then completed (logged) and finalized;
/// or transferred away from this user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum CallState {
    Ringing,
    Answered,
    Ended,
    Transferred,
    Completed,
    Finalized,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SdkCall {
    pub external_call_id: String,
    pub engagement_id: Option<u64>,
    pub direction: CallDirection,
    pub state: CallState,
    /// `CALL_ENDED.callEndStatus`, when the app gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_status: Option<String>,
    /// Already judged `call-never-completed` (a newer call started): judged once.
    #[serde(skip)]
    pub judged_incomplete: bool,
    /// When HubSpot saw the call answered and ended, by the real clock (a deterministic run's
    /// fake clock stands still): how long the call really lasted, to check the duration the app
    /// logs against (`talk_time`).
    #[serde(skip)]
    pub answered_at: Option<Instant>,
    #[serde(skip)]
    pub ended_at: Option<Instant>,
}

/// The most of an `externalCallId` a session keeps (and compares): an app's ids are short; a
/// page that sends megabytes must not make 64 sessions of 32 calls hold them.
pub const MAX_EXTERNAL_ID_CHARS: usize = 256;

/// An `externalCallId` as a session keeps it.
pub fn call_key(external_call_id: &str) -> String {
    external_call_id
        .chars()
        .take(MAX_EXTERNAL_ID_CHARS)
        .collect()
}

impl SdkCall {
    pub fn new(external_call_id: &str, direction: CallDirection) -> Self {
        SdkCall {
            external_call_id: call_key(external_call_id),
            engagement_id: None,
            direction,
            state: CallState::Ringing,
            end_status: None,
            judged_incomplete: false,
            answered_at: None,
            ended_at: None,
        }
    }

    /// How long the call was answered, from CALL_ANSWERED to CALL_ENDED as HubSpot saw them.
    pub fn talk_time(&self) -> Option<Duration> {
        Some(self.ended_at?.saturating_duration_since(self.answered_at?))
    }

    /// Still waiting for CALL_COMPLETED: not logged, not transferred away, and not an inbound call
    /// the user never took (HubSpot logs missed calls itself: docs/calling-widget.md).
    pub fn awaits_completion(&self) -> bool {
        let missed = self.direction == CallDirection::Inbound
            && matches!(self.end_status.as_deref(), Some("MISSED" | "REJECTED"));
        matches!(
            self.state,
            CallState::Ringing | CallState::Answered | CallState::Ended
        ) && !missed
    }

    /// Still waiting for CALL_COMPLETED, and not yet judged for it.
    pub fn left_incomplete(&self) -> bool {
        self.awaits_completion() && !self.judged_incomplete
    }

    /// Completed, finalized or transferred: nothing more is expected of it.
    pub fn is_done(&self) -> bool {
        matches!(
            self.state,
            CallState::Transferred | CallState::Completed | CallState::Finalized
        )
    }
}
