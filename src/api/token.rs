//! How a call to an API without `{appId}` in its path (connection statuses; the CRM and inbound
//! calls use the same rule) finds its app: by the `Authorization: Bearer` access token
//! (`Store::read_app_by_access_token`), or, without a token the store knows, the app whose
//! fixture sets `authRequired: false`. The token needs one of the call's scopes, the call counts
//! against that app's rate limit, and it acts for the app's installation (its declared portal and
//! user, else the seed's first: `Store::first_recipient`). A developer API key (`?hapikey=`) is
//! refused with a 401 that says to send the access token. What was learned goes into the
//! request's extensions for `observe`, as `AppCall` does.

use actix_web::{HttpMessage, HttpRequest};

use super::call::{bearer_token, credential_of, CallInfo};
use super::error::ApiError;
use crate::context::state_of;
use crate::domain::{AppId, PortalId, UserId};
use crate::store::{AppProfile, Credential, Scopes, StoreError};

/// An authorized call of an app, known by its access token.
#[derive(Clone, Debug)]
pub struct TokenCall {
    pub app_id: AppId,
    /// The app's name, for the messages that say which app acts for no portal or user.
    pub app_name: String,
    /// The portal and user the token acts for (`None` where the state declares none).
    pub portal_id: Option<PortalId>,
    pub user_id: Option<UserId>,
}

/// Authorizes `req` for a call that needs one of `scopes`.
pub fn authorize_token(req: &HttpRequest, scopes: Scopes) -> Result<TokenCall, ApiError> {
    let shared = state_of(req).expect("the state is registered by the composition root");
    // The bearer token wins here, whatever the query says: these APIs take no API key.
    let credential = match bearer_token(req) {
        Some(token) => Credential::Bearer(token),
        None => credential_of(req),
    };
    let read = |app: &AppProfile| FoundApp {
        app_id: app.app_id,
        name: app.name.clone(),
        authorized: app.authorize_scopes(&credential, scopes),
        installed: (app.installed_portal_id, app.installed_user_id),
    };
    let found = match &credential {
        Credential::Bearer(token) => shared.store.read_app_by_access_token(token, read),
        _ => None,
    }
    .or_else(|| shared.store.read_open_app(read));
    let Some(app) = found else {
        return Err(match credential {
            Credential::ApiKey(_) => ApiError::WrongCredential(
                "This endpoint takes the app's OAuth access token (Authorization: Bearer <accessToken>), not a developer API key (?hapikey=): HubSpot serves it to an installed app on behalf of its portal. Send the accessToken of your app (the fixture's apps[].accessToken); with the official clients, Client.create(access_token=…) in Python, new Client({ accessToken }) in Node.".into(),
            ),
            _ => ApiError::Unauthenticated,
        });
    };
    let mut info = CallInfo {
        app_id: app.app_id,
        credential: credential.kind(),
        rate: None,
    };
    if app.authorized.is_ok() {
        info.rate = Some(shared.store.hit_rate_limit(i64::from(app.app_id.get())));
    }
    req.extensions_mut().insert(info);
    app.authorized?;
    if info.rate.is_some_and(|rate| rate.exceeded) {
        return Err(ApiError::RateLimited);
    }
    let (portal_id, user_id) = shared
        .store
        .first_recipient(app.installed.0, app.installed.1);
    Ok(TokenCall {
        app_id: app.app_id,
        app_name: app.name,
        portal_id,
        user_id,
    })
}

/// What `authorize_token` reads of the app it found, in place.
struct FoundApp {
    app_id: AppId,
    name: String,
    authorized: Result<(), StoreError>,
    installed: (Option<PortalId>, Option<UserId>),
}

impl TokenCall {
    /// The portal the token acts for, or a 404 that says how to declare one.
    pub fn portal(&self) -> Result<PortalId, ApiError> {
        self.portal_id.ok_or_else(|| {
            ApiError::NotFound(format!(
                "App {} (\"{}\") acts for no portal: the emulator's state declares none. Declare one with its users in the fixture (\"portals\": [{{\"portalId\": 62515, \"users\": [{{\"userId\": 101}}]}}]) or give the app \"installedPortalId\".",
                self.app_id, self.app_name
            ))
        })
    }

    /// The user the token acts for, or a 404 that says how to declare one.
    pub fn user(&self) -> Result<UserId, ApiError> {
        let portal = self.portal()?;
        self.user_id.ok_or_else(|| {
            ApiError::NotFound(format!(
                "App {} (\"{}\") acts for no user: portal {portal} declares no users. Declare one under the portal's \"users\" in the fixture, or give the app \"installedUserId\".",
                self.app_id, self.app_name
            ))
        })
    }
}
