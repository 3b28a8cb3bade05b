//! One CRM object as the store keeps it: its id, its properties (strings, as HubSpot keeps
//! them), each property's history (newest first, capped), its times, whether it is archived, and
//! its associations.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use crate::clock::Timestamp;

use super::associations::Association;

/// Versions kept per property for `propertiesWithHistory`; older ones are dropped.
pub const MAX_HISTORY: usize = 20;

/// Who wrote a value (`sourceType`, `sourceId` in `propertiesWithHistory`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteSource {
    pub source_type: &'static str,
    /// Shared by every version one write records (a write sets a dozen properties).
    pub source_id: Option<Arc<str>>,
}

impl WriteSource {
    /// A write by an app through the API (HubSpot labels these `INTEGRATION`).
    pub fn integration(app_id: impl ToString) -> Self {
        WriteSource {
            source_type: "INTEGRATION",
            source_id: Some(app_id.to_string().into()),
        }
    }

    /// A value the fixture seeded.
    pub fn import() -> Self {
        WriteSource {
            source_type: "IMPORT",
            source_id: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyVersion {
    pub value: String,
    pub timestamp: Timestamp,
    pub source_type: &'static str,
    pub source_id: Option<Arc<str>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrmObject {
    pub id: u64,
    /// Every property ever set, with its versions newest first (at most `MAX_HISTORY`). The
    /// newest version is the property's value; an empty one is a cleared property, which reads
    /// as null. One map for both, so a write stores each name and value once.
    pub history: BTreeMap<String, Vec<PropertyVersion>>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub archived_at: Option<Timestamp>,
    pub associations: BTreeSet<Association>,
    /// How long a call lasted as HubSpot itself saw it (a call its calling widget followed from
    /// answered to ended), where it did: not a property, never exported; it lets the judge tell
    /// a really short call from a duration sent in seconds.
    pub observed_duration: Option<Duration>,
}

impl CrmObject {
    pub fn new(id: u64, at: Timestamp) -> Self {
        CrmObject {
            id,
            history: BTreeMap::new(),
            created_at: at,
            updated_at: at,
            archived_at: None,
            associations: BTreeSet::new(),
            observed_duration: None,
        }
    }

    /// The property's value; `None` when it is unset or cleared.
    pub fn get(&self, name: &str) -> Option<&str> {
        current(self.history.get(name)?)
    }

    /// The set properties (name, value), by name.
    pub fn properties(&self) -> impl Iterator<Item = (&str, &str)> {
        self.history
            .iter()
            .filter_map(|(name, versions)| Some((name.as_str(), current(versions)?)))
    }

    /// The set properties as a map of their own (for reports and snapshots that outlive it).
    pub fn property_map(&self) -> BTreeMap<String, String> {
        self.properties()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// The app that created the object through the API (the first source of its
    /// `hs_object_id`); `None` when the fixture seeded it.
    pub fn creator_app(&self) -> Option<crate::domain::AppId> {
        let created = self.history.get("hs_object_id")?.last()?;
        if created.source_type != "INTEGRATION" {
            return None;
        }
        let id = created.source_id.as_deref()?.parse::<i64>().ok()?;
        crate::domain::AppId::new(id).ok()
    }

    /// Sets (or, with `""`, clears) a property; a change is recorded in its history.
    pub fn set(&mut self, name: &str, value: String, at: Timestamp, source: &WriteSource) {
        if self.get(name).unwrap_or("") == value {
            return;
        }
        let version = PropertyVersion {
            value,
            timestamp: at,
            source_type: source.source_type,
            source_id: source.source_id.clone(),
        };
        match self.history.get_mut(name) {
            Some(versions) => {
                versions.insert(0, version);
                versions.truncate(MAX_HISTORY);
            }
            // Most properties are written once: room for one version (`vec!` of one allocates
            // exactly one), not a growing Vec's four.
            None => {
                self.history.insert(name.to_string(), vec![version]);
            }
        }
    }

    /// An object with these properties, set as a fixture seeds them (for tests).
    #[cfg(test)]
    pub fn with_properties(id: u64, properties: &[(&str, &str)]) -> Self {
        let at = Timestamp::now();
        let mut object = CrmObject::new(id, at);
        for (name, value) in properties {
            object.set(name, value.to_string(), at, &WriteSource::import());
        }
        object
    }

    /// Roughly the bytes this object holds, for the portal's memory cap. Each set property is
    /// counted twice, once as its value and once in its history, as when the store kept a
    /// separate map of values; the second count now stands for the indexes' copies (a unique
    /// value lowercased) and keeps the cap where it was.
    pub fn weight(&self) -> usize {
        const OVERHEAD: usize = 48;
        let properties: usize = self
            .properties()
            .map(|(k, v)| k.len() + v.len() + OVERHEAD)
            .sum();
        let history: usize = self
            .history
            .iter()
            .map(|(k, versions)| {
                k.len()
                    + versions
                        .iter()
                        .map(|v| v.value.len() + OVERHEAD)
                        .sum::<usize>()
            })
            .sum();
        200 + properties + history + self.associations.len() * 24
    }
}

/// The value the newest version holds, unless it cleared the property.
fn current(versions: &[PropertyVersion]) -> Option<&str> {
    versions
        .first()
        .map(|v| v.value.as_str())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_records_changes_newest_first_and_clears_with_empty() {
        let at = Timestamp::now();
        let source = WriteSource::import();
        let mut object = CrmObject::new(1, at);
        object.set("a", "1".into(), at, &source);
        object.set("a", "1".into(), at, &source);
        object.set("a", "2".into(), at, &source);
        assert_eq!(object.get("a"), Some("2"));
        let values: Vec<&str> = object.history["a"]
            .iter()
            .map(|v| v.value.as_str())
            .collect();
        assert_eq!(values, ["2", "1"]);
        object.set("a", String::new(), at, &source);
        assert_eq!(object.get("a"), None);
        for n in 0..(MAX_HISTORY * 2) {
            object.set("b", n.to_string(), at, &source);
        }
        assert_eq!(object.history["b"].len(), MAX_HISTORY);
    }
}
