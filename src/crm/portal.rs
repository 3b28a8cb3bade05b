//! One portal's CRM: its property catalogs and its objects of each type, with the operations the
//! object APIs need. Every write checks its properties against the catalog (all problems at
//! once), keeps the store-maintained properties (`hs_object_id`, `hs_createdate`,
//! `hs_lastmodifieddate` and the type's aliases), keeps unique values unique among live objects,
//! and stays within the portal's limits (objects per type, bytes).

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::clock::Timestamp;

use super::associations::{Association, AssociationType};
use super::error::{CrmError, PropertyError};
use super::input::{AssociationInput, ObjectInput, ReadOptions};
use super::object::{CrmObject, WriteSource};
use super::object_type::ObjectType;
use super::properties::values::{coerce, iso, normalize};
use super::properties::{Catalog, CustomProperty};
use super::search::request::doesnt_exist;
use super::search::{self, SearchPage, SearchRequest};
use super::tables::ObjectTables;
use super::view::{render, ObjectView};

/// Objects of one type a portal keeps by default (archived ones included).
pub const DEFAULT_OBJECT_LIMIT: usize = 10_000;
/// Bytes a portal's objects may take (roughly; see `CrmObject::weight`).
pub const MAX_PORTAL_BYTES: usize = 64 * 1024 * 1024;
/// Ids the emulator hands out start here (HubSpot's are large numbers too).
pub const FIRST_ID: u64 = 100_001;
/// Where a caller gives no country, phone numbers are read as this country's (caller-ID matching).
pub const DEFAULT_COUNTRY: &str = "US";
/// HubSpot's cap on a GET list page.
pub const MAX_LIST_LIMIT: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct PortalCrm {
    pub(super) catalogs: [Catalog; 3],
    pub(super) objects: ObjectTables,
    pub(super) next_id: u64,
    pub(super) object_limit: usize,
    pub(super) bytes: usize,
    pub(super) default_country: String,
    /// Third-party transcripts of the portal's calls, by id (`transcript`).
    pub(super) transcripts: BTreeMap<u64, super::transcript::Transcript>,
    pub(super) next_transcript_id: u64,
}

impl Default for PortalCrm {
    fn default() -> Self {
        PortalCrm::new(
            &[Vec::new(), Vec::new(), Vec::new()],
            DEFAULT_OBJECT_LIMIT,
            DEFAULT_COUNTRY,
        )
    }
}

/// A page of a GET list: the objects and the cursor of the next page.
pub struct ListPage<'a> {
    pub results: Vec<&'a CrmObject>,
    pub next_after: Option<u64>,
}

impl PortalCrm {
    /// An empty CRM with these custom properties (per type, in `ObjectType::ALL` order).
    pub fn new(
        custom: &[Vec<CustomProperty>; 3],
        object_limit: usize,
        default_country: &str,
    ) -> Self {
        let catalogs = ObjectType::ALL.map(|t| Catalog::new(t, &custom[t.index()]));
        // `hs_object_id` is unique too, but it is the id: no lookup goes through the index.
        let unique = catalogs.each_ref().map(|catalog| {
            (catalog.unique_names().into_iter())
                .filter(|name| *name != "hs_object_id")
                .map(str::to_string)
                .collect()
        });
        PortalCrm {
            objects: ObjectTables::new(unique),
            catalogs,
            next_id: FIRST_ID,
            object_limit,
            bytes: 0,
            default_country: default_country.to_string(),
            transcripts: BTreeMap::new(),
            next_transcript_id: FIRST_ID,
        }
    }

    pub fn catalog(&self, object_type: ObjectType) -> &Catalog {
        &self.catalogs[object_type.index()]
    }

    pub fn default_country(&self) -> &str {
        &self.default_country
    }

    pub fn object_limit(&self) -> usize {
        self.object_limit
    }

    pub fn count(&self, object_type: ObjectType) -> usize {
        self.objects.of(object_type).len()
    }

    pub fn object(&self, object_type: ObjectType, id: u64) -> Option<&CrmObject> {
        self.objects.of(object_type).get(&id)
    }

    /// Every object of a type, archived ones included, by id.
    pub fn objects(&self, object_type: ObjectType) -> impl Iterator<Item = &CrmObject> {
        self.objects.of(object_type).values()
    }

