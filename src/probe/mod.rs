//! Probes of the app's webhook receiver: does it reject forged deliveries, and does it keep up
//! when a whole support team opens the help desk at once?
//!
//! ```text
//! genuine delivery ─ accepted? ─ yes → each forgery (forgery.rs), one at a time → must get a 4xx
//!                               └ no  → nothing else can be judged: stop
//!                  → burst (burst.rs): N genuine deliveries at once → latency vs the timeout
//!                  → report (report.rs): a result per probe, the burst, findings
//! ```
//!
//! Used by `hubspot-emulator probe` (no server), `POST /_emulator/probe` and the scenario step
//! `probe`. Probes reuse the webhook's signer and sender; they only read the store (a declared
//! app's URL, secret and timeout, the seed's first portal and user), through `Prober`.

pub mod burst;
mod burst_findings;
pub mod declared;
pub mod error;
pub mod forgery;
pub mod report;

use forgery::{Expected, Forgery, Genuine, FORGERIES, VALID};
use report::{ProbeOutcome, ProbeReport, ProbeResult, Summary};

use crate::clock::{self, Timestamp};
use crate::webhook::sender::{self, TlsConfig};
use crate::webhook::{DeliveryTarget, Finding, Severity};

pub use burst::{DEFAULT_BURST, MAX_BURST};
pub use declared::{probe_app, ProbeRequest, Prober};
pub use error::ProbeError;

/// The start of a reply body kept in a probe result.
const REPLY_KEPT: usize = 2048;

/// Runs the forged-delivery suite against `target`, then a burst of `burst` concurrent genuine
/// deliveries (0 skips it).
pub async fn run(target: &DeliveryTarget, burst: usize, tls: &TlsConfig) -> ProbeReport {
    let genuine = |now_ms| Genuine { target, now_ms };
    let mut probes = vec![send(&VALID, &genuine(clock::wall_millis()), target, tls).await];
    let genuine_accepted = probes[0].outcome == ProbeOutcome::Passed;
    for forgery in FORGERIES {
        probes.push(if genuine_accepted {
            send(forgery, &genuine(clock::wall_millis()), target, tls).await
        } else {
            not_run(forgery)
        });
    }
    let mut findings: Vec<Finding> = probes
        .iter()
        .enumerate()
        .filter_map(|(index, result)| finding(index, result))
        .collect();
    let burst = if genuine_accepted && burst > 0 {
        let (report, burst_findings) = burst::run(target, burst, tls).await;
        findings.extend(burst_findings);
        Some(report)
    } else {
        None
    };
    let mut summary = Summary::default();
    for result in &probes {
        match result.outcome {
            ProbeOutcome::Passed => summary.passed += 1,
            ProbeOutcome::Warning => summary.warnings += 1,
            ProbeOutcome::Failed => summary.failed += 1,
            ProbeOutcome::NotRun => summary.not_run += 1,
        }
    }
    let outcome = if findings.iter().any(|f| f.severity == Severity::Error) {
        "fail"
    } else {
        "pass"
    };
    ProbeReport {
        id: 0,
        time: Timestamp::now(),
        url: target.url.clone(),
        app_id: target.app_id,
        portal_id: target.portal_id,
        user_id: target.user_id,
        signature_version: target.legacy,
        timeout_ms: target.timeout.as_millis() as u64,
        outcome,
        summary,
        findings,
        probes,
        burst,
    }
}

/// Sends one probe and judges the answer: 2xx is accepted, 4xx rejected, anything else (or no
/// answer) is neither, which fails the probe whatever it expected.
async fn send(
    forgery: &Forgery,
    genuine: &Genuine<'_>,
    target: &DeliveryTarget,
    tls: &TlsConfig,
) -> ProbeResult {
    let request = forgery.request(genuine);
    let exchange = sender::send(
        &sender::Outgoing {
            url: &request.url,
            headers: &request.headers,
            body: request.body.as_bytes(),
            // Probes judge the verifier, not speed (the burst does): a slow but correct app
            // must not fail them for being slow.
            timeout: burst::patience(target.timeout),
            body_cap: sender::BODY_CAP,
            purpose: sender::Purpose::Webhook,
            method: &request.method,
        },
        tls,
    )
    .await;
    let status = match (&exchange.failure, &exchange.response) {
        (None, Some(response)) => Some(response.status),
        _ => None,
    };
    let (accepted, outcome, severity, message) = judge(forgery, status, exchange.failure.as_ref());
    ProbeResult {
        probe: forgery.name,
        expected: forgery.expected,
        status,
        accepted,
        outcome,
        severity,
        message,
        fix: forgery.fix,
        sends: forgery.sends,
        latency_ms: exchange.latency_ms,
        reply: exchange.response.map(|r| {
            let kept = &r.body[..r.body.len().min(REPLY_KEPT)];
            String::from_utf8_lossy(kept).into_owned()
        }),
        request: Some(request),
    }
}

