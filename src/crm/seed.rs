//! A portal's CRM as plain data — what the fixture seeds and what a snapshot gives back — and
//! the conversion both ways. Seeding checks what the API would (known properties, valid values,
//! unique values, association types and targets, the object limit) and reports each problem
//! with the place it is at, for the fixture loader to name; the store seeds what is valid.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::clock::Timestamp;

use super::associations::AssociationType;
use super::object::{CrmObject, WriteSource};
use super::object_type::ObjectType;
use super::portal::{
    held, parse_id, stamp, Checks, PortalCrm, DEFAULT_COUNTRY, DEFAULT_OBJECT_LIMIT, FIRST_ID,
    MAINTAINED,
};
use super::properties::CustomProperty;
use super::transcript::{Transcript, Utterance};

#[derive(Clone, Debug, PartialEq)]
pub struct CrmSeed {
    /// ISO 3166 alpha-2; phone numbers without a country code are read as this country's.
    pub default_country: String,
    pub object_limit: usize,
    /// Per type, in `ObjectType::ALL` order.
    pub custom_properties: [Vec<CustomProperty>; 3],
    pub objects: [Vec<SeedObject>; 3],
    /// Third-party transcripts of the seeded calls.
    pub transcripts: Vec<SeedTranscript>,
}

/// A transcript as seeded: its id (assigned when absent), its call, its utterances.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedTranscript {
    pub id: Option<u64>,
    pub engagement_id: u64,
    pub utterances: Vec<Utterance>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
}

impl Default for CrmSeed {
    fn default() -> Self {
        CrmSeed {
            default_country: DEFAULT_COUNTRY.to_string(),
            object_limit: DEFAULT_OBJECT_LIMIT,
            custom_properties: Default::default(),
            objects: Default::default(),
            transcripts: Vec::new(),
        }
    }
}

impl CrmSeed {
    /// Nothing but defaults: a portal that needs no CRM keys in the fixture.
    pub fn is_default(&self) -> bool {
        *self == CrmSeed::default()
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeedObject {
    /// Assigned (after the largest seeded id) when absent.
    pub id: Option<u64>,
    pub properties: BTreeMap<String, String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub archived_at: Option<Timestamp>,
    pub associations: Vec<SeedAssociation>,
}

/// An association from the seeded object: its HubSpot type id and the other object's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedAssociation {
    pub type_id: u32,
    pub to_id: u64,
}

/// A seeded object the CRM could not take, by its place (`contacts[2].properties.emial`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeedProblem {
    pub path: String,
    pub message: String,
}

