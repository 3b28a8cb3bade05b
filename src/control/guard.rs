//! What keeps a web page on another origin from driving the control API, and keeps its errors
//! JSON:
//!
//! - **Host check.** A request whose `Host` is not a loopback name or address, the bound host or
//!   a host given with `serve --allow-host` is refused (403). A DNS-rebinding page reaches the
//!   emulator under its own domain name, so its requests carry that name and are refused before
//!   anything is read or changed.
//! - **JSON-only writes.** Every control request but a GET or HEAD must say
//!   `Content-Type: application/json`, with a body or without (415). A page on another origin
//!   cannot send that header without a CORS preflight, which the emulator never grants, so it
//!   cannot reset, fire, probe or change a flag with a "simple" `text/plain` request.
//! - **Errors are JSON.** Whatever actix answers on its own inside the control scope (a body too
//!   large, a path or query that does not parse) is turned into `{"error": …}`.

use std::net::IpAddr;

use actix_web::body::{self, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpResponse};
use serde_json::json;

use super::ControlConfig;

/// The hosts the control API answers to besides loopback ones.
#[derive(Clone, Debug, Default)]
pub struct HostPolicy {
    /// The host the emulator was bound to, and any `--allow-host`, lower-cased, without ports.
    allowed: Vec<String>,
}

impl HostPolicy {
    pub fn new(bound_host: &str, extra: &[String]) -> Self {
        let allowed = std::iter::once(bound_host)
            .chain(extra.iter().map(String::as_str))
            .map(|host| strip_brackets(host.trim()).to_ascii_lowercase())
            .filter(|host| !host.is_empty())
            .collect();
        Self { allowed }
    }

    /// Does a request with this `Host` header value come from a page the emulator trusts?
    pub fn allows(&self, host_header: &str) -> bool {
        let Some(host) = host_name(host_header) else {
            return false;
        };
        let host = strip_brackets(host).to_ascii_lowercase();
        let host = host.trim_end_matches('.');
        host == "localhost"
            || host.ends_with(".localhost")
            || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
            || self.allowed.iter().any(|allowed| allowed == host)
    }
}

/// The host part of a `Host` header: `[::1]:4774` → `[::1]`, `localhost:4774` → `localhost`;
/// `None` for anything that is not a host with an optional port (`[::1]evil.example`).
fn host_name(value: &str) -> Option<&str> {
    let value = value.trim();
    let port_ok = |port: &str| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
    if value.starts_with('[') {
        let end = value.find(']')?;
        let (host, rest) = value.split_at(end + 1);
        return match rest.strip_prefix(':') {
            None if rest.is_empty() => Some(host),
            Some(port) if port_ok(port) => Some(host),
            _ => None,
        };
    }
    match value.rsplit_once(':') {
        Some((host, port)) if port_ok(port) => Some(host),
        Some(_) => None,
        None => Some(value),
    }
}

fn strip_brackets(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if let Some(refusal) = refusal(&req) {
        return Ok(req.into_response(refusal));
    }
    let res = next.call(req).await?.map_into_boxed_body();
    json_errors(res).await
}

fn refusal(req: &ServiceRequest) -> Option<HttpResponse> {
    let policy = req
        .app_data::<web::Data<ControlConfig>>()
        .map(|config| &config.hosts);
    // No Host at all is refused too: every browser sends one, so only a request crafted to
    // dodge the check would lack it.
    let host = req
        .headers()
        .get(header::HOST)
        .map_or("", |v| v.to_str().unwrap_or("(not text)"));
    if let Some(policy) = policy {
        if !policy.allows(host) {
            let name = host_name(host).unwrap_or("NAME");
            return Some(error(
                StatusCode::FORBIDDEN,
                format!(
                    "The control API answers only to loopback hosts (localhost, 127.0.0.1, [::1]) and the host it was bound to, not to Host {host:?}: a web page that made its domain point at this machine must not drive the emulator. To reach it under this name, start it with `serve --allow-host {name}` (or HUBSPOT_EMULATOR_ALLOW_HOST)."
                ),
            ));
        }
    }
    let reads = [Method::GET, Method::HEAD];
    if !reads.contains(req.method()) && !is_json(req) {
        let given = req
            .headers()
            .get(header::CONTENT_TYPE)
            .map_or("none".to_string(), |v| {
                format!("{:?}", v.to_str().unwrap_or("?"))
            });
        return Some(error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Control API calls other than GET must send Content-Type: application/json, with a body or without (given: {given}); a web page on another origin cannot send that header, so it cannot drive the emulator. With curl: -H 'Content-Type: application/json'."
            ),
        ));
    }
    None
}

fn is_json(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|value| {
            let essence = value.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
        })
}

/// Rewrites an error that actix made on its own (text/plain) into `{"error": …}`.
async fn json_errors(res: ServiceResponse<BoxBody>) -> Result<ServiceResponse<BoxBody>, Error> {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if status.as_u16() < 400 || is_json {
        return Ok(res);
    }
    let (req, response) = res.into_parts();
    let text = body::to_bytes_limited(response.into_body(), 4096)
        .await
        .ok()
        .and_then(Result::ok)
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string())
        .unwrap_or_default();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "The request body is too large ({text}). PUT /_emulator/state takes up to the fixture size cap (serve --max-fixture-bytes); other control calls take small JSON bodies."
        ),
        _ if text.is_empty() => format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or("error")),
        _ => text,
    };
    Ok(ServiceResponse::new(req, error(status, message)))
}

/// The control API's error body.
pub fn error(status: StatusCode, message: String) -> HttpResponse {
    HttpResponse::build(status).json(json!({ "error": message }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_bound_and_allowed_hosts_pass_others_do_not() {
        let policy = HostPolicy::new("0.0.0.0", &["emulator.test".into()]);
        for host in [
            "localhost",
            "localhost:4774",
            "LOCALHOST.:80",
            "app.localhost:4774",
            "127.0.0.1:4774",
            "127.0.0.2",
            "[::1]:4774",
            "[::1]",
            "0.0.0.0:4774",
            "emulator.test:4774",
        ] {
            assert!(policy.allows(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:4774",
            "localhost.evil.example",
            "127.0.0.1.nip.io:4774",
            "192.168.1.5:4774",
            "[::ffff:c0a8:105]:4774",
            "[::1]evil.example",
            "[::1]:",
            "localhost:80:80",
            "",
        ] {
            assert!(!policy.allows(host), "{host}");
        }
    }
}
