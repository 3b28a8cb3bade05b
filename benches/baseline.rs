//! Baseline for `benches/api.sh`: what actix-web alone does on this machine, for the same shapes of
//! request as the emulator's.
//!
//! A minimal actix-web 4 server with the same crate features as the emulator and actix's default
//! worker count. Each handler does the routing, the parsing of the request, the store access
//! (`DashMap`s, as the emulator's store) and the JSON serialisation of its emulated counterpart,
//! and nothing else: no auth, no rate limits, no request journal, no sandbox lookup, no
//! validation messages, no correlation id. The difference between this and the emulator is the
//! cost of the emulator's own work. It serves:
//!
//! - `GET|POST|DELETE /crm/v3/extensions/calling/{appId}/settings/channel-connection`: a stored
//!   `{url, isReady, createdAt, updatedAt}` per app (app 1234567 has one from the start); POST
//!   on an app that has one answers 409, GET and DELETE on one without answer 404;
//! - `POST /crm/v3/extensions/calling/inbound-call`: parses a `CompletedThirdPartyCallRequest`,
//!   looks the caller's number up among the contacts and answers `{"callerIdMatches": [...]}`;
//! - `POST /crm/v3/objects/calls`: stores `{"properties": {...}}` under a new id, 201;
//! - `POST /crm/v3/objects/calls/search`: the calls whose property equals a value (`EQ` filters),
//!   by id, a page of `limit`;
//! - `POST /_emulator/reset`: back to the seed, its one channel connection and its calls (as the
//!   emulator's reset);
//! - `GET  /_emulator/health`: 200, so start-up time is measured the same way as the emulator's.
//!
//! The seed matches benches/fixtures/bench.json: one contact whose phone is +14155552671, and
//! `SEEDED_CALLS` calls, every other one COMPLETED.
//!
//! Usage: `bench_baseline [--port N]` (0, the default, picks any free port). The first stdout line
//! contains `http://127.0.0.1:PORT`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{web, App, HttpResponse, HttpServer};
use dashmap::DashMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

