//! Recordings played as HubSpot plays them: `POST /_emulator/recordings/play`
//! `{engagementId, appId?, portalId?}` plays one now and answers the verdict (outcome, findings,
//! exchanges); `GET /_emulator/recordings[?after=ID][&limit=N]` lists the verdicts of every play
//! (on demand and after an app's `recordings/ready`), oldest first; `GET …/{id}` one of them;
//! `DELETE` empties the journal.

use actix_web::{web, HttpResponse};

use super::error::parse_body;
use super::ControlError;
use crate::context::Ctx;
use crate::journal::PageRequest;
use crate::playback::PlayRequest;
use crate::recording::Trigger;

pub async fn play(shared: Ctx, body: web::Bytes) -> Result<HttpResponse, ControlError> {
    let request: PlayRequest = parse_body(
        &body,
        r#"recordings/play takes {"engagementId": N, "appId"?: N, "portalId"?: N}"#,
    )?;
    let verdict = shared.playbacks().play(request, Trigger::Control).await?;
    Ok(HttpResponse::Ok().json(verdict))
}

pub async fn list(shared: Ctx, query: web::Query<PageRequest>) -> HttpResponse {
    HttpResponse::Ok().json(shared.recordings.page(*query))
}

pub async fn one(shared: Ctx, id: web::Path<u64>) -> Result<HttpResponse, ControlError> {
    let id = id.into_inner();
    let verdict = shared.recordings.get(id).ok_or_else(|| {
        ControlError::NotFound(format!(
            "no recording verdict {id} is kept (the journal keeps the newest ones); GET /_emulator/recordings lists them"
        ))
    })?;
    Ok(HttpResponse::Ok().json(verdict))
}

pub async fn clear(shared: Ctx) -> HttpResponse {
    shared.recordings.clear();
    HttpResponse::NoContent().finish()
}
