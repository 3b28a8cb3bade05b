//! `POST /crm/v3/objects/{type}/search` without HTTP: the request as HubSpot's spec has it
//! (`request`), HubSpot's limits on it, the filters (`filter`), the sorts and the paging over the
//! matching objects. An object matches when it matches every filter of one group (groups are
//! OR'ed). Paging is by offset (`after` is the position of the next result), so walking every
//! page returns each object once as long as nothing changes meanwhile.

pub mod filter;
pub mod request;
pub mod sort;

pub use request::{Filter, FilterGroup, Operator, SearchRequest, SortSpec};

use super::error::CrmError;
use super::object::CrmObject;
use super::properties::Catalog;

/// HubSpot's limits on a search request.
pub const MAX_FILTER_GROUPS: usize = 5;
pub const MAX_FILTERS_PER_GROUP: usize = 6;
pub const MAX_FILTERS: usize = 18;
pub const MAX_LIMIT: usize = 200;
pub const DEFAULT_LIMIT: usize = 10;
/// HubSpot's search pages through at most this many results.
pub const MAX_RESULTS: usize = 10_000;

/// One page of a search: how many matched, this page, and where the next starts.
#[derive(Debug)]
pub struct SearchPage<'a> {
    pub total: usize,
    pub results: Vec<&'a CrmObject>,
    pub next_after: Option<usize>,
}

/// Checks `request` against HubSpot's limits and the catalog, then finds, sorts and pages.
pub fn search<'a>(
    catalog: &Catalog,
    objects: impl Iterator<Item = &'a CrmObject>,
    request: &SearchRequest,
) -> Result<SearchPage<'a>, CrmError> {
    request.check(catalog)?;
    let limit = request.limit.unwrap_or(DEFAULT_LIMIT);
    let after = request.offset()?;
    let query = request
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    let mut matching: Vec<&CrmObject> = objects
        .filter(|object| {
            filter::matches_groups(object, &request.filter_groups)
                && query.is_none_or(|q| filter::matches_query(object, catalog.object_type(), q))
        })
        .collect();
    sort::sort(&mut matching, &request.sorts);
    let total = matching.len();
    let end = (after + limit).min(total);
    let results = matching
        .get(after.min(total)..end)
        .unwrap_or_default()
        .to_vec();
    let next_after = (end < total && end < MAX_RESULTS).then_some(end);
    Ok(SearchPage {
        total,
        results,
        next_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::crm::object::WriteSource;
    use crate::crm::object_type::ObjectType;
    use proptest::prelude::*;
    use serde_json::json;

    fn objects(values: &[&str]) -> Vec<CrmObject> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let mut o = CrmObject::new(i as u64 + 1, Timestamp::now());
                if !v.is_empty() {
                    o.set(
                        "hs_call_title",
                        v.to_string(),
                        o.created_at,
                        &WriteSource::import(),
                    );
                }
                o
            })
            .collect()
    }

    fn request(body: serde_json::Value) -> SearchRequest {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn too_many_filters_are_refused_with_the_limit() {
        let catalog = Catalog::new(ObjectType::Calls, &[]);
        let filter = json!({"propertyName": "hs_call_title", "operator": "HAS_PROPERTY"});
        let groups = |n: usize, per: usize| json!({"filterGroups": vec![json!({"filters": vec![filter.clone(); per]}); n]});
        let error = search(&catalog, [].into_iter(), &request(groups(6, 1))).unwrap_err();
        assert!(error.to_string().contains("5 filterGroups"), "{error}");
        let error = search(&catalog, [].into_iter(), &request(groups(1, 7))).unwrap_err();
        assert!(error.to_string().contains("6 filters"), "{error}");
        let error = search(&catalog, [].into_iter(), &request(groups(4, 5))).unwrap_err();
        assert!(error.to_string().contains("18 filters"), "{error}");
        assert!(search(&catalog, [].into_iter(), &request(groups(3, 6))).is_ok());
        let error = search(&catalog, [].into_iter(), &request(json!({"limit": 201}))).unwrap_err();
        assert!(error.to_string().contains("200"), "{error}");
    }

    #[test]
    fn groups_are_ored_and_filters_anded() {
        let catalog = Catalog::new(ObjectType::Calls, &[]);
        let stored = objects(&["alpha call", "beta call", "gamma", ""]);
        let found = |body| {
            let page = search(&catalog, stored.iter(), &request(body)).unwrap();
            page.results.iter().map(|o| o.id).collect::<Vec<_>>()
        };
        assert_eq!(
            found(json!({"filterGroups": [
                {"filters": [{"propertyName": "hs_call_title", "operator": "CONTAINS_TOKEN", "value": "call"},
                             {"propertyName": "hs_call_title", "operator": "NEQ", "value": "beta call"}]},
                {"filters": [{"propertyName": "hs_call_title", "operator": "EQ", "value": "GAMMA"}]}]})),
            [1, 3]
        );
        assert_eq!(
            found(
                json!({"filterGroups": [{"filters": [{"propertyName": "hs_call_title", "operator": "NOT_HAS_PROPERTY"}]}]})
            ),
            [4]
        );
        assert_eq!(
            found(json!({"sorts": ["-hs_call_title"], "limit": 2})),
            [3, 2]
        );
    }

    proptest! {
        #[test]
        fn paging_through_a_search_returns_each_match_once(
            titles in proptest::collection::vec("[a-c]{0,2}", 0..40),
            limit in 1usize..7,
            descending in any::<bool>(),
        ) {
            let catalog = Catalog::new(ObjectType::Calls, &[]);
            let refs: Vec<&str> = titles.iter().map(String::as_str).collect();
            let stored = objects(&refs);
            let sort = if descending { "-hs_call_title" } else { "hs_call_title" };
            let mut seen = Vec::new();
            let mut after: Option<usize> = None;
            loop {
                let mut body = json!({"limit": limit, "sorts": [sort],
                    "filterGroups": [{"filters": [{"propertyName": "hs_call_title", "operator": "HAS_PROPERTY"}]}]});
                if let Some(after) = after { body["after"] = json!(after.to_string()); }
                let page = search(&catalog, stored.iter(), &request(body)).unwrap();
                seen.extend(page.results.iter().map(|o| o.id));
                match page.next_after { Some(next) => after = Some(next), None => break }
            }
            let mut expected: Vec<u64> = stored.iter().filter(|o| o.get("hs_call_title").is_some()).map(|o| o.id).collect();
            seen.sort();
            expected.sort();
            prop_assert_eq!(seen, expected);
        }
    }
}