/// What a probe's answer means for what it expected: accepted (a 2xx), rejected (a 4xx), or
/// neither; and the outcome, severity and message of the result.
fn judge(
    forgery: &Forgery,
    status: Option<u16>,
    failure: Option<&Finding>,
) -> (bool, ProbeOutcome, Severity, String) {
    let accepted = status.is_some_and(|s| (200..300).contains(&s));
    let rejected = status.is_some_and(|s| (400..500).contains(&s));
    let got = match (status, failure) {
        (Some(status), _) => format!("answered {status}"),
        (None, Some(failure)) => format!("gave no reply: {}", failure.message),
        (None, None) => "gave no reply".to_string(),
    };
    let (outcome, severity, message) = match forgery.expected {
        Expected::Accept if accepted => (
            ProbeOutcome::Passed,
            Severity::Info,
            format!("accepted ({got})"),
        ),
        Expected::Accept => (
            ProbeOutcome::Failed,
            Severity::Error,
            format!(
                "the genuine delivery was not accepted, so no forgery can be judged (an app \
                 that rejects everything would pass them all); the app {got}"
            ),
        ),
        Expected::Reject if rejected => (
            ProbeOutcome::Passed,
            Severity::Info,
            format!("rejected ({got})"),
        ),
        Expected::Reject if accepted => (
            if forgery.if_accepted == Severity::Warning {
                ProbeOutcome::Warning
            } else {
                ProbeOutcome::Failed
            },
            forgery.if_accepted,
            format!("accepted ({got}): {}", forgery.risk),
        ),
        Expected::Reject => (
            ProbeOutcome::Failed,
            Severity::Error,
            format!(
                "neither accepted nor rejected: a forged delivery must get a 4xx (401), not \
                 a crash, a redirect or silence; the app {got}"
            ),
        ),
    };
    (accepted, outcome, severity, message)
}

fn not_run(forgery: &Forgery) -> ProbeResult {
    ProbeResult {
        probe: forgery.name,
        expected: forgery.expected,
        status: None,
        accepted: false,
        outcome: ProbeOutcome::NotRun,
        severity: Severity::Info,
        message: "not sent: the genuine delivery was not accepted".into(),
        fix: forgery.fix,
        sends: forgery.sends,
        latency_ms: 0.0,
        request: None,
        reply: None,
    }
}

/// The finding a probe result gives, if it did not pass.
fn finding(index: usize, result: &ProbeResult) -> Option<Finding> {
    let code = match (result.outcome, result.expected) {
        (ProbeOutcome::Passed | ProbeOutcome::NotRun, _) => return None,
        (_, Expected::Accept) => "valid-delivery-rejected",
        (_, Expected::Reject) if result.accepted => "forged-delivery-accepted",
        (_, Expected::Reject) if result.status.is_some() => "forged-delivery-not-4xx",
        (_, Expected::Reject) => "probe-no-reply",
    };
    Some(Finding::new(
        code,
        result.severity,
        format!("/probes/{index}"),
        format!(
            "{}: {} Fix: {}",
            result.probe,
            sentence(&result.message),
            sentence(result.fix)
        ),
    ))
}

/// `text` as a sentence of its own: ended with a period unless it already ends a sentence, so
/// that a probe's message and its fix never run together ("… answered 401 Fix: …").
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '?', '!']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_says_the_message_and_the_fix_as_separate_sentences() {
        let rejected = judge(&VALID, Some(401), None);
        let result = ProbeResult {
            outcome: rejected.1,
            severity: rejected.2,
            message: rejected.3,
            ..not_run(&VALID)
        };
        let message = finding(0, &result).unwrap().message;
        assert!(
            message.contains("the app answered 401. Fix: verify v3"),
            "{message}"
        );
        assert!(message.ends_with("not re-serialised JSON."), "{message}");
        assert!(!message.contains(".."), "{message}");
        assert_eq!(sentence("Done. "), "Done.");
        assert_eq!(sentence("why?"), "why?");
    }
}
