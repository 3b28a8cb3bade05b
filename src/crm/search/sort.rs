//! Orders search results: by each sort in turn, then by id so that pages are stable. A value
//! sorts as a number when it reads as one (times and dates as milliseconds), numbers before
//! text, text without regard to case; objects without the property come last whichever the
//! direction. Keys are computed once and compare as a total order (Rust's sort requires one).

use std::cmp::Ordering;

use super::request::SortSpec;
use crate::crm::object::CrmObject;
use crate::crm::properties::values::to_number;

#[derive(Debug, Clone, PartialEq)]
enum Key {
    Number(f64),
    Text(String),
}

impl Key {
    fn of(value: &str) -> Key {
        match to_number(value) {
            Some(n) => Key::Number(n),
            None => Key::Text(value.to_lowercase()),
        }
    }

    fn cmp(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Number(a), Key::Number(b)) => a.total_cmp(b),
            (Key::Number(_), Key::Text(_)) => Ordering::Less,
            (Key::Text(_), Key::Number(_)) => Ordering::Greater,
            (Key::Text(a), Key::Text(b)) => a.cmp(b),
        }
    }
}

pub fn sort(objects: &mut Vec<&CrmObject>, sorts: &[SortSpec]) {
    if sorts.is_empty() {
        objects.sort_by_key(|o| o.id);
        return;
    }
    let mut keyed: Vec<(Vec<Option<Key>>, &CrmObject)> = objects
        .iter()
        .map(|object| {
            let keys = sorts
                .iter()
                .map(|spec| {
                    object
                        .get(&spec.property_name)
                        .filter(|v| !v.is_empty())
                        .map(Key::of)
                })
                .collect();
            (keys, *object)
        })
        .collect();
    keyed.sort_by(|(a_keys, a), (b_keys, b)| {
        for ((x, y), spec) in a_keys.iter().zip(b_keys).zip(sorts) {
            let order = match (x, y) {
                (Some(x), Some(y)) if spec.descending => x.cmp(y).reverse(),
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        a.id.cmp(&b.id)
    });
    *objects = keyed.into_iter().map(|(_, object)| object).collect();
}
