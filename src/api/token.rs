//! How a call to an API without `{appId}` in its path (connection statuses; the CRM and inbound
//! calls use the same rule) finds its app: by the `Authorization: Bearer` access token
//! (`Store::app_by_access_token`), or, without a token the store knows, the app whose fixture
//! sets `authRequired: false`. The token needs one of the call's scopes, the call counts against
//! that app's rate limit, and it acts for the app's installation (`Store::installation`). A
//! developer API key (`?hapikey=`) is refused with a 401 that says to send the access token.
//! What was learned goes into the request's extensions for `observe`, as `AppCall` does.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest};

use super::call::{credential_of, CallInfo};
use super::error::ApiError;
use crate::context::state_of;
use crate::domain::{PortalId, UserId};
use crate::store::{AppProfile, Credential, Scopes};

/// An authorized call of an app, known by its access token.
#[derive(Clone, Debug)]
pub struct TokenCall {
    pub app: AppProfile,
    /// The portal and user the token acts for (`None` where the state declares none).
    pub portal_id: Option<PortalId>,
    pub user_id: Option<UserId>,
}

/// Authorizes `req` for a call that needs one of `scopes`.
pub fn authorize_token(req: &HttpRequest, scopes: Scopes) -> Result<TokenCall, ApiError> {
    let shared = state_of(req).expect("the state is registered by the composition root");
    let token = bearer_token(req);
    let app = token
        .as_deref()
        .and_then(|token| shared.store.app_by_access_token(token))
        .or_else(|| shared.store.open_app());
    let Some(app) = app else {
        return Err(match credential_of(req) {
            Credential::ApiKey(_) if token.is_none() => ApiError::WrongCredential(
                "This endpoint takes the app's OAuth access token (Authorization: Bearer <accessToken>), not a developer API key (?hapikey=): HubSpot serves it to an installed app on behalf of its portal. Send the accessToken of your app (the fixture's apps[].accessToken); with the official clients, Client.create(access_token=…) in Python, new Client({ accessToken }) in Node.".into(),
            ),
            _ => ApiError::Unauthenticated,
        });
    };
    let credential = match token {
        Some(token) => Credential::Bearer(token),
        None => credential_of(req),
    };
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
    let (portal_id, user_id) = shared.store.installation(&app.profile);
    Ok(TokenCall {
        app: app.profile,
        portal_id,
        user_id,
    })
}

impl TokenCall {
    /// The portal the token acts for, or a 404 that says how to declare one.
    pub fn portal(&self) -> Result<PortalId, ApiError> {
        self.portal_id.ok_or_else(|| {
            ApiError::NotFound(format!(
                "App {} (\"{}\") acts for no portal: the emulator's state declares none. Declare one with its users in the fixture (\"portals\": [{{\"portalId\": 62515, \"users\": [{{\"userId\": 101}}]}}]) or give the app \"installedPortalId\".",
                self.app.app_id, self.app.name
            ))
        })
    }

    /// The user the token acts for, or a 404 that says how to declare one.
    pub fn user(&self) -> Result<UserId, ApiError> {
        let portal = self.portal()?;
        self.user_id.ok_or_else(|| {
            ApiError::NotFound(format!(
                "App {} (\"{}\") acts for no user: portal {portal} declares no users. Declare one under the portal's \"users\" in the fixture, or give the app \"installedUserId\".",
                self.app.app_id, self.app.name
            ))
        })
    }
}

/// The token of an `Authorization: Bearer` header, if there is one.
fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}
