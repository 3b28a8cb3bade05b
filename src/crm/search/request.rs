//! HubSpot's `PublicObjectSearchRequest` as serde reads it, and its checks: HubSpot's limits on
//! groups and filters, known operators with the values each needs, known properties (an unknown
//! one is named with its closest neighbours), `limit` and `after`.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{MAX_FILTERS, MAX_FILTERS_PER_GROUP, MAX_FILTER_GROUPS, MAX_LIMIT, MAX_RESULTS};
use crate::crm::error::{CrmError, PropertyError};
use crate::crm::properties::Catalog;

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchRequest {
    #[serde(default)]
    pub filter_groups: Vec<FilterGroup>,
    #[serde(default)]
    pub sorts: Vec<SortSpec>,
    #[serde(default)]
    pub properties: Vec<String>,
    #[serde(default)]
    pub limit: Option<usize>,
    #[serde(default, deserialize_with = "optional_text")]
    pub after: Option<String>,
    #[serde(default)]
    pub query: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FilterGroup {
    /// Required, as HubSpot's spec has it (`{"filters": []}` matches everything).
    pub filters: Vec<Filter>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Filter {
    pub property_name: String,
    pub operator: Operator,
    #[serde(default, deserialize_with = "optional_text")]
    pub value: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    pub high_value: Option<String>,
    #[serde(default, deserialize_with = "texts")]
    pub values: Option<Vec<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operator {
    Eq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
    Between,
    In,
    NotIn,
    HasProperty,
    NotHasProperty,
    ContainsToken,
    NotContainsToken,
}

/// `"hs_timestamp"`, `"-hs_timestamp"` or `{"propertyName": …, "direction": "DESCENDING"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortSpec {
    pub property_name: String,
    pub descending: bool,
}

impl<'de> Deserialize<'de> for SortSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Object {
            property_name: String,
            #[serde(default)]
            direction: Option<String>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Text(String),
            Object(Object),
        }
        match Either::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom(
                "a sort is a property name (\"hs_timestamp\", \"-hs_timestamp\" for descending) or {\"propertyName\": \"hs_timestamp\", \"direction\": \"ASCENDING\" | \"DESCENDING\"}",
            )
        })? {
            Either::Text(text) => Ok(match text.strip_prefix('-') {
                Some(name) => SortSpec { property_name: name.to_string(), descending: true },
                None => SortSpec { property_name: text, descending: false },
            }),
            Either::Object(object) => {
                let descending = match object.direction.as_deref().map(str::to_ascii_uppercase).as_deref() {
                    None | Some("ASCENDING") => false,
                    Some("DESCENDING") => true,
                    Some(other) => {
                        return Err(serde::de::Error::custom(format!(
                            "sort direction {other:?} is neither ASCENDING nor DESCENDING"
                        )))
                    }
                };
                Ok(SortSpec { property_name: object.property_name, descending })
            }
        }
    }
}

/// A scalar as text: HubSpot's filter values are strings; numbers and booleans are accepted.
fn scalar_text(value: Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        other => Err(format!("expected a string, got {other}")),
    }
}

fn optional_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    scalar_text(Value::deserialize(deserializer)?).map_err(serde::de::Error::custom)
}

