//! The JUnit XML report: one `testsuite` per scenario, one `testcase` per step; a failed step's
//! `failure` carries the message, and its body expected vs got and the delivery.

use std::fmt::Write;

use quick_xml::escape::escape;

use super::report::{RunReport, StepStatus};

pub fn render(report: &RunReport) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"hubspot-emulator\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        report.steps.passed + report.steps.failed + report.steps.skipped,
        report.steps.failed,
        report.steps.skipped,
        report.duration_ms / 1000.0
    );
    for scenario in &report.reports {
        let failures = count(&scenario.steps, StepStatus::Failed);
        let skipped = count(&scenario.steps, StepStatus::Skipped);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{:.3}\">",
            xml(&format!("{} :: {}", scenario.file, scenario.name)),
            scenario.steps.len(),
            scenario.duration_ms / 1000.0
        );
        for step in &scenario.steps {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                xml(&format!("{}.{}", scenario.file, scenario.name)),
                xml(&format!("{} {}", step.index, step.title)),
                step.duration_ms / 1000.0
            );
            match step.status {
                StepStatus::Passed => out.push_str("/>\n"),
                StepStatus::Skipped => out.push_str(
                    ">\n      <skipped message=\"an earlier step failed\"/>\n    </testcase>\n",
                ),
                StepStatus::Failed => {
                    let message = step.message.clone().unwrap_or_default();
                    let mut details = String::new();
                    if let Some(expected) = &step.expected {
                        let _ = writeln!(details, "expected: {expected}");
                    }
                    if let Some(got) = &step.got {
                        let _ = writeln!(details, "got: {got}");
                    }
                    for finding in &step.findings {
                        let _ = writeln!(
                            details,
                            "{:?} {} {}: {}",
                            finding.severity, finding.code, finding.pointer, finding.message
                        );
                    }
                    if let Some(delivery) = &step.delivery {
                        if let Ok(text) = serde_json::to_string_pretty(delivery) {
                            let _ = writeln!(details, "delivery: {text}");
                        }
                    }
                    let _ = write!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                        xml(&message),
                        step.kind,
                        xml(&details)
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn count(steps: &[super::report::StepReport], status: StepStatus) -> usize {
    steps.iter().filter(|s| s.status == status).count()
}

/// Escapes for XML and drops the characters XML 1.0 cannot carry (a reply may hold any bytes).
fn xml(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect();
    escape(allowed.as_str()).into_owned()
}
