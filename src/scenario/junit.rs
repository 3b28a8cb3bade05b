//! The JUnit XML report, written with `quick-junit`: one `testsuite` per scenario, one
//! `testcase` per step; a failed step's `failure` carries the message, and its body expected vs
//! got, the findings and the delivery; a step skipped after a failure carries `skipped`. A run
//! that could not be judged adds a suite whose one test case carries `error`.

use std::fmt::Write;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::report::{RunReport, StepReport, StepStatus};

pub fn render(report: &RunReport) -> String {
    let mut junit = Report::new("hubspot-emulator");
    junit.set_time(seconds(report.duration_ms));
    for scenario in &report.reports {
        let mut suite = TestSuite::new(xml(&format!("{} :: {}", scenario.file, scenario.name)));
        suite.set_time(seconds(scenario.duration_ms));
        let classname = xml(&format!("{}.{}", scenario.file, scenario.name));
        for step in &scenario.steps {
            let mut case =
                TestCase::new(xml(&format!("{} {}", step.index, step.title)), status(step));
            case.set_classname(classname.as_str())
                .set_time(seconds(step.duration_ms));
            // Counts the case as passed, failed or skipped in the suite and the report.
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    if let Some(error) = &report.error {
        junit.add_test_suite(run_error(error));
    }
    // Serializing into memory from `&str`s cannot fail: no I/O, and the bytes are UTF-8.
    junit
        .to_string()
        .expect("a JUnit report serializes into a String")
}

/// A run that could not be judged: one suite with one `error` test case, so that CI shows why
/// (JUnit's `error` is "the test could not run", not "the app broke the contract").
fn run_error(error: &str) -> TestSuite {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status.set_message(xml(error)).set_type("infrastructure");
    let mut case = TestCase::new("the app under test ran and was judged", status);
    case.set_classname("hubspot-emulator.run");
    let mut suite = TestSuite::new("hubspot-emulator run");
    suite.add_test_case(case);
    suite
}

fn status(step: &StepReport) -> TestCaseStatus {
    match step.status {
        StepStatus::Passed => TestCaseStatus::success(),
        StepStatus::Skipped => {
            let mut status = TestCaseStatus::skipped();
            status.set_message(xml(step
                .message
                .as_deref()
                .unwrap_or("an earlier step failed")));
            status
        }
        StepStatus::Failed => {
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
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(xml(step.message.as_deref().unwrap_or_default()))
                .set_type(step.kind)
                .set_description(xml(&details));
            status
        }
    }
}

/// Milliseconds as the `Duration` quick-junit writes as seconds with three decimals (a negative
/// or non-finite figure, which a clock should never give, as zero).
fn seconds(ms: f64) -> Duration {
    Duration::try_from_secs_f64(ms / 1000.0).unwrap_or_default()
}

/// Drops U+FFFE and U+FFFF, which XML 1.0 cannot carry (a reply may hold any text).
/// quick-junit drops the other characters it cannot carry (the C0 controls but tab, newline and
/// carriage return) and ANSI escape sequences, and escapes the rest.
fn xml(text: &str) -> String {
    text.replace(['\u{FFFE}', '\u{FFFF}'], "")
}

#[cfg(test)]
mod tests {
    use quick_junit::{NonSuccessKind, Report, TestCaseStatus};
    use serde_json::json;

    use super::super::report::{RunReport, ScenarioReport, StepReport, StepStatus};

    fn step(index: usize, status: StepStatus, title: &str) -> StepReport {
        StepReport {
            duration_ms: 1.5,
            ..StepReport::bare(index, "api", title.to_string(), status)
        }
    }

    #[test]
    fn steps_become_testcases_that_a_junit_reader_reads_back() {
        let mut failed = step(2, StepStatus::Failed, "GET <settings> & \"more\"\u{FFFF}");
        failed.message = Some("expected status 200, got 404".to_string());
        failed.expected = Some(json!({"status": 200}));
        failed.got = Some(json!({"status": 404, "body": "<html>"}));
        let scenario = ScenarioReport {
            file: "a.json".to_string(),
            name: "one".to_string(),
            passed: false,
            duration_ms: 12.0,
            steps: vec![
                step(1, StepStatus::Passed, "registered"),
                failed,
                step(3, StepStatus::Skipped, "fire"),
            ],
        };
        let xml = super::render(&RunReport::new(vec![scenario], false, 2500.0));
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            "{xml}"
        );
        assert!(xml.contains("<failure message=\"expected status 200, got 404\" type=\"api\">"));

        let report = Report::deserialize_from_str(&xml).expect("well-formed JUnit XML");
        assert_eq!(report.name.as_deref(), Some("hubspot-emulator"));
        assert_eq!((report.tests, report.failures, report.skipped), (3, 1, 1));
        assert_eq!(report.time.map(|t| t.as_millis()), Some(2500));
        let suite = &report.test_suites[0];
        assert_eq!(suite.name.as_str(), "a.json :: one");
        let names: Vec<&str> = suite.test_cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["1 registered", "2 GET <settings> & \"more\"", "3 fire"]
        );
        assert_eq!(suite.test_cases[0].classname.as_deref(), Some("a.json.one"));
        match &suite.test_cases[1].status {
            TestCaseStatus::NonSuccess {
                kind: NonSuccessKind::Failure,
                message,
                ty,
                description,
                ..
            } => {
                assert_eq!(message.as_deref(), Some("expected status 200, got 404"));
                assert_eq!(ty.as_deref(), Some("api"));
                // The reader trims the text's last newline.
                assert_eq!(
                    description.as_deref(),
                    Some("expected: {\"status\":200}\ngot: {\"status\":404,\"body\":\"<html>\"}")
                );
            }
            other => panic!("not a failure: {other:?}"),
        }
        match &suite.test_cases[2].status {
            TestCaseStatus::Skipped { message, .. } => {
                assert_eq!(message.as_deref(), Some("an earlier step failed"))
            }
            other => panic!("not skipped: {other:?}"),
        }
    }
}
