//! The basic object endpoints: GET list (paged by id), POST create (201), GET one, PATCH
//! (200), DELETE (204, archives). `idProperty` looks an object up by a unique property.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use serde_json::{Map, Value};

use super::auth::CrmCall;
use super::judged::{self, CallJudge};
use super::query::QueryParams;
use super::reply::{json, read_body, shared};
use crate::api::error::ApiError;
use crate::crm::{CrmObject, ObjectInput, ObjectType, ObjectView, PortalCrm, ReadOptions};

/// The read options of a query string (`properties`, `propertiesWithHistory`, `associations`,
/// `archived`), as GET one and GET list take them.
pub fn read_options(query: &QueryParams) -> Result<ReadOptions, ApiError> {
    Ok(ReadOptions {
        properties: query.list("properties"),
        properties_with_history: query.list("propertiesWithHistory"),
        associations: query.list("associations"),
        archived: query.flag("archived")?,
    })
}

#[derive(Serialize)]
struct ListPage {
    results: Vec<ObjectView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paging: Option<Paging>,
}

#[derive(Serialize)]
pub struct Paging {
    pub next: NextPage,
}

#[derive(Serialize)]
pub struct NextPage {
    pub after: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
}

pub async fn list(call: CrmCall, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let query = QueryParams::parse(req.query_string());
    let options = read_options(&query)?;
    let limit = query.number("limit")?.unwrap_or(10);
    let after = query.single("after").map(str::to_string);
    let page = shared(&req).store.crm().read(call.portal_id, |crm| {
        let page = crm.list(call.object_type, after.as_deref(), limit, options.archived)?;
        Ok::<_, ApiError>(ListPage {
            results: page
                .results
                .iter()
                .map(|o| crm.render(call.object_type, o, &options))
                .collect(),
            paging: page.next_after.map(|after| Paging {
                next: NextPage {
                    link: Some(next_link(&req, &after.to_string())),
                    after: after.to_string(),
                },
            }),
        })
    })?;
    Ok(json(StatusCode::OK, &page))
}

/// The URL of the next page: this request's, its `after` replaced.
fn next_link(req: &HttpRequest, after: &str) -> String {
    let info = req.connection_info();
    let mut query: Vec<String> = req
        .query_string()
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("after="))
        .map(str::to_string)
        .collect();
    query.push(format!("after={after}"));
    format!(
        "{}://{}{}?{}",
        info.scheme(),
        info.host(),
        req.path(),
        query.join("&")
    )
}

pub async fn create(
    call: CrmCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let input: ObjectInput = read_body(
        &req,
        payload,
        "SimplePublicObjectInputForCreate",
        r#"{"properties": {"hs_timestamp": "2026-11-27T17:30:00.000Z", "hs_call_title": "Support call"}, "associations": [{"to": {"id": "500"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}]}]}"#,
    )
    .await?;
    let judge = CallJudge::of(&req, &call);
    let object = shared(&req).store.crm().write(call.portal_id, |crm| {
        let id = crm.create(call.object_type, &input, &call.source())?;
        let object = just_written(crm, call.object_type, id);
        Ok::<_, ApiError>(judge.written(object, call.object_type, input.properties.keys()))
    })?;
    let view = object.view(call.object_type, input.properties.keys());
    judged::journal(&req, &call, judge.judge([object]));
    Ok(json(StatusCode::CREATED, &view))
}

/// The object `id` a write just stored, as its portal holds it (the write still holds the lock).
pub fn just_written(crm: &PortalCrm, object_type: ObjectType, id: u64) -> &CrmObject {
    crm.object(object_type, id)
        .expect("the object was just written")
}

pub async fn get(call: CrmCall, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let query = QueryParams::parse(req.query_string());
    let options = read_options(&query)?;
    let id = object_id(&req);
    let id_property = query.single("idProperty").map(str::to_string);
    let view = shared(&req).store.crm().read(call.portal_id, |crm| {
        let object = crm.find(
            call.object_type,
            &id,
            id_property.as_deref(),
            options.archived,
        )?;
        Ok::<_, ApiError>(crm.render(call.object_type, object, &options))
    })?;
    Ok(json(StatusCode::OK, &view))
}

#[derive(serde::Deserialize)]
struct PropertiesInput {
    #[serde(deserialize_with = "crate::crm::input::scalar_properties")]
    properties: Map<String, Value>,
}

pub async fn update(
    call: CrmCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let query = QueryParams::parse(req.query_string());
    let id_property = query.single("idProperty").map(str::to_string);
    let input: PropertiesInput = read_body(
        &req,
        payload,
        "SimplePublicObjectInput",
        r#"{"properties": {"hs_call_status": "COMPLETED"}}"#,
    )
    .await?;
    let id = object_id(&req);
    let judge = CallJudge::of(&req, &call);
    let object = shared(&req).store.crm().write(call.portal_id, |crm| {
        let id = crm.update(
            call.object_type,
            &id,
            id_property.as_deref(),
            &input.properties,
            &call.source(),
        )?;
        let object = just_written(crm, call.object_type, id);
        Ok::<_, ApiError>(judge.written(object, call.object_type, input.properties.keys()))
    })?;
    let view = object.view(call.object_type, input.properties.keys());
    judged::journal(&req, &call, judge.judge([object]));
    Ok(json(StatusCode::OK, &view))
}

pub async fn archive(call: CrmCall, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let id = object_id(&req);
    shared(&req)
        .store
        .crm()
        .write(call.portal_id, |crm| crm.archive(call.object_type, &id))?;
    Ok(HttpResponse::NoContent().finish())
}

fn object_id(req: &HttpRequest) -> String {
    req.match_info()
        .get("objectId")
        .unwrap_or_default()
        .to_string()
}
