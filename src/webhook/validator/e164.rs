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

/// The example numbers libphonenumber's metadata gives for `region`, one per type of number
/// (national significant numbers), for tests that hold readings of numbers to them.
#[cfg(test)]
pub fn region_examples(
    region: &phonenumber::metadata::Metadata,
) -> impl Iterator<Item = &str> + '_ {
    let d = region.descriptors();
    [
        Some(d.general()),
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
    .into_iter()
    .flatten()
    .filter_map(|descriptor| descriptor.example())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every example number libphonenumber's metadata gives (each region, each type), as E.164,
    /// then each with one digit more and one digit fewer: what the validity patterns see.
    fn example_numbers() -> Vec<String> {
        use phonenumber::metadata::DATABASE;
        let mut numbers = Vec::new();
        for region in DATABASE.iter().filter(|r| r.id() != "001") {
            for example in region_examples(region) {
                let e164 = format!("+{}{example}", region.country_code());
                numbers.push(format!("{e164}5"));
                numbers.push(e164[..e164.len() - 1].to_string());
                numbers.push(e164);
            }
        }
        numbers.sort();
        numbers.dedup();
        numbers
    }

    /// phonenumber's regexes are compiled with ASCII classes: the vendored regex-cache is the
    /// one built (a lost `[patch]` in Cargo.toml fails here, not only in a benchmark).
    #[test]
    fn the_vendored_regex_cache_compiles_ascii_classes() {
        let digit = regex_cache::LazyRegex::new(r"^\d$").unwrap();
        assert!(digit.is_match("7"));
        assert!(
            !digit.is_match("\u{0667}"),
            "an Arabic-Indic 7 matched: vendor/regex-cache is not the copy in use"
        );
    }

    /// The patterns judge these numbers exactly as they did when compiled with Unicode classes
    /// (libphonenumber's regexes are compiled ASCII-only: vendor/regex-cache). The digest is
    /// that of the dialable numbers, one per line, as upstream regex-cache 0.2.1 judged them
    /// (to compute it again: build without the `[patch]` and print `dialable.join("\n")`).
    #[test]
    fn libphonenumbers_examples_and_their_neighbours_are_judged_as_with_unicode_classes() {
        use sha2::{Digest, Sha256};
        let numbers = example_numbers();
        let dialable: Vec<&str> = (numbers.iter().map(String::as_str))
            .filter(|n| is_dialable(n))
            .collect();
        assert_eq!((numbers.len(), dialable.len()), (2996, 1169));
        let digest = Sha256::digest(dialable.join("\n"));
        assert_eq!(
            format!("{digest:x}"),
            "0057a48c986aefc91b9eedf9930e6e85125dbfc61c0e07e49bffff320ca5de2c"
        );
    }
}
