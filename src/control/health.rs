//! `GET /_emulator/health`: is the emulator up, which version, how much state, and how much of
//! the journals' byte budget is in use.

use actix_web::HttpResponse;
use serde_json::json;

use crate::context::Ctx;

pub async fn health(shared: Ctx) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "apps": shared.store.app_count(),
        "uptimeMs": shared.started.elapsed().as_millis() as u64,
        "journalBytes": shared.journal_budget.used(),
        "journalBudgetBytes": shared.journal_budget.limit(),
    }))
}
