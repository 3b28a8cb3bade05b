//! A portal's objects of each type, by id, with each type's indexes kept in step: the only way
//! to change an object, so no write can leave an index behind.
//!
//! Two indexes per type: of its unique properties' values (`unique_index`), kept from the
//! first object on, since every write checks them; and of its phone numbers' digits
//! (`number_index`), built the first time a caller-ID lookup asks for it, not as objects are
//! stored: a portal that never takes an inbound call (most seeded in a test run) never pays for
//! it (~20 bytes per run of digits). From then on every insert and change keeps it in step.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use super::number_index::{holds_digits, run, runs, NumberIndex};
use super::object::CrmObject;
use super::object_type::ObjectType;
use super::unique_index::UniqueIndex;

#[derive(Clone)]
pub struct ObjectTables {
    objects: [BTreeMap<u64, CrmObject>; 3],
    unique: [UniqueIndex; 3],
    /// Built on first use under a shared (read) borrow, hence a `OnceLock`.
    numbers: [OnceLock<NumberIndex>; 3],
}

impl ObjectTables {
    /// No objects; `unique` names each type's unique properties (in `ObjectType::ALL` order).
    pub fn new(unique: [Vec<String>; 3]) -> Self {
        ObjectTables {
            objects: Default::default(),
            unique: unique.map(UniqueIndex::new),
            numbers: Default::default(),
        }
    }

    /// The objects of a type, by id.
    pub fn of(&self, object_type: ObjectType) -> &BTreeMap<u64, CrmObject> {
        &self.objects[object_type.index()]
    }

    /// Stores `object`, replacing the one with its id if there is one.
    pub fn insert(&mut self, object_type: ObjectType, object: CrmObject) {
        let slot = object_type.index();
        let id = object.id;
        let old = self.objects[slot].get(&id);
        let unique = &mut self.unique[slot];
        if let Some(old) = old {
            unique.remove(id, &unique.keys(old));
        }
        unique.add(id, unique.keys(&object));
        if let Some(index) = self.numbers[slot].get_mut() {
            if let Some(old) = old {
                index.remove(id, &runs(object_type, old));
            }
            index.add(id, &runs(object_type, &object));
        }
        self.objects[slot].insert(id, object);
    }

    /// Changes the object `id` with `f`; `None` when there is no such object.
    pub fn modify<R>(
        &mut self,
        object_type: ObjectType,
        id: u64,
        f: impl FnOnce(&mut CrmObject) -> R,
    ) -> Option<R> {
        let slot = object_type.index();
        let object = self.objects[slot].get_mut(&id)?;
        let unique = &mut self.unique[slot];
        let numbers = self.numbers[slot].get_mut();
        let keys_before = unique.keys(object);
        let runs_before = numbers.as_ref().map(|_| runs(object_type, object));
        let result = f(object);
        let keys_after = unique.keys(object);
        if keys_before != keys_after {
            unique.remove(id, &keys_before);
            unique.add(id, keys_after);
        }
        if let (Some(index), Some(before)) = (numbers, runs_before) {
            let after = runs(object_type, object);
            if before != after {
                index.remove(id, &before);
                index.add(id, &after);
            }
        }
        Some(result)
    }

    /// The objects of a type (archived ones included), by id, whose unique `property` is
    /// `value`, compared without ASCII case. Every object is read only for a property the type
    /// does not hold unique (the callers check it is).
    pub fn holding_value(
        &self,
        object_type: ObjectType,
        property: &str,
        value: &str,
    ) -> Vec<&CrmObject> {
        let objects = self.of(object_type);
        match self.unique[object_type.index()].ids(property, value) {
            Some(ids) => ids.iter().filter_map(|id| objects.get(id)).collect(),
            None => objects
                .values()
                .filter(|o| {
                    o.get(property)
                        .is_some_and(|v| v.eq_ignore_ascii_case(value))
                })
                .collect(),
        }
    }

    /// The objects of a type (archived ones included), by id, whose number properties hold
    /// `digits` (`number_index`).
    pub fn holding_digits(&self, object_type: ObjectType, digits: &str) -> Vec<&CrmObject> {
        let objects = self.of(object_type);
        let Some(run) = run(digits) else {
            return objects
                .values()
                .filter(|object| holds_digits(object_type, object, digits))
                .collect();
        };
        self.numbers[object_type.index()]
            .get_or_init(|| NumberIndex::build(object_type, objects.values()))
            .ids(run)
            .filter_map(|id| objects.get(&id))
            .collect()
    }
}

/// Equal when the objects are: the index is derived from them.
impl PartialEq for ObjectTables {
    fn eq(&self, other: &Self) -> bool {
        self.objects == other.objects
    }
}

impl fmt::Debug for ObjectTables {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectTables")
            .field("objects", &self.objects)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::crm::WriteSource;

    fn contact(id: u64, phone: &str, email: &str) -> CrmObject {
        CrmObject::with_properties(id, &[("phone", phone), ("email", email)])
    }

    fn tables() -> ObjectTables {
        let mut unique: [Vec<String>; 3] = Default::default();
        unique[ObjectType::Contacts.index()] = vec!["email".into()];
        ObjectTables::new(unique)
    }

    fn ids(objects: Vec<&CrmObject>) -> Vec<u64> {
        objects.into_iter().map(|o| o.id).collect()
    }

    #[test]
    fn a_built_index_follows_inserts_replacements_and_changes() {
        let contacts = ObjectType::Contacts;
        let mut tables = tables();
        assert!(
            tables.holding_digits(contacts, "52671").is_empty(),
            "built empty"
        );
        tables.insert(contacts, contact(1, "(415) 555-2671", "ada@x.io"));
        tables.insert(contacts, contact(2, "+1 415 555 2671", "bob@x.io"));
        assert_eq!(ids(tables.holding_digits(contacts, "52671")), [1, 2]);
        // A replacement (an update) forgets the old number and email.
        tables.insert(contacts, contact(2, "+1 212 555 0100", "Cy@x.io"));
        assert_eq!(ids(tables.holding_digits(contacts, "52671")), [1]);
        assert_eq!(ids(tables.holding_digits(contacts, "50100")), [2]);
        assert!(tables
            .holding_value(contacts, "email", "bob@x.io")
            .is_empty());
        assert_eq!(ids(tables.holding_value(contacts, "email", "cy@X.IO")), [2]);
        // A change in place, which no write makes today but the tables must follow.
        let source = WriteSource::import();
        tables.modify(contacts, 1, |o| {
            o.set("phone", "".into(), Timestamp::now(), &source);
            o.set("email", "dee@x.io".into(), Timestamp::now(), &source);
        });
        assert!(tables.holding_digits(contacts, "52671").is_empty());
        assert!(tables
            .holding_value(contacts, "email", "ada@x.io")
            .is_empty());
        assert_eq!(
            ids(tables.holding_value(contacts, "email", "DEE@x.io")),
            [1]
        );
        // Fewer digits than a run: every object is read.
        assert_eq!(ids(tables.holding_digits(contacts, "0100")), [2]);
    }

    #[test]
    fn a_clone_keeps_its_own_index() {
        let contacts = ObjectType::Contacts;
        let mut tables = tables();
        tables.insert(contacts, contact(1, "(415) 555-2671", "ada@x.io"));
        assert_eq!(ids(tables.holding_digits(contacts, "52671")), [1]);
        let mut copy = tables.clone();
        copy.insert(contacts, contact(1, "+1 212 555 0100", "ada@x.io"));
        assert!(copy.holding_digits(contacts, "52671").is_empty());
        assert_eq!(ids(tables.holding_digits(contacts, "52671")), [1]);
    }
}
