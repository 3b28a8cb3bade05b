//! `CrmCall`, the extractor every CRM handler starts with. The CRM APIs have no `{appId}` in
//! their path: the app is the one whose access token the request carries, and the portal is
//! that app's installation (`api::token`, shared with the other token APIs). The call needs one
//! of its object type's read or write scopes.

use std::future::{ready, Ready};

use actix_web::http::Method;
use actix_web::{dev::Payload, FromRequest, HttpRequest};

use super::super::error::ApiError;
use super::super::token::authorize_token;
use crate::crm::{ObjectType, WriteSource};
use crate::domain::{AppId, PortalId};

/// An authorized call on one object type of one portal.
#[derive(Clone, Copy, Debug)]
pub struct CrmCall {
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub object_type: ObjectType,
}

impl CrmCall {
    /// Who the writes of this call are attributed to (`propertiesWithHistory`).
    pub fn source(&self) -> WriteSource {
        WriteSource::integration(self.app_id)
    }
}

impl FromRequest for CrmCall {
    type Error = ApiError;
    type Future = Ready<Result<CrmCall, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authorize(req))
    }
}

/// Reads are GETs and the POSTs that only read (batch/read, search).
fn is_read(req: &HttpRequest) -> bool {
    let path = req.path().trim_end_matches('/');
    req.method() == Method::GET
        || req.method() == Method::HEAD
        || path.ends_with("/batch/read")
        || path.ends_with("/search")
}

fn authorize(req: &HttpRequest) -> Result<CrmCall, ApiError> {
    let segment = req.match_info().get("objectType").unwrap_or_default();
    let object_type = ObjectType::parse(segment).ok_or_else(|| {
        ApiError::NotFound(format!(
            "The emulator's CRM has no object type {segment:?}: it keeps calls, contacts and companies (/crm/v3/objects/calls, /crm/v3/objects/contacts, /crm/v3/objects/companies; the ids 0-48, 0-1 and 0-2 work too)."
        ))
    })?;
    let scopes = if is_read(req) {
        object_type.read_scopes()
    } else {
        object_type.write_scopes()
    };
    let call = authorize_token(req, scopes)?;
    Ok(CrmCall {
        app_id: call.app_id,
        portal_id: call.portal()?,
        object_type,
    })
}
