//! Whether an object matches a filter. Values compare as numbers when both sides read as numbers
//! (times and dates as milliseconds), else as text without regard to case. `CONTAINS_TOKEN`
//! matches a whole word of the value, `*` standing for any run of characters.

use std::cmp::Ordering;

use super::request::{Filter, FilterGroup, Operator};
use crate::crm::object::CrmObject;
use crate::crm::object_type::ObjectType;
use crate::crm::properties::values::to_number;

/// Matches some group (all of its filters); no groups match everything.
pub fn matches_groups(object: &CrmObject, groups: &[FilterGroup]) -> bool {
    groups.is_empty()
        || groups
            .iter()
            .any(|group| group.filters.iter().all(|filter| matches(object, filter)))
}

pub fn matches(object: &CrmObject, filter: &Filter) -> bool {
    let actual = object.get(&filter.property_name).filter(|v| !v.is_empty());
    let value = filter.value.as_deref().unwrap_or("");
    let compare = |wanted: &str| actual.map(|a| compare(a, wanted));
    match filter.operator {
        Operator::Eq => compare(value) == Some(Ordering::Equal),
        Operator::Neq => compare(value) != Some(Ordering::Equal),
        Operator::Lt => compare(value) == Some(Ordering::Less),
        Operator::Lte => matches!(compare(value), Some(Ordering::Less | Ordering::Equal)),
        Operator::Gt => compare(value) == Some(Ordering::Greater),
        Operator::Gte => matches!(compare(value), Some(Ordering::Greater | Ordering::Equal)),
        Operator::Between => {
            let high = filter.high_value.as_deref().unwrap_or("");
            matches!(compare(value), Some(Ordering::Greater | Ordering::Equal))
                && matches!(compare(high), Some(Ordering::Less | Ordering::Equal))
        }
        Operator::In => in_values(actual, filter),
        Operator::NotIn => !in_values(actual, filter),
        Operator::HasProperty => actual.is_some(),
        Operator::NotHasProperty => actual.is_none(),
        Operator::ContainsToken => actual.is_some_and(|a| contains_token(a, value)),
        Operator::NotContainsToken => !actual.is_some_and(|a| contains_token(a, value)),
    }
}

fn in_values(actual: Option<&str>, filter: &Filter) -> bool {
    let Some(actual) = actual else { return false };
    filter
        .values
        .iter()
        .flatten()
        .any(|wanted| compare(actual, wanted) == Ordering::Equal)
}

/// Two property values in HubSpot's order: numerically when both are numbers or times, else as
/// case-insensitive text.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (to_number(a), to_number(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

/// Does some word of `text` (or the whole of it) match `token`, `*` being a wildcard?
pub fn contains_token(text: &str, token: &str) -> bool {
    let text = text.to_lowercase();
    let token = token.trim().to_lowercase();
    if token.is_empty() {
        return false;
    }
    wildcard(&text, &token)
        || text
            .split(|c: char| c.is_whitespace() || ",;:()[]\"'".contains(c))
            .filter(|word| !word.is_empty())
            .any(|word| wildcard(word, &token))
}

/// `pattern` (with `*`) matches all of `text`.
fn wildcard(text: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return text == pattern;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The free-text `query`: a word of one of the type's searchable properties starts with it.
pub fn matches_query(object: &CrmObject, object_type: ObjectType, query: &str) -> bool {
    let query = query.to_lowercase();
    object_type.searchable().iter().any(|name| {
        object.get(name).is_some_and(|value| {
            let value = value.to_lowercase();
            value.starts_with(&query)
                || value
                    .split(|c: char| c.is_whitespace() || "@.,;-".contains(c))
                    .any(|word| word.starts_with(&query))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_wildcards() {
        assert!(contains_token("Support call with Ada", "ada"));
        assert!(contains_token("ada@example.com", "*@example.com"));
        assert!(contains_token("ada@example.com", "ada*"));
        assert!(!contains_token("Support call", "sup"));
        assert!(contains_token("Support call", "sup*"));
        assert!(!contains_token("abc", ""));
    }

    #[test]
    fn numbers_and_times_compare_by_value() {
        assert_eq!(compare("10", "9"), Ordering::Greater);
        assert_eq!(
            compare("2021-03-17T01:32:44.872Z", "1615944764872"),
            Ordering::Equal
        );
        assert_eq!(compare("Apple", "apple"), Ordering::Equal);
        assert_eq!(compare("b", "A"), Ordering::Greater);
    }
}
