//! The generic handlers for a `CallingResource`: GET (and HEAD, the same without the body), POST
//! (create, 200 not 201), PATCH (only the given fields), DELETE (204, empty body) and a 405 for
//! any other method.

use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, Resource};

use std::any::Any;

use actix_web::HttpMessage;

use super::body::read_json_body;
use super::call::AppCall;
use super::error::ApiError;
use super::method;
use super::observe::ApiFindings;
use crate::context::state_of;
use crate::domain::fields::{parse_body, Mode};
use crate::domain::{CallingResource, Recording};
use crate::recording::settings::{judge_settings, Stage};
use crate::state::EmulatorState;

/// HubSpot's content type for JSON responses.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// The actix resource serving `R` inside a path family's `{appId}` scope.
pub fn service<R: CallingResource>() -> Resource {
    let mut resource = web::resource(R::PATH)
        .route(method::get().to(get::<R>))
        // actix sends a HEAD response's headers (Content-Length included) without its body.
        .route(method::head().to(get::<R>))
        .route(method::post().to(create::<R>))
        .route(method::patch().to(patch::<R>));
    if R::DELETABLE {
        resource = resource.route(method::delete().to(delete::<R>));
    }
    resource.default_service(web::to(method_not_allowed::<R>))
}

pub fn allowed_methods<R: CallingResource>() -> Vec<Method> {
    let mut methods = vec![Method::GET, Method::HEAD, Method::POST, Method::PATCH];
    if R::DELETABLE {
        methods.push(Method::DELETE);
    }
    methods
}

async fn get<R: CallingResource>(
    call: AppCall,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let record = shared(&req).store.get::<R>(call.app_id)?;
    Ok(json_ok(&record))
}

async fn create<R: CallingResource>(
    call: AppCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = read_json_body(&req, payload).await?;
    let fields = parse_body::<R::Fields>(&body, &R::CREATE_SCHEMA, Mode::Create)?;
    let record = shared(&req).store.create::<R>(call.app_id, fields)?;
    note_findings(&req, &record);
    Ok(json_ok(&record))
}

async fn patch<R: CallingResource>(
    call: AppCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let body = read_json_body(&req, payload).await?;
    let fields = parse_body::<R::Fields>(&body, &R::PATCH_SCHEMA, Mode::Patch)?;
    let record = shared(&req).store.patch::<R>(call.app_id, fields)?;
    note_findings(&req, &record);
    Ok(json_ok(&record))
}

async fn delete<R: CallingResource>(
    call: AppCall,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    shared(&req).store.delete::<R>(call.app_id)?;
    Ok(HttpResponse::NoContent().finish())
}

async fn method_not_allowed<R: CallingResource>(
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let allow = allowed_methods::<R>();
    let names: Vec<&str> = allow.iter().map(Method::as_str).collect();
    let extra = if R::DELETABLE {
        ""
    } else {
        " HubSpot has no DELETE for these settings: change them with PATCH instead."
    };
    Err(ApiError::MethodNotAllowed {
        message: format!(
            "{} is not supported on the {} endpoint; use {}.{extra}",
            req.method(),
            R::LABEL,
            names.join(", ")
        ),
        allow,
    })
}

/// What the emulator makes of a record stored as given: recording settings whose URL breaks
/// HubSpot's rule are kept (so the app can be judged further) and the findings go to the API
/// journal (`observe`). The other resources' rules are their schemas, checked before storing.
fn note_findings<T: Any>(req: &HttpRequest, record: &T) {
    let Some(recording) = (record as &dyn Any).downcast_ref::<Recording>() else {
        return;
    };
    let findings = judge_settings(
        &recording.url_to_retrieve_authed_recording,
        Stage::Registration,
    );
    if !findings.is_empty() {
        req.extensions_mut().insert(ApiFindings(findings));
    }
}

/// The state, borrowed from the request rather than cloned (see `observe`).
pub(crate) fn shared(req: &HttpRequest) -> &EmulatorState {
    state_of(req).expect("the state is registered by the composition root")
}

pub(crate) fn json_ok(record: &impl serde::Serialize) -> HttpResponse {
    match serde_json::to_vec(record) {
        Ok(body) => HttpResponse::build(StatusCode::OK)
            .insert_header((
                header::CONTENT_TYPE,
                header::HeaderValue::from_static(JSON_CONTENT_TYPE),
            ))
            .body(body),
        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
    }
}
