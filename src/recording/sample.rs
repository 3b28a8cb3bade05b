//! Small real recordings, made on the spot: a two-channel 16-bit PCM WAV (the caller on channel 1,
//! the recipient on channel 2, as HubSpot's transcription wants them) and a run of silent MP3
//! frames. The demo app serves them and the tests judge them; neither needs a file on disk.

/// A 16-bit PCM WAV of `millis` at `rate` Hz with `channels` channels: each channel a quiet
/// square wave of its own pitch, so the two speakers can be told apart by ear.
pub fn wav(channels: u16, rate: u32, millis: u32) -> Vec<u8> {
    let frames = u64::from(rate) * u64::from(millis) / 1000;
    let data_len = frames as u32 * u32::from(channels) * 2;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * u32::from(channels) * 2).to_le_bytes());
    out.extend_from_slice(&(channels * 2).to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for frame in 0..frames {
        for channel in 0..u64::from(channels) {
            // Channel 1 at ~200 Hz, channel 2 at ~300 Hz (at 8 kHz), quiet.
            let half_period = 20 - 7 * channel.min(2);
            let high = (frame / half_period.max(1)) % 2 == 0;
            let sample: i16 = if high { 2000 } else { -2000 };
            out.extend_from_slice(&sample.to_le_bytes());
        }
    }
    out
}

/// `frames` MPEG-1 Layer III frames of silence (128 kbit/s, 44.1 kHz, stereo): each a valid
/// header and side information whose granules carry no data, padded to the frame's length.
pub fn mp3(frames: usize) -> Vec<u8> {
    // 0xFFFB: sync, MPEG-1, Layer III, no CRC; 0x90: 128 kbit/s, 44.1 kHz, no padding;
    // 0x04: stereo, original.
    const HEADER: [u8; 4] = [0xFF, 0xFB, 0x90, 0x04];
    // 144 * bitrate / sample rate, rounded down: 144 * 128000 / 44100.
    const FRAME_LEN: usize = 417;
    let mut out = Vec::with_capacity(frames * FRAME_LEN);
    for _ in 0..frames {
        out.extend_from_slice(&HEADER);
        // 32 bytes of stereo side information, all zero: no main data in any granule.
        out.resize(out.len() + FRAME_LEN - HEADER.len(), 0);
    }
    out
}
