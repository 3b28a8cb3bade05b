//! `POST /crm/v3/objects/{type}/search` → `{total, results, paging}` (200). The CRM does the
//! work; this reads the body and shapes the page (`paging.next.after` only while more remain).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::auth::CrmCall;
use super::objects::{NextPage, Paging};
use super::reply::{json, read_body, shared};
use crate::api::error::ApiError;
use crate::crm::search::SearchRequest;
use crate::crm::{ObjectView, ReadOptions};

#[derive(Serialize)]
struct SearchResponse {
    total: usize,
    results: Vec<ObjectView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    paging: Option<Paging>,
}

pub async fn search(
    call: CrmCall,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let request: SearchRequest = read_body(
        &req,
        payload,
        "PublicObjectSearchRequest",
        r#"{"filterGroups": [{"filters": [{"propertyName": "hs_call_external_id", "operator": "EQ", "value": "ext-1"}]}], "sorts": ["hs_timestamp"], "properties": ["hs_call_title"], "limit": 10, "after": "0"}"#,
    )
    .await?;
    let options = ReadOptions {
        properties: request.properties.clone(),
        ..ReadOptions::default()
    };
    let response = shared(&req).store.crm().read(call.portal_id, |crm| {
        let page = crm.search(call.object_type, &request)?;
        Ok::<_, ApiError>(SearchResponse {
            total: page.total,
            results: page
                .results
                .iter()
                .map(|o| crm.render(call.object_type, o, &options))
                .collect(),
            paging: page.next_after.map(|after| Paging {
                next: NextPage {
                    after: after.to_string(),
                    link: None,
                },
            }),
        })
    })?;
    Ok(json(StatusCode::OK, &response))
}
