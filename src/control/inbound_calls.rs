//! The call journals. Inbound calls: `GET /_emulator/inbound-calls[?after=ID][&limit=N]` (call
//! reports, oldest first: the request, the matches, the engagement written, the findings),
//! `GET /_emulator/inbound-calls/{id}`, `DELETE` to empty. Call writes through the CRM's calls
//! API, each judged: `GET /_emulator/call-writes[?after=ID][&limit=N]`, `…/{id}`, `DELETE`.

use actix_web::{web, HttpResponse};

use super::ControlError;
use crate::context::Ctx;
use crate::journal::PageRequest;

pub async fn list(shared: Ctx, query: web::Query<PageRequest>) -> HttpResponse {
    HttpResponse::Ok().json(shared.call_reports.page(*query))
}

pub async fn one(shared: Ctx, id: web::Path<u64>) -> Result<HttpResponse, ControlError> {
    let id = id.into_inner();
    let report = shared.call_reports.get(id).ok_or_else(|| {
        ControlError::NotFound(format!(
            "no inbound-call report {id} is kept (the journal keeps the newest ones); GET /_emulator/inbound-calls lists them"
        ))
    })?;
    Ok(HttpResponse::Ok().json(report))
}

pub async fn clear(shared: Ctx) -> HttpResponse {
    shared.call_reports.clear();
    HttpResponse::NoContent().finish()
}

pub async fn list_writes(shared: Ctx, query: web::Query<PageRequest>) -> HttpResponse {
    HttpResponse::Ok().json(shared.call_writes.page(*query))
}

pub async fn one_write(shared: Ctx, id: web::Path<u64>) -> Result<HttpResponse, ControlError> {
    let id = id.into_inner();
    let report = shared.call_writes.get(id).ok_or_else(|| {
        ControlError::NotFound(format!(
            "no call-write report {id} is kept (the journal keeps the newest ones); GET /_emulator/call-writes lists them"
        ))
    })?;
    Ok(HttpResponse::Ok().json(report))
}

pub async fn clear_writes(shared: Ctx) -> HttpResponse {
    shared.call_writes.clear();
    HttpResponse::NoContent().finish()
}
