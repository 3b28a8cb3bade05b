//! An object as the API shows it (`SimplePublicObjectWithAssociations`): the properties asked
//! for (an unset one as `null`), their history when asked, the associations to the types asked
//! for, and `new` for upserts. Serializes to HubSpot's JSON.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::clock::Timestamp;

use super::input::ReadOptions;
use super::object::CrmObject;
use super::object_type::ObjectType;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectView {
    pub id: String,
    pub properties: BTreeMap<String, Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties_with_history: Option<BTreeMap<String, Vec<VersionView>>>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub archived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub associations: Option<BTreeMap<String, AssociationList>>,
    /// Upserts only: whether the object was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionView {
    pub value: String,
    pub timestamp: Timestamp,
    pub source_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AssociationList {
    pub results: Vec<AssociatedId>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AssociatedId {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

/// `object` as shown to a read with `options`; `is_live` says whether an associated object is
/// still there (associations to archived objects are not shown).
pub fn render(
    object_type: ObjectType,
    object: &CrmObject,
    options: &ReadOptions,
    is_live: impl Fn(ObjectType, u64) -> bool,
) -> ObjectView {
    let names: Vec<&str> = if options.properties.is_empty() {
        object_type.default_properties().to_vec()
    } else {
        options.properties.iter().map(String::as_str).collect()
    };
    let properties = names
        .into_iter()
        .map(|name| (name.to_string(), object.get(name).map(str::to_string)))
        .collect();
    let properties_with_history = (!options.properties_with_history.is_empty()).then(|| {
        options
            .properties_with_history
            .iter()
            .map(|name| {
                let versions = object
                    .history
                    .get(name)
                    .map(|versions| {
                        versions
                            .iter()
                            .map(|v| VersionView {
                                value: v.value.clone(),
                                timestamp: v.timestamp,
                                source_type: v.source_type,
                                source_id: v.source_id.as_deref().map(str::to_string),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (name.clone(), versions)
            })
            .collect()
    });
    let wanted: Vec<ObjectType> = options
        .associations
        .iter()
        .filter_map(|name| ObjectType::parse(name))
        .collect();
    let associations = (!wanted.is_empty()).then(|| {
        let mut lists: BTreeMap<String, AssociationList> = BTreeMap::new();
        for association in &object.associations {
            let Some(kind) = association.kind() else {
                continue;
            };
            if wanted.contains(&kind.to) && is_live(kind.to, association.to_id) {
                lists
                    .entry(kind.to.plural().to_string())
                    .or_default()
                    .results
                    .push(AssociatedId {
                        id: association.to_id.to_string(),
                        kind: kind.name,
                    });
            }
        }
        lists
    });
    ObjectView {
        id: object.id.to_string(),
        properties,
        properties_with_history,
        created_at: object.created_at,
        updated_at: object.updated_at,
        archived: object.is_archived(),
        archived_at: object.archived_at,
        associations: associations.filter(|lists| !lists.is_empty()),
        new: None,
    }
}
