//! The whole state as a fixture document: export (`GET /_emulator/state`), replace
//! (`PUT /_emulator/state`, checked like a fixture file) and reset to the seed
//! (`POST /_emulator/reset`, optionally `{"appId": N}` for one app).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::error::{parse_body, read_body_up_to};
use super::ControlConfig;
use super::ControlError;
use crate::context::Ctx;
use crate::domain::AppId;
use crate::fixture::loader::parse_fixture;
use crate::fixture::Fixture;

pub async fn export(shared: Ctx) -> HttpResponse {
    HttpResponse::Ok().json(Fixture::from(shared.store.snapshot()))
}

pub async fn import(
    shared: Ctx,
    config: web::Data<ControlConfig>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlError> {
    let fixture = read_fixture_document(payload, config.max_state_bytes, "PUT /_emulator/state")
        .await?
        .ok_or_else(|| {
            ControlError::BadRequest(
                "PUT /_emulator/state takes a fixture document (GET /_emulator/state exports one); the body was empty".into(),
            )
        })?;
    shared.store.replace(fixture.to_seed());
    tracing::info!(apps = shared.store.app_count(), "state replaced");
    Ok(HttpResponse::Ok().json(Fixture::from(shared.store.snapshot())))
}

/// A fixture document from a request body, read against the fixture size cap rather than actix's
/// 256 KiB default (any state that `GET /_emulator/state` exported must come back in), and checked
/// like a fixture file; `source` names it in errors. An empty body is `None`.
pub(super) async fn read_fixture_document(
    payload: web::Payload,
    limit: usize,
    source: &str,
) -> Result<Option<Fixture>, ControlError> {
    let body = read_body_up_to(
        payload,
        limit,
        "the state document is larger than the fixture size cap; start the emulator with a larger --max-fixture-bytes",
    )
    .await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ControlError::BadRequest("the state document must be UTF-8 JSON".into()))?;
    Ok(Some(parse_fixture(source, text)?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ResetRequest {
    app_id: Option<AppId>,
}

pub async fn reset(shared: Ctx, body: web::Bytes) -> Result<HttpResponse, ControlError> {
    let request: ResetRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ResetRequest { app_id: None }
    } else {
        parse_body(
            &body,
            r#"reset takes no body, or {"appId": N} to reset one app"#,
        )?
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
