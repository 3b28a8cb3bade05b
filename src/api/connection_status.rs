//! The connection-statuses API (`/crm/extensions/calling/v3/connection-statuses`, a prefix of its
//! own: not `/crm/v3/…`): which calling provider each user of the token's portal has connected.
//! `GET` lists the users asked for (`?userId=1&userId=2` or `?userId=1,2`; none: every user),
//! `POST …/batch/read` reads `{"inputs": [{"id": "1"}]}`, `GET …/me` answers for the token's own
//! user. A user the portal does not declare is left out of a list; `/me` always answers.

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use super::body::read_json_body;
use super::error::ApiError;
use super::method;
use super::resource::{json_ok, shared};
use super::token::authorize_token;
use crate::domain::connection_status::request::{user_ids_from_batch, user_ids_from_query};
use crate::domain::scope::CONNECTION_STATUS_SCOPES;

pub const LIST: &str = "/crm/extensions/calling/v3/connection-statuses";
pub const BATCH_READ: &str = "/crm/extensions/calling/v3/connection-statuses/batch/read";
pub const ME: &str = "/crm/extensions/calling/v3/connection-statuses/me";

/// Methods and path of each endpoint (the 404's suggestions and the 405's `Allow`).
pub const ENDPOINTS: &[(&str, &str)] =
    &[("GET, HEAD", LIST), ("POST", BATCH_READ), ("GET, HEAD", ME)];

pub fn configure(config: &mut web::ServiceConfig) {
    let read = || [Method::GET, Method::HEAD];
    config
        .service(
            web::resource(LIST)
                .route(method::get().to(list))
                .route(method::head().to(list))
                .default_service(web::to(move |req| not_allowed(req, read().to_vec()))),
        )
        .service(
            web::resource(BATCH_READ)
                .route(method::post().to(batch_read))
                .default_service(web::to(|req| not_allowed(req, vec![Method::POST]))),
        )
        .service(
            web::resource(ME)
                .route(method::get().to(me))
                .route(method::head().to(me))
                .default_service(web::to(move |req| not_allowed(req, read().to_vec()))),
        );
}

async fn list(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let call = authorize_token(&req, CONNECTION_STATUS_SCOPES)?;
    let pairs = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map_err(|e| {
            ApiError::bad_request(format!(
                "The query string does not parse ({e}). Ask for users with ?userId=101&userId=102 or ?userId=101,102."
            ))
        })?
        .into_inner();
    let users = user_ids_from_query(
        pairs
            .iter()
            .filter(|(key, _)| key == "userId")
            .map(|(_, value)| value.as_str()),
    )?;
    let portal = call.portal()?;
    let results = shared(&req)
        .store
        .connection_statuses(portal, users.as_deref());
    Ok(json_ok(&json!({ "results": results })))
}

async fn batch_read(req: HttpRequest, payload: web::Payload) -> Result<HttpResponse, ApiError> {
    let call = authorize_token(&req, CONNECTION_STATUS_SCOPES)?;
    let body = read_json_body(&req, payload).await?;
    let users = user_ids_from_batch(&body)?;
    let portal = call.portal()?;
    let results = shared(&req).store.connection_statuses(portal, Some(&users));
    Ok(json_ok(&json!({ "results": results })))
}

async fn me(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let call = authorize_token(&req, CONNECTION_STATUS_SCOPES)?;
    let user = call.user()?;
    let portal = call.portal()?;
    Ok(json_ok(
        &shared(&req).store.user_connection_status(portal, user),
    ))
}

async fn not_allowed(req: HttpRequest, allow: Vec<Method>) -> Result<HttpResponse, ApiError> {
    Err(ApiError::method_not_allowed(&req, allow))
}
