//! `GET /_emulator/requests[?limit=N]`: the journal of API calls (newest last, credentials
//! redacted); `DELETE` empties it.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::app::SharedState;

#[derive(Deserialize)]
pub struct PageQuery {
    pub limit: Option<usize>,
}

pub async fn list(shared: web::Data<SharedState>, query: web::Query<PageQuery>) -> HttpResponse {
    HttpResponse::Ok().json(shared.api_journal.page(query.limit))
}

pub async fn clear(shared: web::Data<SharedState>) -> HttpResponse {
    shared.api_journal.clear();
    HttpResponse::NoContent().finish()
}
