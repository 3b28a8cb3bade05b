//! The judge of each step of playing a call's recording, as HubSpot's recordings guide describes
//! it: the call carries what HubSpot needs to ask for the recording (`judge_call`), the app's
//! recording URL answers with `{"authenticatedUrl": …}` (`judge_retrieval`), the authenticated URL
//! serves real audio for a range request with `206 Partial Content` (`judge_audio`), and a second
//! range request from the middle gets the file's bytes from there (`judge_seek`). Pure: the
//! replies come in as `Served`, the findings go out.
//!
//! Severity follows the consequence: `error` when HubSpot could not fetch, play or seek the
//! recording; `warning` when it plays but is not transcribed as the app would want (MP3, one
//! channel) or breaks a limit HubSpot does not publish; `info` for what is only worth knowing.

use std::collections::BTreeMap;

use super::audio::{probe, AudioInfo, Container, NotAudio};
use super::settings::{is_http_url, is_local_http};
use crate::domain::{AppId, Finding};

/// The properties HubSpot needs on a call to fetch its recording (the recordings guide).
pub const RECORDING_PROPERTIES: &[&str] = &[
    "hs_call_external_id",
    "hs_call_external_account_id",
    "hs_call_app_id",
    "hs_call_source",
];

/// The first range the emulator asks for (assumed: what a browser's audio element sends first).
pub const FIRST_RANGE: &str = "bytes=0-";
/// Each GET's deadline unless the app has its own (`webhookTimeoutMs`): assumed, like the
/// webhook's.
pub const TIMEOUT_MS: u64 = 10_000;
/// Replies slower than this, or than half the timeout if that is less, are a `slow-reply`
/// warning.
pub const SLOW_MS: u64 = 3_000;

/// The slow-reply threshold under a timeout of `timeout_ms`.
pub fn slow_ms(timeout_ms: u64) -> u64 {
    SLOW_MS.min(timeout_ms / 2)
}
/// The largest authenticated-URL reply read.
pub const RETRIEVAL_BODY_CAP: usize = 64 * 1024;
/// The most audio bytes the emulator reads of one reply (its own bound, not HubSpot's): enough for
/// any header and several minutes of telephone audio; the rest is left unread.
pub const AUDIO_READ_CAP: usize = 8 * 1024 * 1024;
/// A recording larger than this is a warning (assumed; HubSpot publishes no limit).
pub const MAX_RECORDING_BYTES: u64 = 256 * 1024 * 1024;
/// A recording longer than this is a warning (assumed; HubSpot publishes no limit).
pub const MAX_RECORDING_MS: u64 = 3 * 60 * 60 * 1000;

/// A reply as the judge sees it.
pub struct Served<'a> {
    pub status: u16,
    pub headers: &'a [(String, String)],
    /// The body as read (at most the step's cap).
    pub body: &'a [u8],
    /// The cap was reached: more followed.
    pub truncated: bool,
    pub latency_ms: f64,
    /// Slower than this is a `slow-reply` warning (`slow_ms` of the request's timeout).
    pub slow_ms: u64,
}

impl Served<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// What `%s` and the query are filled with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallKeys {
    pub external_id: String,
    /// Empty when the call lacks it (a finding says so; the request still goes, to judge the rest).
    pub external_account_id: String,
}

/// Findings on the call HubSpot would fetch a recording for (`/properties/…`), and the keys of
/// the fetch (none without an external id: there is nothing to put in `%s`).
pub fn judge_call(
    properties: &BTreeMap<String, String>,
    app_id: AppId,
) -> (Vec<Finding>, Option<CallKeys>) {
    let get = |name: &str| {
        properties
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    };
    let mut findings = Vec::new();
    for name in RECORDING_PROPERTIES {
        if get(name).is_none() {
            findings.push(Finding::error(
                "recording-property-missing",
                format!("/properties/{name}"),
                format!("The call has no {name}: HubSpot fetches a recording only for a call that carries hs_call_external_id, hs_call_external_account_id, hs_call_app_id and hs_call_source \"INTEGRATIONS_PLATFORM\". Set it when the app logs the call (engagementProperties of the inbound call, or the calls API)."),
            ));
        }
    }
    if let Some(value) = get("hs_call_app_id") {
        if value != app_id.to_string() {
            findings.push(Finding::error(
                "recording-property-wrong",
                "/properties/hs_call_app_id",
                format!("hs_call_app_id is {value:?}, not the app's id {app_id}: HubSpot asks the app that hs_call_app_id names for the recording. Set it to {app_id}."),
            ));
        }
    }
    // hs_call_source needs no check of its value: the CRM takes no other than
    // INTEGRATIONS_PLATFORM (it is an enumeration of one).
    let keys = get("hs_call_external_id").map(|id| CallKeys {
        external_id: id.to_string(),
        external_account_id: get("hs_call_external_account_id")
            .unwrap_or_default()
            .to_string(),
    });
    (findings, keys)
}

