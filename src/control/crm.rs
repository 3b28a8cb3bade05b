//! A portal's CRM: `GET /_emulator/portals/{portalId}/crm[?type=T][&after=ID][&limit=N]`, its
//! contacts, companies and calls (each call with the findings of judging it as HubSpot would
//! keep it), paged like the journals: without `after` the newest `limit` (100) of each type,
//! with it those after that id and `next` per type; never more than 1,000 of a type or 4 MiB.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::ControlError;
use crate::context::Ctx;
use crate::domain::PortalId;
use crate::state::PortalCrmError;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmQuery {
    #[serde(rename = "type")]
    object_type: Option<String>,
    after: Option<u64>,
    limit: Option<usize>,
}

pub async fn get(
    shared: Ctx,
    portal_id: web::Path<PortalId>,
    query: web::Query<CrmQuery>,
) -> Result<HttpResponse, ControlError> {
    let portal_id = portal_id.into_inner();
    let page = shared
        .portal_crm(
            portal_id,
            query.object_type.as_deref(),
            query.after,
            query.limit,
        )
        .map_err(|error| match error {
            PortalCrmError::BadQuery(message) => ControlError::BadRequest(message),
            PortalCrmError::UnknownPortal { known } => ControlError::NotFound(format!(
                "no portal {portal_id} in this emulator; it knows {}. Declare the portal in the fixture's \"portals\" (GET /_emulator/state lists them)",
                match known.is_empty() {
                    true => "none".to_string(),
                    false => format!(
                        "portal{} {}",
                        if known.len() == 1 { "" } else { "s" },
                        known
                            .iter()
                            .map(u64::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
            )),
        })?;
    Ok(HttpResponse::Ok().json(page))
}
