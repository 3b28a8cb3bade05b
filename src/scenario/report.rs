//! What a `run` found: per scenario and step, passed, failed or skipped, with expected vs got and
//! the delivery of a `fire` and the report of a `probe`. Serialized as the JSON report; `human` and `junit` render it
//! for people and CI.

use serde::Serialize;
use serde_json::Value;

use crate::probe::report::ProbeReport;
use crate::webhook::verdict::{Delivery, Finding};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    Passed,
    Failed,
    Skipped,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepReport {
    /// 1-based position in the scenario.
    pub index: usize,
    pub kind: &'static str,
    /// The step's name, or a description such as `fire demo → portal 62515 user 101`.
    pub title: String,
    pub status: StepStatus,
    pub duration_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub got: Option<Value>,
    /// The verdict's findings, for `fire` steps.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// The exchange with the app, for `fire` steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
    /// The whole report, for `probe` steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeReport>,
}

impl StepReport {
    /// A step with its place, kind, title and status and nothing else (a skipped step).
    pub fn bare(index: usize, kind: &'static str, title: String, status: StepStatus) -> Self {
        StepReport {
            index,
            kind,
            title,
            status,
            duration_ms: 0.0,
            message: None,
            expected: None,
            got: None,
            findings: Vec::new(),
            delivery: None,
            probe: None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioReport {
    pub file: String,
    pub name: String,
    pub passed: bool,
    pub duration_ms: f64,
    pub steps: Vec<StepReport>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub passed: bool,
    /// Why the run could not be judged (the app exited early or never became ready, the
    /// emulator could not start): the run failed whatever its scenarios show (`run` exits 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub strict: bool,
    pub duration_ms: f64,
    pub scenarios: Counts,
    pub steps: Counts,
    pub reports: Vec<ScenarioReport>,
}

impl RunReport {
    pub fn new(reports: Vec<ScenarioReport>, strict: bool, duration_ms: f64) -> Self {
        let mut scenarios = Counts::default();
        let mut steps = Counts::default();
        for report in &reports {
            if report.passed {
                scenarios.passed += 1;
            } else {
                scenarios.failed += 1;
            }
            for step in &report.steps {
                match step.status {
                    StepStatus::Passed => steps.passed += 1,
                    StepStatus::Failed => steps.failed += 1,
                    StepStatus::Skipped => steps.skipped += 1,
                }
            }
        }
        RunReport {
            passed: scenarios.failed == 0,
            error: None,
            strict,
            duration_ms,
            scenarios,
            steps,
            reports,
        }
    }

    /// The run could not be judged, for this reason.
    pub fn with_error(mut self, error: String) -> Self {
        self.passed = false;
        self.error = Some(error);
        self
    }

    /// Zeroes every measured duration and masks what the real clock signed (`[timestamp]`,
    /// `[v3 signature]`), for golden files in deterministic mode.
    pub fn make_repeatable(mut self) -> Self {
        self.duration_ms = 0.0;
        for report in &mut self.reports {
            report.duration_ms = 0.0;
            for step in &mut report.steps {
                step.duration_ms = 0.0;
                if let Some(delivery) = &mut step.delivery {
                    delivery.latency_ms = 0.0;
                    delivery.request.mask_real_clock();
                }
                if let Some(probe) = &mut step.probe {
                    probe.make_repeatable();
                }
            }
        }
        self
    }
}
