//! Reads a request body the way a strict JSON API must: `Content-Type: application/json`
//! required, the size capped while reading (never buffering past the cap), and every refusal in
//! HubSpot's envelope with the fix spelled out.

use actix_web::http::header;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;

use super::error::ApiError;

/// The largest body the API accepts; settings bodies are a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub async fn read_json_body(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<web::Bytes, ApiError> {
    read_json_body_up_to(
        req,
        payload,
        MAX_BODY_BYTES,
        "Calling settings bodies are small JSON objects; check that you are sending the right payload.",
    )
    .await
}

/// A JSON body of at most `max` bytes; `hint` ends the 413's message.
pub async fn read_json_body_up_to(
    req: &HttpRequest,
    mut payload: web::Payload,
    max: usize,
    hint: &str,
) -> Result<web::Bytes, ApiError> {
    check_content_type(req)?;
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "The request body is larger than {max} bytes. {hint}"
        ))
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(256).min(max));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::bad_request(format!("The request body could not be read: {e}"))
        })?;
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn check_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let given = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("<not text>").to_string());
    let is_json = given.as_deref().is_some_and(|value| {
        let essence = value.split(';').next().unwrap_or("").trim();
        essence.eq_ignore_ascii_case("application/json")
    });
    if is_json {
        return Ok(());
    }
    let got = match given {
        Some(value) => format!("Content-Type {value:?}"),
        None => "no Content-Type header".to_string(),
    };
    Err(ApiError::UnsupportedMediaType(format!(
        "The request has {got}. Send the body as JSON with the header Content-Type: application/json (with curl: -H 'Content-Type: application/json')."
    )))
}
