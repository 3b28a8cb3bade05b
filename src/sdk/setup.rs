//! Opening a host session: who the page hosts the widget for (the seed's first app, portal and
//! that portal's first user unless named), the widget as the app's calling settings describe it
//! (or the page's `widgetUrl` override, like HubSpot's `LocalSettings:Calling:CallingExtensions`),
//! the fields of HubSpot's SYNC, and the record page shown.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::SdkError;
use super::record::{self, RecordRef};
use crate::domain::{AppId, PortalId, Settings, UserId};
use crate::store::{AppRecord, Store};

/// `POST /_emulator/sdk/sessions`'s body.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionRequest {
    pub app_id: Option<AppId>,
    pub portal_id: Option<PortalId>,
    pub user_id: Option<UserId>,
    /// The call the widget resumes (after `NAVIGATE_TO_RECORD`): SYNC carries it.
    pub engagement_id: Option<u64>,
    pub record: Option<RecordRef>,
    /// Replaces the settings' `url` (http or https only).
    pub widget_url: Option<String>,
}

pub const SESSION_USAGE: &str = r#"a host session takes {"appId"?: N, "portalId"?: N, "userId"?: N, "engagementId"?: N, "record"?: {"objectTypeId": "0-1"|"0-2", "objectId": N}, "widgetUrl"?: "http(s)://…"} (every field optional)"#;

/// Who a session or a command is for, defaults filled in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Participants {
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub user_id: UserId,
}

/// The app, portal and user named, else the seed's first app, portal and that portal's first
/// user; each must exist (404 that says how to declare it).
pub fn participants(
    store: &Store,
    app_id: Option<AppId>,
    portal_id: Option<PortalId>,
    user_id: Option<UserId>,
) -> Result<(Participants, AppRecord), SdkError> {
    let app_id = app_id
        .or_else(|| store.first_app_id())
        .or_else(|| store.apps().first().map(|a| a.profile.app_id))
        .ok_or_else(|| {
            SdkError::NotFound("the emulator has no app to host: declare one in the fixture (\"apps\": [{\"name\": …, \"appId\": …}])".into())
        })?;
    let app = store.app(app_id).ok_or_else(|| {
        SdkError::NotFound(format!(
            "app {app_id} is not declared in this emulator; GET /_emulator/state lists the apps (or declare it in the fixture)"
        ))
    })?;
    let (portal_id, user_id) = store.first_recipient(portal_id, user_id);
    let portal_id = portal_id.ok_or_else(|| {
        SdkError::NotFound("the emulator has no portal: declare one in the fixture (\"portals\": [{\"portalId\": …, \"users\": […]}])".into())
    })?;
    let Some(user_id) = user_id else {
        return Err(SdkError::NotFound(format!(
            "portal {portal_id} is not declared or has no users: declare it with its users in the fixture, or name a userId"
        )));
    };
    if store.user_flag(portal_id, user_id).is_none() {
        return Err(SdkError::NotFound(format!(
            "user {user_id} of portal {portal_id} is not declared: declare it in the fixture's portals, or PUT /_emulator/portals/{portal_id}/users/{user_id}"
        )));
    }
    Ok((
        Participants {
            app_id,
            portal_id,
            user_id,
        },
        app,
    ))
}

/// What the page needs to host the widget (the 201's body, but for the events URL, which the
/// control API adds).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hosting {
    pub app_id: AppId,
    pub app_name: String,
    pub portal_id: PortalId,
    pub user_id: UserId,
    pub owner_id: UserId,
    pub widget: Value,
    pub sync: Value,
    pub record: Value,
}

/// The widget, SYNC and record for `who`, from the app's calling settings.
pub fn hosting(
    store: &Store,
    who: Participants,
    app: &AppRecord,
    request: &SessionRequest,
) -> Result<Hosting, SdkError> {
    let settings = app.extension.settings.as_ref().ok_or_else(|| {
        SdkError::NoSettings(format!(
            "app {} has no calling settings, so HubSpot shows no widget for it: register them with POST /crm/v3/extensions/calling/{}/settings (name, url of the widget)",
            who.app_id, who.app_id
        ))
    })?;
    let url = match request.widget_url.as_deref().map(str::trim) {
        None | Some("") => settings.url.clone(),
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => url.to_string(),
        Some(url) => {
            return Err(SdkError::BadRequest(format!(
                "widgetUrl {url:?} is not an http or https URL; give the widget's full URL, e.g. http://127.0.0.1:5000/widget"
            )))
        }
    };
    let record = match &request.record {
        Some(wanted) => {
            let (object_type, id) = wanted.resolve().ok_or_else(|| {
                SdkError::BadRequest(format!(
                    "record {{\"objectTypeId\": {:?}, \"objectId\": {:?}}} is not a contact (0-1) or company (0-2) with a numeric id",
                    wanted.object_type_id, wanted.object_id
                ))
            })?;
            store
                .crm()
                .read(who.portal_id, |crm| record::describe(crm, object_type, id))
                .ok_or_else(|| {
                    SdkError::NotFound(format!(
                        "portal {} has no live {} {id}; GET /crm/v3/objects/{}/{id} shows why",
                        who.portal_id,
                        object_type.singular(),
                        object_type.plural()
                    ))
                })?
        }
        None => store
            .crm()
            .read(who.portal_id, record::first_contact)
            .unwrap_or(Value::Null),
    };
    Ok(Hosting {
        app_id: who.app_id,
        app_name: app.profile.name.clone(),
        portal_id: who.portal_id,
        user_id: who.user_id,
        owner_id: who.user_id,
        widget: widget(settings, &url),
        sync: json!({
            "portalId": who.portal_id,
            "userId": who.user_id,
            "ownerId": who.user_id,
            "engagementId": request.engagement_id,
            "iframeLocation": iframe_location(settings),
            "usesCallingWindow": settings.uses_calling_window,
        }),
        record,
    })
}

fn widget(settings: &Settings, url: &str) -> Value {
    json!({
        "url": url,
        "name": settings.name,
        "width": settings.width,
        "height": settings.height,
        "usesCallingWindow": settings.uses_calling_window,
        "usesRemote": settings.uses_remote,
        "supportsInboundCalling": settings.supports_inbound_calling,
        "isReady": settings.is_ready,
    })
}

/// `window` for an app with a calling window, `remote` for one in HubSpot's nav bar, else
/// `widget` (the values of HubSpot's demo; which one HubSpot picks is an assumption).
pub fn iframe_location(settings: &Settings) -> &'static str {
    if settings.uses_calling_window {
        "window"
    } else if settings.uses_remote {
        "remote"
    } else {
        "widget"
    }
}
