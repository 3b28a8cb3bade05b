//! With `createEngagement`, the call written to the portal's CRM: created with the engagement's
//! properties (`engagement`) and associated with every matched record (call→contact 194,
//! call→company 182); or, when a live call already has the same `hs_call_external_id`, that call
//! updated instead and associated with any record it is not yet associated with — so an app
//! reporting a call twice (ringing, then completed) keeps one call (docs/fidelity.md). The
//! properties are checked as any CRM write is: an unknown one is `PROPERTY_DOESNT_EXIST`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::caller_id::CallerIdMatch;
use super::engagement;
use super::request::InboundCall;
use crate::clock::Timestamp;
use crate::crm::associations::AssociationCategory;
use crate::crm::input::{AssociationInput, AssociationSpec, ObjectRef};
use crate::crm::{CrmError, ObjectInput, ObjectType, PortalCrm, WriteSource};

/// The call→record association type for each matched record's type.
pub fn association_type(to: ObjectType) -> u32 {
    match to {
        ObjectType::Contacts => 194,
        _ => 182,
    }
}

/// The call the inbound call became.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Logged {
    pub engagement_id: u64,
    /// `false`: an existing call with the same external id was updated.
    pub created: bool,
}

/// Creates or updates the call engagement for `call`, associated with `matches`.
pub fn log_engagement(
    crm: &mut PortalCrm,
    call: &InboundCall,
    matches: &[CallerIdMatch],
    source: &WriteSource,
    now: Timestamp,
) -> Result<Logged, CrmError> {
    let properties = engagement::properties(call, now);
    let external_id = properties
        .get("hs_call_external_id")
        .map(|v| v.trim())
        .filter(|v| !v.is_empty());
    let existing = external_id.and_then(|id| {
        crm.find(ObjectType::Calls, id, Some("hs_call_external_id"), false)
            .ok()
            .map(|o| o.id)
    });
    match existing {
        None => {
            let input = ObjectInput {
                properties: as_json(&properties),
                associations: matches.iter().map(association_input).collect(),
                object_write_trace_id: None,
            };
            let id = crm
                .create(ObjectType::Calls, &input, source)
                .map_err(in_engagement_properties)?;
            Ok(Logged {
                engagement_id: id,
                created: true,
            })
        }
        Some(id) => {
            let mut properties = properties;
            // A report without a start time keeps the time the call was first filed at.
            if call.call_started_timestamp.is_none()
                && !call.engagement_properties.contains_key("hs_timestamp")
            {
                properties.remove("hs_timestamp");
            }
            crm.update(
                ObjectType::Calls,
                &id.to_string(),
                None,
                &as_json(&properties),
                source,
            )
            .map_err(in_engagement_properties)?;
            for record in matches {
                let (object_type, record_id) = record.record();
                crm.associate_existing(
                    ObjectType::Calls,
                    id,
                    association_type(object_type),
                    record_id,
                )?;
            }
            Ok(Logged {
                engagement_id: id,
                created: false,
            })
        }
    }
}

fn association_input(record: &CallerIdMatch) -> AssociationInput {
    let (object_type, id) = record.record();
    AssociationInput {
        to: ObjectRef { id: id.to_string() },
        types: vec![AssociationSpec {
            association_category: AssociationCategory::HubspotDefined,
            // 194 and 182: an int32 as the CRM's input types it.
            association_type_id: association_type(object_type) as i32,
        }],
    }
}

fn as_json(properties: &BTreeMap<String, String>) -> Map<String, Value> {
    properties
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect()
}

/// The CRM's property errors named where the request put them (`engagementProperties.NAME`).
fn in_engagement_properties(error: CrmError) -> CrmError {
    match error {
        CrmError::InvalidProperties { errors } => CrmError::InvalidProperties {
            errors: errors
                .into_iter()
                .map(|mut e| {
                    e.name = format!("engagementProperties.{}", e.name);
                    e
                })
                .collect(),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::inbound_call::caller_id::{caller_e164, match_caller};
    use crate::inbound_call::request::{parse, EXAMPLE};

    fn call(edit: impl FnOnce(&mut Value)) -> InboundCall {
        let mut body: Value = serde_json::from_str(EXAMPLE).unwrap();
        edit(&mut body);
        parse(body.to_string().as_bytes()).unwrap()
    }

    fn now() -> Timestamp {
        Timestamp::parse("2026-02-01T00:00:00Z").unwrap()
    }

    #[test]
    fn a_second_report_of_the_same_call_updates_it_and_adds_new_matches() {
        let mut crm = PortalCrm::default();
        let source = WriteSource::integration(7);
        let first = call(|b| {
            b["finalCallStatus"] = "RINGING".into();
            b.as_object_mut().unwrap().remove("callStartedTimestamp");
        });
        let logged = log_engagement(&mut crm, &first, &[], &source, now()).unwrap();
        assert!(logged.created);
        let contact: ObjectInput =
            serde_json::from_value(json!({"properties": {"phone": "+1 415 555 2671"}})).unwrap();
        let contact = crm.create(ObjectType::Contacts, &contact, &source).unwrap();
        let caller = caller_e164("+14155552671", &crm).unwrap();
        let matches = match_caller(&crm, 1, &caller);
        let later = Timestamp::parse("2026-02-01T00:05:00Z").unwrap();
        let second = call(|b| {
            b["finalCallStatus"] = "COMPLETED".into();
            b.as_object_mut().unwrap().remove("callStartedTimestamp");
        });
        let again = log_engagement(&mut crm, &second, &matches, &source, later).unwrap();
        assert_eq!(
            again,
            Logged {
                engagement_id: logged.engagement_id,
                created: false
            }
        );
        assert_eq!(crm.count(ObjectType::Calls), 1);
        let stored = crm.object(ObjectType::Calls, logged.engagement_id).unwrap();
        assert_eq!(stored.get("hs_call_status"), Some("COMPLETED"));
        assert_eq!(
            stored.get("hs_timestamp"),
            Some("2026-02-01T00:00:00.000Z"),
            "the first report's time is kept"
        );
        assert_eq!(stored.associations.len(), 1);
        assert_eq!(stored.associations.iter().next().unwrap().to_id, contact);
    }

    #[test]
    fn unknown_engagement_properties_are_named_where_the_request_put_them() {
        let mut crm = PortalCrm::default();
        let call = call(|b| b["engagementProperties"] = json!({"hs_call_titel": "x"}));
        let Err(CrmError::InvalidProperties { errors }) =
            log_engagement(&mut crm, &call, &[], &WriteSource::import(), now())
        else {
            panic!("refused")
        };
        assert_eq!(errors[0].name, "engagementProperties.hs_call_titel");
        assert_eq!(errors[0].code, "PROPERTY_DOESNT_EXIST");
        assert_eq!(crm.count(ObjectType::Calls), 0);
    }
}