impl PortalCrm {
    /// The CRM `seed` describes, and what was wrong with it (those objects or associations left out).
    pub fn from_seed(seed: &CrmSeed) -> (PortalCrm, Vec<SeedProblem>) {
        let mut crm = PortalCrm::new(
            &seed.custom_properties,
            seed.object_limit,
            &seed.default_country,
        );
        let mut problems = Vec::new();
        let largest = seed
            .objects
            .iter()
            .flatten()
            .filter_map(|o| o.id)
            .max()
            .unwrap_or(0);
        crm.next_id = (largest + 1).max(FIRST_ID);
        let source = WriteSource::import();
        // The id each seeded object got (None: left out), for the associations' pass.
        let mut placed: [Vec<Option<u64>>; 3] = Default::default();
        for object_type in ObjectType::ALL {
            for (index, seeded) in seed.objects[object_type.index()].iter().enumerate() {
                placed[object_type.index()].push(None);
                let at = format!("{object_type}[{index}]");
                let problem = |message: String| SeedProblem {
                    path: at.clone(),
                    message,
                };
                if crm.count(object_type) >= crm.object_limit {
                    problems.push(problem(format!(
                        "more {object_type} than the portal's objectLimit of {}",
                        crm.object_limit
                    )));
                    break;
                }
                let id = match seeded.id {
                    Some(0) => {
                        problems.push(problem("id 0 is not an object id: ids are positive".into()));
                        continue;
                    }
                    Some(id) if crm.object(object_type, id).is_some() => {
                        problems.push(problem(format!(
                            "id {id} is used by another of the portal's {object_type}"
                        )));
                        continue;
                    }
                    Some(id) => id,
                    None => crm.next_id,
                };
                let properties: Map<String, Value> = seeded
                    .properties
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                let checks = match seeded.archived_at {
                    Some(_) => Checks::SeedArchived,
                    None => Checks::Seed,
                };
                let values = match crm.checked_values(object_type, &properties, None, checks) {
                    Ok(values) => values,
                    Err(error) => {
                        problems.push(problem(error.to_string()));
                        continue;
                    }
                };
                let created = seeded.created_at.unwrap_or_else(Timestamp::now);
                let updated = seeded.updated_at.unwrap_or(created).max(created);
                let mut object = CrmObject::new(id, created);
                object.updated_at = updated;
                for (name, value) in values {
                    object.set(&name, value, updated, &source);
                }
                stamp(object_type, &mut object, &source, true);
                object.archived_at = seeded.archived_at;
                if crm.reserve(held(object_type, &object)).is_err() {
                    problems.push(problem(
                        "the portal's objects take more memory than the emulator allows".into(),
                    ));
                    break;
                }
                crm.objects.insert(object_type, object);
                placed[object_type.index()][index] = Some(id);
                if seeded.id.is_none() {
                    crm.next_id += 1;
                }
            }
        }
        for object_type in ObjectType::ALL {
            for (index, seeded) in seed.objects[object_type.index()].iter().enumerate() {
                let Some(from_id) = placed[object_type.index()].get(index).copied().flatten()
                else {
                    continue;
                };
                for (a, association) in seeded.associations.iter().enumerate() {
                    let at = format!("{object_type}[{index}].associations[{a}]");
                    let Some(kind) = AssociationType::find(object_type, association.type_id) else {
                        problems.push(SeedProblem {
                            path: at,
                            message: format!(
                                "associationTypeId {} is not a HubSpot-defined association from {object_type}; use one of {}",
                                association.type_id,
                                AssociationType::describe_from(object_type)
                            ),
                        });
                        continue;
                    };
                    if crm.object(kind.to, association.to_id).is_none() {
                        problems.push(SeedProblem {
                            path: at,
                            message: format!(
                                "no {} with id {} in this portal",
                                kind.to.singular(),
                                association.to_id
                            ),
                        });
                        continue;
                    }
                    crm.associate(object_type, from_id, kind, association.to_id);
                }
            }
        }
        // Seeded ids first, so that an assigned id never takes one a later transcript names.
        let largest = seed
            .transcripts
            .iter()
            .filter_map(|t| t.id)
            .max()
            .unwrap_or(0);
        crm.next_transcript_id = (largest + 1).max(FIRST_ID);
        for (index, seeded) in seed.transcripts.iter().enumerate() {
            let created = seeded.created_at.unwrap_or_else(Timestamp::now);
            let transcript = Transcript {
                id: seeded.id.unwrap_or(crm.next_transcript_id),
                engagement_id: seeded.engagement_id,
                utterances: seeded.utterances.clone(),
                created_at: created,
                updated_at: seeded.updated_at.unwrap_or(created).max(created),
            };
            if let Err(message) = crm.seed_transcript(transcript) {
                problems.push(SeedProblem {
                    path: format!("transcripts[{index}]"),
                    message,
                });
            }
        }
        (crm, problems)
    }

    /// The CRM as a seed that recreates it (property history and the id counter aside).
    pub fn snapshot(&self) -> CrmSeed {
        CrmSeed {
            default_country: self.default_country.clone(),
            object_limit: self.object_limit,
            custom_properties: ObjectType::ALL.map(|t| self.catalog(t).custom().to_vec()),
            objects: ObjectType::ALL.map(|t| {
                self.objects(t)
                    .map(|object| SeedObject {
                        id: Some(object.id),
                        properties: object
                            .properties()
                            .filter(|(name, _)| !MAINTAINED.contains(name))
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                        created_at: Some(object.created_at),
                        updated_at: Some(object.updated_at),
                        archived_at: object.archived_at,
                        associations: object
                            .associations
                            .iter()
                            .map(|a| SeedAssociation {
                                type_id: a.type_id,
                                to_id: a.to_id,
                            })
                            .collect(),
                    })
                    .collect()
            }),
            transcripts: self
                .transcripts()
                .map(|t| SeedTranscript {
                    id: Some(t.id),
                    engagement_id: t.engagement_id,
                    utterances: t.utterances.clone(),
                    created_at: Some(t.created_at),
                    updated_at: Some(t.updated_at),
                })
                .collect(),
        }
    }
}

