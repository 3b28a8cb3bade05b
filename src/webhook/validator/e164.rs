//! E.164 syntax, and whether a well-formed number is a real one (libphonenumber's metadata).

use std::sync::OnceLock;

use dashmap::DashMap;

/// What is wrong with `number` as E.164 (`+`, a country code not starting with 0, at most 15
/// digits in all), or `None`.
pub fn e164_problem(number: &str) -> Option<&'static str> {
    let Some(digits) = number.strip_prefix('+') else {
        return Some("it must start with +");
    };
    if digits.is_empty() {
        return Some("there are no digits after +");
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Some("only digits may follow + (no spaces, dashes, dots or brackets)");
    }
    if digits.starts_with('0') {
        return Some("a country code never starts with 0");
    }
    if digits.len() > 15 {
        return Some("E.164 numbers have at most 15 digits");
    }
    if digits.len() < 3 {
        return Some("too short to be a phone number");
    }
    None
}

/// Is a syntactically valid E.164 number a real, dialable number per libphonenumber?
///
/// libphonenumber's check costs about 160 µs a number, and an app answers the same few numbers
/// on every delivery, so answers are cached (bounded: the cache is emptied when full).
pub fn is_dialable(number: &str) -> bool {
    static CACHE: OnceLock<DashMap<String, bool>> = OnceLock::new();
    const CACHE_LIMIT: usize = 16_384;
    let cache = CACHE.get_or_init(DashMap::new);
    if let Some(known) = cache.get(number) {
        return *known;
    }
    let dialable =
        phonenumber::parse(None, number).is_ok_and(|parsed| phonenumber::is_valid(&parsed));
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(number.to_string(), dialable);
    dialable
}