    /// The objects of a type (archived ones included), by id, whose phone numbers hold `digits`
    /// among their digits, letters read as on a keypad (`number_index`): an index lookup for
    /// `number_index::RUN` digits, a read of every object for fewer.
    pub fn holding_digits(&self, object_type: ObjectType, digits: &str) -> Vec<&CrmObject> {
        self.objects.holding_digits(object_type, digits)
    }

    fn is_live(&self, object_type: ObjectType, id: u64) -> bool {
        self.object(object_type, id)
            .is_some_and(|o| !o.is_archived())
    }

    /// An object as a read with `options` shows it.
    pub fn render(
        &self,
        object_type: ObjectType,
        object: &CrmObject,
        options: &ReadOptions,
    ) -> ObjectView {
        render(object_type, object, options, |t, id| self.is_live(t, id))
    }

    /// Creates an object; its id.
    pub fn create(
        &mut self,
        object_type: ObjectType,
        input: &ObjectInput,
        source: &WriteSource,
    ) -> Result<u64, CrmError> {
        self.create_at(object_type, input, source, Timestamp::now())
    }

    fn create_at(
        &mut self,
        object_type: ObjectType,
        input: &ObjectInput,
        source: &WriteSource,
        at: Timestamp,
    ) -> Result<u64, CrmError> {
        if self.count(object_type) >= self.object_limit {
            return Err(CrmError::ObjectLimit {
                object_type,
                limit: self.object_limit,
            });
        }
        let values = self.checked_values(object_type, &input.properties, None, Checks::Create)?;
        let links = self.checked_associations(object_type, &input.associations)?;
        let id = self.next_id;
        let mut object = CrmObject::new(id, at);
        for (name, value) in values {
            object.set(&name, value, at, source);
        }
        stamp(object_type, &mut object, source, true);
        for kind in &links {
            object.associations.insert(Association {
                type_id: kind.0.id,
                to_id: kind.1,
            });
        }
        let weight = held(object_type, &object) + links.len() * 24;
        self.reserve(weight)?;
        self.next_id += 1;
        self.objects.insert(object_type, object);
        for (kind, to_id) in links {
            self.link_back(kind, to_id, id);
        }
        Ok(id)
    }

    /// The object `id` names: its numeric id, or with `id_property` the value of a unique
    /// property. Live objects, or archived ones when `archived`.
    pub fn find(
        &self,
        object_type: ObjectType,
        id: &str,
        id_property: Option<&str>,
        archived: bool,
    ) -> Result<&CrmObject, CrmError> {
        let found = match id_property.filter(|p| *p != "hs_object_id") {
            None => parse_id(id).and_then(|n| self.object(object_type, n)),
            Some(property) => {
                self.check_id_property(object_type, property)?;
                (self
                    .objects
                    .holding_value(object_type, property, id.trim())
                    .into_iter())
                .find(|o| o.is_archived() == archived)
            }
        };
        match found {
            Some(object) if object.is_archived() == archived => Ok(object),
            _ => Err(not_found(object_type, id, id_property, archived)),
        }
    }

    /// `property` can identify an object (`idProperty`): a unique property of the type.
    pub fn check_id_property(
        &self,
        object_type: ObjectType,
        property: &str,
    ) -> Result<(), CrmError> {
        let catalog = self.catalog(object_type);
        if catalog.is_unique(property) {
            return Ok(());
        }
        let known = catalog.unique_names().join(", ");
        Err(CrmError::invalid(
            "idProperty",
            "INVALID_ID_PROPERTY",
            if catalog.contains(property) {
                format!("idProperty {property:?} is not a unique property of {object_type}, so it cannot identify an object; use one of: {known} (declare a custom property with \"unique\": true in the fixture to use it)")
            } else {
                format!("idProperty {property:?} is not a property of {object_type}; use one of: {known}")
            },
        ))
    }

