//! The call engagements HubSpot writes for the widget, in the portal's CRM (the same objects
//! `GET /crm/v3/objects/calls/{id}` reads): created when a call starts with `createEngagement`,
//! updated with the app's `engagementProperties` when it completes. What HubSpot fills in is not
//! published; each choice is an assumption named in docs/calling-widget.md.

use serde_json::{Map, Value};

use crate::clock::Timestamp;
use crate::crm::{CrmError, ObjectType, PortalCrm, WriteSource};
use crate::domain::{AppId, UserId};
use crate::inbound_call::write::association_type;
use crate::sdk::call::CallDirection;

/// A call the widget reported, as the engagement HubSpot creates for it.
pub struct NewEngagement<'a> {
    pub direction: CallDirection,
    pub external_call_id: &'a str,
    pub from_number: Option<&'a str>,
    pub to_number: Option<&'a str>,
    /// `callStartTime` (Unix milliseconds), else the time of the message.
    pub started_ms: Option<i64>,
    pub owner_id: UserId,
    pub app_id: AppId,
    /// The records the call is associated with; the first is the callee.
    pub records: Vec<(ObjectType, u64)>,
}

/// Creates the engagement (or, when a live call already has this external id, reuses it, as the
/// inbound-call API does) and associates it with the records; its id.
pub fn create(crm: &mut PortalCrm, new: &NewEngagement, now: Timestamp) -> Result<u64, CrmError> {
    let existing = crm
        .find(
            ObjectType::Calls,
            new.external_call_id,
            Some("hs_call_external_id"),
            false,
        )
        .ok()
        .map(|call| call.id);
    let id = match existing {
        Some(id) => id,
        None => {
            let input = crate::crm::ObjectInput {
                properties: properties(new, now),
                ..Default::default()
            };
            crm.create(
                ObjectType::Calls,
                &input,
                &WriteSource::integration(new.app_id),
            )?
        }
    };
    for (object_type, record) in &new.records {
        // A record archived since it was matched is left out, not an error.
        let _ = crm.associate_existing(
            ObjectType::Calls,
            id,
            association_type(*object_type),
            *record,
        );
    }
    Ok(id)
}

fn properties(new: &NewEngagement, now: Timestamp) -> Map<String, Value> {
    let mut properties = Map::new();
    let mut set = |name: &str, value: String| {
        properties.insert(name.to_string(), Value::String(value));
    };
    set(
        "hs_timestamp",
        new.started_ms
            .map_or_else(|| now.to_string(), |ms| ms.to_string()),
    );
    set("hs_call_direction", new.direction.as_str().into());
    set(
        "hs_call_status",
        match new.direction {
            CallDirection::Outbound => "CONNECTING",
            CallDirection::Inbound => "RINGING",
        }
        .into(),
    );
    if let Some(from) = new.from_number {
        set("hs_call_from_number", from.into());
    }
    if let Some(to) = new.to_number {
        set("hs_call_to_number", to.into());
    }
    set("hs_call_external_id", new.external_call_id.into());
    set("hs_call_source", "INTEGRATIONS_PLATFORM".into());
    set("hs_call_app_id", new.app_id.to_string());
    set("hubspot_owner_id", new.owner_id.to_string());
    if let Some((object_type, id)) = new.records.first() {
        set("hs_call_callee_object_id", id.to_string());
        set(
            "hs_call_callee_object_type",
            object_type.singular().to_ascii_uppercase(),
        );
    }
    properties
}

/// `CALL_ENDED.callEndStatus` as `hs_call_status`: the five shared values as they are, `MISSED`
/// too; `REJECTED` (the user declined) as `CANCELED`.
pub fn end_status_as_call_status(end_status: &str) -> Option<&'static str> {
    match end_status {
        "COMPLETED" => Some("COMPLETED"),
        "FAILED" => Some("FAILED"),
        "CANCELED" | "REJECTED" => Some("CANCELED"),
        "BUSY" => Some("BUSY"),
        "NO_ANSWER" => Some("NO_ANSWER"),
        "MISSED" => Some("MISSED"),
        _ => None,
    }
}

