//! Users' browser flag: `PUT /_emulator/portals/{portalId}/users/{userId}`
//! `{"supportsChannelConnection": bool}` declares or changes a user; `GET` shows one.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::error::parse_body;
use super::ControlError;
use crate::context::Ctx;
use crate::domain::{PortalId, UserId};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FlagRequest {
    supports_channel_connection: bool,
}

pub async fn set_flag(
    shared: Ctx,
    path: web::Path<(PortalId, UserId)>,
    body: web::Bytes,
) -> Result<HttpResponse, ControlError> {
    let (portal_id, user_id) = path.into_inner();
    let request: FlagRequest = parse_body(
        &body,
        r#"the body is {"supportsChannelConnection": true|false}"#,
    )?;
    shared
        .store
        .set_user_flag(portal_id, user_id, request.supports_channel_connection);
    tracing::info!(
        portal_id,
        user_id,
        flag = request.supports_channel_connection,
        "user flag set"
    );
    Ok(user_json(
        portal_id,
        user_id,
        Some(request.supports_channel_connection),
    ))
}

pub async fn get(
    shared: Ctx,
    path: web::Path<(PortalId, UserId)>,
) -> Result<HttpResponse, ControlError> {
    let (portal_id, user_id) = path.into_inner();
    match shared.store.user_flag(portal_id, user_id) {
        Some(flag) => Ok(user_json(portal_id, user_id, Some(flag))),
        None => Err(ControlError::NotFound(format!(
            "user {user_id} of portal {portal_id} is not declared; PUT this path with {{\"supportsChannelConnection\": …}} to declare it"
        ))),
    }
}

fn user_json(portal_id: PortalId, user_id: UserId, flag: Option<bool>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "portalId": portal_id,
        "userId": user_id,
        "supportsChannelConnection": flag,
    }))
}
