//! What the emulator concludes about one delivery: the findings (stable codes, severities, JSON
//! pointers into the reply), the number picker the help-desk user would see, and the exchange
//! itself. This is the JSON of `POST /_emulator/fire` and `--format json`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::signer::{REQUEST_TIMESTAMP, SIGNATURE_V3};
use crate::clock::Timestamp;
pub use crate::domain::finding::{Finding, Severity};
use crate::domain::{AppId, PortalId, UserId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Sent, and the reply has no error findings.
    Pass,
    /// Sent, and the reply breaks HubSpot's contract (or never came).
    Fail,
    /// The app has no channel connection: HubSpot would not show it, nothing was sent.
    NotRegistered,
    /// `isReady` is false and the user lacks the flag: the app is greyed out, nothing was sent.
    GreyedOut,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::NotRegistered => "not-registered",
            Outcome::GreyedOut => "greyed-out",
        }
    }
}

/// One row of the number picker as the help-desk user would see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PickerEntry {
    /// What HubSpot shows: the friendly name cut at 24 characters (or the number without one).
    pub displayed_name: String,
    pub number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    pub selectable: bool,
    /// Why the row cannot be selected (or is suspicious), for the user and the developer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl SentRequest {
    /// Replaces what the real clock put in the request (the v3 timestamp and the v3 signature,
    /// which signs it) with placeholders, so that a deterministic run's report repeats.
    /// Deliveries are always signed by the real clock: an app judges the timestamp's age.
    pub fn mask_real_clock(&mut self) {
        for (name, value) in &mut self.headers {
            if name.eq_ignore_ascii_case(REQUEST_TIMESTAMP) {
                *value = "[timestamp]".into();
            } else if name.eq_ignore_ascii_case(SIGNATURE_V3) {
                *value = "[v3 signature]".into();
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceivedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced), cut for the journal when very long.
    pub body: String,
    /// Bytes read (never more than the cap plus one chunk).
    pub body_bytes: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub body_truncated: bool,
}

/// The exchange: what was sent, what came back (if anything), how long it took.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub request: SentRequest,
    pub response: Option<ReceivedResponse>,
    pub latency_ms: f64,
    pub timeout_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    /// Journal id of the delivery (0 when not journaled, as in `check`).
    pub id: u64,
    pub time: Timestamp,
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub user_id: UserId,
    pub outcome: Outcome,
    /// The first 20 findings of each code (`findings::FINDINGS_PER_CODE`).
    pub findings: Vec<Finding>,
    /// How many findings of each code were left out past those (absent when none were).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub omitted_findings: BTreeMap<String, u64>,
    /// The first 100 rows of the number picker (`validator::PICKER_ROWS`).
    pub picker: Vec<PickerEntry>,
    /// Rows in the whole picker, and how many of them the user can select.
    #[serde(default)]
    pub picker_total: usize,
    #[serde(default)]
    pub picker_selectable: usize,
    pub delivery: Option<Delivery>,
    /// The delivery this one re-sent, for replays.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub replay_of: Option<u64>,
}

impl crate::journal::Weigh for Verdict {
    fn weight(&self) -> usize {
        crate::journal::json_weight(self)
    }
}

impl Verdict {
    /// A verdict on nothing yet: a pass with no findings, to be filled in.
    pub fn new(app_id: AppId, portal_id: PortalId, user_id: UserId) -> Self {
        Verdict {
            id: 0,
            time: Timestamp::now(),
            app_id,
            portal_id,
            user_id,
            outcome: Outcome::Pass,
            findings: Vec::new(),
            omitted_findings: BTreeMap::new(),
            picker: Vec::new(),
            picker_total: 0,
            picker_selectable: 0,
            delivery: None,
            replay_of: None,
        }
    }

    /// Adds what the reply concluded after the findings already there (the gate's notes).
    pub fn take_judgement(&mut self, judgement: super::validator::Judgement) {
        self.findings.extend(judgement.findings);
        self.omitted_findings = judgement.omitted_findings;
        self.picker = judgement.picker;
        self.picker_total = judgement.picker_total;
        self.picker_selectable = judgement.picker_selectable;
    }

    pub fn has_warnings(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::Warning)
    }

    /// Passed, and under `strict` also free of warnings.
    pub fn passed(&self, strict: bool) -> bool {
        self.outcome == Outcome::Pass && !(strict && self.has_warnings())
    }
}
