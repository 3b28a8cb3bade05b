//! Errors of the control API: a status and `{"error": message}` (plus where, for fixture errors).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::domain::plain_words::plain_serde_message;
use crate::fixture::FixtureError;
use crate::playback::PlayError;
use crate::probe::ProbeError;
use crate::sdk::SdkError;
use crate::webhook::fire::FireError;

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Fixture(#[from] FixtureError),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    TooLarge(String),
    /// The request cannot be met in the emulator's present state (a limit reached).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Fire(#[from] FireError),
    #[error("{0}")]
    Probe(#[from] ProbeError),
    #[error("{0}")]
    Play(#[from] PlayError),
    #[error("{0}")]
    Sdk(#[from] SdkError),
}

impl ResponseError for ControlError {
    fn status_code(&self) -> StatusCode {
        match self {
            ControlError::BadRequest(_) | ControlError::Fixture(_) => StatusCode::BAD_REQUEST,
            ControlError::NotFound(_) => StatusCode::NOT_FOUND,
            ControlError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ControlError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ControlError::Conflict(_) => StatusCode::CONFLICT,
            ControlError::Fire(error) | ControlError::Probe(ProbeError::Fire(error)) => match error
            {
                FireError::UnknownApp(_) | FireError::UnknownDelivery(_) => StatusCode::NOT_FOUND,
                FireError::NothingToReplay(..) => StatusCode::CONFLICT,
                _ => StatusCode::BAD_REQUEST,
            },
            ControlError::Probe(ProbeError::UnknownProbe(_)) => StatusCode::NOT_FOUND,
            ControlError::Probe(ProbeError::NoUrl(_)) => StatusCode::CONFLICT,
            ControlError::Probe(_) => StatusCode::BAD_REQUEST,
            ControlError::Play(error) => match error {
                PlayError::UnknownApp(_) | PlayError::UnknownEngagement { .. } => {
                    StatusCode::NOT_FOUND
                }
                PlayError::Ambiguous { .. } => StatusCode::CONFLICT,
                PlayError::NoApp(_) => StatusCode::BAD_REQUEST,
            },
            ControlError::Sdk(error) => match error {
                SdkError::BadRequest(_) => StatusCode::BAD_REQUEST,
                SdkError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
                SdkError::NotFound(_) => StatusCode::NOT_FOUND,
                SdkError::NoSettings(_) | SdkError::NoOpenPage(_) => StatusCode::CONFLICT,
                SdkError::Closed(_) => StatusCode::GONE,
            },
        }
    }

    fn error_response(&self) -> HttpResponse {
        let body = match self {
            ControlError::Fixture(e) => json!({
                "error": self.to_string(),
                "location": e.location,
                "message": e.message,
            }),
            _ => json!({ "error": self.to_string() }),
        };
        HttpResponse::build(self.status_code()).json(body)
    }
}

/// A control body read as `T`. A body that does not fit is a 400 that starts with `usage` (the
/// shape the endpoint takes) and says what is wrong in plain words, and where in the body.
pub(crate) fn parse_body<T: DeserializeOwned>(body: &[u8], usage: &str) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|e| {
        ControlError::BadRequest(format!(
            "{usage}: {} (line {}, column {} of the body)",
            plain_serde_message(&e.to_string()),
            e.line(),
            e.column()
        ))
    })
}

/// A control body read up to `limit` bytes; past it a 413 that says `too_large`.
pub(crate) async fn read_body_up_to(
    mut payload: actix_web::web::Payload,
    limit: usize,
    too_large: &str,
) -> Result<web::BytesMut, ControlError> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ControlError::BadRequest(format!("reading the body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(ControlError::TooLarge(format!(
                "{too_large} (the limit is {limit} bytes)"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The 404 of the control API: every endpoint, listed from the route table.
pub async fn unknown_endpoint(
    req: HttpRequest,
    listing: web::Data<String>,
) -> Result<HttpResponse, ControlError> {
    Err(ControlError::NotFound(format!(
        "No control endpoint {} {}. The control API has: {}.",
        req.method(),
        req.path(),
        listing.as_str()
    )))
}