/// Findings on the app's answer to the recording URL, and the authenticated URL it gave.
pub fn judge_retrieval(served: &Served<'_>, url: &str) -> (Vec<Finding>, Option<String>) {
    let mut findings = slow(served, "The recording URL");
    if !(200..300).contains(&served.status) {
        let hint = match served.status {
            301..=308 => " HubSpot does not follow redirects (assumed): answer with the JSON itself.".to_string(),
            401 | 403 => " The app refused HubSpot: the emulator signs this GET as HubSpot signs the webhook (X-HubSpot-Signature-v3 over GET, the full URL and an empty body; assumed), with the appId and externalAccountId in the query. Check how the app authenticates it.".to_string(),
            404 => " The app knows no recording by this external id: it must answer for the hs_call_external_id it logged the call with.".to_string(),
            _ => String::new(),
        };
        findings.push(Finding::error(
            "retrieval-status",
            "",
            format!("GET {url} answered {}; HubSpot needs 200 with {{\"authenticatedUrl\": \"https://…\"}}.{hint}", served.status),
        ));
        return (findings, None);
    }
    let content_type = served.header("content-type").unwrap_or_default();
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(served.body) else {
        findings.push(Finding::error(
            "retrieval-not-json",
            "",
            format!("The recording URL answered {} that is not JSON{}: HubSpot reads {{\"authenticatedUrl\": \"https://…\"}} from it. Answer with that object (Content-Type: application/json), not the audio itself.",
                if served.body.is_empty() { "an empty body".to_string() } else { format!("{} bytes", served.body.len()) },
                if content_type.is_empty() { String::new() } else { format!(" ({content_type})") }),
        ));
        return (findings, None);
    };
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/json")
    {
        findings.push(Finding::warning(
            "retrieval-content-type",
            "",
            format!(
                "The recording URL's JSON came as {:?}; send it as application/json.",
                if content_type.is_empty() {
                    "no Content-Type"
                } else {
                    content_type
                }
            ),
        ));
    }
    let authenticated = match body.get("authenticatedUrl") {
        Some(serde_json::Value::String(url)) if !url.trim().is_empty() => url.trim().to_string(),
        other => {
            let near = [
                "url",
                "authenticatedURL",
                "authenticated_url",
                "recordingUrl",
                "authUrl",
            ]
            .into_iter()
            .find(|name| body.get(*name).is_some())
            .map(|name| format!(" The reply has {name:?}: rename it to \"authenticatedUrl\"."))
            .unwrap_or_default();
            let got = match other {
                None => "no authenticatedUrl".to_string(),
                Some(value) => format!("authenticatedUrl {value}"),
            };
            findings.push(Finding::error(
                "authenticated-url-missing",
                "/authenticatedUrl",
                format!("The recording URL answered with {got}: HubSpot needs {{\"authenticatedUrl\": \"https://…\"}}, the URL it downloads the audio from.{near}"),
            ));
            return (findings, None);
        }
    };
    if !is_http_url(&authenticated) {
        findings.push(Finding::error(
            "authenticated-url-invalid",
            "/authenticatedUrl",
            format!("authenticatedUrl {authenticated:?} is not a full http(s) URL that HubSpot could download; send the absolute https URL of the audio."),
        ));
        return (findings, None);
    }
    if is_local_http(&authenticated) {
        findings.push(Finding::info(
            "authenticated-url-local-http",
            "/authenticatedUrl",
            "authenticatedUrl is http on this machine: fetched here for a local app; HubSpot's player, on an https page, would need https.",
        ));
    } else if !authenticated.to_ascii_lowercase().starts_with("https://") {
        findings.push(Finding::warning(
            "authenticated-url-not-https",
            "/authenticatedUrl",
            format!("authenticatedUrl {authenticated:?} is http: HubSpot's record page is https, and a browser does not play http audio on it. Serve the recording over https."),
        ));
    }
    (findings, Some(authenticated))
}

