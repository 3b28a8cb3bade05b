//! `GET /_emulator/requests[?after=ID][&limit=N]`: the journal of API calls (oldest first,
//! credentials redacted); `DELETE` empties it. Every journal listing pages the same way.

use actix_web::{web, HttpResponse};

use crate::context::Ctx;
use crate::journal::PageRequest;

pub async fn list(shared: Ctx, query: web::Query<PageRequest>) -> HttpResponse {
    HttpResponse::Ok().json(shared.api_journal.page(*query))
}

pub async fn clear(shared: Ctx) -> HttpResponse {
    shared.api_journal.clear();
    HttpResponse::NoContent().finish()
}
