//! `/_emulator/sandboxes`: create a sandbox (a fixture document as the body, or none for the
//! start-up fixture), list them, delete one. Sandboxes are the process's: under a sandbox's own
//! base URL these calls are refused, and `GET /_emulator/state` never shows them (it stays a
//! fixture).

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::state::read_fixture_document;
use super::{ControlConfig, ControlError};
use crate::context::sandbox::{sandbox_base, SandboxBase};
use crate::sandbox::{SandboxInfo, Sandboxes, SANDBOX_SEGMENT};

pub async fn create(
    req: HttpRequest,
    sandboxes: web::Data<Sandboxes>,
    config: web::Data<ControlConfig>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlError> {
    at_the_root(&req)?;
    let fixture =
        read_fixture_document(payload, config.max_state_bytes, "POST /_emulator/sandboxes").await?;
    let seed = fixture.map(|fixture| fixture.to_seed());
    let info = sandboxes
        .create(seed)
        .map_err(|e| ControlError::Conflict(e.to_string()))?;
    tracing::info!(id = %info.id, count = sandboxes.count(), "sandbox created");
    Ok(HttpResponse::Created().json(describe(&req, &info)))
}

pub async fn list(
    req: HttpRequest,
    sandboxes: web::Data<Sandboxes>,
) -> Result<HttpResponse, ControlError> {
    at_the_root(&req)?;
    let listed: Vec<Value> = sandboxes
        .list()
        .iter()
        .map(|info| describe(&req, info))
        .collect();
    let limits = sandboxes.limits();
    Ok(HttpResponse::Ok().json(json!({
        "sandboxes": listed,
        "limit": limits.max,
        "idleTimeoutMs": limits.idle_timeout.as_millis() as u64,
    })))
}

pub async fn delete(
    req: HttpRequest,
    sandboxes: web::Data<Sandboxes>,
    id: web::Path<String>,
) -> Result<HttpResponse, ControlError> {
    at_the_root(&req)?;
    if !sandboxes.delete(&id) {
        return Err(ControlError::NotFound(format!(
            "No sandbox {:?}: it was deleted already, expired, or never created; GET /_emulator/sandboxes lists those that exist",
            id.as_str()
        )));
    }
    tracing::info!(id = %id, "sandbox deleted");
    Ok(HttpResponse::Ok().json(json!({ "deleted": id.as_str() })))
}

/// Refuses a sandbox call made under a sandbox's base URL: sandboxes do not nest.
fn at_the_root(req: &HttpRequest) -> Result<(), ControlError> {
    match sandbox_base(req) {
        None => Ok(()),
        Some(SandboxBase(base)) => Err(ControlError::NotFound(format!(
            "Sandboxes are the emulator's, not a sandbox's: call /_emulator/sandboxes at the emulator's own base URL, without {base}"
        ))),
    }
}

/// `{id, baseUrl, …}`; the base URL under the host and scheme the caller used.
fn describe(req: &HttpRequest, info: &SandboxInfo) -> Value {
    let connection = req.connection_info();
    json!({
        "id": info.id,
        "baseUrl": format!(
            "{}://{}/{SANDBOX_SEGMENT}/{}",
            connection.scheme(),
            connection.host(),
            info.id
        ),
        "createdAt": info.created_at,
        "idleMs": info.idle_ms,
        "expiresInMs": info.expires_in_ms,
    })
}