/// The judgement of the audio reply.
#[derive(Debug, Default)]
pub struct AudioJudgement {
    pub findings: Vec<Finding>,
    pub info: Option<AudioInfo>,
    /// The recording's size as the app declared it.
    pub total_bytes: Option<u64>,
    /// The reply was a proper 206 with the whole recording, within the read cap: a seek can be
    /// checked against it.
    pub seekable: bool,
}

/// Findings on the reply to `GET authenticatedUrl` with `Range: bytes=0-`.
pub fn judge_audio(served: &Served<'_>) -> AudioJudgement {
    let mut judgement = AudioJudgement {
        findings: slow(served, "The authenticated URL"),
        ..Default::default()
    };
    let findings = &mut judgement.findings;
    let content_length = served
        .header("content-length")
        .and_then(|v| v.parse::<u64>().ok());
    match served.status {
        206 => match served.header("content-range").map(parse_content_range) {
            None => findings.push(Finding::error(
                "content-range-missing",
                "",
                "The authenticated URL answered 206 without Content-Range: a player cannot tell which bytes it got, nor the file's size. Send Content-Range: bytes START-END/SIZE.",
            )),
            Some(None) => findings.push(Finding::error(
                "content-range-invalid",
                "",
                format!("Content-Range {:?} is not \"bytes START-END/SIZE\" (RFC 9110).", served.header("content-range").unwrap_or_default()),
            )),
            Some(Some(range)) => {
                judgement.total_bytes = range.total;
                if range.start != 0 {
                    findings.push(Finding::error(
                        "content-range-wrong",
                        "",
                        format!("Asked for {FIRST_RANGE}, the app served bytes {}-{}: the reply must start where the range asked.", range.start, range.end),
                    ));
                } else if !served.truncated && served.body.len() as u64 != range.end - range.start + 1 {
                    findings.push(Finding::error(
                        "content-range-wrong",
                        "",
                        format!("Content-Range announces bytes {}-{} ({} bytes) but the body has {} bytes.", range.start, range.end, range.end - range.start + 1, served.body.len()),
                    ));
                } else {
                    // A seek is checked against the first reply's bytes, so only when that
                    // reply was the whole recording.
                    judgement.seekable = !served.truncated
                        && range.total.is_some_and(|t| t > 1 && t == range.end + 1);
                }
            }
        },
        200 => {
            judgement.total_bytes = content_length;
            findings.push(Finding::error(
                "recording-range-ignored",
                "",
                format!("The authenticated URL answered 200 to a request with Range: {FIRST_RANGE}; HubSpot's guide: the URL must \"respect the range header and return a 206 partial content (not a 200)\", or the player cannot seek. Answer range requests with 206, Content-Range and only the bytes asked for."),
            ));
        }
        status => {
            let hint = match status {
                301..=308 => " HubSpot does not follow redirects (assumed): serve the audio at the URL given.",
                401 | 403 => " The authenticated URL must work without further credentials: HubSpot sends none but the emulator's signature headers (assumed).",
                416 => " bytes=0- is satisfiable for any non-empty file: is the recording empty?",
                _ => "",
            };
            findings.push(Finding::error(
                "recording-status",
                "",
                format!("GET of the authenticated URL answered {status}; HubSpot needs 206 Partial Content with the audio.{hint}"),
            ));
            return judgement;
        }
    }
    judge_content_type(served.header("content-type"), findings);
    match probe(served.body) {
        Ok(info) => {
            judge_info(&info, judgement.total_bytes, findings);
            judge_content_type_matches(served.header("content-type"), info.container, findings);
            judgement.info = Some(info);
        }
        Err(NotAudio::Broken { container, why }) if served.truncated => findings.push(Finding::info(
            "recording-not-probed",
            "",
            format!("The {} recording could not be read within the first {AUDIO_READ_CAP} bytes the emulator reads ({why}); it is not judged further.", container.as_str().to_uppercase()),
        )),
        Err(NotAudio::Broken { container, why }) => findings.push(Finding::error(
            "recording-not-audio",
            "",
            format!("The body starts like {} but is not a recording HubSpot could play: {why}. Serve the whole file, as written by the recorder.", container.as_str().to_uppercase()),
        )),
        Err(NotAudio::Unknown(what)) => findings.push(Finding::error(
            "recording-not-audio",
            "",
            format!("The authenticated URL served no audio: {what}. HubSpot plays WAV, FLAC, MP4 and MP3 and transcribes WAV, FLAC and MP4: serve the recording's bytes."),
        )),
    }
    judgement
}

