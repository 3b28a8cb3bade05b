//! Expectations of scenario steps: what a `fire` verdict, a `playRecording` verdict, a `probe` report, an `api` or `http`
//! reply, or the findings on a call an app logged lack against the step's `expect`. Each check returns the problems in words (empty when the
//! expectation holds), which the runner reports as the step's message.

use serde_json::Value;

use crate::fixture::steps::{ApiExpect, FireExpect, PassOrFail, PlayRecordingExpect, ProbeExpect};
use crate::probe::report::{ProbeOutcome, ProbeReport};
use crate::recording::PlaybackVerdict;
use crate::webhook::{Finding, Outcome, Severity, Verdict};

/// What a verdict lacks against `expect` (empty when it meets it).
pub fn check_verdict(verdict: &Verdict, expect: &FireExpect, strict: bool) -> Vec<String> {
    let mut problems = check_outcome(
        verdict.outcome,
        &verdict.findings,
        expect.outcome,
        &expect.codes,
        &expect.absent_codes,
        strict,
    );
    // Counted over the whole picker, not only the rows the verdict keeps.
    let selectable = verdict.picker_selectable;
    if let Some(expected) = expect.selectable_count {
        if expected != selectable {
            problems.push(format!(
                "expected {expected} selectable numbers, got {selectable}"
            ));
        }
    }
    if let Some(expected) = &expect.displayed_names {
        let shown: Vec<&str> = verdict
            .picker
            .iter()
            .map(|p| p.displayed_name.as_str())
            .collect();
        if *expected != shown {
            problems.push(format!(
                "expected displayed names {expected:?}, got {shown:?}"
            ));
        }
    }
    problems
}

/// What a recording's verdict lacks against `expect` (empty when it meets it).
pub fn check_playback(
    verdict: &PlaybackVerdict,
    expect: &PlayRecordingExpect,
    strict: bool,
) -> Vec<String> {
    check_outcome(
        verdict.outcome,
        &verdict.findings,
        expect.outcome,
        &expect.codes,
        &expect.absent_codes,
        strict,
    )
}

/// What an outcome and its findings lack against the outcome wanted (default `pass`; under
/// `strict` a pass has no warnings but those listed in `codes`), the codes that must be there
/// and those that must not.
fn check_outcome(
    outcome: Outcome,
    findings: &[Finding],
    wanted: Option<Outcome>,
    codes: &[String],
    absent_codes: &[String],
    strict: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    let found: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    let wanted = wanted.unwrap_or(Outcome::Pass);
    if outcome != wanted {
        let errors: Vec<&str> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.code.as_str())
            .collect();
        problems.push(format!(
            "expected outcome {}, got {}{}",
            wanted.as_str(),
            outcome.as_str(),
            if errors.is_empty() {
                String::new()
            } else {
                format!(" ({})", errors.join(", "))
            }
        ));
    } else if strict && wanted == Outcome::Pass {
        let unexpected: Vec<&str> = findings
            .iter()
            .filter(|f| f.severity == Severity::Warning && !codes.contains(&f.code))
            .map(|f| f.code.as_str())
            .collect();
        if !unexpected.is_empty() {
            problems.push(format!(
                "--strict: unexpected warnings {}",
                unexpected.join(", ")
            ));
        }
    }
    for code in codes {
        if !found.contains(&code.as_str()) {
            problems.push(format!("expected finding {code}, absent"));
        }
    }
    for code in absent_codes {
        if found.contains(&code.as_str()) {
            problems.push(format!("finding {code} present, expected absent"));
        }
    }
    problems
}

/// What a probe report lacks against `expect` (empty when it meets it). Findings of probes
/// listed in `expect.accepted` are expected, so they do not count against the outcome.
pub fn check_probe_report(report: &ProbeReport, expect: &ProbeExpect, strict: bool) -> Vec<String> {
    let mut problems = Vec::new();
    problems.extend(outcome_problem(report, expect, strict));
    for name in &expect.accepted {
        if let Some(probe) = report.probes.iter().find(|p| p.probe == name) {
            if !probe.accepted {
                problems.push(format!(
                    "expected probe {name} to be accepted, it was not ({})",
                    probe.message
                ));
            }
        }
    }
    for code in &expect.codes {
        if !report.findings.iter().any(|f| &f.code == code) {
            problems.push(format!("expected finding {code}, absent"));
        }
    }
    for code in &expect.absent_codes {
        if report.findings.iter().any(|f| &f.code == code) {
            problems.push(format!("finding {code} present, expected absent"));
        }
    }
    problems.extend(latency_problem(report, expect));
    problems
}

/// The findings that count against the report's outcome: at least errors (warnings too under
/// `strict`), but not those of probes the step lists as accepted, nor warnings it expects.
fn counted_findings<'r>(
    report: &'r ProbeReport,
    expect: &ProbeExpect,
    strict: bool,
) -> Vec<&'r str> {
    let listed = |name: &str| expect.accepted.iter().any(|a| a == name);
    let excused = |finding: &Finding| {
        finding
            .pointer
            .strip_prefix("/probes/")
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| report.probes.get(i))
            .is_some_and(|p| listed(p.probe))
            || (finding.severity == Severity::Warning && expect.codes.contains(&finding.code))
    };
    let worst = if strict {
        Severity::Warning
    } else {
        Severity::Error
    };
    report
        .findings
        .iter()
        .filter(|f| f.severity >= worst && !excused(f))
        .map(|f| f.code.as_str())
        .collect()
}

