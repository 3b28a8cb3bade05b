//! Human output of a probe report: one line per probe (expected, got, result), the burst's
//! latencies against the timeout, then the findings with what to fix.

use std::fmt::Write;

use super::render::{findings, paint, severity_paint};
use crate::probe::forgery::Expected;
use crate::probe::report::{ProbeOutcome, ProbeReport};

pub fn report(report: &ProbeReport, colour: bool) -> String {
    let mut out = String::new();
    let (label, code) = if report.outcome == "pass" {
        ("PASS", "32")
    } else {
        ("FAIL", "31")
    };
    let _ = writeln!(
        out,
        "{}  probes of {} · app {} · {} + v3 · timeout {} ms",
        paint(label, code, colour),
        report.url,
        report.app_id,
        report.signature_version.as_str(),
        report.timeout_ms
    );
    let width = report
        .probes
        .iter()
        .map(|p| p.probe.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "\n  {:<width$}  expected  got        result", "probe");
    for probe in &report.probes {
        let expected = match probe.expected {
            Expected::Accept => "accept",
            Expected::Reject => "reject",
        };
        let got = match (probe.status, probe.outcome) {
            (_, ProbeOutcome::NotRun) => "-".to_string(),
            (Some(status), _) => status.to_string(),
            (None, _) => "no reply".to_string(),
        };
        let result = match probe.outcome {
            ProbeOutcome::Passed => paint("ok", "32", colour),
            ProbeOutcome::NotRun => "not run".to_string(),
            ProbeOutcome::Warning | ProbeOutcome::Failed => {
                let (name, code) = severity_paint(probe.severity);
                paint(name, code, colour)
            }
        };
        let _ = writeln!(
            out,
            "  {:<width$}  {:<8}  {:<9}  {result}",
            probe.probe, expected, got
        );
        for line in probe.notes() {
            let _ = writeln!(out, "      {line}");
        }
    }
    if let Some(burst) = &report.burst {
        let l = &burst.latency_ms;
        let _ = writeln!(
            out,
            "\nburst: {} deliveries at once · {} ok · {} errors · {} over the {} ms timeout · {:.0} ms in all",
            burst.deliveries, burst.ok, burst.errors, burst.missed_timeout, burst.timeout_ms, burst.wall_ms
        );
        let _ = writeln!(
            out,
            "  latency ms: min {:.1} · p50 {:.1} · p95 {:.1} · p99 {:.1} · max {:.1}",
            l.min, l.p50, l.p95, l.p99, l.max
        );
    }
    out.push_str(&findings(&report.findings, colour));
    out
}
