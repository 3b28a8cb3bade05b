//! What the emulator concludes about playing one call's recording as HubSpot would: the outcome,
//! the findings (codes in docs/recordings.md), every request made and the reply to it, and what
//! the audio turned out to be. Shaped like the webhook's verdict, so a reader of one reads the
//! other. The audio's bytes are never kept: an exchange records how many were read.

use serde::{Deserialize, Serialize};

use super::audio::AudioInfo;
use crate::clock::Timestamp;
use crate::domain::{AppId, Finding, PortalId};
use crate::webhook::verdict::Delivery;
use crate::webhook::Outcome;

/// What asked for the playback.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trigger {
    /// `POST /_emulator/recordings/play` or `hubspot-emulator play-recording`.
    Control,
    /// The app's `POST …/recordings/ready`.
    RecordingsReady,
    /// A scenario's `playRecording` step.
    Scenario,
}

/// Which request of a playback an exchange is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// The GET of the recording settings' URL, answered with `{"authenticatedUrl": …}`.
    Retrieve,
    /// The GET of the authenticated URL with `Range: bytes=0-`.
    Audio,
    /// A second range request from the middle, as a player seeking would send.
    Seek,
}

/// One request the emulator made, and the reply: a webhook delivery's exchange, named by its
/// step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exchange {
    pub step: Step,
    /// The reply as far as it was read; an audio body is counted (`bodyBytes`), never kept.
    #[serde(flatten)]
    pub delivery: Delivery,
}

/// The audio as served: what it is, and what HubSpot can do with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioSummary {
    #[serde(flatten)]
    pub info: AudioInfo,
    /// The recording's size as the app declared it (`Content-Range`'s total, else
    /// `Content-Length`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_bytes: Option<u64>,
    pub transcribable: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaybackVerdict {
    /// Journal id (`GET /_emulator/recordings/{id}`).
    pub id: u64,
    pub time: Timestamp,
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub engagement_id: u64,
    pub trigger: Trigger,
    /// `pass`, or `fail` when a finding is an error.
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
    /// The call's `hs_call_external_id`, which replaced `%s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The URL HubSpot asked for the authenticated URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrieval_url: Option<String>,
    /// The app's answer: where the audio is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authenticated_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<AudioSummary>,
    pub exchanges: Vec<Exchange>,
}

impl crate::journal::Weigh for PlaybackVerdict {
    fn weight(&self) -> usize {
        crate::journal::json_weight(self)
    }
}

impl PlaybackVerdict {
    /// A verdict on nothing yet, to be filled in.
    pub fn new(app_id: AppId, portal_id: PortalId, engagement_id: u64, trigger: Trigger) -> Self {
        PlaybackVerdict {
            id: 0,
            time: Timestamp::now(),
            app_id,
            portal_id,
            engagement_id,
            trigger,
            outcome: Outcome::Pass,
            findings: Vec::new(),
            external_id: None,
            retrieval_url: None,
            authenticated_url: None,
            audio: None,
            exchanges: Vec::new(),
        }
    }

    /// `fail` when any finding is an error, else `pass`.
    pub fn conclude(&mut self) {
        let failed = self
            .findings
            .iter()
            .any(|f| f.severity == crate::domain::Severity::Error);
        self.outcome = if failed { Outcome::Fail } else { Outcome::Pass };
    }

    /// Passed, and under `strict` also free of warnings.
    pub fn passed(&self, strict: bool) -> bool {
        self.outcome == Outcome::Pass
            && !(strict
                && self
                    .findings
                    .iter()
                    .any(|f| f.severity == crate::domain::Severity::Warning))
    }
}
