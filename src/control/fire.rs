//! `POST /_emulator/fire` `{appId, portalId, userId, force?, timeoutMs?}` → the verdict.

use actix_web::{web, HttpRequest, HttpResponse};

use super::caller::unless_caller_leaves;
use super::ControlError;
use crate::context::Ctx;
use crate::webhook::fire::FireRequest;

pub async fn fire(
    req: HttpRequest,
    shared: Ctx,
    body: web::Bytes,
) -> Result<HttpResponse, ControlError> {
    let request: FireRequest = serde_json::from_slice(&body).map_err(|e| {
        ControlError::BadRequest(format!(
            "fire takes {{\"appId\": N, \"portalId\": N, \"userId\": N, \"force\"?: bool, \"timeoutMs\"?: N}}: {e}"
        ))
    })?;
    let Some(verdict) = unless_caller_leaves(&req, shared.webhooks().fire(request)).await else {
        return Err(ControlError::CallerGone);
    };
    Ok(HttpResponse::Ok().json(verdict?))
}
