//! What the CRM handlers share: reading a JSON body into a request type (bounded, with serde's
//! complaint in plain words and its JSON path), and writing a JSON reply with HubSpot's content
//! type and the status the official clients expect.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::super::body::read_json_body_up_to;
use super::super::error::ApiError;
use super::super::resource::JSON_CONTENT_TYPE;
use crate::context::state_of;
use crate::domain::plain_words::{plain_serde_message, without_position};
use crate::state::EmulatorState;

/// The largest CRM request body: a batch of 100 inputs with their properties. Assumed; HubSpot
/// does not publish one.
pub const MAX_CRM_BODY_BYTES: usize = 1024 * 1024;

/// The body as `T`, or a 400 naming where it breaks `schema` (HubSpot's schema name) and an
/// example that fits.
pub async fn read_body<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    schema: &str,
    example: &str,
) -> Result<T, ApiError> {
    let body = read_json_body_up_to(
        req,
        payload,
        MAX_CRM_BODY_BYTES,
        "Send at most 100 inputs per batch request.",
    )
    .await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(format!(
            "The request body is empty. Send a JSON {schema} such as {example}"
        )));
    }
    // Read plainly first: only an error needs the path, and tracking it on every read showed in
    // the CRM create's profile. The tracking reader accepts what the plain one does (it forwards
    // every call and only notes where it is), so a refused body is read again with it, for the
    // message.
    if let Ok(input) = T::deserialize(&mut serde_json::Deserializer::from_slice(&body)) {
        return Ok(input);
    }
    let mut reader = serde_json::Deserializer::from_slice(&body);
    serde_path_to_error::deserialize(&mut reader).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let at = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!(" at {path}")
        };
        let what = if inner.is_syntax() || inner.is_eof() {
            format!(
                "invalid JSON on line {}, column {}: {}",
                inner.line(),
                inner.column(),
                without_position(&inner.to_string())
            )
        } else {
            plain_serde_message(&inner.to_string())
        };
        ApiError::bad_request(format!(
            "Invalid input for {schema}{at}: {what}. Example: {example}"
        ))
    })
}

pub fn json(status: StatusCode, value: &impl Serialize) -> HttpResponse {
    match serde_json::to_vec(value) {
        Ok(body) => HttpResponse::build(status)
            .insert_header((
                header::CONTENT_TYPE,
                header::HeaderValue::from_static(JSON_CONTENT_TYPE),
            ))
            .body(body),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}

/// The state, borrowed from the request.
pub fn shared(req: &HttpRequest) -> &EmulatorState {
    state_of(req).expect("the state is registered by the composition root")
}
