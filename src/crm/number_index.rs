//! Which objects hold a phone number with given digits, without reading every object: the index
//! caller-ID matching looks a caller up in, so an inbound call costs the same in a portal of ten
//! contacts and one of ten thousand.
//!
//! An object's *keypad digits* are those of its number properties (`ObjectType::number_properties`)
//! with letters read as on a phone's keypad, as libphonenumber reads them (`1-800-FLOWERS`). The
//! index holds every run of `RUN` consecutive keypad digits of every value, with the object's id,
//! in one sorted set: the objects holding a run are one range of it. `holds_digits` is the same
//! test on one object, for lookups of fewer digits (countries whose national numbers are that
//! short) and for the property test that holds the index to it.

use std::collections::BTreeSet;

use super::object::CrmObject;
use super::object_type::ObjectType;

/// The digits a lookup through the index names: the last five of a national number, which every
/// way of writing the number that libphonenumber reads keeps. A country code or a national
/// prefix may be written or not, and some regions' numbers may be written without digits
/// libphonenumber puts back: Guernsey's `256789` is `+441481256789`, San Marino's `812345`
/// `+3780549812345`, Norfolk Island's five-digit `12345` `+672312345`, an Argentine mobile's
/// `0 2983 15-123456` `+5492983123456`. The shortest part such a rule keeps is Norfolk Island's
/// five digits (libphonenumber's `national_prefix_transform_rule`s; a test reads them all).
pub const RUN: usize = 5;

/// Longer values (trimmed) are not phone numbers: libphonenumber's reading refuses them
/// (`to_e164`), so the index and `holds_digits` skip them, and a hostile value cannot add more
/// than `MAX_NUMBER_LEN` runs.
pub const MAX_NUMBER_LEN: usize = 64;

/// Roughly the bytes one run takes in the index (its entry and its share of the set's nodes).
const BYTES_PER_RUN: usize = 24;

/// Runs of keypad digits → the objects (of one type) holding them.
#[derive(Clone, Default)]
pub struct NumberIndex {
    /// (run as a number, object id); a run is at most 99,999, so it fits a `u32`.
    runs: BTreeSet<(u32, u64)>,
}

impl NumberIndex {
    /// The index of `objects` (all of one type, archived ones included).
    pub fn build<'a>(
        object_type: ObjectType,
        objects: impl Iterator<Item = &'a CrmObject>,
    ) -> Self {
        let mut index = NumberIndex::default();
        for object in objects {
            index.add(object.id, &runs(object_type, object));
        }
        index
    }

    /// Records that object `id` holds `runs`.
    pub fn add(&mut self, id: u64, runs: &[u32]) {
        self.runs.extend(runs.iter().map(|&run| (run, id)));
    }

    /// Forgets that object `id` holds `runs`.
    pub fn remove(&mut self, id: u64, runs: &[u32]) {
        for &run in runs {
            self.runs.remove(&(run, id));
        }
    }

    /// The ids, ascending, of the objects holding `run`.
    pub fn ids(&self, run: u32) -> impl Iterator<Item = u64> + '_ {
        self.runs
            .range((run, 0)..=(run, u64::MAX))
            .map(|&(_, id)| id)
    }
}