    /// Sets `properties` on the live object `id` names; its id.
    pub fn update(
        &mut self,
        object_type: ObjectType,
        id: &str,
        id_property: Option<&str>,
        properties: &Map<String, Value>,
        source: &WriteSource,
    ) -> Result<u64, CrmError> {
        let target = self.find(object_type, id, id_property, false)?.id;
        let values = self.checked_values(object_type, properties, Some(target), Checks::Update)?;
        let mut object = self.objects.of(object_type)[&target].clone();
        let before = held(object_type, &object);
        let at = Timestamp::now().after(object.updated_at);
        for (name, value) in values {
            object.set(&name, value, at, source);
        }
        object.updated_at = at;
        stamp(object_type, &mut object, source, false);
        let after = held(object_type, &object);
        if after > before {
            self.reserve(after - before)?;
        } else {
            self.bytes = self.bytes.saturating_sub(before - after);
        }
        self.objects.insert(object_type, object);
        Ok(target)
    }

    /// Records how long call `id` lasted as HubSpot saw it (`CrmObject::observed_duration`).
    pub fn observe_duration(&mut self, id: u64, duration: Duration) {
        self.objects.modify(ObjectType::Calls, id, |call| {
            call.observed_duration = Some(duration);
        });
    }

    /// Moves the object to the recycle bin (archived). Archiving an archived object is a no-op;
    /// an id that never existed is an error.
    pub fn archive(&mut self, object_type: ObjectType, id: &str) -> Result<(), CrmError> {
        let archive = |object: &mut CrmObject| {
            if object.archived_at.is_none() {
                let at = Timestamp::now().after(object.updated_at);
                object.archived_at = Some(at);
                object.updated_at = at;
            }
        };
        parse_id(id)
            .and_then(|n| self.objects.modify(object_type, n, archive))
            .ok_or_else(|| not_found(object_type, id, None, false))
    }

    /// Updates the live object whose `id_property` is `value`, or creates it with that value;
    /// the id and whether it is new.
    pub fn upsert(
        &mut self,
        object_type: ObjectType,
        id_property: Option<&str>,
        value: &str,
        properties: &Map<String, Value>,
        source: &WriteSource,
    ) -> Result<(u64, bool), CrmError> {
        let property = id_property.unwrap_or("hs_object_id");
        self.check_id_property(object_type, property)?;
        match self.find(object_type, value, Some(property), false) {
            Ok(existing) => {
                let id = existing.id;
                self.update(object_type, &id.to_string(), None, properties, source)
                    .map(|id| (id, false))
            }
            Err(_) if property == "hs_object_id" => Err(not_found(object_type, value, None, false)),
            Err(_) => {
                let mut with_key = properties.clone();
                with_key.insert(property.to_string(), Value::String(value.to_string()));
                let input = ObjectInput {
                    properties: with_key,
                    ..ObjectInput::default()
                };
                self.create(object_type, &input, source)
                    .map(|id| (id, true))
            }
        }
    }

