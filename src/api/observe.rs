//! Middleware around the emulated HubSpot API's scope: gives every response its correlation id
//! and `X-HubSpot-RateLimit-*` headers, and writes every call (credentials redacted) to the API
//! request journal. It wraps only the API's scope, so the control API never passes through it.
//! A handler that noticed something about a call it answered anyway (a recording URL HubSpot
//! cannot use) leaves `ApiFindings` in the request's extensions, and the journal entry carries
//! them.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;

use super::call::{credential_of, CallInfo};
use super::error::CORRELATION_HEADER;
use crate::clock::{correlation_id, Timestamp};
use crate::context::state_of;
use crate::journal::{redact_query, ApiRequestEntry};
use crate::store::rate_limit::RateLimitStatus;

/// Findings a handler leaves for the journal entry of its call.
#[derive(Clone, Debug, Default)]
pub struct ApiFindings(pub Vec<crate::domain::Finding>);

pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    let started = Instant::now();
    // An app is calling: the fire or inbound call that needs libphonenumber may follow.
    crate::inbound_call::phone::warm_up();
    let time = Timestamp::now();
    let method = req.method().to_string();
    let path = redact_query(
        req.uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/"),
    );
    let mut res = next.call(req).await?;

    // Borrowed from the request (an Rc), not cloned: an Arc clone per request is a contended
    // atomic between the worker threads.
    let request = res.request().clone();
    let shared = state_of(&request);

    let info = res.request().extensions().get::<CallInfo>().copied();
    let findings = res
        .request()
        .extensions_mut()
        .remove::<ApiFindings>()
        .unwrap_or_default()
        .0;
    // Requests that failed before `AppCall` ran (bad route, bad appId) still name their credential.
    let credential = match info {
        Some(info) => info.credential,
        None => credential_of(res.request()).kind(),
    };
    let rate = match (info.and_then(|i| i.rate), shared) {
        (Some(rate), _) => Some(rate),
        (None, Some(shared)) => Some(shared.store.hit_rate_limit(0)),
        (None, None) => None,
    };
    let headers = res.headers_mut();
    if let Some(rate) = rate {
        insert_rate_headers(headers, &rate, credential == "hapikey");
    }
    let correlation = match headers.get(CORRELATION_HEADER) {
        Some(value) => value.to_str().unwrap_or_default().to_string(),
        None => {
            let id = correlation_id();
            if let Ok(value) = HeaderValue::from_str(&id) {
                headers.insert(HeaderName::from_static(CORRELATION_HEADER), value);
            }
            id
        }
    };
    let status = res.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::debug!(%method, %path, status, latency_ms, %correlation, "api request");
    if let Some(shared) = shared {
        shared.api_journal.push(|sequence| ApiRequestEntry {
            sequence,
            time,
            method,
            path,
            status,
            latency_ms,
            correlation_id: correlation,
            app_id: info.map(|i| i.app_id),
            auth: credential,
            findings,
        });
    }
    Ok(res)
}

const INTERVAL: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-interval-milliseconds");
const MAX: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-max");
const REMAINING: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-remaining");
const DAILY: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-daily");
const DAILY_REMAINING: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-daily-remaining");

/// Every number is written into one buffer and each header value is a shared slice of it: one
/// allocation per response instead of one per header (they are on every API response).
fn insert_rate_headers(
    headers: &mut actix_web::http::header::HeaderMap,
    rate: &RateLimitStatus,
    api_key: bool,
) {
    let values = [
        (INTERVAL, rate.interval_ms),
        (MAX, u64::from(rate.max)),
        (REMAINING, u64::from(rate.remaining)),
        (DAILY, u64::from(rate.daily_max)),
        (DAILY_REMAINING, u64::from(rate.daily_remaining)),
    ];
    // HubSpot sends the daily headers on API-key calls only.
    let count = if api_key { 5 } else { 3 };
    let mut text = actix_web::web::BytesMut::with_capacity(count * 20);
    for (name, value) in values.into_iter().take(count) {
        text.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
        // Digits only: always a valid header value.
        if let Ok(value) = HeaderValue::from_maybe_shared(text.split().freeze()) {
            headers.insert(name, value);
        }
    }
}
