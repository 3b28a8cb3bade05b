//! The demo app's calling widget and HubSpot's demo-minimal-js, served beside its webhook:
//!
//! - `GET /widget` — the widget HubSpot loads in its calling iframe (the registered settings
//!   `url`): `index.html`, `widget.js`, `widget.css` here, on HubSpot's Calling Extensions SDK;
//!   `?broken=NAME` selects one of its deliberately broken variants (widget.js, `VARIANTS`).
//! - `POST /widget/ring {"from", "to"?}` — rings the demo line: every open widget gets the call
//!   over its `GET /widget/events` stream (server-sent events) and raises INCOMING_CALL, so that
//!   CI can start an inbound call without a click. `202 {"delivered": N}`; `409` when no widget is
//!   open.
//! - `GET /demo-minimal-js/` — HubSpot's own demo widget, vendored in `examples/demo-minimal-js/`.
//! - `GET /vendor/calling-extensions-sdk.js` — the SDK both load (`vendor/calling-extensions-sdk/`).

use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use futures_util::{stream, StreamExt};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::broadcast;

const INDEX_HTML: &str = include_str!("index.html");
const WIDGET_JS: &str = include_str!("widget.js");
const WIDGET_CSS: &str = include_str!("widget.css");
const MINIMAL_HTML: &str = include_str!("../demo-minimal-js/index.html");
const MINIMAL_JS: &str = include_str!("../demo-minimal-js/index.js");
const SDK_JS: &str = include_str!("../../vendor/calling-extensions-sdk/main.js");

/// The widget's own code only; it may be framed by any page (HubSpot's, or the emulator's).
const WIDGET_POLICY: &str = "default-src 'self'; img-src 'self' data:";

/// How often an idle ring stream sends a comment, so that proxies and browsers keep it open.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The line a ring arrives on, when the request names none (the demo app's first number).
const LINE_NUMBER: &str = "+14155552671";

/// Rings waiting to be pushed to the open widgets.
#[derive(Clone)]
pub struct Line {
    rings: broadcast::Sender<String>,
}

impl Line {
    pub fn new() -> Line {
        Line {
            rings: broadcast::channel(16).0,
        }
    }
}

/// The routes, for the demo app's `App` (`line` is shared by all its workers).
pub fn configure(cfg: &mut web::ServiceConfig, line: Line) {
    cfg.app_data(web::Data::new(line))
        .route("/widget", web::get().to(|| page(INDEX_HTML)))
        .route(
            "/widget/widget.js",
            web::get().to(|| file(WIDGET_JS, "text/javascript; charset=utf-8")),
        )
        .route(
            "/widget/widget.css",
            web::get().to(|| file(WIDGET_CSS, "text/css; charset=utf-8")),
        )
        .route("/widget/events", web::get().to(events))
        .route("/widget/late.js", web::get().to(late))
        .service(
            web::resource("/widget/ring")
                .route(web::post().to(ring))
                .default_service(web::to(|| async {
                    json_error(
                        StatusCode::METHOD_NOT_ALLOWED,
                        "POST {\"from\": \"+16175550100\"} to ring the open widgets",
                    )
                })),
        )
        .route(
            "/vendor/calling-extensions-sdk.js",
            web::get().to(|| file(SDK_JS, "text/javascript; charset=utf-8")),
        )
        .route(
            "/demo-minimal-js",
            web::get().to(|| async {
                HttpResponse::Found()
                    .insert_header((header::LOCATION, "/demo-minimal-js/"))
                    .finish()
            }),
        )
        // HubSpot's demo as it ships: inline styles and onclick handlers, so no policy.
        .route(
            "/demo-minimal-js/",
            web::get().to(|| file(MINIMAL_HTML, "text/html; charset=utf-8")),
        )
        .route(
            "/demo-minimal-js/index.js",
            web::get().to(|| file(MINIMAL_JS, "text/javascript; charset=utf-8")),
        );
}

async fn page(body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, WIDGET_POLICY))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

async fn file(body: &'static str, content_type: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body)
}

/// How long `GET /widget/late.js` takes: the `raw-before-handshake` variant loads it so that its
/// page is still loading (HubSpot has not sent its SYNC) when its raw message arrives.
const LATE: Duration = Duration::from_millis(500);

async fn late() -> HttpResponse {
    actix_web::rt::time::sleep(LATE).await;
    file(
        "// loaded late, on purpose (widget.js, raw-before-handshake)\n",
        "text/javascript; charset=utf-8",
    )
    .await
}

/// What `POST /widget/ring` takes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Ring {
    from: String,
    to: Option<String>,
}

async fn ring(body: web::Bytes, line: web::Data<Line>) -> HttpResponse {
    let ring: Ring = match serde_json::from_slice(&body) {
        Ok(ring) => ring,
        Err(e) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                &format!("the body must be {{\"from\": \"+16175550100\", \"to\"?: \"{LINE_NUMBER}\"}} (the caller's number, and the line called): {e}"),
            )
        }
    };
    if ring.from.trim().is_empty() {
        return json_error(
            StatusCode::BAD_REQUEST,
            "\"from\" is empty: give the caller's number",
        );
    }
    let to = ring.to.unwrap_or_else(|| LINE_NUMBER.to_string());
    let event = json!({"from": ring.from.trim(), "to": to.trim()}).to_string();
    // send() fails only when no widget listens.
    match line.rings.send(event) {
        Ok(delivered) => HttpResponse::Accepted().json(json!({"delivered": delivered})),
        Err(_) => json_error(
            StatusCode::CONFLICT,
            "no demo widget is open: open the emulator's calling page (/_emulator/ui/calling) on this app first",
        ),
    }
}

/// `GET /widget/events`: a server-sent `ring` event per ring, a comment every 15 s.
async fn events(line: web::Data<Line>) -> HttpResponse {
    let rings = line.rings.subscribe();
    // A first comment at once: the browser's EventSource is open from then on.
    let hello = stream::iter([Ok::<_, actix_web::Error>(web::Bytes::from_static(
        b": demo line connected\n\n",
    ))]);
    let body = hello.chain(stream::unfold(rings, |mut rings| async move {
        let chunk = match tokio::time::timeout(KEEP_ALIVE, rings.recv()).await {
            Err(_) => ": keep-alive\n\n".to_string(),
            Ok(Ok(event)) => format!("event: ring\ndata: {event}\n\n"),
            // A widget too slow to take 16 rings missed some; it goes on with the next.
            Ok(Err(broadcast::error::RecvError::Lagged(_))) => ": missed rings\n\n".to_string(),
            Ok(Err(broadcast::error::RecvError::Closed)) => return None,
        };
        Some((Ok::<_, actix_web::Error>(web::Bytes::from(chunk)), rings))
    }));
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .streaming(body)
}

fn json_error(status: StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": message}))
}
