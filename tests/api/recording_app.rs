//! A calling app's recording endpoints on a real loopback receiver: `GET /recordings/{id}`
//! answers `{"authenticatedUrl": …/audio/{id}}` and `GET /audio/{id}` serves a real two-channel
//! WAV honouring `Range`, unless a `Fault` makes it go wrong in one of the ways apps do.

use std::sync::Arc;
use std::time::Duration;

use hubspot_emulator::recording::sample::{mp3, wav};

use super::receiver::{Behaviour, Decider, Receiver, Recorded};

/// What the app gets wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    None,
    /// The audio is answered 200 with the whole file, whatever the Range.
    IgnoresRange,
    /// A 206 without Content-Range.
    NoContentRange,
    /// A 206 whose Content-Range does not parse.
    BadContentRange,
    /// The first range is answered from the wrong offset.
    WrongStart,
    /// A seek (a range from the middle) gets the file from the start, as 206.
    SeekFromStart,
    /// A seek gets the whole file as 200 (only the first range is honoured).
    SeekIgnored,
    /// An MP4 whose index is past the first 8 MiB (9 MiB in all): more than the emulator reads.
    LongMp4,
    /// The audio comes as this content type.
    ContentType(&'static str),
    /// MP3 instead of WAV (labelled audio/mpeg).
    Mp3,
    /// A one-channel WAV.
    Mono,
    /// A three-channel WAV.
    ThreeChannels,
    /// An HTML page where the audio should be.
    HtmlAudio,
    /// A WAV header that claims hours of audio (and a total size to match), the header served.
    Huge,
    /// The recording URL answers this status.
    RetrievalStatus(u16),
    /// The recording URL answers the audio itself.
    RetrievalNotJson,
    /// The recording URL's JSON comes as text/plain.
    RetrievalTextPlain,
    /// `{"url": …}` instead of `{"authenticatedUrl": …}`.
    WrongKey,
    /// `{"authenticatedUrl": "recordings/1.wav"}`.
    RelativeUrl,
    /// The authenticated URL is http to a host that is not a loopback name (0.0.0.0).
    PlainHttpHost,
    /// The audio answers after this long.
    SlowAudio(Duration),
    /// The audio never answers.
    HangAudio,
}

/// The recording served, and how.
pub struct RecordingApp {
    pub receiver: Receiver,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

/// The WAV the app serves: 1.5 s, 8 kHz, two channels.
pub fn the_wav() -> Vec<u8> {
    wav(2, 8000, 1500)
}

impl RecordingApp {
    pub async fn start(fault: Fault) -> RecordingApp {
        let receiver = Receiver::start(Behaviour::Hang).await;
        let base = receiver
            .url
            .trim_end_matches("/hubspot/phone-numbers")
            .to_string();
        let decide_base = base.clone();
        receiver.set(Behaviour::Decide(Decider(Arc::new(move |request| {
            respond(&decide_base, &fault, request)
        }))));
        RecordingApp { receiver, base }
    }

    /// The recording settings' URL of this app.
    pub fn settings_url(&self) -> String {
        format!("{}/recordings/%s", self.base)
    }

