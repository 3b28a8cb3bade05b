//! Third-party transcripts (both path families, as HubSpot's Transcriptions spec has them):
//! `POST {family}/transcripts` takes a `TranscriptCreateRequest` for one of the token's portal's
//! calls and answers `{"id"}`; `GET …/transcripts/{transcriptId}` answers the
//! `TranscriptResponse`; `DELETE` answers 204. OAuth only, with
//! `crm.extensions_calling_transcripts.write` (POST, DELETE) or `.read` (GET). A body that
//! `recording::transcript` refuses, or whose utterances run past the call's end, is HubSpot's
//! 400 with every problem at its path; an unknown call or transcript is a 404.

use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::body::read_json_body_up_to;
use super::crm::reply::{json, shared, MAX_CRM_BODY_BYTES};
use super::error::ApiError;
use super::method;
use super::token::authorize_token;
use crate::clock::Timestamp;
use crate::crm::portal::parse_id;
use crate::crm::{Speaker, Transcript};
use crate::domain::Invalid;
use crate::recording::transcript::{self, check_within_call};

/// `crm.extensions_calling_transcripts.write`: POST and DELETE.
pub const WRITE_SCOPES: &[&str] = &["crm.extensions_calling_transcripts.write"];
/// `crm.extensions_calling_transcripts.read`: GET.
pub const READ_SCOPES: &[&str] = &["crm.extensions_calling_transcripts.read"];

/// Every endpoint, for the 404's suggestions.
pub const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/crm/v3/extensions/calling/transcripts"),
    (
        "GET, DELETE",
        "/crm/v3/extensions/calling/transcripts/{transcriptId}",
    ),
    ("POST", "/crm/extensions/calling/2026-03/transcripts"),
    (
        "GET, DELETE",
        "/crm/extensions/calling/2026-03/transcripts/{transcriptId}",
    ),
];

/// Mounted in each path family's scope (`routes::Mount::InFamily`): `transcripts` is not an
/// app id.
pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::resource("/transcripts")
            .route(method::post().to(create))
            .default_service(web::to(|req: HttpRequest| async move {
                Err::<HttpResponse, _>(ApiError::method_not_allowed(&req, vec![Method::POST]))
            })),
    );
    config.service(
        web::resource("/transcripts/{transcriptId}")
            .route(method::get().to(get))
            .route(method::delete().to(delete))
            .default_service(web::to(|req: HttpRequest| async move {
                Err::<HttpResponse, _>(ApiError::method_not_allowed(
                    &req,
                    vec![Method::GET, Method::DELETE],
                ))
            })),
    );
}

#[derive(Serialize)]
struct TranscriptCreateResponse {
    id: String,
}

async fn create(req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, ApiError> {
    let token = authorize_token(&req, WRITE_SCOPES)?;
    let portal_id = token.portal()?;
    let body = read_json_body_up_to(
        &req,
        payload,
        MAX_CRM_BODY_BYTES,
        "A transcript is one TranscriptCreateRequest; send a long call's transcript in smaller utterances, or split it.",
    )
    .await?;
    let request = transcript::parse(&body)?;
    let id = shared(&req).store.crm().write(portal_id, |crm| {
        let call = crm.live_call(request.engagement_id)?;
        let duration = call
            .get("hs_call_duration")
            .and_then(|d| d.trim().parse::<i64>().ok());
        let late = check_within_call(&request.utterances, duration);
        if !late.is_empty() {
            return Err(ApiError::from(Invalid::Fields(late)));
        }
        crm.add_transcript(request.engagement_id, request.utterances, Timestamp::now())
            .map_err(ApiError::from)
    })?;
    Ok(json(
        StatusCode::OK,
        &TranscriptCreateResponse { id: id.to_string() },
    ))
}

/// `TranscriptResponse`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TranscriptResponse<'a> {
    id: String,
    engagement_id: u64,
    transcript_source: &'static str,
    transcript_utterances: Vec<UtteranceResponse<'a>>,
    created_at: Timestamp,
    updated_at: Timestamp,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UtteranceResponse<'a> {
    id: String,
    text: &'a str,
    start_time_millis: i64,
    end_time_millis: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    language_code: Option<&'a str>,
    speaker: &'a Speaker,
}

fn response(transcript: &Transcript) -> TranscriptResponse<'_> {
    TranscriptResponse {
        id: transcript.id.to_string(),
        engagement_id: transcript.engagement_id,
        // Every transcript here came from an app through this API.
        transcript_source: "INTEGRATOR_GENERATED",
        transcript_utterances: transcript
            .utterances
            .iter()
            .enumerate()
            .map(|(index, u)| UtteranceResponse {
                id: (index + 1).to_string(),
                text: &u.text,
                start_time_millis: u.start_time_millis,
                end_time_millis: u.end_time_millis,
                language_code: u.language_code.as_deref(),
                speaker: &u.speaker,
            })
            .collect(),
        created_at: transcript.created_at,
        updated_at: transcript.updated_at,
    }
}

async fn get(req: HttpRequest, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let token = authorize_token(&req, READ_SCOPES)?;
    let portal_id = token.portal()?;
    let id = known_id(&id)?;
    shared(&req).store.crm().read(portal_id, |crm| {
        crm.transcript(id)
            .map(|t| json(StatusCode::OK, &response(t)))
            .ok_or_else(|| not_found(id, portal_id))
    })
}

async fn delete(req: HttpRequest, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let token = authorize_token(&req, WRITE_SCOPES)?;
    let portal_id = token.portal()?;
    let id = known_id(&id)?;
    let deleted = shared(&req)
        .store
        .crm()
        .write(portal_id, |crm| crm.delete_transcript(id));
    if deleted {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(not_found(id, portal_id))
    }
}

/// A transcript id as the emulator hands them out (digits); anything else names none.
fn known_id(id: &str) -> Result<u64, ApiError> {
    parse_id(id).ok_or_else(|| {
        ApiError::NotFound(format!(
            "No transcript has the id {id:?}: transcript ids are the digits POST …/transcripts answered with."
        ))
    })
}

fn not_found(id: u64, portal_id: crate::domain::PortalId) -> ApiError {
    ApiError::NotFound(format!(
        "No transcript {id} in portal {portal_id}: it was deleted, or never created there (POST /crm/v3/extensions/calling/transcripts answers with the id)."
    ))
}
