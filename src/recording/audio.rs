//! What a recording's bytes really are, read with an audio library (symphonia) rather than taken
//! from the `Content-Type` the app sent: the container (told by its signature, then demuxed), the
//! codec, the channels, the sample rate and the duration; the first packet is decoded to show that
//! the data is audio and not only a header. HubSpot transcribes WAV, FLAC and MP4 recordings and
//! plays MP3 ones too (its calls guide names .mp3 and .wav for playback); anything else it cannot
//! use, so it is not audio as far as HubSpot is concerned.

use std::io::Cursor;

use serde::{Deserialize, Serialize};
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// A container the emulator recognises by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    Wav,
    Flac,
    Mp4,
    Mp3,
}

impl Container {
    /// HubSpot transcribes only `.WAV`, `.FLAC` and `.MP4` recordings (its recordings guide).
    pub fn transcribable(self) -> bool {
        matches!(self, Container::Wav | Container::Flac | Container::Mp4)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Container::Wav => "wav",
            Container::Flac => "flac",
            Container::Mp4 => "mp4",
            Container::Mp3 => "mp3",
        }
    }

    /// The content types that name this container (any `audio/*` is accepted elsewhere too).
    pub fn content_types(self) -> &'static [&'static str] {
        match self {
            Container::Wav => &["audio/wav", "audio/wave", "audio/x-wav", "audio/vnd.wave"],
            Container::Flac => &["audio/flac", "audio/x-flac"],
            Container::Mp4 => &["audio/mp4", "video/mp4", "audio/x-m4a", "audio/m4a"],
            Container::Mp3 => &["audio/mpeg", "audio/mp3", "audio/mpeg3"],
        }
    }
}

/// What the bytes are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AudioInfo {
    pub container: Container,
    /// The codec's short name as symphonia knows it (`pcm_s16le`, `flac`, `aac`, `mp3` …).
    pub codec: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

/// Why the bytes are not a recording HubSpot could use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotAudio {
    /// No known container's signature: what the bytes look like instead.
    Unknown(String),
    /// The signature is there but the container or its first packet does not read.
    Broken { container: Container, why: String },
}

/// Reads `bytes` (the start of a recording, or all of it) as audio.
pub fn probe(bytes: &[u8]) -> Result<AudioInfo, NotAudio> {
    let container = sniff(bytes).ok_or_else(|| NotAudio::Unknown(looks_like(bytes)))?;
    let broken = |why: String| NotAudio::Broken { container, why };
    let mut hint = Hint::new();
    hint.with_extension(container.as_str());
    let stream = MediaSourceStream::new(
        Box::new(Cursor::new(bytes.to_vec())),
        MediaSourceStreamOptions::default(),
    );
    let mut format = symphonia::default::get_probe()
        .format(
            &hint,
            stream,
            &FormatOptions::default(),
            &MetadataOptions::default(),
        )
        .map_err(|e| broken(e.to_string()))?
        .format;
    let track = format
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .cloned()
        .ok_or_else(|| broken("it holds no audio track".into()))?;
    let params = &track.codec_params;
    let codecs = symphonia::default::get_codecs();
    let codec = codecs
        .get_codec(params.codec)
        .map(|d| d.short_name.to_string())
        .unwrap_or_else(|| format!("codec {}", params.codec));
    let duration_ms = match (params.n_frames, params.time_base, params.sample_rate) {
        (Some(frames), Some(base), _) => {
            let time = base.calc_time(frames);
            Some(time.seconds * 1000 + (time.frac * 1000.0) as u64)
        }
        (Some(frames), None, Some(rate)) if rate > 0 => Some(frames * 1000 / u64::from(rate)),
        _ => None,
    };
    // One packet decoded: a header over no (or garbage) data is not a recording.
    let packet = loop {
        let packet = format
            .next_packet()
            .map_err(|e| broken(format!("its first audio packet does not read ({e})")))?;
        if packet.track_id() == track.id {
            break packet;
        }
    };
    let mut decoder = codecs
        .make(params, &DecoderOptions::default())
        .map_err(|e| broken(format!("its codec cannot be decoded ({e})")))?;
    decoder
        .decode(&packet)
        .map_err(|e| broken(format!("its first audio packet does not decode ({e})")))?;
    Ok(AudioInfo {
        container,
        codec,
        channels: params.channels.map(|c| c.count() as u32),
        sample_rate: params.sample_rate,
        duration_ms,
    })
}

/// The container whose signature starts `bytes`.
pub fn sniff(bytes: &[u8]) -> Option<Container> {
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if at(0, b"RIFF") && at(8, b"WAVE") {
        Some(Container::Wav)
    } else if at(0, b"fLaC") {
        Some(Container::Flac)
    } else if at(4, b"ftyp") {
        Some(Container::Mp4)
    } else if at(0, b"ID3") || (bytes.len() >= 2 && bytes[0] == 0xFF && bytes[1] & 0xE0 == 0xE0) {
        Some(Container::Mp3)
    } else {
        None
    }
}

/// What unknown bytes look like, for the finding's message.
fn looks_like(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    let start = text.trim_start().to_ascii_lowercase();
    if bytes.is_empty() {
        "the body is empty".into()
    } else if bytes.starts_with(b"OggS") {
        "the body is an Ogg file, which HubSpot neither plays nor transcribes".into()
    } else if start.starts_with("<!doctype html") || start.starts_with("<html") {
        "the body is an HTML page".into()
    } else if start.starts_with('{') || start.starts_with('[') {
        "the body is JSON".into()
    } else if bytes[..bytes.len().min(512)]
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        let shown: String = text.chars().take(40).collect();
        format!("the body is text ({shown:?}…)")
    } else {
        let shown: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("its first bytes are {}", shown.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::sample::{mp3, wav};

    #[test]
    fn a_two_channel_wav_reads_whole() {
        let info = probe(&wav(2, 8000, 1500)).unwrap();
        assert_eq!(info.container, Container::Wav);
        assert_eq!(info.codec, "pcm_s16le");
        assert_eq!((info.channels, info.sample_rate), (Some(2), Some(8000)));
        assert_eq!(info.duration_ms, Some(1500));
    }

    #[test]
    fn a_header_without_data_is_broken_and_text_is_named() {
        let header_only = &wav(2, 8000, 1000)[..44];
        assert!(matches!(
            probe(header_only),
            Err(NotAudio::Broken {
                container: Container::Wav,
                ..
            })
        ));
        assert_eq!(
            probe(b"<!DOCTYPE html><p>login</p>"),
            Err(NotAudio::Unknown("the body is an HTML page".into()))
        );
        assert_eq!(
            probe(b""),
            Err(NotAudio::Unknown("the body is empty".into()))
        );
    }

    #[test]
    fn only_wav_flac_and_mp4_are_transcribable() {
        assert!(Container::Wav.transcribable() && Container::Mp4.transcribable());
        assert!(!Container::Mp3.transcribable());
        assert_eq!(sniff(b"fLaC\0\0"), Some(Container::Flac));
        assert_eq!(sniff(b"\0\0\0\x20ftypM4A "), Some(Container::Mp4));
        assert_eq!(sniff(&[0xFF, 0xFB, 0x90, 0x64]), Some(Container::Mp3));
    }

    #[test]
    fn a_few_silent_mp3_frames_read_as_mp3() {
        let info = probe(&mp3(20)).unwrap();
        assert_eq!(info.container, Container::Mp3);
        assert_eq!((info.channels, info.sample_rate), (Some(2), Some(44_100)));
        assert!(!info.container.transcribable());
    }
}