    /// The requests of one kind (`/recordings/` or `/audio/`).
    pub fn requests_to(&self, prefix: &str) -> Vec<Recorded> {
        self.receiver
            .requests()
            .into_iter()
            .filter(|r| r.target.starts_with(prefix))
            .collect()
    }
}

fn reply(status: u16, headers: Vec<(&'static str, String)>, body: Vec<u8>) -> Behaviour {
    Behaviour::Reply {
        status,
        content_type: None,
        body,
        extra_headers: headers,
    }
}

/// What the app answers `request` with.
pub fn respond(base: &str, fault: &Fault, request: &Recorded) -> Behaviour {
    let path = request.target.split('?').next().unwrap_or_default();
    if let Some(id) = path.strip_prefix("/recordings/") {
        let json = |body: String| {
            reply(
                200,
                vec![("content-type", "application/json".into())],
                body.into_bytes(),
            )
        };
        let audio_url = match fault {
            Fault::RelativeUrl => "recordings/1.wav".to_string(),
            Fault::PlainHttpHost => format!("{}/audio/{id}", base.replace("127.0.0.1", "0.0.0.0")),
            _ => format!("{base}/audio/{id}"),
        };
        return match fault {
            Fault::RetrievalStatus(status) => reply(*status, Vec::new(), b"no".to_vec()),
            Fault::RetrievalNotJson => {
                reply(200, vec![("content-type", "audio/wav".into())], the_wav())
            }
            Fault::RetrievalTextPlain => reply(
                200,
                vec![("content-type", "text/plain".into())],
                format!(r#"{{"authenticatedUrl": "{audio_url}"}}"#).into_bytes(),
            ),
            Fault::WrongKey => json(format!(r#"{{"url": "{audio_url}"}}"#)),
            _ => json(format!(r#"{{"authenticatedUrl": "{audio_url}"}}"#)),
        };
    }
    if !path.starts_with("/audio/") {
        return reply(404, Vec::new(), b"not found".to_vec());
    }
    let (bytes, content_type) = match fault {
        Fault::Mp3 => (mp3(40), "audio/mpeg"),
        Fault::Mono => (wav(1, 8000, 1000), "audio/wav"),
        Fault::ThreeChannels => (wav(3, 8000, 1000), "audio/wav"),
        Fault::HtmlAudio => (b"<!DOCTYPE html><p>Please log in</p>".to_vec(), "text/html"),
        Fault::Huge => (huge_wav_header(), "audio/wav"),
        Fault::LongMp4 => {
            let mut mp4 = b"\0\0\0\x18ftypisom\0\0\x02\0isommp41".to_vec();
            mp4.resize(9 * 1024 * 1024, 0);
            (mp4, "audio/mp4")
        }
        Fault::ContentType(content_type) => (the_wav(), *content_type),
        _ => (the_wav(), "audio/wav"),
    };
    let total = if *fault == Fault::Huge {
        HUGE_TOTAL
    } else {
        bytes.len() as u64
    };
    let start = request
        .header("range")
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|r| r.parse::<u64>().ok());
    let whole = reply(
        200,
        vec![("content-type", content_type.into())],
        bytes.clone(),
    );
    let answer = match (fault, start) {
        (Fault::IgnoresRange, _) | (_, None) => whole,
        (Fault::SeekFromStart, Some(_)) => partial(&bytes, 0, total, content_type),
        (Fault::SeekIgnored, Some(from)) if from > 0 => whole,
        (Fault::WrongStart, Some(0)) => partial(&bytes, 4, total, content_type),
        (Fault::NoContentRange, Some(from)) => {
            let mut answer = partial(&bytes, from, total, content_type);
            if let Behaviour::Reply { extra_headers, .. } = &mut answer {
                extra_headers.retain(|(name, _)| *name != "content-range");
            }
            answer
        }
        (Fault::BadContentRange, Some(from)) => {
            let mut answer = partial(&bytes, from, total, content_type);
            if let Behaviour::Reply { extra_headers, .. } = &mut answer {
                for (name, value) in extra_headers.iter_mut() {
                    if *name == "content-range" {
                        *value = "bytes all of them".into();
                    }
                }
            }
            answer
        }
        (_, Some(from)) => partial(&bytes, from, total, content_type),
    };
    match fault {
        Fault::SlowAudio(pause) => Behaviour::Delayed(*pause, Box::new(answer)),
        Fault::HangAudio => Behaviour::Hang,
        _ => answer,
    }
}

/// A 206 of `bytes` from `from` (as much as the app has), announcing `total`.
fn partial(bytes: &[u8], from: u64, total: u64, content_type: &str) -> Behaviour {
    let from = from.min(bytes.len() as u64);
    let body = bytes[from as usize..].to_vec();
    let end = from + body.len() as u64 - 1;
    reply(
        206,
        vec![
            ("content-type", content_type.to_string()),
            ("content-range", format!("bytes {from}-{end}/{total}")),
            ("accept-ranges", "bytes".into()),
        ],
        body,
    )
}

/// The size a `Huge` recording claims: four hours of 8 kHz 16-bit stereo, and its header.
const HUGE_TOTAL: u64 = 44 + 4 * 3600 * 8000 * 4;

/// The start of a four-hour WAV: its header and a second of audio.
fn huge_wav_header() -> Vec<u8> {
    let mut bytes = wav(2, 8000, 1000);
    let data_len = (HUGE_TOTAL - 44) as u32;
    bytes[4..8].copy_from_slice(&(data_len + 36).to_le_bytes());
    bytes[40..44].copy_from_slice(&data_len.to_le_bytes());
    bytes
}