/// Updates engagement `id` on CALL_COMPLETED: the app's properties, `hs_call_status` from how the
/// call ended unless the app set it, and the record shown when the call has no association yet
/// (HubSpot's "default associations"). The call's properties after the update.
pub fn complete(
    crm: &mut PortalCrm,
    id: u64,
    app_properties: &Map<String, Value>,
    end_status: Option<&str>,
    shown_record: Option<(ObjectType, u64)>,
    app_id: AppId,
) -> Result<std::collections::BTreeMap<String, String>, CrmError> {
    let mut properties = app_properties.clone();
    if !properties.contains_key("hs_call_status") {
        let status = end_status
            .and_then(end_status_as_call_status)
            .unwrap_or("COMPLETED");
        properties.insert("hs_call_status".into(), Value::String(status.into()));
    }
    crm.update(
        ObjectType::Calls,
        &id.to_string(),
        None,
        &properties,
        &WriteSource::integration(app_id),
    )?;
    let unassociated = crm
        .object(ObjectType::Calls, id)
        .is_some_and(|call| call.associations.is_empty());
    if let (true, Some((object_type, record))) = (unassociated, shown_record) {
        let _ =
            crm.associate_existing(ObjectType::Calls, id, association_type(object_type), record);
    }
    Ok(crm
        .object(ObjectType::Calls, id)
        .map(|call| call.property_map())
        .unwrap_or_default())
}

/// Is `id` a live call engagement of the portal?
pub fn exists(crm: &PortalCrm, id: u64) -> bool {
    crm.object(ObjectType::Calls, id)
        .is_some_and(|call| !call.is_archived())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn outbound<'a>(records: Vec<(ObjectType, u64)>) -> NewEngagement<'a> {
        NewEngagement {
            direction: CallDirection::Outbound,
            external_call_id: "ext-1",
            from_number: Some("+18884827768"),
            to_number: Some("+16175550100"),
            started_ms: Some(1_767_261_600_000),
            owner_id: 101,
            app_id: AppId::new(1234567).unwrap(),
            records,
        }
    }

    #[test]
    fn a_started_call_becomes_one_engagement_completed_with_the_apps_properties() {
        let mut crm = PortalCrm::default();
        let contact: crate::crm::ObjectInput =
            serde_json::from_value(json!({"properties": {"firstname": "Ada"}})).unwrap();
        let contact = crm
            .create(ObjectType::Contacts, &contact, &WriteSource::import())
            .unwrap();
        let now = Timestamp::parse("2026-01-01T10:00:00Z").unwrap();
        let id = create(
            &mut crm,
            &outbound(vec![(ObjectType::Contacts, contact)]),
            now,
        )
        .unwrap();
        assert_eq!(
            create(&mut crm, &outbound(vec![]), now).unwrap(),
            id,
            "one call per external id"
        );
        let call = crm.object(ObjectType::Calls, id).unwrap();
        assert_eq!(call.get("hs_call_status"), Some("CONNECTING"));
        assert_eq!(call.get("hs_timestamp"), Some("2026-01-01T10:00:00.000Z"));
        assert_eq!(call.get("hs_call_callee_object_type"), Some("CONTACT"));
        assert_eq!(call.get("hs_call_app_id"), Some("1234567"));
        assert_eq!(call.associations.len(), 1);

        let mut app = Map::new();
        app.insert("hs_call_title".into(), json!("Demo call"));
        let after = complete(
            &mut crm,
            id,
            &app,
            Some("NO_ANSWER"),
            None,
            AppId::new(1).unwrap(),
        )
        .unwrap();
        assert_eq!(after["hs_call_status"], "NO_ANSWER");
        assert_eq!(after["hs_call_title"], "Demo call");
        app.insert("hs_call_titel".into(), json!("typo"));
        assert!(matches!(
            complete(&mut crm, id, &app, None, None, AppId::new(1).unwrap()),
            Err(CrmError::InvalidProperties { .. })
        ));
    }

    #[test]
    fn completing_an_unassociated_call_associates_the_record_shown() {
        let mut crm = PortalCrm::default();
        let company: crate::crm::ObjectInput =
            serde_json::from_value(json!({"properties": {"name": "Acme"}})).unwrap();
        let company = crm
            .create(ObjectType::Companies, &company, &WriteSource::import())
            .unwrap();
        let id = create(&mut crm, &outbound(vec![]), Timestamp::now()).unwrap();
        complete(
            &mut crm,
            id,
            &Map::new(),
            None,
            Some((ObjectType::Companies, company)),
            AppId::new(1).unwrap(),
        )
        .unwrap();
        let call = crm.object(ObjectType::Calls, id).unwrap();
        assert_eq!(call.get("hs_call_status"), Some("COMPLETED"));
        assert_eq!(call.associations.iter().next().unwrap().to_id, company);
    }
}
