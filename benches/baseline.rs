//! Baseline for `benches/api.sh`: what actix-web alone can do on this machine.
//!
//! A minimal actix-web 4 server with the same crate features as the emulator and actix's default
//! worker count. It serves only:
//!
//! - `GET  /crm/v3/extensions/calling/{appId}/settings/channel-connection`: a fixed JSON record;
//! - `POST /crm/v3/extensions/calling/{appId}/settings/channel-connection`: parses the body into
//!   `{url, isReady}` and echoes it back with two fixed timestamps;
//! - `GET  /_emulator/health`: 200, so start-up time is measured the same way as the emulator's.
//!
//! No auth, no store, no validation messages: the difference between this and the emulator is the
//! cost of the emulator's own work.
//!
//! Usage: `bench_baseline [--port N]` (0, the default, picks any free port). The first stdout line
//! contains `http://127.0.0.1:PORT`.

use actix_web::{web, App, HttpResponse, HttpServer};
use serde::{Deserialize, Serialize};

const CREATED_AT: &str = "2026-11-27T17:30:00.123Z";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChannelConnectionRequest {
    url: String,
    is_ready: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChannelConnection {
    url: String,
    is_ready: bool,
    created_at: &'static str,
    updated_at: &'static str,
}

async fn get_channel_connection(app_id: web::Path<i32>) -> HttpResponse {
    let _ = app_id.into_inner();
    HttpResponse::Ok().json(ChannelConnection {
        url: "http://127.0.0.1:3000/calling".to_owned(),
        is_ready: false,
        created_at: CREATED_AT,
        updated_at: CREATED_AT,
    })
}

async fn post_channel_connection(
    app_id: web::Path<i32>,
    body: web::Json<ChannelConnectionRequest>,
) -> HttpResponse {
    let _ = app_id.into_inner();
    let body = body.into_inner();
    HttpResponse::Ok().json(ChannelConnection {
        url: body.url,
        is_ready: body.is_ready,
        created_at: CREATED_AT,
        updated_at: CREATED_AT,
    })
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
    let server = HttpServer::new(|| {
        App::new()
            .route("/_emulator/health", web::get().to(health))
            .service(
                web::resource("/crm/v3/extensions/calling/{appId}/settings/channel-connection")
                    .route(web::get().to(get_channel_connection))
                    .route(web::post().to(post_channel_connection)),
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