const CREATED_AT: &str = "2026-11-27T17:30:00.123Z";
/// Calls seeded (and seeded again on reset), as in benches/fixtures/bench.json.
const SEEDED_CALLS: u64 = 100;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChannelConnectionRequest {
    url: String,
    is_ready: bool,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ChannelConnection {
    url: String,
    is_ready: bool,
    created_at: &'static str,
    updated_at: &'static str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // parsed as the emulator parses it; only the caller's number is used
struct InboundCall {
    external_call_id: String,
    create_engagement: bool,
    final_call_status: String,
    from_number: PhoneNumber,
    to_number: PhoneNumber,
    potential_recipient_user_ids: Vec<u64>,
    #[serde(default)]
    engagement_properties: Map<String, Value>,
    duration_seconds: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PhoneNumber {
    e164_number: String,
    phone_number_type: String,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct CallerIdMatch {
    object_type: &'static str,
    id: String,
    first_name: String,
    last_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InboundCallResponse<'a> {
    caller_id_matches: &'a [CallerIdMatch],
}

#[derive(Deserialize)]
struct ObjectInput {
    properties: BTreeMap<String, String>,
}

#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct CrmObject {
    id: String,
    properties: BTreeMap<String, String>,
    created_at: &'static str,
    updated_at: &'static str,
    archived: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchRequest {
    #[serde(default)]
    filter_groups: Vec<FilterGroup>,
    limit: Option<usize>,
}

#[derive(Deserialize)]
struct FilterGroup {
    filters: Vec<Filter>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // only EQ is served
struct Filter {
    property_name: String,
    operator: String,
    value: String,
}

#[derive(Serialize)]
struct SearchPage {
    total: usize,
    results: Vec<CrmObject>,
}

/// The store: what the emulator's keeps for these endpoints, in the same kind of maps.
struct Store {
    connections: DashMap<i32, ChannelConnection>,
    contacts_by_phone: DashMap<String, Vec<CallerIdMatch>>,
    calls: DashMap<u64, CrmObject>,
    next_id: AtomicU64,
}

impl Store {
    fn seeded() -> Store {
        let store = Store {
            connections: DashMap::new(),
            contacts_by_phone: DashMap::new(),
            calls: DashMap::new(),
            next_id: AtomicU64::new(1),
        };
        store.seed_connections();
        store.contacts_by_phone.insert(
            "+14155552671".to_owned(),
            vec![CallerIdMatch {
                object_type: "CONTACT",
                id: "1".to_owned(),
                first_name: "Ada".to_owned(),
                last_name: "Lovelace".to_owned(),
            }],
        );
        store.seed_calls();
        store
    }

    /// App 1234567's channel connection, and no other.
    fn seed_connections(&self) {
        self.connections.clear();
        self.connections.insert(
            1234567,
            ChannelConnection {
                url: "http://127.0.0.1:3000/calling".to_owned(),
                is_ready: false,
                created_at: CREATED_AT,
                updated_at: CREATED_AT,
            },
        );
    }

    fn seed_calls(&self) {
        self.calls.clear();
        self.next_id.store(1, Ordering::Relaxed);
        for n in 0..SEEDED_CALLS {
            let status = if n % 2 == 0 { "COMPLETED" } else { "NO_ANSWER" };
            self.create_call(BTreeMap::from([
                ("hs_call_status".to_owned(), status.to_owned()),
                ("hs_call_direction".to_owned(), "INBOUND".to_owned()),
                ("hs_timestamp".to_owned(), CREATED_AT.to_owned()),
            ]));
        }
    }

    fn create_call(&self, properties: BTreeMap<String, String>) -> CrmObject {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let object = CrmObject {
            id: id.to_string(),
            properties,
            created_at: CREATED_AT,
            updated_at: CREATED_AT,
            archived: false,
        };
        self.calls.insert(id, object.clone());
        object
    }
}

const CC_MISSING: &str = r#"{"status":"error","message":"no channel connection"}"#;

async fn get_channel_connection(app_id: web::Path<i32>, store: web::Data<Store>) -> HttpResponse {
    match store.connections.get(&app_id.into_inner()) {
        Some(record) => HttpResponse::Ok().json(&*record),
        None => HttpResponse::NotFound().body(CC_MISSING),
    }
}

async fn post_channel_connection(
    app_id: web::Path<i32>,
    body: web::Json<ChannelConnectionRequest>,
    store: web::Data<Store>,
) -> HttpResponse {
    let body = body.into_inner();
    let record = ChannelConnection {
        url: body.url,
        is_ready: body.is_ready,
        created_at: CREATED_AT,
        updated_at: CREATED_AT,
    };
    match store.connections.entry(app_id.into_inner()) {
        dashmap::Entry::Occupied(_) => HttpResponse::Conflict().body(CC_MISSING),
        dashmap::Entry::Vacant(slot) => HttpResponse::Ok().json(&*slot.insert(record)),
    }
}

async fn delete_channel_connection(
    app_id: web::Path<i32>,
    store: web::Data<Store>,
) -> HttpResponse {
    match store.connections.remove(&app_id.into_inner()) {
        Some(_) => HttpResponse::NoContent().finish(),
        None => HttpResponse::NotFound().body(CC_MISSING),
    }
}

async fn inbound_call(body: web::Json<InboundCall>, store: web::Data<Store>) -> HttpResponse {
    let matches = store
        .contacts_by_phone
        .get(&body.from_number.e164_number)
        .map(|found| found.clone())
        .unwrap_or_default();
    HttpResponse::Ok().json(InboundCallResponse {
        caller_id_matches: &matches,
    })
}

async fn create_call(body: web::Json<ObjectInput>, store: web::Data<Store>) -> HttpResponse {
    HttpResponse::Created().json(store.create_call(body.into_inner().properties))
}

async fn search_calls(body: web::Json<SearchRequest>, store: web::Data<Store>) -> HttpResponse {
    let request = body.into_inner();
    let matches = |object: &CrmObject| {
        request.filter_groups.is_empty()
            || request.filter_groups.iter().any(|group| {
                group.filters.iter().all(|filter| {
                    object.properties.get(&filter.property_name) == Some(&filter.value)
                })
            })
    };
    let mut found: Vec<CrmObject> = store
        .calls
        .iter()
        .filter(|entry| matches(entry.value()))
        .map(|entry| entry.value().clone())
        .collect();
    found.sort_by_key(|object| object.id.parse::<u64>().unwrap_or(0));
    let total = found.len();
    found.truncate(request.limit.unwrap_or(10));
    HttpResponse::Ok().json(SearchPage {
        total,
        results: found,
    })
}

async fn reset(store: web::Data<Store>) -> HttpResponse {
    store.seed_connections();
    store.seed_calls();
    HttpResponse::Ok().json(serde_json::json!({"reset": true}))
}

async fn health() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(r#"{"status":"ok"}"#)
}

fn parse_port() -> Result<u16, String> {
    let mut args = std::env::args().skip(1);
    let mut port = 0u16;
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "--port" => args.next().ok_or("--port needs a value")?,
            other if other.starts_with("--port=") => other["--port=".len()..].to_owned(),
            "-h" | "--help" => {
                println!("usage: bench_baseline [--port N]   (0 = any free port)");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        };
        port = value
            .parse()
            .map_err(|_| format!("--port must be 0..65535, got {value:?}"))?;
    }
    Ok(port)
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port = parse_port().unwrap_or_else(|message| {
        eprintln!("bench_baseline: {message}");
        std::process::exit(2);
    });
    let store = web::Data::new(Store::seeded());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(store.clone())
            .route("/_emulator/health", web::get().to(health))
            .route("/_emulator/reset", web::post().to(reset))
            .route(
                "/crm/v3/extensions/calling/inbound-call",
                web::post().to(inbound_call),
            )
            .route("/crm/v3/objects/calls", web::post().to(create_call))
            .route("/crm/v3/objects/calls/search", web::post().to(search_calls))
            .service(
                web::resource("/crm/v3/extensions/calling/{appId}/settings/channel-connection")
                    .route(web::get().to(get_channel_connection))
                    .route(web::post().to(post_channel_connection))
                    .route(web::delete().to(delete_channel_connection)),
            )
    })
    .bind(("127.0.0.1", port))?;
    let addr = server.addrs()[0];
    // Rust's stdout is line-buffered, so this line reaches a pipe reader at once.
    println!(
        "bench_baseline listening on http://127.0.0.1:{}",
        addr.port()
    );
    server.run().await
}
