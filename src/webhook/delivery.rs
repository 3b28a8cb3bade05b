//! One delivery end to end: build the body and headers HubSpot would send, sign them, send them,
//! judge the reply. Used by the control API's fire and replay and by the one-shot `check`.

use std::time::Duration;

use super::sender::{self, Exchange, TlsConfig, BODY_CAP};
use super::signer::signature_headers;
use super::target::DeliveryTarget;
use super::validator::{judge, Judgement, Reply};
use super::verdict::{Delivery, Outcome, ReceivedResponse, SentRequest};
use crate::domain::{AppId, PortalId, UserId};

/// HubSpot's timeout for the webhook (assumed, like its other outbound webhooks).
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// Replies slower than this (or than half the timeout, if that is less) are a `slow-reply` warning.
pub const SLOW_REPLY_MS: u64 = 3_000;

/// The slow-reply threshold under `timeout`: `SLOW_REPLY_MS`, or half the timeout if that is less
/// (a reply at 4 s of a 5 s timeout is one hiccup from missing it).
pub fn slow_reply_ms(timeout: Duration) -> u64 {
    SLOW_REPLY_MS.min(timeout.as_millis() as u64 / 2)
}
/// HubSpot's User-Agent on outbound webhooks (assumed).
pub const USER_AGENT: &str = "HubSpot Connect 2.0 (http://dev.hubspot.com/)";
/// Reply bodies kept in the journal are cut here; the verdict is made on the whole body.
const JOURNAL_BODY_LIMIT: usize = 64 * 1024;

/// The body HubSpot sends: exactly `{"appId":N,"portalId":N,"userId":N}`.
pub fn webhook_body(app_id: AppId, portal_id: PortalId, user_id: UserId) -> Vec<u8> {
    format!(r#"{{"appId":{app_id},"portalId":{portal_id},"userId":{user_id}}}"#).into_bytes()
}

/// The request HubSpot would send to `target` with `body`, signed at `timestamp` (ms).
pub fn signed_request_at(target: &DeliveryTarget, body: &[u8], timestamp: i64) -> SentRequest {
    let mut headers = unsigned_headers(target.timeout);
    headers.extend(
        signature_headers(
            &target.client_secret,
            target.legacy,
            "POST",
            &target.url,
            body,
            timestamp,
        )
        .into_iter()
        .map(|(name, value)| (name.to_string(), value)),
    );
    SentRequest {
        method: "POST".into(),
        url: target.url.clone(),
        headers,
        body: String::from_utf8_lossy(body).into_owned(),
    }
}

/// The headers HubSpot sends beside the signatures.
pub fn unsigned_headers(timeout: Duration) -> Vec<(String, String)> {
    vec![
        ("Content-Type".into(), "application/json".into()),
        ("Accept".into(), "*/*".into()),
        // A fresh connection per delivery (see `sender`); the HTTP client sends this header.
        ("Connection".into(), "close".into()),
        ("User-Agent".into(), USER_AGENT.into()),
        (
            "X-HubSpot-Timeout-Millis".into(),
            timeout.as_millis().to_string(),
        ),
    ]
}

/// What a sent delivery concluded.
pub struct Judged {
    pub outcome: Outcome,
    pub judgement: Judgement,
    pub delivery: Delivery,
}

/// Sends `request` and judges the reply.
pub async fn send_and_judge(request: SentRequest, timeout: Duration, tls: &TlsConfig) -> Judged {
    let exchange = sender::send(
        &sender::Outgoing {
            url: &request.url,
            headers: &request.headers,
            body: request.body.as_bytes(),
            timeout,
            body_cap: BODY_CAP,
            purpose: sender::Purpose::Webhook,
            method: &request.method,
        },
        tls,
    )
    .await;
    let Exchange {
        response,
        failure,
        latency_ms,
    } = exchange;
    let mut judgement = match (&failure, &response) {
        (None, Some(raw)) => {
            let header = |name: &str| {
                raw.headers
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            };
            judge(&Reply {
                status: raw.status,
                content_type: header("content-type"),
                content_encoding: header("content-encoding"),
                location: header("location"),
                body: &raw.body,
                truncated: raw.truncated,
                body_cap: BODY_CAP,
                latency_ms,
                slow_ms: slow_reply_ms(timeout),
            })
        }
        _ => Judgement::default(),
    };
    judgement.findings.extend(failure);
    let outcome = if judgement
        .findings
        .iter()
        .any(|f| f.severity == super::verdict::Severity::Error)
    {
        Outcome::Fail
    } else {
        Outcome::Pass
    };
    Judged {
        outcome,
        judgement,
        delivery: Delivery {
            request,
            response: response.map(|raw| {
                let kept = &raw.body[..raw.body.len().min(JOURNAL_BODY_LIMIT)];
                ReceivedResponse {
                    status: raw.status,
                    headers: raw.headers,
                    body: String::from_utf8_lossy(kept).into_owned(),
                    body_bytes: raw.body.len(),
                    body_truncated: raw.truncated || raw.body.len() > JOURNAL_BODY_LIMIT,
                }
            }),
            latency_ms,
            timeout_ms: timeout.as_millis() as u64,
        },
    }
}
