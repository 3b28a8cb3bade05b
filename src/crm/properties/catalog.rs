//! A property catalog: every property one object type has in one portal, by name. HubSpot's
//! defaults are read once from the vendored JSON files; a portal's catalog adds the fixture's
//! custom properties. Unknown names get the closest known ones, for the error message.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::crm::object_type::ObjectType;

/// HubSpot's property `type`s (what a value is checked and compared as).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PropertyKind {
    #[default]
    String,
    Number,
    Datetime,
    Date,
    Bool,
    Enumeration,
    PhoneNumber,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PropertyDef {
    pub name: String,
    #[serde(rename = "type", default)]
    pub kind: PropertyKind,
    /// An enumeration's allowed values (empty: any).
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub read_only: bool,
    /// Usable as `idProperty` (lookups, upserts); no two live objects share a value.
    #[serde(default)]
    pub unique: bool,
}

/// A property the fixture declares for a portal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomProperty {
    pub name: String,
    pub kind: PropertyKind,
    pub unique: bool,
}

#[derive(Deserialize)]
struct DefaultsFile {
    #[serde(rename = "objectType")]
    _object_type: String,
    #[serde(rename = "source")]
    _source: String,
    properties: Vec<PropertyDef>,
}

fn defaults_text(object_type: ObjectType) -> &'static str {
    match object_type {
        ObjectType::Calls => include_str!("calls.json"),
        ObjectType::Contacts => include_str!("contacts.json"),
        ObjectType::Companies => include_str!("companies.json"),
    }
}

/// HubSpot's default properties of `object_type`, parsed once.
pub fn defaults(object_type: ObjectType) -> &'static [PropertyDef] {
    static PARSED: OnceLock<[Vec<PropertyDef>; 3]> = OnceLock::new();
    let all = PARSED.get_or_init(|| {
        ObjectType::ALL.map(|t| {
            serde_json::from_str::<DefaultsFile>(defaults_text(t))
                .map(|file| file.properties)
                // The files are embedded and tested; an unreadable one is a build mistake.
                .unwrap_or_else(|e| panic!("src/crm/properties/{t}.json: {e}"))
        })
    });
    &all[object_type.index()]
}

/// The properties of one object type in one portal.
#[derive(Clone, Debug, PartialEq)]
pub struct Catalog {
    object_type: ObjectType,
    properties: BTreeMap<String, PropertyDef>,
    custom: Vec<CustomProperty>,
}

impl Catalog {
    /// HubSpot's defaults plus `custom` (a custom property named like a default replaces it).
    pub fn new(object_type: ObjectType, custom: &[CustomProperty]) -> Self {
        let mut properties: BTreeMap<String, PropertyDef> = defaults(object_type)
            .iter()
            .map(|p| (p.name.clone(), p.clone()))
            .collect();
        for c in custom {
            properties.insert(
                c.name.clone(),
                PropertyDef {
                    name: c.name.clone(),
                    kind: c.kind,
                    options: Vec::new(),
                    read_only: false,
                    unique: c.unique,
                },
            );
        }
        Catalog {
            object_type,
            properties,
            custom: custom.to_vec(),
        }
    }

    pub fn object_type(&self) -> ObjectType {
        self.object_type
    }

    pub fn get(&self, name: &str) -> Option<&PropertyDef> {
        self.properties.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.properties.contains_key(name)
    }

    /// The custom properties, as declared (for the snapshot).
    pub fn custom(&self) -> &[CustomProperty] {
        &self.custom
    }

    /// Is `name` a property whose values identify one object (`idProperty`)?
    pub fn is_unique(&self, name: &str) -> bool {
        name == "hs_object_id" || self.get(name).is_some_and(|p| p.unique)
    }

    pub fn unique_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = vec!["hs_object_id"];
        names.extend(
            self.properties
                .values()
                .filter(|p| p.unique)
                .map(|p| p.name.as_str()),
        );
        names
    }

    /// Up to three known names closest to `unknown`, best first.
    pub fn closest(&self, unknown: &str) -> Vec<&str> {
        let unknown = unknown.to_ascii_lowercase();
        let mut scored: Vec<(usize, &str)> = self
            .properties
            .keys()
            .map(|name| {
                let distance = strsim::levenshtein(&unknown, name);
                // A name that contains the typo (or the other way round) is a near miss
                // whatever the distance: `phone_number` → `phone`.
                let bonus = if name.contains(&unknown) || unknown.contains(name.as_str()) {
                    0
                } else {
                    2
                };
                (distance + bonus, name.as_str())
            })
            .collect();
        scored.sort();
        scored.into_iter().take(3).map(|(_, name)| name).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_defaults_file_parses_with_unique_names_and_the_maintained_properties() {
        for t in ObjectType::ALL {
            let defaults = defaults(t);
            let mut names: Vec<&str> = defaults.iter().map(|p| p.name.as_str()).collect();
            names.sort();
            let count = names.len();
            names.dedup();
            assert_eq!(names.len(), count, "{t}: duplicate names");
            for maintained in ["hs_object_id", "hs_createdate", "hs_lastmodifieddate"] {
                let def = defaults.iter().find(|p| p.name == maintained).unwrap();
                assert!(def.read_only, "{t}.{maintained} must be read-only");
            }
            for name in t.default_properties() {
                assert!(
                    names.contains(name),
                    "{t}: default {name} not in the catalog"
                );
            }
        }
    }

    #[test]
    fn custom_properties_join_and_typos_find_their_neighbours() {
        let catalog = Catalog::new(
            ObjectType::Contacts,
            &[CustomProperty {
                name: "customer_tier".into(),
                kind: PropertyKind::String,
                unique: false,
            }],
        );
        assert!(catalog.contains("customer_tier") && catalog.contains("email"));
        assert_eq!(catalog.closest("firstnme")[0], "firstname");
        assert_eq!(catalog.closest("customer_tire")[0], "customer_tier");
        assert!(catalog.is_unique("email") && !catalog.is_unique("firstname"));
    }
}