/// Findings on the reply to a second range request `bytes={from}-`, given the bytes the first
/// reply had from `from` on (`expected`).
pub fn judge_seek(served: &Served<'_>, from: u64, expected: &[u8]) -> Vec<Finding> {
    let mut findings = slow(served, "The seek");
    let asked = format!("bytes={from}-");
    if served.status == 200 {
        findings.push(Finding::error(
            "recording-seek-ignored",
            "",
            format!("A seek (Range: {asked}) got 200 and the file from its start: a player jumping into the recording would play the wrong part. Answer 206 with the bytes from {from}."),
        ));
        return findings;
    }
    if served.status != 206 {
        findings.push(Finding::error(
            "recording-seek-ignored",
            "",
            format!(
                "A seek (Range: {asked}) got {}; answer 206 with the bytes from {from}.",
                served.status
            ),
        ));
        return findings;
    }
    let range = served.header("content-range").and_then(parse_content_range);
    let right = range.is_some_and(|r| r.start == from) && served.body == expected;
    if !right {
        let got = match range {
            Some(r) => format!("bytes {}-{}", r.start, r.end),
            None => "no readable Content-Range".into(),
        };
        findings.push(Finding::error(
            "recording-seek-wrong",
            "",
            format!("A seek (Range: {asked}) got {got} and {} bytes that are not the file's bytes from {from}: serve exactly the range asked for.", served.body.len()),
        ));
    }
    findings
}

/// The content types a recording may come as: audio of any kind, MP4 video, or plain bytes
/// ("downloadable as an octet-stream", the guide says).
fn judge_content_type(content_type: Option<&str>, findings: &mut Vec<Finding>) {
    let Some(value) = content_type.filter(|v| !v.is_empty()) else {
        findings.push(Finding::warning(
            "recording-content-type",
            "",
            "The audio came without a Content-Type: send its type (audio/wav, audio/flac, audio/mp4, audio/mpeg) or application/octet-stream.",
        ));
        return;
    };
    let essence = essence(value);
    let fine = essence.starts_with("audio/")
        || essence == "video/mp4"
        || essence == "application/octet-stream"
        || essence == "binary/octet-stream";
    if !fine {
        findings.push(Finding::error(
            "recording-content-type",
            "",
            format!("The audio came as {value:?}: HubSpot downloads the recording as an octet-stream and plays audio; a browser does not play {essence}. Send the audio's own type (audio/wav, audio/flac, audio/mp4, audio/mpeg) or application/octet-stream."),
        ));
    }
}

/// An audio type that names another container than the bytes are.
fn judge_content_type_matches(
    content_type: Option<&str>,
    container: Container,
    findings: &mut Vec<Finding>,
) {
    let Some(essence) = content_type.map(essence) else {
        return;
    };
    let names_other = [
        Container::Wav,
        Container::Flac,
        Container::Mp4,
        Container::Mp3,
    ]
    .into_iter()
    .filter(|c| *c != container)
    .find(|c| c.content_types().contains(&essence.as_str()));
    if let Some(other) = names_other {
        findings.push(Finding::warning(
            "recording-content-type-mismatch",
            "",
            format!("The audio came as {essence} ({}) but the bytes are {}: a browser may refuse to play it. Send {}.", other.as_str().to_uppercase(), container.as_str().to_uppercase(), container.content_types()[0]),
        ));
    }
}

