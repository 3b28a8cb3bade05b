//! `POST /_emulator/fire` `{appId, portalId, userId, force?, timeoutMs?}` → the verdict.

use actix_web::{web, HttpResponse};

use super::error::parse_body;
use super::ControlError;
use crate::context::Ctx;
use crate::webhook::fire::FireRequest;

pub async fn fire(shared: Ctx, body: web::Bytes) -> Result<HttpResponse, ControlError> {
    let request: FireRequest = parse_body(
        &body,
        r#"fire takes {"appId": N, "portalId": N, "userId": N, "force"?: bool, "timeoutMs"?: N}"#,
    )?;
    let verdict = shared.webhooks().fire(request).await?;
    Ok(HttpResponse::Ok().json(verdict))
}