    /// A GET list page: objects after the id `after`, by id.
    pub fn list(
        &self,
        object_type: ObjectType,
        after: Option<&str>,
        limit: usize,
        archived: bool,
    ) -> Result<ListPage<'_>, CrmError> {
        let after = match after.map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(text) => Some(parse_id(text).ok_or_else(|| {
                CrmError::invalid(
                    "after",
                    "INVALID_AFTER",
                    format!("after {text:?} is not a paging cursor of this list; pass the paging.next.after of the previous page"),
                )
            })?),
        };
        let limit = limit.clamp(1, MAX_LIST_LIMIT);
        let range = match after {
            Some(after) => self
                .objects
                .of(object_type)
                .range(after.saturating_add(1)..),
            None => self.objects.of(object_type).range(..),
        };
        let mut matching = range
            .map(|(_, o)| o)
            .filter(|o| o.is_archived() == archived);
        let results: Vec<&CrmObject> = matching.by_ref().take(limit).collect();
        let next_after = match (results.last(), matching.next()) {
            (Some(last), Some(_)) => Some(last.id),
            _ => None,
        };
        Ok(ListPage {
            results,
            next_after,
        })
    }

    /// A search over the live objects of a type.
    pub fn search(
        &self,
        object_type: ObjectType,
        request: &SearchRequest,
    ) -> Result<SearchPage<'_>, CrmError> {
        search::search(
            self.catalog(object_type),
            self.objects(object_type).filter(|o| !o.is_archived()),
            request,
        )
    }

    /// The values a write sets, checked: unknown properties, wrong values, a missing required
    /// one (on create), a unique value another live object has. Read-only properties are
    /// dropped, as HubSpot ignores them.
    pub(super) fn checked_values(
        &self,
        object_type: ObjectType,
        properties: &Map<String, Value>,
        existing: Option<u64>,
        checks: Checks,
    ) -> Result<Vec<(String, String)>, CrmError> {
        let catalog = self.catalog(object_type);
        let mut errors = Vec::new();
        let mut values = Vec::new();
        for (name, raw) in properties {
            let Some(def) = catalog.get(name) else {
                errors.push(PropertyError {
                    name: name.clone(),
                    code: "PROPERTY_DOESNT_EXIST",
                    message: doesnt_exist(catalog, name),
                });
                continue;
            };
            let seeding = matches!(checks, Checks::Seed | Checks::SeedArchived);
            if def.read_only && (!seeding || MAINTAINED.contains(&name.as_str())) {
                continue;
            }
            match coerce(raw).and_then(|text| normalize(def, text)) {
                Ok(value) => values.push((name.clone(), value)),
                Err(problem) => errors.push(PropertyError {
                    name: name.clone(),
                    code: problem.code,
                    message: problem.message,
                }),
            }
        }
        if checks == Checks::Create && object_type == ObjectType::Calls {
            let has_timestamp = values
                .iter()
                .any(|(n, v)| n == "hs_timestamp" && !v.is_empty());
            if !has_timestamp && !errors.iter().any(|e| e.name == "hs_timestamp") {
                errors.push(PropertyError {
                    name: "hs_timestamp".into(),
                    code: "REQUIRED",
                    message: "hs_timestamp is required for a call: the call's time, as milliseconds since the epoch or ISO-8601 UTC (\"2026-11-27T17:30:00.000Z\"); it places the call on the record's timeline".into(),
                });
            }
        }
        if !errors.is_empty() {
            return Err(CrmError::InvalidProperties { errors });
        }
        for (name, value) in &values {
            if value.is_empty() || !catalog.is_unique(name) || checks == Checks::SeedArchived {
                continue;
            }
            let clash = (self
                .objects
                .holding_value(object_type, name, value)
                .into_iter())
            .find(|o| !o.is_archived() && Some(o.id) != existing);
            if let Some(other) = clash {
                let message = if object_type == ObjectType::Contacts && name == "email" {
                    format!("Contact already exists. Existing ID: {}", other.id)
                } else {
                    format!(
                        "A {} with {name} {value:?} already exists. Existing ID: {}. {name} is unique: update that object (PATCH with ?idProperty={name}, or batch/upsert) instead of creating another.",
                        object_type.singular(),
                        other.id
                    )
                };
                return Err(CrmError::Conflict { message });
            }
        }
        Ok(values)
    }

    /// The associations a create asks for, checked: HubSpot-defined types from this object
    /// type, to live objects.
    pub(super) fn checked_associations(
        &self,
        object_type: ObjectType,
        inputs: &[AssociationInput],
    ) -> Result<Vec<(&'static AssociationType, u64)>, CrmError> {
        let mut links = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            let at = format!("associations[{index}]");
            if input.types.is_empty() {
                return Err(CrmError::invalid(
                    format!("{at}.types"),
                    "INVALID_ASSOCIATION",
                    format!("{at}.types is empty: give at least one {{\"associationCategory\": \"HUBSPOT_DEFINED\", \"associationTypeId\": N}}, N one of {}", AssociationType::describe_from(object_type)),
                ));
            }
            for spec in &input.types {
                let kind = u32::try_from(spec.association_type_id)
                    .ok()
                    .and_then(|id| AssociationType::find(object_type, id))
                    .ok_or_else(|| {
                    CrmError::invalid(
                        format!("{at}.types"),
                        "INVALID_ASSOCIATION_TYPE",
                        format!(
                            "associationTypeId {} is not a HubSpot-defined association from {object_type}; the emulator knows {} (category HUBSPOT_DEFINED)",
                            spec.association_type_id,
                            AssociationType::describe_from(object_type)
                        ),
                    )
                })?;
                let target = parse_id(&input.to.id).filter(|id| self.is_live(kind.to, *id)).ok_or_else(|| {
                    CrmError::invalid(
                        format!("{at}.to.id"),
                        "ASSOCIATED_OBJECT_NOT_FOUND",
                        format!(
                            "{at}: no {} with id {:?} exists to associate with (association type {} is {}); create it first or fix the id",
                            kind.to.singular(),
                            input.to.id,
                            kind.id,
                            kind.name
                        ),
                    )
                })?;
                links.push((kind, target));
            }
        }
        Ok(links)
    }

    /// The reverse side of an association, on the object associated with.
    fn link_back(&mut self, kind: &AssociationType, to_id: u64, from_id: u64) {
        self.objects.modify(kind.to, to_id, |target| {
            target.associations.insert(Association {
                type_id: kind.reverse,
                to_id: from_id,
            })
        });
    }

    /// Associates two existing objects (both sides); used by seeding.
    pub(super) fn associate(
        &mut self,
        from: ObjectType,
        from_id: u64,
        kind: &AssociationType,
        to_id: u64,
    ) {
        self.objects.modify(from, from_id, |object| {
            object.associations.insert(Association {
                type_id: kind.id,
                to_id,
            })
        });
        self.link_back(kind, to_id, from_id);
    }

    pub(super) fn reserve(&mut self, bytes: usize) -> Result<(), CrmError> {
        if self.bytes + bytes > MAX_PORTAL_BYTES {
            return Err(CrmError::StorageFull {
                limit_bytes: MAX_PORTAL_BYTES,
            });
        }
        self.bytes += bytes;
        Ok(())
    }
}

