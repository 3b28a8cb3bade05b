//! The human summary of a run: a line per scenario, and for each failed step expected vs got,
//! the findings, and the delivery's request and reply — everything needed to fix it without
//! rerunning.

use std::fmt::Write;

use super::report::{RunReport, StepReport, StepStatus};

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
    for finding in &step.findings {
        let severity = serde_json::to_value(finding.severity).unwrap_or_default();
        let _ = writeln!(
            out,
            "          {} {} {}: {}",
            severity.as_str().unwrap_or("?"),
            finding.code,
            finding.pointer,
            finding.message
        );
    }
    if let Some(delivery) = &step.delivery {
        let request = &delivery.request;
        let _ = writeln!(out, "          request: {} {}", request.method, request.url);
        for (name, value) in &request.headers {
            let _ = writeln!(out, "            {name}: {value}");
        }
        let _ = writeln!(out, "            {}", request.body);
        match &delivery.response {
            Some(response) => {
                let _ = writeln!(
                    out,
                    "          reply: {} after {:.1} ms",
                    response.status, delivery.latency_ms
                );
                for (name, value) in &response.headers {
                    let _ = writeln!(out, "            {name}: {value}");
                }
                for line in shorten(&response.body, 2000).lines() {
                    let _ = writeln!(out, "            {line}");
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

fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit).collect();
    cut.push_str("… (cut)");
    cut
}
