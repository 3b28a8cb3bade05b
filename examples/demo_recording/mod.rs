//! The demo app's call recordings, served the way HubSpot fetches them (docs/recordings.md):
//!
//! - `GET /recordings/{externalId}?appId=…&externalAccountId=…` — the registered
//!   `urlToRetrieveAuthedRecording` (`{origin}/recordings/%s`): answers
//!   `{"authenticatedUrl": "{origin}/audio/{externalId}?token=…"}`, a link that works on its own
//!   (the token is an HMAC of the call's id under the client secret), so HubSpot's player — or
//!   the emulator's dashboard — can fetch it without further credentials.
//! - `GET /audio/{externalId}?token=…` — the recording: a real two-channel WAV (the caller on
//!   channel 1, the recipient on channel 2, as HubSpot's transcription wants them), answered
//!   `206 Partial Content` with `Content-Range` for a `Range` request, `200` without one, `416`
//!   for a range past its end, `403` without the right token.
//!
//! `DEMO_APP_RECORDING=VARIANT` makes the app register `{origin}/recordings/{variant}/%s`, under
//! which the audio goes wrong in one classic way each, so that the emulator's findings can be
//! seen: `range-ignored` (200 and the whole file to a range request), `wrong-type` (labelled
//! `application/json`), `mp3` (a few silent MP3 frames: played, never transcribed) and `slow` (the
//! audio answers after `DEMO_APP_SLOW_MS`); `no-placeholder` registers
//! `{origin}/recordings/no-placeholder`, without `%s` (the app still serves it).
//!
//! The app does not require HubSpot's signature on these GETs: HubSpot does not publish that it
//! signs them (the emulator signs them like the webhook, an assumption).

use std::time::Duration;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::json;
use sha2::Sha256;

/// The broken variants, under `/recordings/{variant}/%s`.
pub const VARIANTS: &[&str] = &["range-ignored", "wrong-type", "mp3", "slow"];

/// The variant that registers a URL without `%s`.
const NO_PLACEHOLDER: &str = "no-placeholder";

/// The recording settings' URL the app registers: `{origin}/recordings/%s` (`%s` where HubSpot
/// puts the call's id), or the broken one `DEMO_APP_RECORDING` names.
pub fn settings_url(origin: &str) -> Result<String, String> {
    match std::env::var("DEMO_APP_RECORDING").ok().as_deref() {
        None | Some("") => Ok(format!("{origin}/recordings/%s")),
        Some(NO_PLACEHOLDER) => Ok(format!("{origin}/recordings/{NO_PLACEHOLDER}")),
        Some(variant) if VARIANTS.contains(&variant) => {
            Ok(format!("{origin}/recordings/{variant}/%s"))
        }
        Some(other) => Err(format!(
            "DEMO_APP_RECORDING {other:?} is not a recording variant: use one of {}, {NO_PLACEHOLDER}, or leave it unset",
            VARIANTS.join(", ")
        )),
    }
}

/// What the routes share.
#[derive(Clone)]
pub struct Recordings {
    origin: String,
    mac: Hmac<Sha256>,
    slow: Duration,
    wav: Vec<u8>,
    mp3: Vec<u8>,
}

impl Recordings {
    /// Recordings served from `origin`, their links keyed by `mac` (the client secret's).
    pub fn new(origin: &str, mac: Hmac<Sha256>, slow: Duration) -> Recordings {
        // Generated, not read from disk: three seconds of 8 kHz 16-bit stereo, and silent MP3
        // (the emulator's own samples; a real app serves its recorder's files).
        use hubspot_emulator::recording::sample;
        Recordings {
            origin: origin.to_string(),
            mac,
            slow,
            wav: sample::wav(2, 8000, 3000),
            mp3: sample::mp3(80),
        }
    }

    /// The link's token for a call: the first 32 hex digits of HMAC-SHA256(id).
    fn token(&self, variant: &str, external_id: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(variant.as_bytes());
        mac.update(b"/");
        mac.update(external_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())[..32].to_string()
    }
}

/// The routes, for the demo app's `App`.
pub fn configure(cfg: &mut web::ServiceConfig, recordings: Recordings) {
    cfg.app_data(web::Data::new(recordings))
        .route("/recordings/{id}", web::get().to(retrieve))
        .route(
            "/recordings/{variant}/{id}",
            web::get().to(retrieve_variant),
        )
        .route("/audio/{id}", web::get().to(audio))
        .route("/audio/{variant}/{id}", web::get().to(audio_variant));
}

async fn retrieve(id: web::Path<String>, state: web::Data<Recordings>) -> HttpResponse {
    authenticated_url(&state, "", &id)
}