/// What a write is checked for: a create needs its required properties; a seed may set
/// read-only properties (other than the maintained ones, which follow the id and times).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Checks {
    Create,
    Update,
    Seed,
    /// A seeded object that is archived: its unique values may be a live object's too (values
    /// are unique among live objects; a snapshot holds both when a value moved on).
    SeedArchived,
}

/// The properties the store writes itself (from the id and the times), on every type.
pub const MAINTAINED: &[&str] = &[
    "hs_object_id",
    "hs_createdate",
    "hs_lastmodifieddate",
    "createdate",
    "lastmodifieddate",
];

/// The store-maintained properties, from the object's id and times.
pub(super) fn stamp(
    object_type: ObjectType,
    object: &mut CrmObject,
    source: &WriteSource,
    creating: bool,
) {
    let (at, modified) = (object.updated_at, iso(object.updated_at.millis()));
    let (created_alias, modified_alias) = object_type.date_aliases();
    if creating {
        let created = if object.created_at == at {
            modified.clone()
        } else {
            iso(object.created_at.millis())
        };
        object.set("hs_object_id", object.id.to_string(), at, source);
        object.set("hs_createdate", created.clone(), at, source);
        if let Some(alias) = created_alias {
            object.set(alias, created, at, source);
        }
    }
    object.set("hs_lastmodifieddate", modified.clone(), at, source);
    if let Some(alias) = modified_alias {
        object.set(alias, modified, at, source);
    }
}

/// Roughly the bytes an object holds, counted against the portal's memory cap: the object, and
/// its runs in the number index (built or not).
pub(super) fn held(object_type: ObjectType, object: &CrmObject) -> usize {
    object.weight() + super::number_index::weight(object_type, object)
}

/// A HubSpot object id: a positive integer as text.
pub fn parse_id(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|id| *id > 0)
}

fn not_found(
    object_type: ObjectType,
    id: &str,
    id_property: Option<&str>,
    archived: bool,
) -> CrmError {
    let state = if archived { "archived " } else { "" };
    let message = match id_property.filter(|p| *p != "hs_object_id") {
        Some(property) => format!(
            "No {state}{} has {property} {id:?}. Check the value, or search for it with POST /crm/v3/objects/{object_type}/search.",
            object_type.singular()
        ),
        None if parse_id(id).is_none() => format!(
            "{id:?} is not a {} id: object ids are numeric (\"{FIRST_ID}\"). To find an object by another unique property, pass ?idProperty=NAME (e.g. idProperty=email for contacts, hs_call_external_id for calls).",
            object_type.singular()
        ),
        None if archived => format!(
            "No archived {} has id {id}. Leave out archived=true to read a live one.",
            object_type.singular()
        ),
        None => format!(
            "No {} has id {id} in this portal (or it was archived: read archived ones with ?archived=true). List them with GET /crm/v3/objects/{object_type}.",
            object_type.singular()
        ),
    };
    CrmError::NotFound { message }
}
