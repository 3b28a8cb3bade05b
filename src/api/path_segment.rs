//! Takes one path segment as a named parameter (`{appId}`, `{objectType}`) without a regex.
//!
//! actix matches a scope such as `web::scope("/{appId}")` with a regex, and without its
//! `unicode` feature (which costs ~3 MiB of idle memory) the engine is regex-lite's NFA
//! simulation: on every settings, channel-connection or CRM call it came to ~5 % of the
//! emulator's samples, for what is one search for the next `/`. `TakeSegment` wraps a scope
//! registered under the empty prefix (`web::scope("")`, a string compare) and does what the
//! pattern did: if the unprocessed path starts with a non-empty segment, the segment becomes the
//! named parameter (`match_info().get(name)`) and the routing inside the scope goes on from the
//! rest of the path. Otherwise the request is answered as a path no endpoint matches
//! (`fallback::not_found`), as it was when the pattern did not match: none of the scope's
//! resources is tried, so the CRM's `""` resource (a type's list) cannot take `/crm/v3/objects`.
//!
//! One difference from a pattern: the parameter is not part of the route's pattern, so
//! `HttpRequest::match_pattern()` reads `/crm/v3/objects/{objectId}` where actix would say
//! `/crm/v3/objects/{objectType}/{objectId}`. Nothing here uses it; key logs or metrics on
//! `match_info()` instead.

use std::future::{ready, Ready};

use actix_web::body::EitherBody;
use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::{Error, HttpResponse};
use futures_util::future::{Either, FutureExt, Map};

use super::fallback;

/// The middleware: `web::scope("").wrap(TakeSegment("appId"))` serves as `web::scope("/{appId}")`.
#[derive(Clone, Copy)]
pub struct TakeSegment(pub &'static str);

impl<S, B> Transform<S, ServiceRequest> for TakeSegment
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = TakeSegmentService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(TakeSegmentService {
            service,
            name: self.0,
        }))
    }
}

pub struct TakeSegmentService<S> {
    service: S,
    name: &'static str,
}

type Answered<B> = Result<ServiceResponse<EitherBody<B>>, Error>;

impl<S, B> Service<ServiceRequest> for TakeSegmentService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    #[allow(clippy::type_complexity)] // the two answers, unboxed: no allocation per request
    type Future = Either<
        Map<S::Future, fn(Result<ServiceResponse<B>, Error>) -> Answered<B>>,
        Ready<Answered<B>>,
    >;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let path = req.match_info_mut();
        let Some(segment) = next_segment(path.unprocessed()) else {
            return Either::Right(ready(Ok(not_found(req))));
        };
        // The http crate refuses a URI over 65,534 bytes before any routing, so a segment and
        // what was skipped before it always fit actix's u16 offsets.
        let taken = u16::try_from(1 + segment.len()).expect("URIs are under 64 KiB");
        let value = segment.to_owned();
        // `add_static` is public but hidden from actix-router's docs (0.5, pinned by Cargo.lock);
        // were an upgrade to drop it, every app and CRM route would fail to build, not quietly
        // misroute.
        path.add_static(self.name, value);
        path.skip(taken);
        let routed: fn(Result<ServiceResponse<B>, Error>) -> Answered<B> =
            |answer| answer.map(ServiceResponse::map_into_left_body);
        Either::Left(self.service.call(req).map(routed))
    }
}

/// The 404 a path without the segment got from the scope around, naming the closest endpoints.
fn not_found<B>(req: ServiceRequest) -> ServiceResponse<EitherBody<B>> {
    let (request, _) = req.into_parts();
    let error = fallback::no_endpoint(&request);
    let response = HttpResponse::from_error(error);
    ServiceResponse::new(request, response).map_into_right_body()
}

/// The segment `/{name}` would capture at the start of `unprocessed`: after a `/`, everything up
/// to the next `/` or the end, if that is not empty (the pattern's `[^/]+`).
fn next_segment(unprocessed: &str) -> Option<&str> {
    let rest = unprocessed.strip_prefix('/')?;
    let segment = rest.split('/').next().unwrap_or_default();
    (!segment.is_empty()).then_some(segment)
}

#[cfg(test)]
mod tests {
    use super::next_segment;
    use actix_web::dev::{Path, ResourceDef};

    /// The segment taken is what actix's `/{appId}` prefix pattern captures, and the two agree
    /// on when there is none. Both read the same text — the path as actix has requoted it
    /// (`%0A` decoded to a line feed, `%2F` kept) — so plain strings stand for it here.
    #[test]
    fn takes_what_the_pattern_would() {
        let pattern = ResourceDef::prefix("/{appId}");
        for path in [
            "",
            "/",
            "//",
            "//settings",
            "/1234567",
            "/1234567/",
            "/1234567/settings/channel-connection",
            "/abc",
            "/settings",
            "/%20x/settings",
            "/é/x",
            "/12 34/x",
            "/a\nb/x",
            "/\n/x",
            "/%0A/settings",
            "/\u{0}/x",
            "/.",
            "/../x",
            "x/1",
        ] {
            let mut resource = Path::new(path);
            let matched = pattern.capture_match_info(&mut resource);
            let expected = matched.then(|| resource.get("appId").unwrap().to_owned());
            assert_eq!(next_segment(path).map(str::to_owned), expected, "{path:?}");
            if matched {
                assert_eq!(
                    &path[1 + expected.unwrap().len()..],
                    resource.unprocessed(),
                    "{path:?}"
                );
            }
        }
    }
}
