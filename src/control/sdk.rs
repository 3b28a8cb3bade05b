//! The hosted calling widget's control endpoints (docs/calling-widget.md), thin over
//! `sdk::SdkHost`: `POST /_emulator/sdk/sessions` opens a host session (201, with its events URL
//! and ticket), `GET` lists them; `POST …/sessions/{id}/messages` takes one report of the page
//! (journaled, judged, answered with the replies and actions); `POST /_emulator/sdk/dial`,
//! `…/hangup`, `…/visibility` push a command to the newest open page (202; 409 without one);
//! `GET`/`DELETE /_emulator/sdk/messages` page and empty the SDK message journal. The events
//! stream itself is in `sdk_events`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::error::{parse_body, read_body_up_to};
use super::ControlError;
use crate::context::sandbox::{sandbox_base, SandboxBase};
use crate::context::Ctx;
use crate::journal::PageRequest;
use crate::sdk::commands::{CommandKind, CommandRequest};
use crate::sdk::limits::MAX_REPORT_BYTES;
use crate::sdk::setup::{SessionRequest, SESSION_USAGE};
use crate::sdk::Report;

/// The events stream's path for a session (its ticket in the query).
pub fn events_path(session_id: &str) -> String {
    format!("{}/sdk/sessions/{session_id}/events", super::CONTROL_PREFIX)
}

/// Is `path` a session's events stream (which its ticket guards instead of the control token)?
pub fn is_events_path(path: &str) -> bool {
    path.strip_prefix(super::CONTROL_PREFIX)
        .and_then(|rest| rest.strip_prefix("/sdk/sessions/"))
        .and_then(|rest| rest.strip_suffix("/events"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// A body that may be empty (every field optional).
fn optional_body<T: serde::de::DeserializeOwned + Default>(
    body: &[u8],
    usage: &str,
) -> Result<T, ControlError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    parse_body(body, usage)
}

pub async fn open(
    req: HttpRequest,
    shared: Ctx,
    body: web::Bytes,
) -> Result<HttpResponse, ControlError> {
    let request: SessionRequest = optional_body(&body, SESSION_USAGE)?;
    let opened = shared.sdk_host().open(&request)?;
    let mut answer = serde_json::to_value(&opened.hosting).unwrap_or_default();
    answer["sessionId"] = json!(opened.session_id);
    // A path from the origin, for the page's EventSource: under a sandbox, the sandbox's.
    let base = sandbox_base(&req).map_or(String::new(), |SandboxBase(base)| base);
    answer["events"] = json!(format!(
        "{base}{}?ticket={}",
        events_path(&opened.session_id),
        opened.ticket
    ));
    answer["limits"] = json!({
        "initializeWithinMs": opened.limits.initialize_within.as_millis() as u64,
        "syncAckWithinMs": opened.limits.sync_ack_within.as_millis() as u64,
    });
    tracing::info!(session = %opened.session_id, app_id = %opened.hosting.app_id, "host session opened");
    Ok(HttpResponse::Created().json(answer))
}

pub async fn sessions(shared: Ctx) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "sessions": shared.sdk_host().list() }))
}

pub async fn report(
    shared: Ctx,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlError> {
    let body = read_body_up_to(
        payload,
        MAX_REPORT_BYTES,
        "a message report this large is more than any SDK message carries; report the message the SDK handed to onMessageHandler, not a page's state",
    )
    .await?;
    let report = Report::parse(&body).map_err(ControlError::BadRequest)?;
    Ok(HttpResponse::Ok().json(shared.sdk_host().report(&id, report)?))
}

pub async fn dial(shared: Ctx, body: web::Bytes) -> Result<HttpResponse, ControlError> {
    command(&shared, &body, CommandKind::Dial)
}

pub async fn hangup(shared: Ctx, body: web::Bytes) -> Result<HttpResponse, ControlError> {
    command(&shared, &body, CommandKind::Hangup)
}

pub async fn visibility(shared: Ctx, body: web::Bytes) -> Result<HttpResponse, ControlError> {
    command(&shared, &body, CommandKind::Visibility)
}

/// A command for the newest open page: 202 once it is on its way.
fn command(shared: &Ctx, body: &[u8], kind: CommandKind) -> Result<HttpResponse, ControlError> {
    let request: CommandRequest = optional_body(body, kind.usage())?;
    let (target, command) = request.command(kind)?;
    Ok(HttpResponse::Accepted().json(shared.sdk_host().command(target, &command)?))
}

pub async fn messages(shared: Ctx, query: web::Query<PageRequest>) -> HttpResponse {
    HttpResponse::Ok().json(shared.sdk_messages.page(*query))
}

pub async fn clear_messages(shared: Ctx) -> HttpResponse {
    shared.sdk_messages.clear();
    HttpResponse::NoContent().finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_sessions_events_path_is_ticketed() {
        assert!(is_events_path(&events_path("s12")));
        for path in [
            "/_emulator/sdk/sessions//events",
            "/_emulator/sdk/sessions/s1/messages",
            "/_emulator/sdk/sessions/s1/x/events",
            "/_emulator/sdk/sessions",
            "/sdk/sessions/s1/events",
        ] {
            assert!(!is_events_path(path), "{path}");
        }
    }
}
