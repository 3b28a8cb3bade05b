//! The human summary of a run: a line per scenario, and for each failed step expected vs got,
//! the findings, and the delivery's request and reply — everything needed to fix it without
//! rerunning.

use std::fmt::Write;

use super::report::{RunReport, StepReport, StepStatus};
use crate::probe::report::ProbeReport;
use crate::webhook::findings::worst_first;
use crate::webhook::rejection;

pub fn render(report: &RunReport) -> String {
    let mut out = String::new();
    let mut file = "";
    for scenario in &report.reports {
        if scenario.file != file {
            file = &scenario.file;
            let _ = writeln!(out, "{file}");
        }
        let mark = if scenario.passed { "✓" } else { "✗" };
        let _ = writeln!(
            out,
            "  {mark} {} ({} step{}, {:.0} ms)",
            scenario.name,
            scenario.steps.len(),
            if scenario.steps.len() == 1 { "" } else { "s" },
            scenario.duration_ms
        );
        if !scenario.passed {
            for step in &scenario.steps {
                step_lines(&mut out, step);
            }
        }
    }
    if let Some(error) = &report.error {
        let _ = writeln!(out, "\nthe run could not be judged: {error}");
    }
    let (s, t) = (&report.scenarios, &report.steps);
    let _ = writeln!(
        out,
        "\n{} scenarios: {} passed, {} failed · {} steps: {} passed, {} failed, {} skipped · {:.2} s{}",
        s.passed + s.failed,
        s.passed,
        s.failed,
        t.passed + t.failed + t.skipped,
        t.passed,
        t.failed,
        t.skipped,
        report.duration_ms / 1000.0,
        if report.strict { " · strict" } else { "" }
    );
    out
}

fn step_lines(out: &mut String, step: &StepReport) {
    let mark = match step.status {
        StepStatus::Passed => "✓",
        StepStatus::Failed => "✗",
        StepStatus::Skipped => "-",
    };
    let _ = writeln!(out, "      {mark} {} {}", step.index, step.title);
    if step.status != StepStatus::Failed {
        return;
    }
    if let Some(message) = &step.message {
        for line in message.lines() {
            let _ = writeln!(out, "          {line}");
        }
    }
    if let Some(expected) = &step.expected {
        let _ = writeln!(out, "          expected: {expected}");
    }
    if let Some(got) = &step.got {
        let _ = writeln!(
            out,
            "          got:      {}",
            shorten(&got.to_string(), 400)
        );
    }
    for finding in worst_first(&step.findings) {
        let severity = serde_json::to_value(finding.severity).unwrap_or_default();
        let at = if finding.pointer.is_empty() {
            String::new()
        } else {
            format!(" {}", finding.pointer)
        };
        let _ = writeln!(
            out,
            "          {} {}{at}: {}",
            severity.as_str().unwrap_or("?"),
            finding.code,
            finding.message
        );
    }
    if let Some(probe) = &step.probe {
        probe_notes(out, probe);
    }
    if let Some(delivery) = &step.delivery {
        let request = &delivery.request;
        let _ = writeln!(out, "          request: {} {}", request.method, request.url);
        for (name, value) in &request.headers {
            app_line(out, &format!("{name}: {value}"));
        }
        app_line(out, &request.body);
        match &delivery.response {
            Some(response) => {
                let _ = writeln!(
                    out,
                    "          reply: {} after {:.1} ms",
                    response.status, delivery.latency_ms
                );
                for (name, value) in &response.headers {
                    app_line(out, &format!("{name}: {value}"));
                }
                for line in shorten(&response.body, 2000).lines() {
                    app_line(out, line);
                }
                if let Some(hint) = rejection::hint(response.status) {
                    let _ = writeln!(out, "          {hint}");
                }
            }
            None => {
                let _ = writeln!(
                    out,
                    "          reply: none after {:.1} ms",
                    delivery.latency_ms
                );
            }
        }
    }
}

/// What the probes that did not pass were answered (the reply's start, and a hint for a 401).
fn probe_notes(out: &mut String, report: &ProbeReport) {
    for result in &report.probes {
        let notes = result.notes();
        if let (Some(status), false) = (result.status, notes.is_empty()) {
            let _ = writeln!(out, "          {} answered {status}", result.probe);
            for note in notes {
                let _ = writeln!(out, "            {note}");
            }
        }
    }
}

/// A line of what the app sent or was sent (a header, a body line), indented, without the
/// trailing spaces it may end with.
fn app_line(out: &mut String, text: &str) {
    let _ = writeln!(out, "{}", format!("            {text}").trim_end());
}

fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit).collect();
    cut.push_str("… (cut)");
    cut
}
