//! What a probe run found: one result per probe (`{probe, expected, status, accepted, severity,
//! message, fix}` and the exchange), the burst's latencies, and findings that sum it up with
//! stable codes. This is the JSON of `POST /_emulator/probe` and `probe --format json`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::forgery::Expected;
use crate::clock::Timestamp;
use crate::domain::LegacyVersion;
use crate::domain::{AppId, PortalId, UserId};
use crate::webhook::rejection;
use crate::webhook::verdict::SentRequest;
use crate::webhook::{Finding, Severity};

/// How one probe went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeOutcome {
    /// The app did what a correct app does.
    Passed,
    /// The app accepted a probe HubSpot's own helpers accept too.
    Warning,
    /// The app accepted a forgery, rejected the genuine delivery, or did not answer properly.
    Failed,
    /// Not sent, because the genuine delivery was not accepted.
    NotRun,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeResult {
    pub probe: &'static str,
    pub expected: Expected,
    /// The HTTP status the app answered with (none if it did not answer).
    pub status: Option<u16>,
    /// It answered 2xx.
    pub accepted: bool,
    pub outcome: ProbeOutcome,
    /// `info` when it passed; otherwise how bad the failure is.
    pub severity: Severity,
    pub message: String,
    /// What to check in the app's code.
    pub fix: &'static str,
    /// What the probe sends.
    pub sends: &'static str,
    pub latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<SentRequest>,
    /// The start of the app's reply body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
}

impl ProbeResult {
    /// What a person is told about the reply of a probe that did not pass with a non-2xx answer:
    /// the start of the body and, for a 401 or 403 of the genuine delivery, where to look.
    pub fn notes(&self) -> Vec<String> {
        match (self.outcome, self.status) {
            (ProbeOutcome::Failed | ProbeOutcome::Warning, Some(status)) => {
                rejection::notes(status, self.reply.as_deref().unwrap_or(""))
            }
            _ => Vec::new(),
        }
    }
}

/// Latency percentiles in milliseconds (nearest rank).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Percentiles {
    pub min: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

impl Percentiles {
    pub fn of(mut samples: Vec<f64>) -> Self {
        if samples.is_empty() {
            return Self::default();
        }
        samples.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let index = ((p / 100.0) * samples.len() as f64).ceil() as usize;
            samples[index.clamp(1, samples.len()) - 1]
        };
        Percentiles {
            min: samples[0],
            p50: rank(50.0),
            p95: rank(95.0),
            p99: rank(99.0),
            max: samples[samples.len() - 1],
            mean: samples.iter().sum::<f64>() / samples.len() as f64,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BurstReport {
    /// Deliveries sent at once, each for a different user.
    pub deliveries: usize,
    /// The first user id; the others follow it.
    pub first_user_id: UserId,
    /// HubSpot's timeout for each.
    pub timeout_ms: u64,
    /// How long the emulator waited for a reply past the timeout, to measure slow ones.
    pub waited_ms: u64,
    /// From the first send to the last reply.
    pub wall_ms: f64,
    /// Answered 2xx.
    pub ok: usize,
    /// Did not answer 2xx (another status, a transport failure, or no reply at all).
    pub errors: usize,
    /// Took longer than the timeout: HubSpot would have shown those users no numbers.
    pub missed_timeout: usize,
    /// Over every delivery; one with no reply counts as the time waited.
    pub latency_ms: Percentiles,
    /// How many got each status (`"200"`) or failure (`"timeout"`, `"connection-refused"` …).
    pub statuses: BTreeMap<String, usize>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub passed: usize,
    pub warnings: usize,
    pub failed: usize,
    pub not_run: usize,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeReport {
    /// Journal id (0 when not journaled, as in the `probe` command).
    pub id: u64,
    pub time: Timestamp,
    pub url: String,
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub user_id: UserId,
    pub signature_version: LegacyVersion,
    pub timeout_ms: u64,
    /// `pass` when no finding is an error.
    pub outcome: &'static str,
    pub summary: Summary,
    pub findings: Vec<Finding>,
    pub probes: Vec<ProbeResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burst: Option<BurstReport>,
}

impl ProbeReport {
    /// Zeroes every measured time and masks the real clock's values in the requests sent, for
    /// golden files in deterministic mode.
    pub fn make_repeatable(&mut self) {
        for probe in &mut self.probes {
            probe.latency_ms = 0.0;
            if let Some(request) = &mut probe.request {
                request.mask_real_clock();
            }
        }
        if let Some(burst) = &mut self.burst {
            burst.wall_ms = 0.0;
            burst.latency_ms = Percentiles::default();
        }
    }

    /// No error findings, and under `strict` no warnings either (info never fails).
    pub fn passed(&self, strict: bool) -> bool {
        self.failing(strict).next().is_none()
    }

    /// The findings that fail the report: errors, and under `strict` warnings too.
    pub fn failing(&self, strict: bool) -> impl Iterator<Item = &Finding> {
        let worst = if strict {
            Severity::Warning
        } else {
            Severity::Error
        };
        self.findings.iter().filter(move |f| f.severity >= worst)
    }
}

impl crate::journal::Weigh for ProbeReport {
    fn weight(&self) -> usize {
        crate::journal::json_weight(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        let p = Percentiles::of(samples);
        assert_eq!(
            (p.min, p.p50, p.p95, p.p99, p.max),
            (1.0, 50.0, 95.0, 99.0, 100.0)
        );
        assert_eq!(p.mean, 50.5);
        let one = Percentiles::of(vec![7.0]);
        assert_eq!((one.p50, one.p99, one.max), (7.0, 7.0, 7.0));
        assert_eq!(Percentiles::of(Vec::new()), Percentiles::default());
    }
}
