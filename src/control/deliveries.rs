//! The delivery journal: `GET /_emulator/deliveries[?after=ID][&limit=N]` (verdicts, oldest first; secrets
//! never appear: only signatures made with them), `GET /_emulator/deliveries/{id}`,
//! `POST /_emulator/deliveries/{id}/replay` (same URL and body, signed anew), `DELETE` to empty.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::error::parse_body;
use super::ControlError;
use crate::context::Ctx;
use crate::journal::PageRequest;
use crate::webhook::fire::FireError;

pub async fn list(shared: Ctx, query: web::Query<PageRequest>) -> HttpResponse {
    HttpResponse::Ok().json(shared.deliveries.page(*query))
}

pub async fn one(shared: Ctx, id: web::Path<u64>) -> Result<HttpResponse, ControlError> {
    let id = id.into_inner();
    let verdict = shared
        .deliveries
        .get(id)
        .ok_or(FireError::UnknownDelivery(id))?;
    Ok(HttpResponse::Ok().json(verdict))
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReplayRequest {
    timeout_ms: Option<u64>,
}

pub async fn replay(
    shared: Ctx,
    id: web::Path<u64>,
    body: web::Bytes,
) -> Result<HttpResponse, ControlError> {
    let request: ReplayRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ReplayRequest::default()
    } else {
        parse_body(&body, r#"replay takes no body or {"timeoutMs": N}"#)?
    };
    let verdict = shared
        .webhooks()
        .replay(id.into_inner(), request.timeout_ms)
        .await?;
    Ok(HttpResponse::Ok().json(verdict))
}

pub async fn clear(shared: Ctx) -> HttpResponse {
    shared.deliveries.clear();
    HttpResponse::NoContent().finish()
}
