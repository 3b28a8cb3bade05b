//! Phone numbers as caller-ID matching sees them: any way a person or a CRM writes a number
//! (`(415) 555-2671`, `415.555.2671`, `+1 415 555 2671`, `004121…`) normalised to E.164 with
//! libphonenumber, national numbers read in the portal's default country. Two numbers match when
//! their E.164 forms are equal; an extension is not part of the match.

use std::sync::{Once, OnceLock};

use dashmap::DashMap;
use phonenumber::metadata::DATABASE;
use phonenumber::{country, Mode};

/// The default country of a portal without one in the fixture (an assumption: HubSpot reads a
/// portal's numbers in its account's country; the demo portal is in the US).
pub const DEFAULT_COUNTRY: &str = "US";

/// Is `code` an ISO 3166-1 alpha-2 country libphonenumber knows (`US`, `DE`)?
pub fn is_country(code: &str) -> bool {
    code.parse::<country::Id>().is_ok()
}

/// `number` in E.164, read in `default_country` when it has no `+` or international prefix;
/// `None` when libphonenumber cannot read it as a possible number.
///
/// libphonenumber's parse costs tens of µs (and takes a lock its regex cache shares between the
/// workers), and the same few numbers come back on every call (a caller, the portal's
/// contacts), so answers are cached, bounded as `is_dialable`'s are: emptied when full.
pub fn to_e164(number: &str, default_country: &str) -> Option<String> {
    static CACHE: OnceLock<DashMap<(String, String), Option<String>>> = OnceLock::new();
    const CACHE_LIMIT: usize = 16_384;
    let trimmed = number.trim();
    if trimmed.is_empty() || trimmed.len() > 64 {
        return None;
    }
    let cache = CACHE.get_or_init(DashMap::new);
    let key = (trimmed.to_string(), default_country.to_string());
    if let Some(known) = cache.get(&key) {
        return known.clone();
    }
    let e164 = parse_e164(trimmed, default_country);
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(key, e164.clone());
    e164
}

/// The national significant number of an E.164 number (`+49301234567` → `301234567`): what
/// follows its country code, which libphonenumber's metadata knows (country codes are
/// prefix-free, one to three digits). `None` when `e164` is not `+` and digits of a known code.
pub fn national_number(e164: &str) -> Option<&str> {
    let digits = e164.strip_prefix('+')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (1..=digits.len().min(3)).find_map(|len| {
        let code: u16 = digits[..len].parse().ok()?;
        DATABASE.by_code(&code).map(|_| &digits[len..])
    })
}

/// `to_e164` without the cache: libphonenumber's reading of a trimmed number.
fn parse_e164(trimmed: &str, default_country: &str) -> Option<String> {
    let country = default_country.parse::<country::Id>().ok();
    let parsed = phonenumber::parse(country, trimmed).ok()?;
    if !phonenumber::is_viable(trimmed) {
        return None;
    }
    Some(parsed.format().mode(Mode::E164).to_string())
}

/// Loads libphonenumber's metadata on a background thread, once per process: its first use costs
/// ~60 ms (the metadata of every region, read and checked) and ~6 MiB, which would otherwise
/// fall on the first delivery or inbound call. Called when an app first calls the API (what
/// comes before a fire or an inbound call), not at start-up, so an idle emulator stays small.
/// Both users of the metadata share it: the caller-ID matcher, and the webhook's E.164 check,
/// whose judge then runs once on the same thread (`webhook::validator::warm_up`).
pub fn warm_up() {
    static WARM: Once = Once::new();
    if WARM.is_completed() {
        return;
    }
    WARM.call_once(|| {
        let spawned = std::thread::Builder::new()
            .name("phone-metadata".into())
            .spawn(|| {
                let _ = to_e164("+14155552671", DEFAULT_COUNTRY)
                    .and_then(|e164| phonenumber::parse(None, e164).ok())
                    .map(|parsed| phonenumber::is_valid(&parsed));
                crate::webhook::validator::warm_up();
            });
        // Without a thread (the process is at its limit) the first use loads it instead.
        drop(spawned);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_number_written_many_ways_is_one_e164() {
        for written in [
            "+14155552671",
            "+1 415 555 2671",
            "(415) 555-2671",
            "415.555.2671",
            "415-555-2671",
            "1 (415) 555-2671",
            "+1-415-555-2671 ",
        ] {
            assert_eq!(
                to_e164(written, "US").as_deref(),
                Some("+14155552671"),
                "{written}"
            );
        }
    }

    #[test]
    fn national_numbers_read_in_the_portals_country() {
        assert_eq!(
            to_e164("030 1234567", "DE").as_deref(),
            Some("+49301234567")
        );
        assert_eq!(
            to_e164("+49 30 1234567", "US").as_deref(),
            Some("+49301234567")
        );
        assert_eq!(
            to_e164("020 7946 0958", "GB").as_deref(),
            Some("+442079460958")
        );
    }

    #[test]
    fn what_is_not_a_number_is_none() {
        for junk in ["", "   ", "call me", "++", &"9".repeat(80)] {
            assert_eq!(to_e164(junk, "US"), None, "{junk:?}");
        }
        assert!(is_country("US") && is_country("DE") && !is_country("XX"));
    }

    #[test]
    fn the_national_number_follows_a_one_two_or_three_digit_country_code() {
        assert_eq!(national_number("+14155552671"), Some("4155552671"));
        assert_eq!(national_number("+49301234567"), Some("301234567"));
        assert_eq!(national_number("+50021234"), Some("21234"));
        assert_eq!(national_number("+390612345678"), Some("0612345678"));
        for junk in ["4155552671", "+", "+1 415", "+999123"] {
            assert_eq!(national_number(junk), None, "{junk:?}");
        }
    }
}
