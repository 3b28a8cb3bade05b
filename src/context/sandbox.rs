//! Routes a request under a sandbox's base URL to that sandbox. An App-wide middleware, so it runs
//! before routing: `/_sandbox/{id}/REST` becomes `/REST`, and the sandbox's own state is put in
//! front of the emulator's (`ServiceRequest::add_data_container`), where `Ctx` and `state_of`
//! find it first. Every route — the HubSpot API, the control API, the dashboard — then serves
//! the sandbox unchanged, and so will every route added later. A `Location` the sandbox answers
//! with (`/_emulator/ui/`) gets the base path back, so redirects stay inside the sandbox.
//!
//! What stays the process's: the control API's guard and token (`ControlConfig`), the sandbox
//! registry itself, and the connection bookkeeping. An unknown id is a 404 in the envelope of
//! the API the path was meant for, built by the adapter that owns it (`SandboxMisses`).

use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Extensions, ServiceRequest, ServiceResponse, Url};
use actix_web::http::header::{HeaderValue, LOCATION};
use actix_web::http::uri::{PathAndQuery, Uri};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpRequest, HttpResponse};

use crate::sandbox::{Sandboxes, SANDBOX_SEGMENT};
use crate::state::EmulatorState;

/// How each adapter answers a request for a sandbox that does not exist, handed in by the
/// composition root so that this layer needs neither envelope.
#[derive(Clone, Copy)]
pub struct SandboxMisses {
    /// Under the HubSpot API: HubSpot's error envelope.
    pub api: fn(&HttpRequest, String) -> HttpResponse,
    /// Under `/_emulator`: the control API's `{"error": …}`.
    pub control: fn(&HttpRequest, String) -> HttpResponse,
    /// The control API's prefix (`/_emulator`): what tells the two apart.
    pub control_prefix: &'static str,
}

/// The base path of the sandbox a request was routed to (`/_sandbox/sb-…`), in its extensions:
/// for handlers that must know they serve a sandbox (creating sandboxes is the process's, not a
/// sandbox's).
#[derive(Clone, Debug)]
pub struct SandboxBase(pub String);

/// The sandbox a request is in, if any.
pub fn sandbox_base(req: &HttpRequest) -> Option<SandboxBase> {
    req.extensions().get::<SandboxBase>().cloned()
}

/// A path under a sandbox's base URL, split: the id, and the rest (`/` at least).
fn split(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix('/')?.strip_prefix(SANDBOX_SEGMENT)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None; // `/_sandboxes`: not ours
    }
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    let (id, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    Some((id, if tail.is_empty() { "/" } else { tail }))
}

/// Is this path (relative to a base URL) under the control API's `prefix`?
fn is_control(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The middleware (`from_fn`), wrapped around the whole App by the composition root.
pub async fn route(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some((id, tail)) = split(req.path()) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let (id, tail) = (id.to_string(), tail.to_string());
    let found = req
        .app_data::<web::Data<Sandboxes>>()
        .and_then(|sandboxes| sandboxes.get(&id));
    let Some(state) = found else {
        let response = unknown(&req, &id, &tail);
        return Ok(req.into_response(response));
    };
    let base = format!("/{SANDBOX_SEGMENT}/{id}");
    let uri = rewritten(req.uri(), &tail);
    req.match_info_mut().set(Url::new(uri.clone()));
    req.head_mut().uri = uri;
    let mut container = Extensions::new();
    container.insert(web::Data::<EmulatorState>::from(state));
    req.add_data_container(Rc::new(container));
    req.extensions_mut().insert(SandboxBase(base.clone()));
    let mut response = next.call(req).await?.map_into_boxed_body();
    keep_redirects_inside(&mut response, &base);
    Ok(response)
}

/// The request's URI with `tail` as its path, the query kept.
fn rewritten(uri: &Uri, tail: &str) -> Uri {
    let path_and_query = match uri.query() {
        Some(query) => format!("{tail}?{query}"),
        None => tail.to_string(),
    };
    let mut parts = uri.clone().into_parts();
    // The tail is a suffix of a path that parsed, so it parses too.
    parts.path_and_query = PathAndQuery::try_from(path_and_query).ok();
    Uri::from_parts(parts).unwrap_or_else(|_| uri.clone())
}

/// A `Location: /path` of the sandbox's becomes `/_sandbox/{id}/path`.
fn keep_redirects_inside(response: &mut ServiceResponse<BoxBody>, base: &str) {
    let headers = response.headers_mut();
    let Some(location) = headers.get(LOCATION).and_then(|v| v.to_str().ok()) else {
        return;
    };
    if location.starts_with('/') && !location.starts_with("//") {
        if let Ok(value) = HeaderValue::from_str(&format!("{base}{location}")) {
            headers.insert(LOCATION, value);
        }
    }
}

fn unknown(req: &ServiceRequest, id: &str, tail: &str) -> HttpResponse {
    let message = if id.is_empty() {
        "A sandbox's base URL is /_sandbox/{id}, with the id POST /_emulator/sandboxes returned; this path names none.".to_string()
    } else {
        let idle = req
            .app_data::<web::Data<Sandboxes>>()
            .map_or(0, |s| s.limits().idle_timeout.as_secs());
        format!(
            "No sandbox {id:?}: it was deleted, expired after {idle} s unused (serve --sandbox-idle-timeout), or never created. POST /_emulator/sandboxes creates one and returns its baseUrl; GET /_emulator/sandboxes lists those that exist."
        )
    };
    let misses = req.app_data::<SandboxMisses>().copied();
    match misses {
        Some(misses) if is_control(tail, misses.control_prefix) => {
            (misses.control)(req.request(), message)
        }
        Some(misses) => (misses.api)(req.request(), message),
        None => HttpResponse::NotFound().body(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_sandbox_path_and_leaves_others_alone() {
        assert_eq!(
            split("/_sandbox/sb-1/crm/v3/x"),
            Some(("sb-1", "/crm/v3/x"))
        );
        assert_eq!(split("/_sandbox/sb-1"), Some(("sb-1", "/")));
        assert_eq!(split("/_sandbox/sb-1/"), Some(("sb-1", "/")));
        assert_eq!(split("/_sandbox"), Some(("", "/")));
        assert_eq!(split("/_sandbox/"), Some(("", "/")));
        assert_eq!(split("/_sandboxes/x"), None);
        assert_eq!(split("/crm/v3/_sandbox/x"), None);
        assert_eq!(split("/_emulator/sandboxes"), None);
    }

    #[test]
    fn the_control_api_is_told_by_its_first_segment() {
        assert!(is_control("/_emulator/state", "/_emulator"));
        assert!(is_control("/_emulator", "/_emulator"));
        assert!(!is_control("/crm/v3/objects/calls", "/_emulator"));
        assert!(!is_control("/_emulatorx", "/_emulator"));
    }

    #[test]
    fn the_query_survives_the_rewrite() {
        let uri: Uri = "/_sandbox/sb-1/crm/v3/x?hapikey=k&a=1".parse().unwrap();
        assert_eq!(
            rewritten(&uri, "/crm/v3/x").to_string(),
            "/crm/v3/x?hapikey=k&a=1"
        );
    }
}