async fn retrieve_variant(
    path: web::Path<(String, String)>,
    state: web::Data<Recordings>,
) -> HttpResponse {
    let (variant, id) = path.into_inner();
    if !VARIANTS.contains(&variant.as_str()) {
        return not_found(&format!(
            "no recording variant {variant:?}; try one of {VARIANTS:?}"
        ));
    }
    authenticated_url(&state, &variant, &id)
}

/// `{"authenticatedUrl"}` for a call's recording (of a variant, or the good one).
fn authenticated_url(state: &Recordings, variant: &str, id: &str) -> HttpResponse {
    let base = match variant {
        "" => format!("{}/audio", state.origin),
        variant => format!("{}/audio/{variant}", state.origin),
    };
    let url = format!("{base}/{}?token={}", encode(id), state.token(variant, id));
    tracing::info!(external_id = %id, variant, "recording asked for");
    HttpResponse::Ok().json(json!({ "authenticatedUrl": url }))
}

#[derive(Deserialize)]
struct Token {
    token: Option<String>,
}

async fn audio(
    req: HttpRequest,
    id: web::Path<String>,
    token: web::Query<Token>,
    state: web::Data<Recordings>,
) -> HttpResponse {
    serve(&req, &state, "", &id, token.token.as_deref()).await
}

async fn audio_variant(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    token: web::Query<Token>,
    state: web::Data<Recordings>,
) -> HttpResponse {
    let (variant, id) = path.into_inner();
    if !VARIANTS.contains(&variant.as_str()) {
        return not_found(&format!("no recording variant {variant:?}"));
    }
    serve(&req, &state, &variant, &id, token.token.as_deref()).await
}

/// The audio, as a range of it when one is asked (or not, for `range-ignored`).
async fn serve(
    req: &HttpRequest,
    state: &Recordings,
    variant: &str,
    id: &str,
    token: Option<&str>,
) -> HttpResponse {
    if token != Some(state.token(variant, id).as_str()) {
        return HttpResponse::Forbidden()
            .json(json!({"error": "this recording link is not valid: ask the recording URL for a new one"}));
    }
    if variant == "slow" {
        tokio::time::sleep(state.slow).await;
    }
    let (bytes, content_type) = match variant {
        "mp3" => (&state.mp3, "audio/mpeg"),
        "wrong-type" => (&state.wav, "application/json"),
        _ => (&state.wav, "audio/wav"),
    };
    let range = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| variant != "range-ignored");
    let Some(range) = range else {
        return HttpResponse::Ok()
            .content_type(content_type)
            .insert_header((header::ACCEPT_RANGES, "bytes"))
            .body(bytes.clone());
    };
    let total = bytes.len() as u64;
    match parse_range(range, total) {
        Some((start, end)) => HttpResponse::PartialContent()
            .content_type(content_type)
            .insert_header((header::ACCEPT_RANGES, "bytes"))
            .insert_header((
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{total}"),
            ))
            .body(bytes[start as usize..=end as usize].to_vec()),
        None => HttpResponse::RangeNotSatisfiable()
            .insert_header((header::CONTENT_RANGE, format!("bytes */{total}")))
            .finish(),
    }
}

/// One `bytes=START-END`, `bytes=START-` or `bytes=-SUFFIX` range within `total` bytes, as the
/// first and last byte (inclusive); `None` when it is not satisfiable.
fn parse_range(value: &str, total: u64) -> Option<(u64, u64)> {
    let spec = value
        .trim()
        .strip_prefix("bytes=")?
        .split(',')
        .next()?
        .trim();
    let (start, end) = spec.split_once('-')?;
    let last = total.checked_sub(1)?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", suffix) => {
            let suffix: u64 = suffix.parse().ok()?;
            (total.saturating_sub(suffix), last)
        }
        (start, "") => (start.parse().ok()?, last),
        (start, end) => (start.parse().ok()?, end.parse::<u64>().ok()?.min(last)),
    };
    (start <= end && start <= last).then_some((start, end))
}

/// An id as a path segment.
fn encode(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn not_found(message: &str) -> HttpResponse {
    HttpResponse::NotFound().json(json!({ "error": message }))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges_read_as_rfc_9110_has_them() {
        assert_eq!(parse_range("bytes=0-", 100), Some((0, 99)));
        assert_eq!(parse_range("bytes=50-", 100), Some((50, 99)));
        assert_eq!(parse_range("bytes=10-19", 100), Some((10, 19)));
        assert_eq!(parse_range("bytes=90-200", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=-10", 100), Some((90, 99)));
        assert_eq!(parse_range("bytes=100-", 100), None);
        assert_eq!(parse_range("bytes=5-1", 100), None);
        assert_eq!(parse_range("items=0-", 100), None);
    }
}
