//! `GET /_emulator/requests[?after=ID][&limit=N]`: the journal of API calls (oldest first,
//! credentials redacted); `DELETE` empties it. Every journal listing pages the same way.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::context::Ctx;
use crate::journal::PageRequest;

/// `?after=ID&limit=N` of every journal listing: without `after`, the newest entries; with it,
/// the entries after that id, and `next` in the page to continue from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub after: Option<u64>,
    pub limit: Option<usize>,
}

impl From<&PageQuery> for PageRequest {
    fn from(query: &PageQuery) -> Self {
        PageRequest {
            after: query.after,
            limit: query.limit,
        }
    }
}

pub async fn list(shared: Ctx, query: web::Query<PageQuery>) -> HttpResponse {
    HttpResponse::Ok().json(shared.api_journal.page((&*query).into()))
}

pub async fn clear(shared: Ctx) -> HttpResponse {
    shared.api_journal.clear();
    HttpResponse::NoContent().finish()
}