fn judge_info(info: &AudioInfo, total_bytes: Option<u64>, findings: &mut Vec<Finding>) {
    let name = info.container.as_str().to_uppercase();
    if !info.container.transcribable() {
        findings.push(Finding::warning(
            "recording-not-transcribable",
            "",
            format!("The recording is {name}: HubSpot plays it but transcribes only WAV, FLAC and MP4. Serve WAV, FLAC or MP4 for the call to be transcribed."),
        ));
    }
    match info.channels {
        Some(1) if info.container.transcribable() => findings.push(Finding::warning(
            "recording-mono",
            "",
            "The recording has one channel: HubSpot's transcription takes one speaker per channel (the caller on channel 1, the recipient on channel 2), so it cannot tell who said what. Record the two sides on two channels.",
        )),
        Some(n) if n > 2 => findings.push(Finding::warning(
            "recording-channels",
            "",
            format!("The recording has {n} channels: HubSpot's transcription expects two, the caller on channel 1 and the recipient on channel 2."),
        )),
        _ => {}
    }
    if let Some(ms) = info.duration_ms.filter(|ms| *ms > MAX_RECORDING_MS) {
        findings.push(Finding::warning(
            "recording-too-long",
            "",
            format!("The recording lasts {} min, past the {} min the emulator assumes HubSpot handles (HubSpot publishes no limit).", ms / 60_000, MAX_RECORDING_MS / 60_000),
        ));
    }
    if let Some(total) = total_bytes.filter(|t| *t > MAX_RECORDING_BYTES) {
        findings.push(Finding::warning(
            "recording-too-large",
            "",
            format!("The recording is {} MiB, past the {} MiB the emulator assumes HubSpot downloads (HubSpot publishes no limit).", total / (1024 * 1024), MAX_RECORDING_BYTES / (1024 * 1024)),
        ));
    }
}

/// A `slow-reply` warning when `served` took longer than its `slow_ms`.
fn slow(served: &Served<'_>, what: &str) -> Vec<Finding> {
    if served.latency_ms > served.slow_ms as f64 {
        vec![Finding::warning(
            "slow-reply",
            "",
            format!("{what} took {:.0} ms to answer (more than {} ms): the recording waits that long on the record page, and HubSpot gives up at its timeout ({TIMEOUT_MS} ms assumed, or the app's webhookTimeoutMs).", served.latency_ms, served.slow_ms),
        )]
    } else {
        Vec::new()
    }
}

/// The media type without parameters, lower-cased.
fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// `bytes START-END/SIZE` (SIZE may be `*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContentRange {
    pub start: u64,
    pub end: u64,
    pub total: Option<u64>,
}