/// The outcome against `expect.outcome` (default pass), naming what failed when it differs.
fn outcome_problem(report: &ProbeReport, expect: &ProbeExpect, strict: bool) -> Option<String> {
    let counted = counted_findings(report, expect, strict);
    let actual = if counted.is_empty() {
        PassOrFail::Pass
    } else {
        PassOrFail::Fail
    };
    let wanted = expect.outcome.unwrap_or(PassOrFail::Pass);
    if actual == wanted {
        return None;
    }
    let listed = |name: &str| expect.accepted.iter().any(|a| a == name);
    let failing: Vec<String> = report
        .probes
        .iter()
        .filter(|p| {
            matches!(p.outcome, ProbeOutcome::Failed | ProbeOutcome::Warning) && !listed(p.probe)
        })
        .map(|p| format!("{} ({})", p.probe, p.message))
        .collect();
    let word = |outcome: PassOrFail, pass: &'static str, fail: &'static str| match outcome {
        PassOrFail::Pass => pass,
        PassOrFail::Fail => fail,
    };
    let detail = match (counted.is_empty(), failing.is_empty()) {
        (true, _) => String::new(),
        (false, true) => format!(": {}", counted.join(", ")),
        (false, false) => format!(": {} — {}", counted.join(", "), failing.join("; ")),
    };
    Some(format!(
        "expected the probes to {}, they {}{detail}",
        word(wanted, "pass", "fail"),
        word(actual, "passed", "failed"),
    ))
}

/// `maxP99Ms`: the burst's p99 within it (and a burst to measure).
fn latency_problem(report: &ProbeReport, expect: &ProbeExpect) -> Option<String> {
    let max = expect.max_p99_ms?;
    match &report.burst {
        Some(burst) if burst.latency_ms.p99 > max => Some(format!(
            "the burst's p99 latency is {:.1} ms, over the {max} ms expected",
            burst.latency_ms.p99
        )),
        Some(_) => None,
        None => Some("maxP99Ms needs a burst, and none ran".to_string()),
    }
}

/// What a reply lacks against `expect` (its body already rendered, in `expected_body`).
pub fn check_reply(
    expect: &ApiExpect,
    expected_body: Option<&Value>,
    status: u16,
    body: &Value,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(expected) = expect.status.filter(|expected| *expected != status) {
        problems.push(format!("expected status {expected}, got {status}"));
    }
    if let Some(Err(path)) = expected_body.map(|expected| subset(expected, body, "")) {
        problems.push(format!("the reply body differs at {path}"));
    }
    problems
}

/// What the findings on something an app sent (a call it logged) lack against the codes a step
/// lists: an error finding counts against it, under `strict` a warning too, unless `codes` lists
/// it (`refusal` says what such findings mean); every code listed must be found. Infos never
/// count.
pub fn check_findings(
    findings: &[Finding],
    codes: &[String],
    strict: bool,
    refusal: &str,
) -> Vec<String> {
    let worst = if strict {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut failing: Vec<&str> = Vec::new();
    for finding in findings {
        let code = finding.code.as_str();
        // Each code once: a mistake made on both numbers is one thing to fix.
        if finding.severity >= worst && !codes.contains(&finding.code) && !failing.contains(&code) {
            failing.push(code);
        }
    }
    let missing: Vec<&str> = codes
        .iter()
        .filter(|code| !findings.iter().any(|f| &f.code == *code))
        .map(String::as_str)
        .collect();
    let mut problems = Vec::new();
    if !failing.is_empty() {
        problems.push(format!("{refusal}: {}", failing.join(", ")));
    }
    if !missing.is_empty() {
        problems.push(format!("expected codes {} not found", missing.join(", ")));
    }
    problems
}

/// `Ok` when every key of `expected` is in `got` with an equal value (recursively); otherwise
/// the JSON pointer of the first difference.
pub fn subset(expected: &Value, got: &Value, at: &str) -> Result<(), String> {
    match (expected, got) {
        (Value::Object(want), Value::Object(have)) => {
            for (key, value) in want {
                let here = format!("{at}/{key}");
                match have.get(key) {
                    Some(actual) => subset(value, actual, &here)?,
                    None => return Err(here),
                }
            }
            Ok(())
        }
        (Value::Array(want), Value::Array(have)) if want.len() == have.len() => {
            for (index, (w, h)) in want.iter().zip(have).enumerate() {
                subset(w, h, &format!("{at}/{index}"))?;
            }
            Ok(())
        }
        (w, h) if w == h => Ok(()),
        _ => Err(if at.is_empty() { "/".into() } else { at.into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn findings_count_by_severity_unless_listed() {
        let findings = vec![
            Finding::error("e", "/a", "m"),
            Finding::warning("w", "/b", "m"),
            Finding::warning("w", "/b2", "m"),
            Finding::info("i", "/c", "m"),
        ];
        let codes = |list: &[&str]| list.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            check_findings(&findings, &[], false, "bad"),
            ["bad: e".to_string()]
        );
        assert_eq!(
            check_findings(&findings, &[], true, "bad"),
            ["bad: e, w".to_string()]
        );
        assert!(check_findings(&findings, &codes(&["e", "w", "i"]), true, "bad").is_empty());
        assert_eq!(
            check_findings(&findings, &codes(&["e", "x"]), false, "bad"),
            ["expected codes x not found".to_string()]
        );
    }

    #[test]
    fn subset_names_the_first_difference() {
        let got = json!({"url": "u", "isReady": true, "createdAt": "t"});
        assert!(subset(&json!({"isReady": true}), &got, "").is_ok());
        assert_eq!(
            subset(&json!({"isReady": false}), &got, "").unwrap_err(),
            "/isReady"
        );
        assert_eq!(subset(&json!({"nope": 1}), &got, "").unwrap_err(), "/nope");
    }
}
