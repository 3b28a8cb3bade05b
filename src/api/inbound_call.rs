//! `POST {family}/inbound-call` (both path families): an app reports a call its users received.
//! The app's access token (one of `REQUIRED_SCOPES`) names the app and its portal; the body is a
//! `CompletedThirdPartyCallRequest` (`inbound_call::request`, every problem a 400 with its
//! path); the caller is matched against the portal's contacts and companies; with
//! `createEngagement` the call is logged to the portal's CRM (created, or updated when its
//! external id is known); the answer is HubSpot's `{"callerIdMatches": [...]}` — with no
//! engagement id, as HubSpot's spec has it. Whatever the outcome once the request has been
//! read, a call report (matches, engagement, findings) goes to the inbound-call journal.

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;

use super::body::read_json_body_up_to;
use super::crm::reply::{json, shared, MAX_CRM_BODY_BYTES};
use super::error::ApiError;
use super::method;
use super::token::authorize_token;
use crate::clock::Timestamp;
use crate::crm::{PortalCrm, WriteSource};
use crate::inbound_call::caller_id::{caller_e164, match_caller};
use crate::inbound_call::judge::judge_inbound_call;
use crate::inbound_call::write::log_engagement;
use crate::inbound_call::{request, CallReport, CallerIdMatch, EngagementOutcome, REQUIRED_SCOPES};

/// The endpoint under each path family (`PATH_FAMILIES`, in its order).
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/crm/v3/extensions/calling/inbound-call"),
    ("POST", "/crm/extensions/calling/2026-03/inbound-call"),
];

/// Mounted in each path family's scope (`routes::Mount::InFamily`).
pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::resource("/inbound-call")
            .route(method::post().to(inbound_call))
            .default_service(web::to(not_allowed)),
    );
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CompletedThirdPartyCallResponse<'a> {
    caller_id_matches: &'a [CallerIdMatch],
}

async fn inbound_call(req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, ApiError> {
    let token = authorize_token(&req, REQUIRED_SCOPES)?;
    let (app_id, portal_id) = (token.app_id, token.portal()?);
    let body = read_json_body_up_to(
        &req,
        payload,
        MAX_CRM_BODY_BYTES,
        "An inbound call is one CompletedThirdPartyCallRequest: its fields and the call's own engagementProperties.",
    )
    .await?;
    let request = request::parse(&body)?;
    let shared = shared(&req);
    let now = Timestamp::now();
    let has_recording_settings = shared
        .store
        .read_app(app_id, |app| app.extension.recording.is_some())
        .unwrap_or(false);
    // Judged against the real clock: the app stamps its calls by its own, which a fake clock
    // (deterministic mode) does not move, so a call started a moment ago is not "in the future".
    let findings = judge_inbound_call(&request, Timestamp::wall(), has_recording_settings);
    let source = WriteSource::integration(app_id);
    let identify = |crm: &PortalCrm| {
        let caller = caller_e164(&request.from_number.e164_number, crm);
        let matches = caller
            .as_deref()
            .map(|caller| match_caller(crm, portal_id, caller))
            .unwrap_or_default();
        (caller, matches)
    };
    // Only a call that logs an engagement takes the portal's write lock: one that does not
    // reads the CRM beside other readers.
    let (caller, matches, written) = if request.create_engagement {
        shared.store.crm().write(portal_id, |crm| {
            let (caller, matches) = identify(crm);
            let written = log_engagement(crm, &request, &matches, &source, now);
            (caller, matches, Some(written))
        })
    } else {
        let (caller, matches) = shared.store.crm().read(portal_id, identify);
        (caller, matches, None)
    };
    let (engagement_id, engagement, outcome) = match written {
        None => (None, EngagementOutcome::None, Ok(())),
        Some(Ok(logged)) => (
            Some(logged.engagement_id),
            if logged.created {
                EngagementOutcome::Created
            } else {
                EngagementOutcome::Updated
            },
            Ok(()),
        ),
        Some(Err(error)) => (None, EngagementOutcome::None, Err(ApiError::from(error))),
    };
    let response = outcome.map(|()| {
        json(
            StatusCode::OK,
            &CompletedThirdPartyCallResponse {
                caller_id_matches: &matches,
            },
        )
    });
    let (status, error) = match &response {
        Ok(_) => (200, None),
        Err(error) => (error.status_code().as_u16(), Some(error.to_string())),
    };
    let path = req.path().to_string();
    shared.call_reports.push(|id| CallReport {
        id,
        time: now,
        app_id,
        portal_id,
        path,
        request,
        caller_e164: caller,
        caller_id_matches: matches,
        engagement_id,
        engagement,
        status,
        error,
        findings,
    });
    response
}

/// A 405: the inbound-call API takes only POST.
async fn not_allowed(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::MethodNotAllowed {
        message: format!(
            "{} is not supported on {}; use POST with a CompletedThirdPartyCallRequest.",
            req.method(),
            req.path()
        ),
        allow: vec![Method::POST],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::routes::PATH_FAMILIES;

    #[test]
    fn one_endpoint_under_each_path_family() {
        let families: Vec<String> = ENDPOINTS
            .iter()
            .map(|(_, path)| path.trim_end_matches("/inbound-call").to_string())
            .collect();
        assert_eq!(families, PATH_FAMILIES);
    }
}
