//! What a burst's numbers mean, as findings on `/burst`: deliveries that missed HubSpot's
//! timeout or failed (errors: users saw no numbers), a p99 past the timeout (a warning: HubSpot
//! fails that tail), and a p95 or p99 over the slow-reply threshold that the webhook's
//! `slow-reply` uses (info: nobody failed, but users waited). Pure, so every rule is tested on
//! made-up numbers below.

use super::report::BurstReport;
use crate::webhook::Finding;

/// How to make a slow app fast, said by every latency finding.
const ANSWER_FASTER: &str = "Answer faster: reply with numbers kept in memory or a cache, and do \
                             slow work (CRM look-ups, logging, analytics) after replying";

/// The burst's findings: `failed_in_time` deliveries failed before the timeout; `slow_ms` is the
/// slow-reply threshold for the burst's timeout.
pub fn findings(report: &BurstReport, failed_in_time: usize, slow_ms: u64) -> Vec<Finding> {
    let mut findings = Vec::new();
    let n = report.deliveries;
    let latency = &report.latency_ms;
    if report.missed_timeout > 0 {
        findings.push(Finding::error(
            "slow-under-load",
            "/burst",
            format!(
                "{} of {n} concurrent deliveries took longer than HubSpot's {} ms timeout \
                 (p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms): those users would see no numbers. \
                 Answer from memory or a cache instead of slow calls per request, and make sure \
                 the server handles {n} requests at once (workers, connection pool).",
                report.missed_timeout, report.timeout_ms, latency.p50, latency.p99, latency.max
            ),
        ));
    }
    if failed_in_time > 0 {
        let others: Vec<String> = report
            .statuses
            .iter()
            .filter(|(status, _)| !status.starts_with('2'))
            .map(|(status, count)| format!("{status} ×{count}"))
            .collect();
        findings.push(Finding::error(
            "errors-under-load",
            "/burst",
            format!(
                "{failed_in_time} of {n} concurrent deliveries failed within the timeout ({}). \
                 Each is a user who sees no numbers; check the app's logs for errors under \
                 concurrency (pool exhaustion, rate limits, shared state).",
                others.join(", ")
            ),
        ));
    }
    findings.extend(latency_findings(report, slow_ms));
    findings
}

/// The percentiles against the timeout and the slow-reply threshold. A p99 past the timeout is
/// a warning of its own (beside `slow-under-load`, which counts the deliveries) because the
/// tail is what HubSpot fails; a slow p95 says most of the slowness, so a slow p99 is only
/// reported when the p95 is not slow and the p99 is not already past the timeout.
fn latency_findings(report: &BurstReport, slow_ms: u64) -> Vec<Finding> {
    let (n, timeout_ms) = (report.deliveries, report.timeout_ms);
    let (p95, p99) = (report.latency_ms.p95, report.latency_ms.p99);
    let mut findings = Vec::new();
    let p99_late = p99 > timeout_ms as f64;
    if p99_late {
        findings.push(Finding::warning(
            "timeout-p99-under-load",
            "/burst",
            format!(
                "Under a burst of {n} deliveries the p99 latency was {p99:.0} ms, past HubSpot's \
                 {timeout_ms} ms timeout: HubSpot fails those deliveries, and at least {} of {n} \
                 users see no numbers. {ANSWER_FASTER}.",
                tail(n, 0.99)
            ),
        ));
    }
    if p95 > slow_ms as f64 {
        findings.push(Finding::info(
            "slow-p95-under-load",
            "/burst",
            format!(
                "Under a burst of {n} deliveries the p95 latency was {p95:.0} ms (p99 {p99:.0} ms), \
                 over the {slow_ms} ms a reply should take: at least {} of {n} users waited that long \
                 for the number picker. {ANSWER_FASTER}.", tail(n, 0.95)
            ),
        ));
    } else if p99 > slow_ms as f64 && !p99_late {
        findings.push(Finding::info(
            "slow-p99-under-load",
            "/burst",
            format!(
                "Under a burst of {n} deliveries the p99 latency was {p99:.0} ms, over the \
                 {slow_ms} ms a reply should take: at least {} of {n} users waited that long for \
                 the number picker. {ANSWER_FASTER}.",
                tail(n, 0.99)
            ),
        ));
    }
    findings
}

/// How many of `n` deliveries took at least the `q` percentile (nearest rank: the value at rank
/// ⌈q·n⌉ and every one above it), so that a burst of 4 does not claim "1 user in 20".
fn tail(n: usize, q: f64) -> usize {
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n.max(1));
    n.max(1) - rank + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::report::Percentiles;
    use crate::webhook::Severity::{self, Error, Info, Warning};

    #[test]
    fn the_tail_counts_the_deliveries_at_or_past_the_percentile() {
        assert_eq!(tail(100, 0.95), 6);
        assert_eq!(tail(100, 0.99), 2);
        assert_eq!(tail(4, 0.95), 1);
        assert_eq!(tail(50, 0.99), 1);
        assert_eq!(tail(0, 0.99), 1);
    }

    /// A burst of 100 within a 10000 ms timeout, with these percentiles.
    fn burst(p95: f64, p99: f64) -> BurstReport {
        BurstReport {
            deliveries: 100,
            first_user_id: 101,
            timeout_ms: 10_000,
            waited_ms: 20_000,
            wall_ms: p99,
            ok: 100,
            errors: 0,
            missed_timeout: 0,
            latency_ms: Percentiles {
                p95,
                p99,
                max: p99,
                ..Percentiles::default()
            },
            statuses: [("200".to_string(), 100)].into(),
        }
    }

    fn codes(report: &BurstReport) -> Vec<(String, Severity)> {
        findings(report, 0, 3000)
            .into_iter()
            .map(|f| (f.code, f.severity))
            .collect()
    }

    #[test]
    fn a_fast_burst_has_no_findings() {
        assert!(codes(&burst(2900.0, 3000.0)).is_empty());
    }

    #[test]
    fn a_slow_tail_is_an_info_naming_the_figure_the_threshold_and_the_fix() {
        let report = burst(120.0, 8412.0);
        assert_eq!(codes(&report), [("slow-p99-under-load".to_string(), Info)]);
        let message = &findings(&report, 0, 3000)[0].message;
        assert!(message.contains("p99 latency was 8412 ms"), "{message}");
        assert!(message.contains("over the 3000 ms"), "{message}");
        assert!(message.contains("Answer faster"), "{message}");
        assert!(message.ends_with('.'), "{message}");
    }

    #[test]
    fn a_slow_p95_is_the_info_and_covers_the_p99() {
        assert_eq!(
            codes(&burst(4000.0, 9000.0)),
            [("slow-p95-under-load".to_string(), Info)]
        );
    }

    #[test]
    fn a_p99_past_the_timeout_is_a_warning() {
        let mut report = burst(9000.0, 10_500.0);
        report.missed_timeout = 1;
        assert_eq!(
            codes(&report),
            [
                ("slow-under-load".to_string(), Error),
                ("timeout-p99-under-load".to_string(), Warning),
                ("slow-p95-under-load".to_string(), Info),
            ]
        );
        let warning = &findings(&report, 0, 3000)[1].message;
        assert!(
            warning.contains("10500 ms, past HubSpot's 10000 ms timeout"),
            "{warning}"
        );
    }
}
