//! What a write sends: HubSpot's `SimplePublicObjectInputForCreate` and friends, as serde reads
//! them. Unknown keys are ignored; `properties` is required, as HubSpot's spec has it. Property
//! values stay raw JSON scalars until the catalog checks them: a value that is an array or an
//! object makes the whole body unreadable (a 400 for the request, batches included), as a
//! `Map<String, String>` cannot hold it; numbers and booleans are read as text.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use super::associations::AssociationCategory;

/// `{"properties": {…}, "associations": [...]}` — create, and each batch create input.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectInput {
    #[serde(deserialize_with = "scalar_properties")]
    pub properties: Map<String, Value>,
    #[serde(default)]
    pub associations: Vec<AssociationInput>,
    /// Sent by the official clients; read (a string or null) and otherwise unused.
    #[serde(default, rename = "objectWriteTraceId")]
    pub object_write_trace_id: Option<String>,
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
    /// An int32, as HubSpot's spec has it; one that is not a HubSpot-defined type (a negative
    /// one included) is refused by the CRM, not by the body's reading.
    pub association_type_id: i32,
}

/// A `properties` map whose values are JSON scalars (string, number, boolean) or null.
pub fn scalar_properties<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Map<String, Value>, D::Error> {
    let map = Map::<String, Value>::deserialize(deserializer)?;
    if let Some((name, value)) = map.iter().find(|(_, v)| v.is_array() || v.is_object()) {
        let kind = if value.is_array() {
            "an array"
        } else {
            "an object"
        };
        return Err(serde::de::Error::custom(format!(
            "the value of property {name:?} is {kind}; a property value is a string (numbers and booleans are accepted and stored as text; for a multi-select enumeration, join the options with ';')"
        )));
    }
    Ok(map)
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
