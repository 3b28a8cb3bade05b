//! Time and identifiers, in one place so that every timestamp HubSpot would show and every
//! correlation id comes from the same source. In deterministic mode (`run --clock --seed`) the
//! clock starts at a fixed time and moves one millisecond per reading, and correlation ids come
//! from a seeded generator, so timestamps, signatures and ids repeat from run to run.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::OnceLock;

use chrono::{DateTime, SecondsFormat, Utc};
use parking_lot::Mutex;
use rand::{rngs::StdRng, RngCore, SeedableRng};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

struct Deterministic {
    start_ms: i64,
    readings: AtomicI64,
    ids: Mutex<StdRng>,
}

static DETERMINISTIC: OnceLock<Deterministic> = OnceLock::new();

/// Switches the whole process to deterministic time and ids. Only the first call counts.
pub fn make_deterministic(start: Timestamp, seed: u64) {
    let _ = DETERMINISTIC.set(Deterministic {
        start_ms: start.millis(),
        readings: AtomicI64::new(0),
        ids: Mutex::new(StdRng::seed_from_u64(seed)),
    });
}

/// The real time in milliseconds since the epoch, even in deterministic mode: the probes'
/// timestamps are judged by the app against its own clock.
pub fn wall_millis() -> i64 {
    Utc::now().timestamp_millis()
}

/// A point in time as HubSpot's v3 APIs print it: ISO-8601, UTC, milliseconds, `Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Self {
        if let Some(fixed) = DETERMINISTIC.get() {
            let ms = fixed.start_ms + fixed.readings.fetch_add(1, Ordering::Relaxed);
            return Self::from_millis(ms);
        }
        // Truncate to milliseconds so that a value printed and parsed again is equal to itself.
        let now = Utc::now();
        Self(DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now))
    }

    /// The real time, even in deterministic mode: what an app's own clock says, for judging the
    /// times an app stamps (a call's start) rather than the emulator's.
    pub fn wall() -> Self {
        Self::from_millis(wall_millis())
    }

    /// This time, or one millisecond past `previous` if it is not later: `updatedAt` must move on
    /// every change even when two requests land in the same millisecond, or clients that compare
    /// it would see no change.
    pub fn after(self, previous: Timestamp) -> Self {
        if self > previous {
            self
        } else {
            Self(previous.0 + chrono::Duration::milliseconds(1))
        }
    }

    pub fn parse(text: &str) -> Result<Self, chrono::ParseError> {
        let parsed = DateTime::parse_from_rfc3339(text)?.with_timezone(&Utc);
        Ok(Self(
            DateTime::from_timestamp_millis(parsed.timestamp_millis()).unwrap_or(parsed),
        ))
    }

    pub fn millis(self) -> i64 {
        self.0.timestamp_millis()
    }

    /// The time `ms` milliseconds after the epoch (the epoch itself, where chrono cannot
    /// represent it).
    pub fn from_millis(ms: i64) -> Self {
        Self(DateTime::from_timestamp_millis(ms).unwrap_or_default())
    }
}

impl Timestamp {
    /// The text `Display` prints, as fixed-width bytes, for years 0–9999 (every other year takes
    /// chrono's general formatter). Written field by field: chrono's formatter is several times
    /// slower, and every API response prints two of these.
    fn fixed_width_text(self) -> Option<[u8; 24]> {
        use chrono::{Datelike, Timelike};
        let t = self.0;
        if !(0..=9999).contains(&t.year()) {
            return None;
        }
        let digits = |n: u32, width: usize, out: &mut [u8]| {
            let mut n = n;
            for slot in out[..width].iter_mut().rev() {
                *slot = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        let mut text = *b"0000-00-00T00:00:00.000Z";
        digits(t.year() as u32, 4, &mut text[0..]);
        digits(t.month(), 2, &mut text[5..]);
        digits(t.day(), 2, &mut text[8..]);
        digits(t.hour(), 2, &mut text[11..]);
        digits(t.minute(), 2, &mut text[14..]);
        digits(t.second().min(59), 2, &mut text[17..]);
        digits(t.timestamp_subsec_millis().min(999), 3, &mut text[20..]);
        Some(text)
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.fixed_width_text() {
            Some(text) => f.write_str(std::str::from_utf8(&text).unwrap_or_default()),
            None => f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true)),
        }
    }
}

impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "ISO-8601 time, e.g. 2026-11-27T17:30:00.123Z",
            "type": "string",
            "format": "date-time",
        })
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // `serialize_str` of the stack text: `collect_str` would go through a formatter and, in
        // serde_json, an intermediate String.
        match self.fixed_width_text() {
            Some(text) => serializer.serialize_str(std::str::from_utf8(&text).unwrap_or_default()),
            None => serializer.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(|e| {
            serde::de::Error::custom(format!(
                "expected an ISO-8601 time such as 2026-11-27T17:30:00.123Z, got {text:?} ({e})"
            ))
        })
    }
}

/// A new correlation id, as HubSpot puts in every error body and `x-hubspot-correlation-id`.
pub fn correlation_id() -> String {
    if let Some(fixed) = DETERMINISTIC.get() {
        let mut bytes = [0u8; 16];
        fixed.ids.lock().fill_bytes(&mut bytes);
        return uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string();
    }
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_milliseconds_in_utc() {
        let t = Timestamp::parse("2026-11-27T18:30:00.123456+01:00").unwrap();
        assert_eq!(t.to_string(), "2026-11-27T17:30:00.123Z");
    }

    #[test]
    fn serializes_as_it_prints_in_every_year() {
        let year_10000 = Timestamp(DateTime::from_timestamp_millis(253_402_300_800_000).unwrap());
        for t in [
            Timestamp::parse("2026-11-27T17:30:00.123Z").unwrap(),
            Timestamp::parse("0001-01-01T00:00:00Z").unwrap(),
            year_10000,
        ] {
            let text = t.0.to_rfc3339_opts(SecondsFormat::Millis, true);
            assert_eq!(t.to_string(), text);
            assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{text}\""));
        }
    }

    #[test]
    fn after_is_strictly_later() {
        let far = Timestamp::parse("2999-01-01T00:00:00.000Z").unwrap();
        assert!(Timestamp::now().after(far) > far);
        let now = Timestamp::now();
        assert_eq!(
            now.after(Timestamp::parse("2000-01-01T00:00:00Z").unwrap()),
            now
        );
    }
}
