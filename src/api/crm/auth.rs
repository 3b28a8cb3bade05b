//! `CrmCall`, the extractor every CRM handler starts with. The CRM APIs have no `{appId}` in
//! their path: the app is the one whose access token the request carries (`Authorization:
//! Bearer`), and the portal is that app's installation. A developer API key is refused, as
//! HubSpot refuses it there. The call needs one of its object type's read or write scopes, and
//! counts against the app's rate limit; what was learned is left for `observe` to journal.

use std::future::{ready, Ready};

use actix_web::http::Method;
use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};

use super::super::call::{credential_of, CallInfo};
use super::super::error::ApiError;
use crate::context::state_of;
use crate::crm::{ObjectType, WriteSource};
use crate::domain::{AppId, PortalId};
use crate::store::{Credential, Scopes};

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
    let call = authorize_token(req, "The CRM object APIs take", scopes)?;
    Ok(CrmCall {
        app_id: call.app_id,
        portal_id: call.portal_id,
        object_type,
    })
}

/// An app acting in the portal it is installed in, by its access token.
#[derive(Clone, Copy, Debug)]
pub struct TokenCall {
    pub app_id: AppId,
    pub portal_id: PortalId,
}

/// How every API without `{appId}` in its path authenticates: the app's access token, one of
/// `scopes`, the app's rate limit, and the portal it is installed in. `api_takes` starts the
/// 401's sentence for a developer API key ("The CRM object APIs take").
pub fn authorize_token(
    req: &HttpRequest,
    api_takes: &str,
    scopes: Scopes,
) -> Result<TokenCall, ApiError> {
    let shared = state_of(req).expect("the state is registered by the composition root");
    let credential = credential_of(req);
    let token = match &credential {
        Credential::Bearer(token) => token,
        Credential::ApiKey(_) => {
            return Err(ApiError::WrongCredential(format!(
                "{api_takes} the app's OAuth access token (Authorization: Bearer <accessToken>), not a developer API key (?hapikey=). With the official clients: Client.create(access_token=…) in Python, new Client({{ accessToken }}) in Node."
            )))
        }
        Credential::None => return Err(ApiError::Unauthenticated),
    };
    let app = shared
        .store
        .app_by_access_token(token)
        .ok_or(ApiError::Unauthenticated)?;
    let mut info = CallInfo {
        app_id: app.profile.app_id,
        credential: credential.kind(),
        rate: None,
    };
    let authorized = app.profile.authorize_scopes(&credential, scopes);
    if authorized.is_ok() {
        info.rate = Some(
            shared
                .store
                .hit_rate_limit(i64::from(app.profile.app_id.get())),
        );
    }
    req.extensions_mut().insert(info);
    authorized?;
    if info.rate.is_some_and(|rate| rate.exceeded) {
        return Err(ApiError::RateLimited);
    }
    let (portal_id, _) = shared.store.installation(&app.profile);
    let portal_id = portal_id.ok_or_else(|| {
        ApiError::NotFound(format!(
            "App {} is installed in no portal, so its token reaches no CRM. Declare a portal in the fixture (\"portals\": [{{\"portalId\": 62515}}]) or give the app \"installedPortalId\".",
            app.profile.app_id
        ))
    })?;
    Ok(TokenCall {
        app_id: app.profile.app_id,
        portal_id,
    })
}
