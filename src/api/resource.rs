//! The generic handlers for a `CallingResource`: GET (and HEAD, the same without the body), POST
//! (create, 200 not 201), PATCH (only the given fields), DELETE (204, empty body) and a 405 for
//! any other method.

use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, Resource};

use super::body::read_json_body;
use super::call::AppCall;
use super::error::ApiError;
use crate::context::state_of;
use crate::domain::fields::{parse_body, Mode};
use crate::domain::CallingResource;
use crate::state::EmulatorState;

/// HubSpot's content type for JSON responses.
pub const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";

/// The actix resource serving `R` inside a path family's `{appId}` scope.
pub fn service<R: CallingResource>() -> Resource {
    let mut resource = web::resource(R::PATH)
        .route(web::get().to(get::<R>))
        // actix sends a HEAD response's headers (Content-Length included) without its body.
        .route(web::head().to(get::<R>))
        .route(web::post().to(create::<R>))
        .route(web::patch().to(patch::<R>));
    if R::DELETABLE {
        resource = resource.route(web::delete().to(delete::<R>));
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