/// A seeded object id given as text (`"500"`), checked.
pub fn seed_id(text: &str) -> Result<u64, String> {
    parse_id(text).ok_or_else(|| {
        format!(
            "{text:?} is not an object id: ids are positive numbers as text, e.g. \"{FIRST_ID}\""
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(id: Option<u64>, properties: &[(&str, &str)]) -> SeedObject {
        SeedObject {
            id,
            properties: properties
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..SeedObject::default()
        }
    }

    #[test]
    fn a_seed_round_trips_through_a_snapshot() {
        let mut seed = CrmSeed::default();
        seed.objects[ObjectType::Contacts.index()] = vec![
            object(
                Some(500),
                &[("email", "ada@example.com"), ("firstname", "Ada")],
            ),
            object(None, &[("phone", "+15555550100")]),
        ];
        let mut call = object(None, &[("hs_timestamp", "2026-01-01T00:00:00.000Z")]);
        call.associations = vec![SeedAssociation {
            type_id: 194,
            to_id: 500,
        }];
        seed.objects[ObjectType::Calls.index()] = vec![call];
        let (crm, problems) = PortalCrm::from_seed(&seed);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(crm.count(ObjectType::Contacts), 2);
        let contact = crm.object(ObjectType::Contacts, 500).unwrap();
        assert_eq!(contact.get("hs_object_id"), Some("500"));
        assert_eq!(contact.associations.len(), 1, "the reverse association");
        let snapshot = crm.snapshot();
        let (again, problems) = PortalCrm::from_seed(&snapshot);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(again.snapshot(), snapshot);
        assert_eq!(
            again
                .objects(ObjectType::Contacts)
                .map(|o| o.id)
                .collect::<Vec<_>>(),
            // Ids are assigned in type order (calls first): the call took FIRST_ID.
            [500, FIRST_ID + 1]
        );
    }

    #[test]
    fn an_archived_contact_keeps_an_email_a_live_one_took_since_through_a_snapshot() {
        let mut seed = CrmSeed::default();
        seed.objects[ObjectType::Contacts.index()] = vec![
            object(Some(1), &[("email", "w@x.io")]),
            object(Some(2), &[("email", "x@x.io")]),
        ];
        let (mut crm, _) = PortalCrm::from_seed(&seed);
        crm.archive(ObjectType::Contacts, "2").unwrap();
        let email = serde_json::json!({"email": "X@x.io"});
        crm.update(
            ObjectType::Contacts,
            "1",
            None,
            email.as_object().unwrap(),
            &WriteSource::import(),
        )
        .expect("the other holder is archived");
        let (restored, problems) = PortalCrm::from_seed(&crm.snapshot());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(restored.count(ObjectType::Contacts), 2);
        assert_eq!(restored.snapshot(), crm.snapshot());
    }

    #[test]
    fn problems_name_their_place() {
        let mut seed = CrmSeed::default();
        seed.objects[ObjectType::Contacts.index()] = vec![
            object(Some(1), &[("emial", "x")]),
            object(Some(2), &[]),
            object(Some(2), &[]),
        ];
        let mut call = object(None, &[]);
        call.associations = vec![SeedAssociation {
            type_id: 194,
            to_id: 99,
        }];
        seed.objects[ObjectType::Calls.index()] = vec![call];
        let (_, problems) = PortalCrm::from_seed(&seed);
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["contacts[0]", "contacts[2]", "calls[0].associations[0]"],
            "{problems:?}"
        );
        assert!(
            problems[0].message.contains("email"),
            "{}",
            problems[0].message
        );
    }
}
