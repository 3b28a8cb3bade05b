//! `AppCall`, the extractor every API handler starts with: it parses `{appId}`, reads the
//! credential (`?hapikey=` or `Authorization: Bearer`), authorizes it for the app and the kind of
//! access, and counts the request against the app's rate limit. What it learned is left in the
//! request's extensions for `observe` to put in headers and the journal.

use std::future::{ready, Ready};

use actix_web::http::{header, Method};
use actix_web::{dev::Payload, FromRequest, HttpMessage, HttpRequest};

use super::error::{ApiError, ErrorDetail};
use crate::context::state_of;
use crate::domain::AppId;
use crate::store::rate_limit::RateLimitStatus;
use crate::store::{Access, Credential};

/// An authorized call on one app.
#[derive(Clone, Copy, Debug)]
pub struct AppCall {
    pub app_id: AppId,
}

/// What `observe` needs to know about a call that got past parsing.
#[derive(Clone, Copy, Debug)]
pub struct CallInfo {
    pub app_id: AppId,
    pub credential: &'static str,
    pub rate: Option<RateLimitStatus>,
}

impl FromRequest for AppCall {
    type Error = ApiError;
    type Future = Ready<Result<AppCall, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authorize(req))
    }
}

fn authorize(req: &HttpRequest) -> Result<AppCall, ApiError> {
    let shared = state_of(req).expect("the state is registered by the composition root");
    let segment = req.match_info().get("appId").unwrap_or_default();
    let app_id = AppId::parse_path(segment).map_err(|message| {
        ApiError::invalid_fields(vec![ErrorDetail::new("appId", "INVALID_APP_ID", message)])
    })?;
    let credential = credential_of(req);
    let mut info = CallInfo {
        app_id,
        credential: credential.kind(),
        rate: None,
    };
    let access = if req.method() == Method::GET || req.method() == Method::HEAD {
        Access::Read
    } else {
        Access::Write
    };
    let authorized = shared.store.authorize(app_id, &credential, access);
    if authorized.is_ok() {
        info.rate = Some(shared.store.hit_rate_limit(i64::from(app_id.get())));
    }
    req.extensions_mut().insert(info);
    authorized?;
    match info.rate {
        Some(rate) if rate.exceeded => Err(ApiError::RateLimited),
        _ => Ok(AppCall { app_id }),
    }
}

/// `?hapikey=` wins over a bearer token, as it is what the official clients send.
pub fn credential_of(req: &HttpRequest) -> Credential {
    if let Some(key) = api_key_in(req.query_string()) {
        return Credential::ApiKey(key);
    }
    bearer_token(req).map_or(Credential::None, Credential::Bearer)
}

/// The token of an `Authorization: Bearer` header, if there is one.
pub fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// The `hapikey` of a query string. Read pair by pair rather than through a typed query (which
/// built a map of every pair on every call), with the typed query's rule kept: a key given twice
/// is no key, and the call falls back to its bearer token.
fn api_key_in(query: &str) -> Option<String> {
    let mut keys = form_urlencoded::parse(query.as_bytes()).filter(|(name, _)| name == "hapikey");
    let key = keys.next()?.1.into_owned();
    keys.next().is_none().then_some(key)
}

#[cfg(test)]
mod tests {
    use super::api_key_in;

    /// The typed query `credential_of` used before, as the reference.
    #[derive(serde::Deserialize)]
    struct AuthQuery {
        hapikey: Option<String>,
    }

    #[test]
    fn reads_the_api_key_of_a_query_as_a_typed_query_would() {
        for query in [
            "hapikey=abc",
            "limit=5&hapikey=a%2Bb+c",
            "hapikey=",
            "hapikey",
            "limit=5",
            "",
            "hapikey=a&hapikey=b",
            "hapikey=%ZZ&x",
            "HAPIKEY=abc",
        ] {
            let typed = actix_web::web::Query::<AuthQuery>::from_query(query)
                .ok()
                .and_then(|q| q.into_inner().hapikey);
            assert_eq!(api_key_in(query), typed, "query {query:?}");
        }
        assert_eq!(api_key_in("limit=5&hapikey=a%2Bb+c"), Some("a+b c".into()));
    }
}