/// `digits` as a run the index can look up: exactly `RUN` ASCII digits (`None` otherwise: read
/// every object with `holds_digits`).
pub fn run(digits: &str) -> Option<u32> {
    if digits.len() != RUN || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Every run of `RUN` keypad digits in the object's number properties, sorted, each once.
pub fn runs(object_type: ObjectType, object: &CrmObject) -> Vec<u32> {
    let mut runs = Vec::new();
    for value in number_values(object_type, object) {
        let digits: Vec<u8> = keypad_digits(value).collect();
        for window in digits.windows(RUN) {
            runs.push(
                window
                    .iter()
                    .fold(0u32, |n, d| n * 10 + u32::from(d - b'0')),
            );
        }
    }
    runs.sort_unstable();
    runs.dedup();
    runs
}

/// Roughly the bytes the object's runs take in the index, counted against the portal's memory
/// cap whether or not the index is built yet (10,000 contacts with two 64-digit numbers each
/// would otherwise hold ~30 MB beyond it). Counted without building the runs.
pub fn weight(object_type: ObjectType, object: &CrmObject) -> usize {
    number_values(object_type, object)
        .map(|value| keypad_digits(value).count().saturating_sub(RUN - 1) * BYTES_PER_RUN)
        .sum()
}

/// Does one of the object's number properties hold `digits` among its keypad digits? What the
/// index answers for `RUN` digits, for any number of them.
pub fn holds_digits(object_type: ObjectType, object: &CrmObject, digits: &str) -> bool {
    number_values(object_type, object).any(|value| {
        let held: Vec<u8> = keypad_digits(value).collect();
        held.windows(digits.len().max(1))
            .any(|window| window == digits.as_bytes())
    })
}

/// The values of the object's number properties that could be numbers.
fn number_values<'a>(
    object_type: ObjectType,
    object: &'a CrmObject,
) -> impl Iterator<Item = &'a str> + 'a {
    object_type
        .number_properties()
        .iter()
        .filter_map(|name| object.get(name))
        .filter(|value| value.trim().len() <= MAX_NUMBER_LEN)
}

/// A value's digits, letters read as on a phone's keypad, as ASCII digits.
pub fn keypad_digits(value: &str) -> impl Iterator<Item = u8> + '_ {
    value.bytes().filter_map(|b| match b.to_ascii_uppercase() {
        d @ b'0'..=b'9' => Some(d),
        b'A'..=b'C' => Some(b'2'),
        b'D'..=b'F' => Some(b'3'),
        b'G'..=b'I' => Some(b'4'),
        b'J'..=b'L' => Some(b'5'),
        b'M'..=b'O' => Some(b'6'),
        b'P'..=b'S' => Some(b'7'),
        b'T'..=b'V' => Some(b'8'),
        b'W'..=b'Z' => Some(b'9'),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: u64, phone: &str, mobile: &str) -> CrmObject {
        CrmObject::with_properties(id, &[("phone", phone), ("mobilephone", mobile)])
    }

    #[test]
    fn letters_are_read_as_on_a_keypad_and_a_run_names_each_object_once() {
        let flowers = contact(1, "1-800-FLOWERS", "");
        let twice = contact(2, "(800) 356-9377", "+1 800 356 9377 ext. 12");
        let other = contact(3, "+1 800 356 9378", "");
        let index =
            NumberIndex::build(ObjectType::Contacts, [&flowers, &twice, &other].into_iter());
        let ids = |digits| index.ids(run(digits).unwrap()).collect::<Vec<_>>();
        assert_eq!(ids("69377"), [1, 2]);
        assert_eq!(ids("00000"), [] as [u64; 0]);
        assert!(holds_digits(ObjectType::Contacts, &flowers, "69377"));
        assert!(!holds_digits(ObjectType::Contacts, &other, "69377"));
        assert!(run("6937").is_none(), "four digits: read every object");
        assert!(run("6937x").is_none());
    }

    #[test]
    fn values_too_long_to_be_numbers_are_not_indexed() {
        let long = contact(1, &"5".repeat(MAX_NUMBER_LEN + 1), "");
        assert!(runs(ObjectType::Contacts, &long).is_empty());
        assert!(!holds_digits(ObjectType::Contacts, &long, "55555"));
        assert_eq!(weight(ObjectType::Contacts, &long), 0);
        let longest = contact(2, &"5".repeat(MAX_NUMBER_LEN), "");
        assert_eq!(
            weight(ObjectType::Contacts, &longest),
            (MAX_NUMBER_LEN - RUN + 1) * BYTES_PER_RUN
        );
        let calls_have_no_numbers = contact(2, "4155552671", "");
        assert!(runs(ObjectType::Calls, &calls_have_no_numbers).is_empty());
    }
}
