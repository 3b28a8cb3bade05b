//! Routes by method for the HubSpot API's resources, in place of actix's `web::get()` and the
//! like. Those record every method they test in the request's extensions, so that actix can
//! build a 405 of its own: an allocation for each route tried, several on every request. Each
//! resource here answers its own 405 (a default service naming its methods in HubSpot's error
//! envelope), so that bookkeeping bought nothing; these routes only compare the method.

use actix_web::http::Method;
use actix_web::{guard, web, Route};

pub fn get() -> Route {
    on(Method::GET)
}

pub fn head() -> Route {
    on(Method::HEAD)
}

pub fn post() -> Route {
    on(Method::POST)
}

pub fn patch() -> Route {
    on(Method::PATCH)
}

pub fn delete() -> Route {
    on(Method::DELETE)
}

fn on(method: Method) -> Route {
    web::route().guard(guard::fn_guard(move |request| {
        request.head().method == method
    }))
}