pub fn parse_content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (span, total) = rest.split_once('/')?;
    let (start, end) = span.trim().split_once('-')?;
    let (start, end) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
    let total = match total.trim() {
        "*" => None,
        size => Some(size.parse().ok()?),
    };
    (start <= end && total.is_none_or(|t| end < t)).then_some(ContentRange { start, end, total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Severity;
    use crate::recording::sample::{mp3, wav};

    fn served<'a>(status: u16, headers: &'a [(String, String)], body: &'a [u8]) -> Served<'a> {
        Served {
            status,
            headers,
            body,
            truncated: false,
            latency_ms: 5.0,
            slow_ms: SLOW_MS,
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn codes(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.code.as_str()).collect()
    }

    fn app() -> AppId {
        AppId::new(1234567).unwrap()
    }

    fn call(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_call_with_hubspots_four_properties_is_clean() {
        let properties = call(&[
            ("hs_call_external_id", "call-1"),
            ("hs_call_external_account_id", "acct-1"),
            ("hs_call_app_id", "1234567"),
            ("hs_call_source", "INTEGRATIONS_PLATFORM"),
        ]);
        let (findings, keys) = judge_call(&properties, app());
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(keys.unwrap().external_account_id, "acct-1");
    }

    #[test]
    fn missing_and_wrong_properties_are_errors() {
        let properties = call(&[("hs_call_app_id", "99")]);
        let (findings, keys) = judge_call(&properties, app());
        assert_eq!(
            codes(&findings),
            [
                "recording-property-missing",
                "recording-property-missing",
                "recording-property-missing",
                "recording-property-wrong"
            ]
        );
        assert_eq!(findings[0].pointer, "/properties/hs_call_external_id");
        assert!(keys.is_none(), "nothing to put in %s");
    }

    #[test]
    fn the_retrieval_reply_must_be_json_with_an_authenticated_url() {
        let json = headers(&[("Content-Type", "application/json")]);
        let good = br#"{"authenticatedUrl": "https://app.example/audio/1"}"#;
        let (findings, url) = judge_retrieval(&served(200, &json, good), "u");
        assert!(findings.is_empty());
        assert_eq!(url.as_deref(), Some("https://app.example/audio/1"));
        let (findings, url) =
            judge_retrieval(&served(200, &json, br#"{"url": "https://x/1"}"#), "u");
        assert_eq!(codes(&findings), ["authenticated-url-missing"]);
        assert!(
            findings[0].message.contains("rename it"),
            "{}",
            findings[0].message
        );
        assert!(url.is_none());
        let (findings, _) = judge_retrieval(&served(200, &[], b"RIFF...."), "u");
        assert_eq!(codes(&findings), ["retrieval-not-json"]);
        let (findings, _) = judge_retrieval(&served(403, &[], b""), "u");
        assert_eq!(codes(&findings), ["retrieval-status"]);
        let local = br#"{"authenticatedUrl": "http://127.0.0.1:3000/a"}"#;
        let (findings, _) = judge_retrieval(&served(200, &[], local), "u");
        assert_eq!(
            codes(&findings),
            ["retrieval-content-type", "authenticated-url-local-http"]
        );
    }

    #[test]
    fn a_proper_range_reply_of_a_two_channel_wav_passes() {
        let audio = wav(2, 8000, 1000);
        let range = format!("bytes 0-{}/{}", audio.len() - 1, audio.len());
        let h = headers(&[("Content-Type", "audio/wav"), ("Content-Range", &range)]);
        let judgement = judge_audio(&served(206, &h, &audio));
        assert!(judgement.findings.is_empty(), "{:?}", judgement.findings);
        assert!(judgement.seekable);
        assert_eq!(judgement.total_bytes, Some(audio.len() as u64));
        assert_eq!(judgement.info.unwrap().channels, Some(2));
    }

    #[test]
    fn a_200_a_wrong_type_mono_and_mp3_each_have_their_finding() {
        let audio = wav(1, 8000, 500);
        let h = headers(&[("Content-Type", "text/plain")]);
        let judgement = judge_audio(&served(200, &h, &audio));
        assert_eq!(
            codes(&judgement.findings),
            [
                "recording-range-ignored",
                "recording-content-type",
                "recording-mono"
            ]
        );
        let audio = mp3(10);
        let range = format!("bytes 0-{}/{}", audio.len() - 1, audio.len());
        let h = headers(&[("Content-Type", "audio/wav"), ("Content-Range", &range)]);
        let judgement = judge_audio(&served(206, &h, &audio));
        assert_eq!(
            codes(&judgement.findings),
            [
                "recording-not-transcribable",
                "recording-content-type-mismatch"
            ]
        );
        assert!(judgement
            .findings
            .iter()
            .all(|f| f.severity == Severity::Warning));
    }

    #[test]
    fn html_in_place_of_audio_and_a_206_without_range_are_errors() {
        let h = headers(&[("Content-Type", "text/html")]);
        let judgement = judge_audio(&served(206, &h, b"<html>login</html>"));
        assert_eq!(
            codes(&judgement.findings),
            [
                "content-range-missing",
                "recording-content-type",
                "recording-not-audio"
            ]
        );
    }

    #[test]
    fn a_seek_must_get_the_files_bytes_from_there() {
        let audio = wav(2, 8000, 200);
        let from = audio.len() as u64 / 2;
        let tail = &audio[from as usize..];
        let range = format!("bytes {from}-{}/{}", audio.len() - 1, audio.len());
        let h = headers(&[("Content-Range", &range)]);
        assert!(judge_seek(&served(206, &h, tail), from, tail).is_empty());
        assert_eq!(
            codes(&judge_seek(&served(200, &[], &audio), from, tail)),
            ["recording-seek-ignored"]
        );
        let wrong = format!("bytes 0-{}/{}", audio.len() - 1, audio.len());
        let h = headers(&[("Content-Range", &wrong)]);
        assert_eq!(
            codes(&judge_seek(&served(206, &h, &audio), from, tail)),
            ["recording-seek-wrong"]
        );
    }

    #[test]
    fn content_ranges_parse_as_rfc_9110_has_them() {
        assert_eq!(
            parse_content_range("bytes 0-99/100"),
            Some(ContentRange {
                start: 0,
                end: 99,
                total: Some(100)
            })
        );
        assert_eq!(parse_content_range("bytes 5-9/*").unwrap().total, None);
        assert_eq!(parse_content_range("bytes 0-100/100"), None);
        assert_eq!(parse_content_range("0-99/100"), None);
    }
}
