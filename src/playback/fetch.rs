//! One GET of a playback, as HubSpot would send it: signed like the webhook (v1/v2 and v3 over
//! GET, the full URL and an empty body; assumed, HubSpot does not say), sent with the webhook's
//! sender (no redirects followed, a deadline, a read cap), and kept as an `Exchange` whose audio
//! body is counted, never kept.

use std::time::Duration;

use crate::clock;
use crate::domain::{LegacyVersion, Secret};
use crate::recording::judge::{slow_ms, Served};
use crate::recording::verdict::{Exchange, Step};
use crate::webhook::delivery::USER_AGENT;
use crate::webhook::sender::{self, Purpose, RawResponse, TlsConfig};
use crate::webhook::signer::signature_headers;
use crate::webhook::verdict::{Delivery, ReceivedResponse, SentRequest};
use crate::webhook::Finding;

/// How the app's requests are signed: its client secret and legacy signature version.
#[derive(Clone, Debug)]
pub struct Signing {
    pub secret: Secret,
    pub legacy: LegacyVersion,
}

/// A GET to make.
pub struct Get<'a> {
    pub step: Step,
    pub url: &'a str,
    /// `Accept`, and `Range` for the audio.
    pub headers: Vec<(String, String)>,
    pub body_cap: usize,
    pub timeout: Duration,
}

/// What a GET brought back: the exchange to journal, the reply (with its whole body, for the
/// judge) and why it failed, if it did.
pub struct Fetched {
    pub exchange: Exchange,
    pub reply: Option<RawResponse>,
    pub failure: Option<Finding>,
}

impl Fetched {
    /// The reply as the judge reads it.
    pub fn served(&self) -> Option<Served<'_>> {
        self.reply.as_ref().map(|raw| Served {
            status: raw.status,
            headers: &raw.headers,
            body: &raw.body,
            truncated: raw.truncated,
            latency_ms: self.exchange.delivery.latency_ms,
            slow_ms: slow_ms(self.exchange.delivery.timeout_ms),
        })
    }
}

/// Sends `get`, signed when there is a secret, and reads the reply.
pub async fn fetch(get: Get<'_>, signing: Option<&Signing>, tls: &TlsConfig) -> Fetched {
    let mut headers = get.headers;
    headers.push(("User-Agent".into(), USER_AGENT.into()));
    // A fresh connection per request (see `sender`); the HTTP client sends this header.
    headers.push(("Connection".into(), "close".into()));
    if let Some(signing) = signing {
        headers.extend(
            signature_headers(
                &signing.secret,
                signing.legacy,
                "GET",
                get.url,
                b"",
                clock::wall_millis(),
            )
            .into_iter()
            .map(|(name, value)| (name.to_string(), value)),
        );
    }
    let exchange = sender::send(
        &sender::Outgoing {
            purpose: Purpose::Recording,
            method: "GET",
            url: get.url,
            headers: &headers,
            body: b"",
            timeout: get.timeout,
            body_cap: get.body_cap,
        },
        tls,
    )
    .await;
    // Only the authenticated-URL reply is text worth keeping; audio is counted.
    let keep_body = get.step == Step::Retrieve;
    let response = exchange.response.as_ref().map(|raw| ReceivedResponse {
        status: raw.status,
        headers: raw.headers.clone(),
        body: if keep_body {
            String::from_utf8_lossy(&raw.body).into_owned()
        } else {
            String::new()
        },
        body_bytes: raw.body.len(),
        body_truncated: raw.truncated,
    });
    Fetched {
        exchange: Exchange {
            step: get.step,
            delivery: Delivery {
                request: SentRequest {
                    method: "GET".into(),
                    url: get.url.to_string(),
                    headers,
                    body: String::new(),
                },
                response,
                latency_ms: exchange.latency_ms,
                timeout_ms: get.timeout.as_millis() as u64,
            },
        },
        reply: exchange.response,
        failure: exchange.failure,
    }
}
