//! A portal's objects of each type, by id, with the number index of each type kept in step: the
//! only way to change an object, so no write can leave the index behind.
//!
//! A type's index is built the first time a lookup asks for it, not as objects are stored: a
//! portal that never takes an inbound call (most seeded in a test run) never pays for it
//! (~20 bytes per run of digits). From then on every insert and change keeps it in step.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use super::number_index::{holds_digits, run, runs, NumberIndex};
use super::object::CrmObject;
use super::object_type::ObjectType;

#[derive(Clone, Default)]
pub struct ObjectTables {
    objects: [BTreeMap<u64, CrmObject>; 3],
    /// Built on first use under a shared (read) borrow, hence a `OnceLock`.
    numbers: [OnceLock<NumberIndex>; 3],
}

impl ObjectTables {
    /// The objects of a type, by id.
    pub fn of(&self, object_type: ObjectType) -> &BTreeMap<u64, CrmObject> {
        &self.objects[object_type.index()]
    }

    /// Stores `object`, replacing the one with its id if there is one.
    pub fn insert(&mut self, object_type: ObjectType, object: CrmObject) {
        let slot = object_type.index();
        let id = object.id;
        if let Some(index) = self.numbers[slot].get_mut() {
            if let Some(old) = self.objects[slot].get(&id) {
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
        let Some(index) = self.numbers[slot].get_mut() else {
            return Some(f(object));
        };
        let before = runs(object_type, object);
        let result = f(object);
        let after = runs(object_type, object);
        if before != after {
            index.remove(id, &before);
            index.add(id, &after);
        }
        Some(result)
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
