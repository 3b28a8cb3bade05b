//! The burst: what happens when a whole support team opens the help desk at once. N genuine
//! deliveries for N different users go out together; each reply's latency is measured against
//! HubSpot's timeout. The emulator waits past the timeout (up to twice it) so that the report
//! shows how slow the slow ones really were.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use super::burst_findings;
use super::forgery::{Genuine, VALID};
use super::report::{BurstReport, Percentiles};
use crate::clock;
use crate::webhook::delivery::slow_reply_ms;
use crate::webhook::sender::{self, TlsConfig};
use crate::webhook::{DeliveryTarget, Finding};

/// The largest burst (the sender keeps more connections open than this).
pub const MAX_BURST: usize = 1000;
pub const DEFAULT_BURST: usize = 50;
/// Past the timeout the emulator waits at most this much longer for a reply.
const MAX_EXTRA_WAIT: Duration = Duration::from_secs(30);

/// How long to wait for a reply: past HubSpot's timeout (twice it, at most 30 s more), to see
/// how late a late reply is.
pub fn patience(timeout: Duration) -> Duration {
    (timeout * 2).min(timeout + MAX_EXTRA_WAIT)
}

/// Sends `count` genuine deliveries at once, for users `first.user_id`, `+1`, … and measures them.
pub async fn run(
    first: &DeliveryTarget,
    count: usize,
    tls: &TlsConfig,
) -> (BurstReport, Vec<Finding>) {
    let timeout = first.timeout;
    let waited = patience(timeout);
    let requests: Vec<_> = (0..count as u64)
        .map(|offset| {
            let target = first.for_user(first.user_id.wrapping_add(offset));
            VALID.request(&Genuine {
                target: &target,
                now_ms: clock::wall_millis(),
            })
        })
        .collect();
    let started = Instant::now();
    let exchanges = join_all(requests.iter().map(|request| {
        let outgoing = sender::Outgoing {
            url: &request.url,
            headers: &request.headers,
            body: request.body.as_bytes(),
            timeout: waited,
            body_cap: sender::BODY_CAP,
            purpose: sender::Purpose::Webhook,
            method: &request.method,
        };
        async move { sender::send(&outgoing, tls).await }
    }))
    .await;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;

    let timeout_ms = timeout.as_millis() as u64;
    let mut statuses: BTreeMap<String, usize> = BTreeMap::new();
    let (mut ok, mut missed, mut failed_in_time) = (0, 0, 0);
    let mut latencies = Vec::with_capacity(count);
    for exchange in &exchanges {
        let status = match (&exchange.failure, &exchange.response) {
            (None, Some(response)) => response.status.to_string(),
            (Some(failure), _) => failure.code.clone(),
            (None, None) => "no-reply".to_string(),
        };
        let success = exchange.failure.is_none()
            && exchange
                .response
                .as_ref()
                .is_some_and(|r| (200..300).contains(&r.status));
        let late = exchange.latency_ms > timeout_ms as f64;
        *statuses.entry(status).or_default() += 1;
        ok += usize::from(success);
        missed += usize::from(late);
        failed_in_time += usize::from(!success && !late);
        latencies.push(exchange.latency_ms);
    }
    let report = BurstReport {
        deliveries: count,
        first_user_id: first.user_id,
        timeout_ms,
        waited_ms: waited.as_millis() as u64,
        wall_ms,
        ok,
        errors: count - ok,
        missed_timeout: missed,
        latency_ms: Percentiles::of(latencies),
        statuses,
    };
    let findings = burst_findings::findings(&report, failed_in_time, slow_reply_ms(timeout));
    (report, findings)
}
