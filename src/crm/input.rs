//! What a write sends: HubSpot's `SimplePublicObjectInputForCreate` and friends, as serde reads
//! them. Unknown keys are ignored (the official clients send optional ones such as
//! `objectWriteTraceId`); property values stay raw JSON until the catalog checks them.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::associations::AssociationCategory;

/// `{"properties": {…}, "associations": [...]}` — create, and each batch create input.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectInput {
    #[serde(default)]
    pub properties: Map<String, Value>,
    #[serde(default)]
    pub associations: Vec<AssociationInput>,
}

/// `{"to": {"id": "500"}, "types": [{"associationCategory": …, "associationTypeId": 194}]}`.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationInput {
    pub to: ObjectRef,
    pub types: Vec<AssociationSpec>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ObjectRef {
    #[serde(deserialize_with = "id_text")]
    pub id: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationSpec {
    pub association_category: AssociationCategory,
    pub association_type_id: u32,
}

/// An id sent as a string or, as some clients do, a number.
pub fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected an id as a string such as \"500\", got {other}"
        ))),
    }
}

/// How a read picks the object and what it shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Empty: the type's default properties.
    pub properties: Vec<String>,
    pub properties_with_history: Vec<String>,
    /// Names as given (`contacts`, `0-1`, …); unknown ones are ignored as HubSpot ignores them.
    pub associations: Vec<String>,
    /// Archived objects instead of live ones.
    pub archived: bool,
}
