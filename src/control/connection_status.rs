//! Users' calling connection statuses: `PUT /_emulator/portals/{portalId}/users/{userId}/connection-status`
//! `{"connected": true, "provider": "THIRD_PARTY", "appId": 1234567}` sets one (declaring the
//! user if needed, keeping their browser flag); `GET` shows it, beside what
//! `GET /crm/extensions/calling/v3/connection-statuses` answers for the user.

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::error::parse_body;
use super::ControlError;
use crate::context::Ctx;
use crate::domain::{ConnectionStatus, PortalId, UserId};

const USAGE: &str = r#"the body is {"connected": true|false, "provider"?: "HUBSPOT"|"THIRD_PARTY", "appId"?: N} (appId with THIRD_PARTY only)"#;

pub async fn set(
    shared: Ctx,
    path: web::Path<(PortalId, UserId)>,
    body: web::Bytes,
) -> Result<HttpResponse, ControlError> {
    let (portal_id, user_id) = path.into_inner();
    let status: ConnectionStatus = parse_body(&body, USAGE)?;
    shared
        .store
        .set_connection_status(portal_id, user_id, status);
    tracing::info!(
        portal_id,
        user_id,
        connected = status.connected,
        "connection status set"
    );
    Ok(status_json(&shared, portal_id, user_id, status))
}

pub async fn get(
    shared: Ctx,
    path: web::Path<(PortalId, UserId)>,
) -> Result<HttpResponse, ControlError> {
    let (portal_id, user_id) = path.into_inner();
    match shared.store.connection_status(portal_id, user_id) {
        Some(status) => Ok(status_json(&shared, portal_id, user_id, status)),
        None => Err(ControlError::NotFound(format!(
            "user {user_id} of portal {portal_id} is not declared; PUT this path with {{\"connected\": …}} to declare it with a connection status"
        ))),
    }
}

fn status_json(
    shared: &Ctx,
    portal_id: PortalId,
    user_id: UserId,
    status: ConnectionStatus,
) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "portalId": portal_id,
        "userId": user_id,
        "connectionStatus": status,
        "answered": shared.store.user_connection_status(portal_id, user_id),
    }))
}
