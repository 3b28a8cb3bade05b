//! The HubSpot CRM object APIs for the emulated types (`/crm/v3/objects/{calls|contacts|
//! companies}`): basic (`objects`), batch (`batch`) and search (`search`), authenticated by the
//! app's access token (`auth`), with query parameters read both ways HubSpot's callers send
//! them (`query`). The work is the CRM's (`crate::crm`); these handlers read requests and shape
//! replies. Mounted inside the API scope, so `observe` journals every call.

pub(crate) mod auth;
pub(crate) mod batch;
pub(crate) mod judged;
pub(crate) mod objects;
pub(crate) mod query;
pub(crate) mod reply;
pub(crate) mod search;

use actix_web::http::Method;
use actix_web::{web, HttpRequest, HttpResponse, Scope};

use super::error::ApiError;
use super::method;
use super::path_segment::TakeSegment;

/// The path prefix of the CRM object APIs: the static part, then the type's segment.
pub const CRM_PREFIX: &str = "/crm/v3/objects/{objectType}";
const OBJECTS: &str = "/crm/v3/objects";
/// The type's segment: taken off the path by `TakeSegment`, not by a pattern.
const OBJECT_TYPE: &str = "objectType";

/// One CRM endpoint: its path under the prefix and its methods (for the 404's suggestions and
/// the 405's `Allow`).
pub struct CrmEndpoint {
    pub path: &'static str,
    pub methods: &'static [Method],
}

/// Every CRM endpoint, as routed below.
pub const CRM_ENDPOINTS: &[CrmEndpoint] = &[
    CrmEndpoint {
        path: "",
        methods: &[Method::GET, Method::POST],
    },
    CrmEndpoint {
        path: "/batch/create",
        methods: &[Method::POST],
    },
    CrmEndpoint {
        path: "/batch/read",
        methods: &[Method::POST],
    },
    CrmEndpoint {
        path: "/batch/update",
        methods: &[Method::POST],
    },
    CrmEndpoint {
        path: "/batch/upsert",
        methods: &[Method::POST],
    },
    CrmEndpoint {
        path: "/batch/archive",
        methods: &[Method::POST],
    },
    CrmEndpoint {
        path: "/search",
        methods: &[Method::POST],
    },
    CrmEndpoint {
        path: "/{objectId}",
        methods: &[Method::GET, Method::PATCH, Method::DELETE],
    },
];

/// The CRM scope: static paths first, so `/search` is not read as an object id.
///
/// The static prefix is a string compare; the type's segment is taken by `TakeSegment`, as an
/// app's id is in the path families (`api::scope`): a pattern such as `/{objectType}` is matched
/// by a regex (actix's regex-lite, an NFA simulation), ~3 % of a CRM create.
pub fn scope() -> Scope {
    web::scope(OBJECTS)
        .service(object_type_scope().wrap(TakeSegment(OBJECT_TYPE)))
        // Unreachable while the scope above takes every path (a path without a type is answered
        // by `TakeSegment`); kept so that no rearrangement can fall through to actix's bare 404.
        .default_service(web::to(super::fallback::not_found))
}

/// Everything under the prefix, once the type is taken.
fn object_type_scope() -> Scope {
    web::scope("")
        .service(
            web::resource(["", "/"])
                .route(method::get().to(objects::list))
                .route(method::post().to(objects::create))
                .default_service(not_allowed("")),
        )
        .service(post_only("/batch/create", method::post().to(batch::create)))
        .service(post_only("/batch/read", method::post().to(batch::read)))
        .service(post_only("/batch/update", method::post().to(batch::update)))
        .service(post_only("/batch/upsert", method::post().to(batch::upsert)))
        .service(post_only(
            "/batch/archive",
            method::post().to(batch::archive),
        ))
        .service(post_only("/search", method::post().to(search::search)))
        .service(
            web::resource("/{objectId}")
                .route(method::get().to(objects::get))
                .route(method::patch().to(objects::update))
                .route(method::delete().to(objects::archive))
                .default_service(not_allowed("/{objectId}")),
        )
        .default_service(web::to(super::fallback::not_found))
}

fn post_only(path: &'static str, route: actix_web::Route) -> actix_web::Resource {
    web::resource(path)
        .route(route)
        .default_service(not_allowed(path))
}

/// The default of the resource at `path`: a 405 naming the methods `CRM_ENDPOINTS` gives it.
/// Each resource knows its own (reading them off the request's path instead named the wrong
/// ones for a percent-encoded type, `/crm/v3/objects/%63ontacts/search`).
fn not_allowed(path: &'static str) -> actix_web::Route {
    let endpoint = CRM_ENDPOINTS
        .iter()
        .find(|endpoint| endpoint.path == path)
        .expect("every CRM resource is in CRM_ENDPOINTS");
    web::to(move |req: HttpRequest| async move {
        Err::<HttpResponse, _>(ApiError::method_not_allowed(
            &req,
            endpoint.methods.to_vec(),
        ))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_two_scopes_spell_the_prefix() {
        assert_eq!(
            format!("{}/{{{}}}", super::OBJECTS, super::OBJECT_TYPE),
            super::CRM_PREFIX
        );
    }
}
