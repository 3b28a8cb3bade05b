//! `waitFor.crmObject`: polls a portal's CRM until the app has written a record with the given
//! properties (and associations, when the step names some), above all the call it logged after
//! an inbound call or through the calls API, then judges a call the way HubSpot would keep it
//! (`inbound_call::judge`), so a CI run checks not only that the app logged its call but that it
//! logged it well.

use std::collections::BTreeMap;

use super::*;
use crate::crm::{CrmObject, ObjectType};
use crate::domain::PortalId;
use crate::fixture::steps::{CrmCondition, ObjectRef};
use crate::inbound_call::judge::judge_call;

/// A `crmObject` condition with its templates filled in.
struct Wanted {
    object_type: ObjectType,
    properties: BTreeMap<String, String>,
    associated_with: Vec<(ObjectType, u64)>,
}

/// What the CRM holds against a condition.
enum Search {
    /// A live record with the properties and the associations (boxed: an object is large).
    Found(Box<CrmObject>),
    /// A live record with the properties but not every association: its id and what it is
    /// associated with.
    Unassociated(u64, Vec<String>),
    Nothing,
}

impl Runner<'_> {
    pub(super) async fn wait_for_crm(
        &self,
        timeout_ms: u64,
        condition: &CrmCondition,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        let wanted = wanted(condition, context)?;
        // What the report shows as expected: the condition as it ran, `${…}` filled in.
        let rendered = CrmCondition {
            properties: wanted.properties.clone(),
            associated_with: condition
                .associated_with
                .iter()
                .zip(&wanted.associated_with)
                .map(|(target, (_, id))| ObjectRef {
                    object_type: target.object_type.clone(),
                    id: id.to_string(),
                })
                .collect(),
            ..condition.clone()
        };
        let condition = &rendered;
        let portal_id = condition
            .portal_id
            .or_else(|| self.context.store.first_recipient(None, None).0)
            .ok_or("the run's seed declares no portal: give crmObject a portalId")?;
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        loop {
            let search = self.search(portal_id, &wanted);
            if let Search::Found(object) = search {
                return Ok(self.judged(wanted.object_type, &object, condition, fixture));
            }
            if Instant::now() >= deadline {
                let count = self
                    .context
                    .store
                    .crm()
                    .read(portal_id, |crm| crm.count(wanted.object_type));
                let described = serde_json::to_string(&wanted.properties).unwrap_or_default();
                let message = match search {
                    Search::Unassociated(id, links) => format!(
                        "waited {timeout_ms} ms for one of portal {portal_id}'s {} with {described} associated with {}; {} {id} has the properties but is associated with {}",
                        condition.object_type,
                        describe_refs(&condition.associated_with),
                        wanted.object_type.singular(),
                        if links.is_empty() { "nothing".to_string() } else { links.join(", ") },
                    ),
                    _ => format!(
                        "waited {timeout_ms} ms for one of portal {portal_id}'s {} with {described}; none of its {count} has them (did the app log it with the access token of an app installed in portal {portal_id}?)",
                        condition.object_type,
                    ),
                };
                return Ok(Outcomes {
                    expected: Some(serde_json::to_value(condition).unwrap_or_default()),
                    got: Some(json!({ "portalId": portal_id, "records": count })),
                    ..Outcomes::failed(message)
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first live record whose properties include the wanted ones and that has the wanted
    /// associations; else the first with the properties alone.
    fn search(&self, portal_id: PortalId, wanted: &Wanted) -> Search {
        self.context.store.crm().read(portal_id, |crm| {
            let mut candidates = crm
                .objects(wanted.object_type)
                .filter(|object| !object.is_archived())
                .filter(|object| {
                    wanted
                        .properties
                        .iter()
                        .all(|(name, value)| object.get(name) == Some(value.as_str()))
                });
            let first = candidates.next();
            let found = first
                .into_iter()
                .chain(candidates)
                .find(|object| associated(object, &wanted.associated_with));
            match (found, first) {
                (Some(object), _) => Search::Found(Box::new(object.clone())),
                (None, Some(object)) => Search::Unassociated(object.id, links(object)),
                (None, None) => Search::Nothing,
            }
        })
    }

    /// The step's outcome for a found record: a call is judged whole (needing what a recording
    /// needs when the first app has recording settings); error findings fail the step, and
    /// under `--strict` warnings too, unless the condition lists their codes.
    fn judged(
        &self,
        object_type: ObjectType,
        object: &CrmObject,
        condition: &CrmCondition,
        fixture: &Fixture,
    ) -> Outcomes {
        let needs_recording = fixture
            .apps
            .first()
            .and_then(|app| self.context.store.app(app.app_id))
            .is_some_and(|app| app.extension.recording.is_some());
        let findings = match object_type {
            ObjectType::Calls => judge_call(object, needs_recording),
            _ => Vec::new(),
        };
        let result = json!({ "id": object.id.to_string(), "properties": object.property_map() });
        let refusal = format!(
            "the {} was logged, but HubSpot would not keep it as the app meant",
            object_type.singular()
        );
        let problems = check_findings(&findings, &condition.codes, self.strict, &refusal);
        Outcomes::judged(
            result,
            findings,
            problems,
            json!({ "codes": condition.codes }),
        )
    }
}

/// The condition with its `${…}` filled in and its names read.
fn wanted(condition: &CrmCondition, context: &Value) -> Result<Wanted, String> {
    let object_type = object_type("crmObject.objectType", &condition.object_type)?;
    let properties = condition
        .properties
        .iter()
        .map(|(name, value)| Ok((name.clone(), render_text(value, context)?)))
        .collect::<Result<_, String>>()?;
    let associated_with = condition
        .associated_with
        .iter()
        .map(|target| object_ref(target, context))
        .collect::<Result<_, _>>()?;
    Ok(Wanted {
        object_type,
        properties,
        associated_with,
    })
}

/// A record a step names: its type and its id (`${…}` filled in).
pub(super) fn object_ref(target: &ObjectRef, context: &Value) -> Result<(ObjectType, u64), String> {
    let object_type = object_type("objectType", &target.object_type)?;
    let id = render_text(&target.id, context)?;
    let id = id
        .trim()
        .parse::<u64>()
        .map_err(|_| format!("{id:?} is not a record id (digits, such as \"100001\")"))?;
    Ok((object_type, id))
}

/// The object type a step names (`field`), or what to write instead (`references` checks it when
/// the files load; a library caller may not have).
pub(super) fn object_type(field: &str, name: &str) -> Result<ObjectType, String> {
    ObjectType::parse(name)
        .ok_or_else(|| format!("{field} {name:?} is not calls, contacts or companies"))
}

/// Does `object` have an association with each target (of any type)?
fn associated(object: &CrmObject, targets: &[(ObjectType, u64)]) -> bool {
    targets.iter().all(|(object_type, id)| {
        object.associations.iter().any(|association| {
            association.to_id == *id && association.kind().is_some_and(|k| k.to == *object_type)
        })
    })
}

/// An object's associations in words (`contacts 100001`).
fn links(object: &CrmObject) -> Vec<String> {
    object
        .associations
        .iter()
        .filter_map(|a| a.kind().map(|k| format!("{} {}", k.to, a.to_id)))
        .collect()
}

fn describe_refs(targets: &[ObjectRef]) -> String {
    let named: Vec<String> = targets
        .iter()
        .map(|t| format!("{} {}", t.object_type, t.id))
        .collect();
    named.join(", ")
}
