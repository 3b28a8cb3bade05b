//! `NAVIGATE_TO_RECORD`: HubSpot opens the record (a contact or company of the session's portal).
//! The page does the moving (action `navigate`, with the record described and the call's
//! engagement); a widget embedded in the record page is hosted there again in a new session with
//! that `engagementId`, which takes the call over (`SdkHost::open`), so the old page closing
//! does not count it as never completed. A record that does not exist is
//! `NAVIGATE_TO_RECORD_FAILED`.

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
    let found = match (portal, object, kind) {
        (Some(portal), _, _) if portal != session.portal_id => Err(format!(
            "objectCoordinates.portalId {portal} is not the portal the widget is in ({})",
            session.portal_id
        )),
        (Some(_), Some(object), Some(kind)) => respond
            .store
            .crm()
            .read(session.portal_id, |crm| record::describe(crm, kind, object))
            .map(|described| (kind, object, described))
            .ok_or_else(|| {
                format!(
                    "portal {} has no live {} {object}",
                    session.portal_id,
                    kind.singular()
                )
            }),
        _ => Err("objectCoordinates does not name a contact (0-1) or company (0-2) by portalId and objectId".into()),
    };
    let data = json!({ "engagementId": engagement_id, "objectCoordinates": coordinates });
    let (kind, object, described) = match found {
        Ok(found) => found,
        Err(why) => {
            respond.out.fail(
                "NAVIGATE_TO_RECORD_FAILED",
                data,
                &format!("HubSpot cannot open the record: {why}"),
            );
            return;
        }
    };
    respond.out.actions.push(Action::Navigate {
        object_type_id: kind.type_id().to_string(),
        object_id: object.to_string(),
        engagement_id,
        record: described,
    });
}
