//! The whole state as a fixture document: export (`GET /_emulator/state`), replace
//! (`PUT /_emulator/state`, checked like a fixture file) and reset to the seed
//! (`POST /_emulator/reset`, optionally `{"appId": N}` for one app).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::ControlError;
use crate::app::SharedState;
use crate::domain::AppId;
use crate::scenario::loader::parse_fixture;

pub async fn export(shared: web::Data<SharedState>) -> HttpResponse {
    HttpResponse::Ok().json(shared.store.snapshot())
}

pub async fn import(
    shared: web::Data<SharedState>,
    body: web::Bytes,
) -> Result<HttpResponse, ControlError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ControlError::BadRequest("the state document must be UTF-8 JSON".into()))?;
    let fixture = parse_fixture("PUT /_emulator/state", text)?;
    shared.store.replace(fixture);
    tracing::info!(apps = shared.store.app_count(), "state replaced");
    Ok(HttpResponse::Ok().json(shared.store.snapshot()))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResetRequest {
    app_id: Option<AppId>,
}

pub async fn reset(
    shared: web::Data<SharedState>,
    body: web::Bytes,
) -> Result<HttpResponse, ControlError> {
    let request: ResetRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ResetRequest { app_id: None }
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ControlError::BadRequest(format!(
                "reset takes no body, or {{\"appId\": N}} to reset one app: {e}"
            ))
        })?
    };
    match request.app_id {
        None => {
            shared.store.reset_all();
            tracing::info!("state reset to the seed");
            Ok(HttpResponse::Ok().json(json!({ "reset": "all" })))
        }
        Some(app_id) if shared.store.reset_app(app_id) => {
            tracing::info!(%app_id, "app reset to the seed");
            Ok(HttpResponse::Ok().json(json!({ "reset": app_id })))
        }
        Some(app_id) => Err(ControlError::NotFound(format!(
            "app {app_id} is not in the state; GET /_emulator/state lists the apps"
        ))),
    }
}
