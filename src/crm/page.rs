//! Reading a portal's CRM the way the emulator's own readers do (the control API and the
//! dashboard), not HubSpot's list API: live objects only, the newest ones or those after an id,
//! bounded in count and bytes so that a portal of 10,000 objects per type never answers with all
//! of them; an object's associated live objects by type; and a short name to show for an object.

use std::collections::BTreeSet;

use super::object::CrmObject;
use super::object_type::ObjectType;
use super::portal::{ListPage, PortalCrm};

impl PortalCrm {
    /// Live objects of a type, by id. With `after`, those after that id (`next_after` says where
    /// the following page starts, when one does); without it, the newest (no `next_after`: they
    /// end the list). At most `limit` objects and about `max_bytes` of them
    /// (`CrmObject::weight`), but always one when there is one.
    pub fn page(
        &self,
        object_type: ObjectType,
        after: Option<u64>,
        limit: usize,
        max_bytes: usize,
    ) -> ListPage<'_> {
        let objects = self.objects.of(object_type);
        let live = |object: &&CrmObject| !object.is_archived();
        match after {
            Some(after) => {
                let mut rest = objects
                    .range(after.saturating_add(1)..)
                    .map(|(_, o)| o)
                    .filter(live);
                let results = take_within(rest.by_ref(), limit, max_bytes);
                let next_after = match (results.last(), rest.next()) {
                    (Some(last), Some(_)) => Some(last.id),
                    _ => None,
                };
                ListPage {
                    results,
                    next_after,
                }
            }
            None => {
                let mut results =
                    take_within(objects.values().rev().filter(live), limit, max_bytes);
                results.reverse();
                ListPage {
                    results,
                    next_after: None,
                }
            }
        }
    }

    /// Live objects of a type (the archived ones are in the recycle bin).
    pub fn live_count(&self, object_type: ObjectType) -> usize {
        self.objects(object_type)
            .filter(|o| !o.is_archived())
            .count()
    }

    /// The ids of the live objects of type `to` that `object` is associated with, each once (a
    /// contact and a company may be linked by two association types), by id.
    pub fn associated(&self, object: &CrmObject, to: ObjectType) -> Vec<u64> {
        let ids: BTreeSet<u64> = object
            .associations
            .iter()
            .filter(|a| a.kind().is_some_and(|kind| kind.to == to))
            .map(|a| a.to_id)
            .filter(|id| self.object(to, *id).is_some_and(|o| !o.is_archived()))
            .collect();
        ids.into_iter().collect()
    }
}

/// What to call an object in a list: a contact by its name, else its email or a phone number; a
/// company by its name, else its domain; a call by its title. Empty when it has none of these.
pub fn display_name(object_type: ObjectType, object: &CrmObject) -> String {
    let first = |names: &[&str]| {
        names
            .iter()
            .filter_map(|name| object.get(name).map(str::trim))
            .find(|value| !value.is_empty())
            .unwrap_or("")
            .to_string()
    };
    match object_type {
        ObjectType::Contacts => {
            let full = [object.get("firstname"), object.get("lastname")]
                .into_iter()
                .flatten()
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            match full.is_empty() {
                true => first(&["email", "phone", "mobilephone"]),
                false => full,
            }
        }
        ObjectType::Companies => first(&["name", "domain"]),
        ObjectType::Calls => first(&["hs_call_title"]),
    }
}

/// Objects in the order given until `limit` of them or `max_bytes` (always at least one).
fn take_within<'a>(
    objects: impl Iterator<Item = &'a CrmObject>,
    limit: usize,
    max_bytes: usize,
) -> Vec<&'a CrmObject> {
    let mut taken = Vec::new();
    let mut bytes = 0;
    for object in objects {
        let weight = object.weight();
        if taken.len() >= limit || (!taken.is_empty() && bytes + weight > max_bytes) {
            break;
        }
        bytes += weight;
        taken.push(object);
    }
    taken
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use super::*;
    use crate::crm::input::ObjectInput;
    use crate::crm::object::WriteSource;

    fn input(properties: Value) -> ObjectInput {
        let properties: Map<String, Value> = serde_json::from_value(properties).unwrap();
        ObjectInput {
            properties,
            ..ObjectInput::default()
        }
    }

    fn ids_in(page: &ListPage<'_>) -> Vec<u64> {
        page.results.iter().map(|o| o.id).collect()
    }

    /// A CRM with five contacts, the third archived.
    fn crm() -> (PortalCrm, Vec<u64>) {
        let mut crm = PortalCrm::default();
        let source = WriteSource::integration(7);
        let ids: Vec<u64> = (0..5)
            .map(|n| {
                crm.create(
                    ObjectType::Contacts,
                    &input(json!({"email": format!("c{n}@example.com")})),
                    &source,
                )
                .unwrap()
            })
            .collect();
        crm.archive(ObjectType::Contacts, &ids[2].to_string())
            .unwrap();
        (crm, ids)
    }

    #[test]
    fn without_after_the_newest_live_ones_in_id_order() {
        let (crm, ids) = crm();
        let page = crm.page(ObjectType::Contacts, None, 3, usize::MAX);
        assert_eq!(ids_in(&page), [ids[1], ids[3], ids[4]]);
        assert_eq!(page.next_after, None);
        assert_eq!(crm.live_count(ObjectType::Contacts), 4);
    }

    #[test]
    fn after_pages_through_every_live_one() {
        let (crm, ids) = crm();
        let first = crm.page(ObjectType::Contacts, Some(0), 2, usize::MAX);
        assert_eq!(ids_in(&first), [ids[0], ids[1]]);
        assert_eq!(first.next_after, Some(ids[1]));
        let second = crm.page(ObjectType::Contacts, first.next_after, 2, usize::MAX);
        assert_eq!(ids_in(&second), [ids[3], ids[4]]);
        assert_eq!(second.next_after, None);
    }

    #[test]
    fn the_byte_bound_cuts_a_page_but_never_to_nothing() {
        let (crm, ids) = crm();
        let page = crm.page(ObjectType::Contacts, Some(0), 100, 1);
        assert_eq!(ids_in(&page), [ids[0]]);
        assert_eq!(page.next_after, Some(ids[0]));
    }

    #[test]
    fn associations_name_live_objects_once_and_names_fall_back() {
        let (mut crm, ids) = crm();
        let company = crm
            .create(
                ObjectType::Companies,
                &input(json!({"domain": "acme.example"})),
                &WriteSource::import(),
            )
            .unwrap();
        let kinds = [1, 279].map(|id| {
            crate::crm::associations::AssociationType::find(ObjectType::Contacts, id).unwrap()
        });
        for contact in [ids[0], ids[2]] {
            for kind in kinds {
                crm.associate(ObjectType::Contacts, contact, kind, company);
            }
        }
        let company = crm.object(ObjectType::Companies, company).unwrap();
        // Two association types to the first contact; the second contact is archived.
        assert_eq!(crm.associated(company, ObjectType::Contacts), [ids[0]]);
        assert_eq!(display_name(ObjectType::Companies, company), "acme.example");
        let contact = crm.object(ObjectType::Contacts, ids[0]).unwrap();
        assert_eq!(
            display_name(ObjectType::Contacts, contact),
            "c0@example.com"
        );
    }
}