fn texts<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<String>>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        Value::Array(items) => items
            .into_iter()
            .map(|item| {
                scalar_text(item)
                    .and_then(|t| t.ok_or_else(|| "expected a string, got null".to_string()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
            .map_err(serde::de::Error::custom),
        other => Err(serde::de::Error::custom(format!(
            "values is a list of strings, got {other}"
        ))),
    }
}

impl SearchRequest {
    /// HubSpot's limits and the catalog, checked before anything is searched.
    pub fn check(&self, catalog: &Catalog) -> Result<(), CrmError> {
        let groups = self.filter_groups.len();
        if groups > MAX_FILTER_GROUPS {
            return Err(CrmError::invalid(
                "filterGroups",
                "TOO_MANY_FILTER_GROUPS",
                format!("The request has {groups} filterGroups; HubSpot allows at most {MAX_FILTER_GROUPS} filterGroups. Combine groups, or run several searches."),
            ));
        }
        for (index, group) in self.filter_groups.iter().enumerate() {
            if group.filters.len() > MAX_FILTERS_PER_GROUP {
                return Err(CrmError::invalid(
                    format!("filterGroups[{index}].filters"),
                    "TOO_MANY_FILTERS",
                    format!("filterGroups[{index}] has {} filters; HubSpot allows at most {MAX_FILTERS_PER_GROUP} filters per group.", group.filters.len()),
                ));
            }
        }
        let total: usize = self.filter_groups.iter().map(|g| g.filters.len()).sum();
        if total > MAX_FILTERS {
            return Err(CrmError::invalid(
                "filterGroups",
                "TOO_MANY_FILTERS",
                format!("The request has {total} filters in all; HubSpot allows at most {MAX_FILTERS} filters across all filterGroups."),
            ));
        }
        if let Some(limit) = self.limit {
            if limit > MAX_LIMIT {
                return Err(CrmError::invalid(
                    "limit",
                    "INVALID_LIMIT",
                    format!("limit is {limit}; a search returns at most {MAX_LIMIT} results per page. Page with `after` instead."),
                ));
            }
        }
        let mut unknown = Vec::new();
        for (g, group) in self.filter_groups.iter().enumerate() {
            for (f, filter) in group.filters.iter().enumerate() {
                filter.check(&format!("filterGroups[{g}].filters[{f}]"))?;
                if !catalog.contains(&filter.property_name) {
                    unknown.push(filter.property_name.as_str());
                }
            }
        }
        unknown.extend(
            self.sorts
                .iter()
                .map(|s| s.property_name.as_str())
                .filter(|name| !catalog.contains(name)),
        );
        if !unknown.is_empty() {
            return Err(CrmError::InvalidProperties {
                errors: unknown
                    .into_iter()
                    .map(|name| PropertyError {
                        name: name.to_string(),
                        code: "PROPERTY_DOESNT_EXIST",
                        message: doesnt_exist(catalog, name),
                    })
                    .collect(),
            });
        }
        Ok(())
    }

    /// `after` as the offset of the first result.
    pub fn offset(&self) -> Result<usize, CrmError> {
        let Some(after) = self
            .after
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        else {
            return Ok(0);
        };
        let offset = after.parse::<usize>().map_err(|_| {
            CrmError::invalid(
                "after",
                "INVALID_AFTER",
                format!("after {after:?} is not a paging cursor of this search; pass the paging.next.after of the previous page"),
            )
        })?;
        if offset >= MAX_RESULTS {
            return Err(CrmError::invalid(
                "after",
                "INVALID_AFTER",
                format!("after is {offset}; HubSpot's search pages through at most {MAX_RESULTS} results. Narrow the filters (e.g. by hs_lastmodifieddate) instead."),
            ));
        }
        Ok(offset)
    }
}

impl Filter {
    fn check(&self, at: &str) -> Result<(), CrmError> {
        let needs = |what: &str, ok: bool| {
            if ok {
                Ok(())
            } else {
                Err(CrmError::invalid(
                    at,
                    "INVALID_FILTER",
                    format!("{at}: operator {:?} needs {what}", self.operator),
                ))
            }
        };
        match self.operator {
            Operator::HasProperty | Operator::NotHasProperty => Ok(()),
            Operator::Between => needs(
                "both \"value\" (the low end) and \"highValue\" (the high end)",
                self.value.is_some() && self.high_value.is_some(),
            ),
            Operator::In | Operator::NotIn => needs(
                "\"values\": a non-empty list of strings",
                self.values.as_ref().is_some_and(|v| !v.is_empty()),
            ),
            _ => needs("a \"value\"", self.value.is_some()),
        }
    }
}

/// `Property "x" does not exist` with the closest known names.
pub fn doesnt_exist(catalog: &Catalog, name: &str) -> String {
    format!(
        "Property \"{name}\" does not exist on {}; the closest known properties are {}. Declare a custom property under portals[].properties.{} in the fixture if your portal has it.",
        catalog.object_type(),
        catalog.closest(name).join(", "),
        catalog.object_type()
    )
}
