//! Requests that match no endpoint. Under a HubSpot path they get HubSpot's 404 envelope naming
//! the closest real endpoints, so a typo in a path is fixed from the message alone.

use actix_web::{HttpRequest, HttpResponse};

use super::error::ApiError;
use super::routes::{endpoints as resources, PATH_FAMILIES, TOKEN_APIS};

/// Every endpoint template, e.g. `GET, POST, PATCH, DELETE /crm/v3/extensions/calling/{appId}/settings`.
/// Built from the route table, so the hints list exactly what is served.
fn endpoints() -> Vec<(String, String)> {
    let token_apis = TOKEN_APIS.iter().flat_map(|api| {
        api.endpoints
            .iter()
            .map(|(methods, path)| (path.to_string(), methods.to_string()))
    });
    let crm = super::crm::CRM_ENDPOINTS.iter().map(|endpoint| {
        let methods: Vec<&str> = endpoint.methods.iter().map(|m| m.as_str()).collect();
        (
            format!("{}{}", super::crm::CRM_PREFIX, endpoint.path),
            methods.join(", "),
        )
    });
    PATH_FAMILIES
        .iter()
        .flat_map(|prefix| {
            resources().into_iter().map(move |endpoint| {
                let allowed = (endpoint.methods)();
                let methods: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
                (
                    format!("{prefix}/{{appId}}{}", endpoint.path),
                    methods.join(", "),
                )
            })
        })
        .chain(token_apis)
        .chain(crm)
        .collect()
}

/// The closest endpoints to `path`, best first.
pub fn closest_endpoints(path: &str, count: usize) -> Vec<String> {
    // Compare shapes: a numeric segment stands for `{appId}` whatever its value.
    let shape: Vec<&str> = path
        .split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
                "{appId}"
            } else {
                segment
            }
        })
        .collect();
    let shape = shape.join("/");
    let mut scored: Vec<(usize, String)> = endpoints()
        .into_iter()
        .map(|(template, methods)| {
            (
                strsim::levenshtein(&shape, &template),
                format!("{methods} {template}"),
            )
        })
        .collect();
    scored.sort();
    scored.into_iter().take(count).map(|(_, e)| e).collect()
}

pub async fn not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(no_endpoint(&req))
}

/// The 404 for `req`'s path, naming the closest endpoints.
pub fn no_endpoint(req: &HttpRequest) -> ApiError {
    let path = req.path();
    let suggestions = closest_endpoints(path, 3);
    ApiError::NotFound(format!(
        "No endpoint matches {} {path}. The closest endpoints are: {}.",
        req.method(),
        suggestions.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_endpoint_a_typo_meant() {
        let best = &closest_endpoints(
            "/crm/v3/extensions/calling/42/settings/channel-conection",
            1,
        )[0];
        assert!(
            best.ends_with("/crm/v3/extensions/calling/{appId}/settings/channel-connection"),
            "{best}"
        );
        let best = &closest_endpoints("/crm/v3/extensions/calling/connection-statuses", 1)[0];
        assert!(
            best.ends_with("/crm/extensions/calling/v3/connection-statuses"),
            "{best}"
        );
        let best = &closest_endpoints("/crm/extensions/calling/2026-03/42/setting", 1)[0];
        assert!(
            best.ends_with("/crm/extensions/calling/2026-03/{appId}/settings"),
            "{best}"
        );
        let best = &closest_endpoints("/crm/v3/extensions/calling/inbound-cal", 1)[0];
        assert_eq!(best, "POST /crm/v3/extensions/calling/inbound-call");
    }
}
