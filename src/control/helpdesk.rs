//! `GET /_emulator/portals/{portalId}/users/{userId}/apps`: what the help desk offers this user
//! before anything is sent — each app offered and selectable, greyed out, or not offered at all,
//! with the reason, exactly as the gate decides when firing. The dashboard's help-desk view
//! shows it; opening a selectable app is then a `POST /_emulator/fire`.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::context::Ctx;
use crate::domain::{AppId, PortalId, UserId};
use crate::webhook::gating::{decide, Gate};
use crate::webhook::{Outcome, Severity};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OfferedApp {
    app_id: AppId,
    name: String,
    /// `selectable`, `greyed-out` or `not-offered` (no channel connection).
    state: &'static str,
    /// The channel connection's `isReady`, if there is one.
    is_ready: Option<bool>,
    /// Why: the gate's findings (codes and messages).
    reasons: Vec<Reason>,
}

#[derive(Serialize)]
struct Reason {
    code: String,
    severity: Severity,
    message: String,
}

pub async fn offered_apps(shared: Ctx, path: web::Path<(PortalId, UserId)>) -> HttpResponse {
    let (portal_id, user_id) = path.into_inner();
    let flag = shared.store.user_flag(portal_id, user_id);
    let apps: Vec<OfferedApp> = shared
        .store
        .apps()
        .into_iter()
        .map(|app| {
            let connection = app.extension.channel_connection.as_ref();
            let settings = app.extension.settings.as_ref();
            let (state, findings) = match decide(connection, settings, flag, false) {
                Gate::Send { notes } => ("selectable", notes),
                Gate::Stop {
                    outcome: Outcome::NotRegistered,
                    findings,
                } => ("not-offered", findings),
                Gate::Stop { findings, .. } => ("greyed-out", findings),
            };
            OfferedApp {
                app_id: app.profile.app_id,
                name: app.profile.name.clone(),
                state,
                is_ready: connection.map(|c| c.is_ready),
                reasons: findings
                    .into_iter()
                    .map(|f| Reason {
                        code: f.code,
                        severity: f.severity,
                        message: f.message,
                    })
                    .collect(),
            }
        })
        .collect();
    HttpResponse::Ok().json(serde_json::json!({
        "portalId": portal_id,
        "userId": user_id,
        "supportsChannelConnection": flag,
        "apps": apps,
    }))
}
