//! The dashboard: one page at `/_emulator/ui/` that shows and drives the emulator in a browser —
//! apps and their settings, users' flags, each portal's CRM with its calls judged, the live
//! delivery, inbound-call, call-write and API journals, and the help-desk view (what a user is
//! offered and the number picker HubSpot would show). The HTML, CSS and JS
//! are embedded in the binary (no CDN, no build step) and talk only to the control API, so the
//! page holds no data of its own and needs no token to load; its calls send the token when the
//! emulator has one. The calling host page (`calling`) is served beside it, sharing shared.js.

mod calling;

use actix_web::http::header;
use actix_web::{guard, web, HttpResponse, Route};

use crate::control::{Mount, CONTROL_PREFIX};

/// Where the page is served.
pub const DASHBOARD_PATH: &str = "/_emulator/ui/";

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");
const SHARED_JS: &str = include_str!("assets/shared.js");

pub use calling::CALLING_PATH;

/// The pages must never run anything but their own code, nor load anything from elsewhere.
const POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/// The dashboard as the control API mounts it: its routes, and its files as public (they hold no
/// data; the page asks for the token).
pub fn mount() -> Mount {
    Mount {
        configure,
        is_public: is_dashboard_asset,
        routes: &[("GET", "/ui/"), ("GET", "/ui/calling")],
    }
}

/// Routes under the control scope.
fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/ui", redirect())
        .route("/ui/", get_or_head().to(index))
        .route("/ui/calling", get_or_head().to(calling::page))
        .route(calling::SDK_ROUTE, get_or_head().to(calling::sdk))
        .route("/ui/{file}", get_or_head().to(asset));
}

/// The route that leads the root URL (and `/_emulator/ui`) to the page, for GET and HEAD alike.
pub fn redirect() -> Route {
    get_or_head().to(to_dashboard)
}

/// A route for GET and HEAD: `curl -I` and link checkers ask with HEAD and must get what a
/// browser gets (actix sends a HEAD response without its body).
fn get_or_head() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

async fn index() -> HttpResponse {
    serve(INDEX_HTML, "text/html; charset=utf-8")
}

async fn asset(file: web::Path<String>) -> HttpResponse {
    match file.as_str() {
        "app.js" => serve(APP_JS, "text/javascript; charset=utf-8"),
        "shared.js" => serve(SHARED_JS, "text/javascript; charset=utf-8"),
        "calling.js" => serve(calling::CALLING_JS, "text/javascript; charset=utf-8"),
        "style.css" => serve(STYLE_CSS, "text/css; charset=utf-8"),
        "calling.css" => serve(calling::CALLING_CSS, "text/css; charset=utf-8"),
        "index.html" => serve(INDEX_HTML, "text/html; charset=utf-8"),
        other => HttpResponse::NotFound().json(serde_json::json!({
            "error": format!("the dashboard has no file {other:?}; open {DASHBOARD_PATH}")
        })),
    }
}

/// The root URL (and `/_emulator/ui` without its slash) lead to the dashboard.
async fn to_dashboard() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, DASHBOARD_PATH))
        .finish()
}

fn serve(body: &'static str, content_type: &'static str) -> HttpResponse {
    serve_with_policy(body, content_type, POLICY)
}

fn serve_with_policy(body: &'static str, content_type: &'static str, policy: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

/// True for the dashboard's own files, which carry no data and load without the control token.
pub fn is_dashboard_asset(path: &str) -> bool {
    path.strip_prefix(CONTROL_PREFIX)
        .is_some_and(|rest| rest == "/ui" || rest.starts_with("/ui/"))
}
