//! `NAVIGATE_TO_RECORD`: HubSpot opens the record (a contact or company of the session's portal)
//! and hosts the widget there again, with the call's engagement in SYNC so that the app can
//! resume it. The page does the moving (action `navigate`: a new session with `engagementId` and
//! `record`); the call is handed over to that session, so the page closing this one does not
//! count it as never completed. A record that does not exist is `NAVIGATE_TO_RECORD_FAILED`.

use serde_json::{json, Value};

use super::Respond;
use crate::sdk::action::Action;
use crate::sdk::record::{self, object_type};

pub fn navigate(respond: &mut Respond) {
    let report = respond.report;
    let coordinates = report
        .field("objectCoordinates")
        .cloned()
        .unwrap_or(Value::Null);
    let session = &mut *respond.session;
    let current = session.call_index(None);
    let engagement_id = report
        .engagement_id("engagementId")
        .or_else(|| current.and_then(|i| session.calls[i].engagement_id));
    let id = |value: &Value| {
        value
            .as_u64()
            .or_else(|| value.as_str().and_then(|t| t.trim().parse().ok()))
    };
    let portal = id(&coordinates["portalId"]);
    let object = id(&coordinates["objectId"]);
    let kind = coordinates["objectTypeId"].as_str().and_then(object_type);
    let problem = match (portal, object, kind) {
        (Some(portal), _, _) if portal != session.portal_id => Some(format!(
            "objectCoordinates.portalId {portal} is not the portal the widget is in ({})",
            session.portal_id
        )),
        (Some(_), Some(object), Some(kind)) => {
            let exists = respond.store.crm().read(session.portal_id, |crm| {
                record::describe(crm, kind, object).is_some()
            });
            (!exists).then(|| {
                format!(
                    "portal {} has no live {} {object}",
                    session.portal_id,
                    kind.singular()
                )
            })
        }
        _ => Some("objectCoordinates does not name a contact (0-1) or company (0-2) by portalId and objectId".into()),
    };
    let data = json!({ "engagementId": engagement_id, "objectCoordinates": coordinates });
    if let Some(why) = problem {
        respond.out.fail(
            "NAVIGATE_TO_RECORD_FAILED",
            data,
            &format!("HubSpot cannot open the record: {why}"),
        );
        return;
    }
    let handed = engagement_id
        .and_then(|id| session.call_with_engagement(id))
        .or(current);
    if let Some(i) = handed {
        session.calls[i].handed_over = true;
    }
    if let (Some(object), Some(kind)) = (object, kind) {
        respond.out.actions.push(Action::Navigate {
            object_type_id: kind.type_id().to_string(),
            object_id: object.to_string(),
            engagement_id,
        });
    }
}
