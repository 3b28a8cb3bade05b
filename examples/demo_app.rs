//! A demo HubSpot calling app: the receiving end of the channel connection, as a real app would
//! build it, to run against `hubspot-emulator`.
//!
//! It shows the three things every calling app with a channel connection has to get right:
//!
//! 1. **Registering** through the calling settings API, using only `HUBSPOT_API_BASE_URL` to find
//!    the API — so the same code talks to `https://api.hubapi.com` in production and to the
//!    emulator in tests: first its main calling settings (`POST …/settings`: name, widget URL,
//!    `supportsInboundCalling: true`, which HubSpot's help-desk guide lists as prerequisites of a
//!    channel connection), then its phone-number URL (`POST …/settings/channel-connection`),
//!    each falling back to `PATCH` when already registered.
//! 2. **Verifying** HubSpot's v3 signature on every webhook: HMAC-SHA256 keyed with the client
//!    secret over `method + uri + raw body + timestamp`, the timestamp in integer milliseconds
//!    and at most 5 minutes off, compared in constant time.
//! 3. **Answering** with the numbers the help-desk user may connect, in HubSpot's format — and,
//!    under `/hubspot/phone-numbers/{variant}`, with the classic mistakes, so that the emulator's findings can be seen.
//!
//! And the other half of a calling app's life: **logging inbound calls**. `POST
//! /telephony/incoming-call` plays the app's telephony provider telling it a call came in (what
//! Twilio's or Vonage's status callback does for a real app); the app reports it to HubSpot's
//! inbound-call API (`POST /crm/v3/extensions/calling/inbound-call`, with the access token and
//! `createEngagement: true`), looks up the call engagement HubSpot logged by its external id (the
//! inbound-call answer carries no id), logs the caller-ID matches and the engagement id, and
//! answers the provider with them. Under `/telephony/incoming-call/{mistake}` it makes one
//! classic mistake in the report, so that the emulator's findings can be seen.
//!
//! It also serves its **calling widget** at `/widget` (the settings `url` it registers), built on
//! HubSpot's Calling Extensions SDK, with a ring line for incoming calls and HubSpot's own
//! demo-minimal-js beside it: `examples/demo_widget/` (docs/calling-widget.md).
//!
//! Run it under the emulator's CI harness, which starts the emulator, passes the coordinates in
//! the environment, runs the scenarios and stops the app:
//!
//! ```sh
//! hubspot-emulator run fixtures/examples/help-desk.json -- cargo run --example demo_app
//! ```
//!
//! (To gate on `GET /health` with `--app-ready`, fix the port: `DEMO_APP_PORT=3000
//! hubspot-emulator run … --app-ready http://127.0.0.1:3000/health -- cargo run --example demo_app`.)
//!
//! or by hand, beside `hubspot-emulator serve` (demo fixture credentials):
//!
//! ```sh
//! HUBSPOT_API_BASE_URL=http://127.0.0.1:4774 HUBSPOT_APP_ID=1234567 \
//! HUBSPOT_DEVELOPER_API_KEY=demo-developer-api-key HUBSPOT_CLIENT_SECRET=demo-client-secret \
//!   cargo run --example demo_app
//! curl -s -X POST http://127.0.0.1:4774/_emulator/fire -H 'Content-Type: application/json' \
//!   -d '{"appId":1234567,"portalId":62515,"userId":101}'
//! ```
//!
//! Environment: `HUBSPOT_API_BASE_URL`, `HUBSPOT_APP_ID`, `HUBSPOT_DEVELOPER_API_KEY` (sent as
//! `?hapikey=`) or `HUBSPOT_ACCESS_TOKEN` (sent as a Bearer token), `HUBSPOT_CLIENT_SECRET` are
//! required (the inbound-call API takes only the access token: without it
//! `/telephony/incoming-call` answers 503); `DEMO_APP_PORT` (default 0: any free port), `DEMO_APP_READY` (`false` by default:
//! registers `isReady: false`), `DEMO_APP_SLOW_MS` (default 1500) and `DEMO_APP_LOG` (a tracing
//! filter, default `info`) are optional. Exit codes: 2 bad configuration, 1 the port or the
//! registration failed. The one line on stdout says where it listens once it is registered;
//! logs go to stderr.

#[path = "demo_widget/mod.rs"]
mod demo_widget;

use std::io::Write;
use std::net::TcpListener;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::http::header::ContentType;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// HubSpot's (and the official clients') limit on the age of a signed request.
const MAX_TIMESTAMP_SKEW_MS: u64 = 300_000;

/// Below this a "millisecond" timestamp is before March 1973: almost certainly seconds.
const SECONDS_LOOKING_BELOW: u64 = 100_000_000_000;

/// The path the app registers as its channel connection `url`.
const PHONE_NUMBERS_PATH: &str = "/hubspot/phone-numbers";

/// The path the app registers as its calling widget's `url` (the iframe HubSpot loads).
const WIDGET_PATH: &str = "/widget";

/// The name HubSpot shows users for the app (its calling settings `name`).
const APP_NAME: &str = "Demo calling app";

/// Where the telephony provider tells the app about a call that came in.
const INCOMING_CALL_PATH: &str = "/telephony/incoming-call";

/// The mistakes `/telephony/incoming-call/{mistake}` makes in the report to HubSpot.
const CALL_MISTAKES: &[&str] = &["not-e164", "milliseconds"];

/// What the app needs to run, read once from the environment.
struct Config {
    api_base_url: String,
    app_id: u32,
    credential: Credential,
    /// The inbound-call API's credential (whatever `credential` registers with).
    access_token: Option<String>,
    client_secret: String,
    port: u16,
    is_ready: bool,
    slow: Duration,
}

enum Credential {
    DeveloperApiKey(String),
    AccessToken(String),
}

/// Shared by every worker: the request handlers need the exact origin HubSpot called (for the
/// signed uri) and a MAC already keyed with the client secret (cloned per request, so the secret
/// is parsed once and no handler can fail on it).
struct AppState {
    origin: String,
    mac: HmacSha256,
    slow: Duration,
    api_base_url: String,
    app_id: u32,
    access_token: Option<String>,
}

#[actix_web::main]
async fn main() {
    init_logging();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(message) => exit(2, &message),
    };
    // Any key length is valid for HMAC, so this cannot fail; still, no panic on configuration.
    let mac = match HmacSha256::new_from_slice(config.client_secret.as_bytes()) {
        Ok(mac) => mac,
        Err(e) => exit(
            2,
            &format!("HUBSPOT_CLIENT_SECRET cannot key HMAC-SHA256: {e}"),
        ),
    };

    // Bind first: the registered URL must carry the real port, and with DEMO_APP_PORT=0 only the
    // OS knows it.
    let listener = match TcpListener::bind(("127.0.0.1", config.port)) {
        Ok(listener) => listener,
        Err(e) => exit(
            1,
            &format!("cannot listen on 127.0.0.1:{}: {e}", config.port),
        ),
    };
    let port = match listener.local_addr() {
        Ok(addr) => addr.port(),
        Err(e) => exit(1, &format!("cannot read the bound address: {e}")),
    };
    let origin = format!("http://127.0.0.1:{port}");
    let state = web::Data::new(AppState {
        origin: origin.clone(),
        mac,
        slow: config.slow,
        api_base_url: config.api_base_url.clone(),
        app_id: config.app_id,
        access_token: config.access_token.clone(),
    });

    let line = demo_widget::Line::new();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route(
                "/health",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .content_type(ContentType::plaintext())
                        .body("ok")
                }),
            )
            // The calling widget (WIDGET_PATH), its ring line and HubSpot's demo-minimal-js.
            .configure(|cfg| demo_widget::configure(cfg, line.clone()))
            // HubSpot only POSTs; anything else on these paths is a 405, not a confusing 404.
            .service(
                web::resource(PHONE_NUMBERS_PATH)
                    .route(web::post().to(phone_numbers))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                // Under the registered path, so a scenario can append `/long-name` to the URL it saw.
                web::resource("/hubspot/phone-numbers/{variant}")
                    .route(web::post().to(broken))
                    .default_service(web::to(method_not_allowed)),
            )
            // The telephony provider's side: a call came in (and, under a mistake, one report
            // to HubSpot goes wrong on purpose).
            .service(
                web::resource(INCOMING_CALL_PATH)
                    .route(web::post().to(incoming_call))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource(format!("{INCOMING_CALL_PATH}/{{mistake}}"))
                    .route(web::post().to(incoming_call_with_mistake))
                    .default_service(web::to(method_not_allowed)),
            )
            .default_service(web::to(|| async {
                error(actix_web::http::StatusCode::NOT_FOUND, "no such path")
            }))
    })
    // A demo needs no thread per core; async handlers (even the slow one) share a worker.
    .workers(2)
    // In-flight deliveries get a few seconds after SIGTERM/SIGINT, as actix handles those signals.
    .shutdown_timeout(5);
    let server = match server.listen(listener) {
        Ok(server) => server.run(),
        Err(e) => exit(1, &format!("cannot serve on {origin}: {e}")),
    };
    let handle = server.handle();
    // Serve before registering: once registered, HubSpot (or the emulator) may call at once.
    let serving = actix_web::rt::spawn(server);

    // The main settings first: HubSpot's help-desk guide makes the SDK setup and inbound calling
    // prerequisites of the channel connection.
    let settings = json!({
        "name": APP_NAME,
        "url": format!("{origin}{WIDGET_PATH}"),
        "height": 600,
        "width": 400,
        "isReady": config.is_ready,
        "supportsCustomObjects": false,
        "supportsInboundCalling": true,
        "usesCallingWindow": true,
        "usesRemote": false,
    });
    let connection =
        json!({"url": format!("{origin}{PHONE_NUMBERS_PATH}"), "isReady": config.is_ready});
    for (what, path, body) in [
        ("calling settings", "/settings", &settings),
        (
            "channel connection",
            "/settings/channel-connection",
            &connection,
        ),
    ] {
        if let Err(message) = register(&config, what, path, body).await {
            handle.stop(false).await;
            exit(1, &format!("registering the {what} failed: {message}"));
        }
    }
    // The one stdout line, flushed at once: a script that started the app may be waiting on it.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "demo app listening on {origin}; calling settings and channel connection registered"
    );
    let _ = stdout.flush();
    drop(stdout);

    match serving.await {
        Ok(Ok(())) => tracing::info!("stopped"),
        Ok(Err(e)) => exit(1, &format!("the server failed: {e}")),
        Err(e) => exit(1, &format!("the server task failed: {e}")),
    }
}

impl Config {
    fn from_env() -> Result<Config, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let api_base_url = var("HUBSPOT_API_BASE_URL");
        let app_id = var("HUBSPOT_APP_ID");
        let credential = match (
            var("HUBSPOT_DEVELOPER_API_KEY"),
            var("HUBSPOT_ACCESS_TOKEN"),
        ) {
            // The developer key is what the official clients use on these endpoints.
            (Some(key), _) => Some(Credential::DeveloperApiKey(key)),
            (None, Some(token)) => Some(Credential::AccessToken(token)),
            (None, None) => None,
        };
        let client_secret = var("HUBSPOT_CLIENT_SECRET");

        let mut missing = Vec::new();
        if api_base_url.is_none() {
            missing.push("HUBSPOT_API_BASE_URL (e.g. http://127.0.0.1:4774)");
        }
        if app_id.is_none() {
            missing.push("HUBSPOT_APP_ID");
        }
        if credential.is_none() {
            missing.push("HUBSPOT_DEVELOPER_API_KEY or HUBSPOT_ACCESS_TOKEN");
        }
        if client_secret.is_none() {
            missing.push("HUBSPOT_CLIENT_SECRET");
        }
        let (Some(api_base_url), Some(app_id), Some(credential), Some(client_secret)) =
            (api_base_url, app_id, credential, client_secret)
        else {
            return Err(format!("missing environment: {}", missing.join(", ")));
        };

        let app_id = match app_id.trim().parse::<u32>() {
            Ok(id) if id > 0 && id <= i32::MAX as u32 => id,
            _ => {
                return Err(format!(
                    "HUBSPOT_APP_ID={app_id:?} is not a positive 32-bit integer"
                ))
            }
        };
        let port = match var("DEMO_APP_PORT") {
            None => 0,
            Some(text) => text
                .trim()
                .parse::<u16>()
                .map_err(|_| format!("DEMO_APP_PORT={text:?} is not a port number (0-65535)"))?,
        };
        let is_ready = match var("DEMO_APP_READY").as_deref().map(str::trim) {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(format!(
                    "DEMO_APP_READY={other:?} must be \"true\" or \"false\""
                ))
            }
        };
        let slow_ms = match var("DEMO_APP_SLOW_MS") {
            None => 1500,
            Some(text) => text.trim().parse::<u64>().map_err(|_| {
                format!("DEMO_APP_SLOW_MS={text:?} is not a number of milliseconds")
            })?,
        };
        Ok(Config {
            // The base URL is documented without a trailing slash; tolerate one anyway.
            api_base_url: api_base_url.trim().trim_end_matches('/').to_string(),
            app_id,
            credential,
            access_token: var("HUBSPOT_ACCESS_TOKEN"),
            client_secret,
            port,
            is_ready,
            slow: Duration::from_millis(slow_ms),
        })
    }
}

/// Registers `body` at `path` under the app's calling settings (`/settings`,
/// `/settings/channel-connection`): POST creates it; a 409 means it is already registered (a
/// restart, or a fixture that seeds it), so PATCH the same body over it.
async fn register(
    config: &Config,
    what: &str,
    path: &str,
    body: &serde_json::Value,
) -> Result<(), String> {
    let client = hubspot_client();
    let endpoint = format!(
        "{}/crm/v3/extensions/calling/{}{path}",
        config.api_base_url, config.app_id
    );

    let mut last = String::new();
    for method in [awc::http::Method::POST, awc::http::Method::PATCH] {
        let mut request = client.request(method.clone(), &endpoint);
        request = match &config.credential {
            // awc's query() URL-encodes the key, whatever characters it has.
            Credential::DeveloperApiKey(key) => request
                .query(&[("hapikey", key.as_str())])
                .map_err(|e| format!("cannot build the query: {e}"))?,
            Credential::AccessToken(token) => request.bearer_auth(token),
        };
        let mut response = request
            .send_json(body)
            .await
            .map_err(|e| format!("{method} {endpoint}: {e}"))?;
        let status = response.status();
        let text = match response.body().await {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => format!("(unreadable body: {e})"),
        };
        if status.is_success() {
            tracing::info!(%method, %status, %endpoint, is_ready = config.is_ready, "{what} registered");
            return Ok(());
        }
        last = format!("{method} {endpoint} → {status}: {text}");
        if !(method == awc::http::Method::POST && status == awc::http::StatusCode::CONFLICT) {
            break;
        }
        tracing::info!("{what} already registered; updating with PATCH");
    }
    Err(last)
}

/// The webhook body HubSpot sends.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PhoneNumbersRequest {
    app_id: i64,
    portal_id: i64,
    user_id: i64,
}

/// The right answer.
async fn phone_numbers(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> HttpResponse {
    match authenticate(&req, &body, &state) {
        Ok(_) => good_answer(),
        Err(rejection) => rejection.into_response(),
    }
}

/// The same endpoint, but each path answers with one classic mistake (and is otherwise right), so
/// the emulator shows exactly one finding for it.
async fn broken(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
    variant: web::Path<String>,
) -> HttpResponse {
    let known = [
        "long-name",
        "extension",
        "not-e164",
        "legacy-field",
        "server-error",
        "slow",
        "not-json",
        "empty",
    ];
    if !known.contains(&variant.as_str()) {
        return error(
            actix_web::http::StatusCode::NOT_FOUND,
            &format!(
                "no broken variant {:?}; try one of {}",
                variant.as_str(),
                known.join(", ")
            ),
        );
    }
    // A broken app still checks signatures: the mistakes are in the reply, not the security.
    if let Err(rejection) = authenticate(&req, &body, &state) {
        return rejection.into_response();
    }
    let json = |value: serde_json::Value| {
        HttpResponse::Ok()
            .content_type(ContentType::json())
            .body(value.to_string())
    };
    match variant.as_str() {
        // 40 characters; HubSpot shows only the first 24.
        "long-name" => json(json!({"phoneNumbers": [
            {"e164PhoneNumber": "+14155552671", "friendlyName": "Customer support, evenings and weekends!"},
        ]})),
        // Listed, but the help-desk user cannot select a number with an extension.
        "extension" => json(json!({"phoneNumbers": [
            {"e164PhoneNumber": "+14155552671", "friendlyName": "Support line"},
            {"e164PhoneNumber": "+442071838750", "extension": "204", "friendlyName": "London office"},
        ]})),
        // A national display format instead of E.164.
        "not-e164" => json(json!({"phoneNumbers": [
            {"e164PhoneNumber": "+14155552671", "friendlyName": "Support line"},
            {"e164PhoneNumber": "(415) 555-2671", "friendlyName": "Local line"},
        ]})),
        // The field's old name, from an earlier version of HubSpot's docs.
        "legacy-field" => json(json!({"phoneNumbers": [
            {"e164PhoneNumber": "+14155552671", "friendlyName": "Support line"},
            {"e164Number": "+442071838750", "friendlyName": "London office"},
        ]})),
        // What a crashing framework sends.
        "server-error" => HttpResponse::InternalServerError().content_type(ContentType::html()).body(
            "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n\
             <body><h1>Internal Server Error</h1><p>The server encountered an unexpected condition.</p></body></html>\n",
        ),
        // Right, but late: an async sleep, so the worker keeps serving others meanwhile.
        "slow" => {
            tokio::time::sleep(state.slow).await;
            good_answer()
        }
        "not-json" => HttpResponse::Ok().content_type(ContentType::plaintext()).body("ok"),
        "empty" => json(json!({"phoneNumbers": []})),
        _ => error(actix_web::http::StatusCode::NOT_FOUND, "no such broken variant"),
    }
}

fn good_answer() -> HttpResponse {
    HttpResponse::Ok().content_type(ContentType::json()).body(
        json!({"phoneNumbers": [
            {"e164PhoneNumber": "+14155552671", "friendlyName": "Support line"},
            {"e164PhoneNumber": "+442071838750", "friendlyName": "London office"},
        ]})
        .to_string(),
    )
}

/// What the telephony provider says about a call that came in (its status callback, reduced to
/// what HubSpot needs).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IncomingCall {
    /// The provider's id for the call; the app makes one up when it has none.
    external_call_id: Option<String>,
    /// The caller, in E.164 (`+14155552671`).
    from: String,
    /// The app's number that was called, in E.164.
    to: String,
    /// How long the call lasted.
    #[serde(default)]
    duration_ms: u64,
    /// The provider's status (`completed` by default; see `CALL_STATUSES`).
    status: Option<String>,
    /// The HubSpot user who took the call.
    user_id: Option<i32>,
}

/// The provider's call statuses (Twilio's words) and HubSpot's `finalCallStatus` for each.
const CALL_STATUSES: &[(&str, &str)] = &[
    ("completed", "COMPLETED"),
    ("busy", "BUSY"),
    ("no-answer", "NO_ANSWER"),
    ("failed", "FAILED"),
    ("canceled", "CANCELED"),
    ("ringing", "RINGING"),
    ("in-progress", "IN_PROGRESS"),
    ("queued", "QUEUED"),
];

/// A call came in: report it to HubSpot, correctly.
async fn incoming_call(body: web::Bytes, state: web::Data<AppState>) -> HttpResponse {
    log_inbound_call(&body, &state, None).await
}

/// A call came in: report it to HubSpot with one classic mistake.
async fn incoming_call_with_mistake(
    body: web::Bytes,
    state: web::Data<AppState>,
    mistake: web::Path<String>,
) -> HttpResponse {
    match CALL_MISTAKES.iter().find(|m| **m == mistake.as_str()) {
        Some(mistake) => log_inbound_call(&body, &state, Some(mistake)).await,
        None => error(
            actix_web::http::StatusCode::NOT_FOUND,
            &format!(
                "no mistake {:?}; try one of {}",
                mistake.as_str(),
                CALL_MISTAKES.join(", ")
            ),
        ),
    }
}

/// Reports the call to HubSpot's inbound-call API (logging it as a call engagement), finds the
/// engagement HubSpot logged, and answers the provider with the caller-ID matches and its id.
async fn log_inbound_call(body: &[u8], state: &AppState, mistake: Option<&str>) -> HttpResponse {
    use actix_web::http::StatusCode;
    let Some(token) = &state.access_token else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "HUBSPOT_ACCESS_TOKEN is not set: HubSpot's inbound-call API takes the app's access token",
        );
    };
    let call: IncomingCall = match serde_json::from_slice(body) {
        Ok(call) => call,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("the body is not {{\"from\", \"to\", \"durationMs\"?, \"status\"?, \"externalCallId\"?, \"userId\"?}}: {e}"),
            )
        }
    };
    let report = match inbound_call_report(&call, state.app_id, mistake) {
        Ok(report) => report,
        Err(message) => return error(StatusCode::BAD_REQUEST, &message),
    };
    let external_call_id = report["externalCallId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let client = hubspot_client();
    let endpoint = format!(
        "{}/crm/v3/extensions/calling/inbound-call",
        state.api_base_url
    );
    let (status, reply) = match client
        .post(&endpoint)
        .bearer_auth(token)
        .send_json(&report)
        .await
    {
        Ok(mut response) => {
            let status = response.status();
            let body = response.body().await.unwrap_or_default();
            (
                status,
                serde_json::from_slice::<Value>(&body)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned())),
            )
        }
        Err(e) => {
            tracing::error!(%endpoint, error = %e, "cannot reach HubSpot's inbound-call API");
            return error(
                StatusCode::BAD_GATEWAY,
                &format!("cannot reach HubSpot: {e}"),
            );
        }
    };
    if !status.is_success() {
        // HubSpot's error names each field to fix: keep it where a developer looks.
        tracing::error!(%status, %reply, external_call_id, "HubSpot refused the inbound call");
        return error(
            StatusCode::BAD_GATEWAY,
            &format!("HubSpot refused the inbound call: {status} {reply}"),
        );
    }
    let matches = caller_id_matches(&reply);
    let engagement_id = match find_call(&client, state, token, &external_call_id).await {
        Ok(id) => id,
        Err(message) => {
            tracing::warn!(
                external_call_id,
                message,
                "cannot read the logged call back"
            );
            None
        }
    };
    tracing::info!(
        external_call_id,
        matches = %serde_json::Value::Array(matches.clone()),
        engagement_id = engagement_id.as_deref().unwrap_or("none"),
        "inbound call logged in HubSpot"
    );
    HttpResponse::Ok().content_type(ContentType::json()).body(
        json!({"externalCallId": external_call_id, "matches": matches, "engagementId": engagement_id})
            .to_string(),
    )
}

/// HubSpot's `CompletedThirdPartyCallRequest` for the call, or why the provider's report cannot
/// make one. `mistake` spoils it the way apps get it wrong: `not-e164` sends the numbers without
/// their `+`, `milliseconds` sends the duration in milliseconds where HubSpot reads seconds.
fn inbound_call_report(
    call: &IncomingCall,
    app_id: u32,
    mistake: Option<&str>,
) -> Result<Value, String> {
    for (field, number) in [("from", &call.from), ("to", &call.to)] {
        if !is_e164(number) {
            return Err(format!(
                "{field} {number:?} is not an E.164 number such as +14155552671"
            ));
        }
    }
    let status = call.status.as_deref().unwrap_or("completed");
    let Some((_, final_call_status)) = CALL_STATUSES.iter().find(|(name, _)| *name == status)
    else {
        let known: Vec<&str> = CALL_STATUSES.iter().map(|(name, _)| *name).collect();
        return Err(format!(
            "status {status:?} is not one of {}",
            known.join(", ")
        ));
    };
    // HubSpot reads whole seconds; the provider counts milliseconds.
    let duration_seconds = match mistake {
        Some("milliseconds") => call.duration_ms,
        _ => call.duration_ms.saturating_add(500) / 1000,
    };
    let Ok(duration_seconds) = i32::try_from(duration_seconds) else {
        return Err(format!(
            "durationMs {} is longer than a call HubSpot can log",
            call.duration_ms
        ));
    };
    let started = chrono::Utc::now()
        - chrono::Duration::milliseconds(i64::try_from(call.duration_ms).unwrap_or(i64::MAX / 2));
    let number = |e164: &str| match mistake {
        Some("not-e164") => e164.trim_start_matches('+').to_string(),
        _ => e164.to_string(),
    };
    let external_call_id = call
        .external_call_id
        .clone()
        .filter(|id| !id.trim().is_empty())
        .unwrap_or_else(|| format!("demo-{}", uuid::Uuid::new_v4()));
    let mut report = json!({
        "externalCallId": external_call_id,
        "createEngagement": true,
        "finalCallStatus": final_call_status,
        // The provider does not say what kind of line called.
        "fromNumber": {"e164Number": number(&call.from), "phoneNumberType": "UNKNOWN"},
        "toNumber": {"e164Number": number(&call.to), "phoneNumberType": "UNKNOWN"},
        "potentialRecipientUserIds": call.user_id.into_iter().collect::<Vec<i32>>(),
        "durationSeconds": duration_seconds,
        "callStartedTimestamp": started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "engagementProperties": {
            "hs_call_title": format!("Inbound call from {}", call.from),
            "hs_call_source": "INTEGRATIONS_PLATFORM",
            "hs_call_app_id": app_id.to_string(),
        },
    });
    if let Some(user_id) = call.user_id {
        report["userId"] = json!(user_id);
    }
    Ok(report)
}

/// `+` and 1 to 15 digits, the first not 0: what HubSpot matches callers by.
fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|digits| {
        (1..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    })
}

/// HubSpot's caller-ID matches, in the app's words: each record's type, id and name.
fn caller_id_matches(reply: &Value) -> Vec<Value> {
    let text = |value: &Value, key: &str| value[key].as_str().unwrap_or_default().to_string();
    reply["callerIdMatches"]
        .as_array()
        .map(|matches| {
            matches
                .iter()
                .map(|m| {
                    let person = format!("{} {}", text(m, "firstName"), text(m, "lastName"));
                    let name = match (person.trim(), text(m, "name"), text(m, "email")) {
                        (_, company, _) if !company.is_empty() => company,
                        (person, _, _) if !person.is_empty() => person.to_string(),
                        (_, _, email) => email,
                    };
                    json!({
                        "type": m["callerIdType"],
                        "id": m["objectCoordinates"]["objectId"].to_string(),
                        "name": name,
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The id of the call engagement HubSpot logged: the inbound-call answer carries none, so the
/// app reads the call by its external id (`None`: HubSpot has no such call).
async fn find_call(
    client: &awc::Client,
    state: &AppState,
    token: &str,
    external_call_id: &str,
) -> Result<Option<String>, String> {
    let id =
        percent_encoding::utf8_percent_encode(external_call_id, percent_encoding::NON_ALPHANUMERIC);
    let url = format!(
        "{}/crm/v3/objects/calls/{id}?idProperty=hs_call_external_id",
        state.api_base_url
    );
    let mut response = client
        .get(&url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status();
    let body = response
        .body()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    match status.as_u16() {
        200 => Ok(serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|call| call["id"].as_str().map(str::to_string))),
        404 => Ok(None),
        _ => Err(format!(
            "GET {url} → {status}: {}",
            String::from_utf8_lossy(&body)
        )),
    }
}

/// A client for HubSpot's API, with a deadline so a wedged API cannot hang the app.
fn hubspot_client() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish()
}

/// Why a webhook was refused: the status and the message for `{"error": …}`.
struct Rejection(actix_web::http::StatusCode, String);

impl Rejection {
    fn unauthorized(reason: impl Into<String>) -> Rejection {
        Rejection(actix_web::http::StatusCode::UNAUTHORIZED, reason.into())
    }

    fn into_response(self) -> HttpResponse {
        error(self.0, &self.1)
    }
}

/// Checks the v3 signature, then parses the body. A bad signature is a 401, a signed but
/// malformed body a 400 — never a panic.
fn authenticate(
    req: &HttpRequest,
    body: &[u8],
    state: &AppState,
) -> Result<PhoneNumbersRequest, Rejection> {
    let header = |name: &str| {
        req.headers().get(name).map(|v| {
            v.to_str()
                .map_err(|_| format!("{name} is not visible ASCII"))
        })
    };
    let signature = match header("X-HubSpot-Signature-v3") {
        Some(Ok(value)) => value,
        Some(Err(reason)) => return Err(Rejection::unauthorized(reason)),
        None => return Err(Rejection::unauthorized("missing X-HubSpot-Signature-v3")),
    };
    let timestamp = match header("X-HubSpot-Request-Timestamp") {
        Some(Ok(value)) => value,
        Some(Err(reason)) => return Err(Rejection::unauthorized(reason)),
        None => {
            return Err(Rejection::unauthorized(
                "missing X-HubSpot-Request-Timestamp",
            ))
        }
    };
    // HubSpot signs the URL exactly as it called it: our origin plus the path and query as they
    // arrived, escapes and all (actix keeps the request target undecoded in `uri()`).
    let path_and_query = req
        .uri()
        .path_and_query()
        .map_or(req.uri().path(), |pq| pq.as_str());
    let uri = format!("{}{}", state.origin, path_and_query);
    if let Err(reason) = verify_v3(
        &state.mac,
        req.method().as_str(),
        &uri,
        body,
        timestamp,
        signature,
        now_ms(),
    ) {
        tracing::warn!(%uri, reason, "rejected a webhook");
        return Err(Rejection::unauthorized(reason));
    }
    let request: PhoneNumbersRequest = serde_json::from_slice(body).map_err(|e| {
        Rejection(
            actix_web::http::StatusCode::BAD_REQUEST,
            format!("the body is not {{\"appId\",\"portalId\",\"userId\"}}: {e}"),
        )
    })?;
    tracing::info!(%uri, app_id = request.app_id, portal_id = request.portal_id, user_id = request.user_id, "verified webhook");
    Ok(request)
}

/// HubSpot's v3 check: `timestamp` is integer milliseconds within 5 minutes of `now_ms`, and
/// `signature` is base64(HMAC-SHA256(client secret, method + uri + body + timestamp)).
/// `mac` comes already keyed; `body` is the raw bytes as received (re-serialised JSON would
/// differ in spacing or key order and never match).
fn verify_v3(
    mac: &HmacSha256,
    method: &str,
    uri: &str,
    body: &[u8],
    timestamp: &str,
    signature: &str,
    now_ms: u64,
) -> Result<(), String> {
    // Digits only: "1764259200000.0" or "+1764…" must not slip through a lenient parser.
    if timestamp.is_empty() || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "X-HubSpot-Request-Timestamp {timestamp:?} is not integer milliseconds"
        ));
    }
    let Ok(ts) = timestamp.parse::<u64>() else {
        return Err(format!(
            "X-HubSpot-Request-Timestamp {timestamp:?} is out of range"
        ));
    };
    if ts < SECONDS_LOOKING_BELOW {
        return Err(format!("X-HubSpot-Request-Timestamp {timestamp} looks like seconds; HubSpot sends milliseconds"));
    }
    if now_ms > ts && now_ms - ts > MAX_TIMESTAMP_SKEW_MS {
        return Err(format!(
            "the request is stale: signed {} ms ago (limit {MAX_TIMESTAMP_SKEW_MS})",
            now_ms - ts
        ));
    }
    if ts > now_ms && ts - now_ms > MAX_TIMESTAMP_SKEW_MS {
        return Err(format!(
            "the request is dated {} ms in the future (limit {MAX_TIMESTAMP_SKEW_MS})",
            ts - now_ms
        ));
    }
    let Ok(expected) = base64::engine::general_purpose::STANDARD.decode(signature.trim()) else {
        return Err("X-HubSpot-Signature-v3 is not base64".to_string());
    };
    let mut mac = mac.clone();
    mac.update(method.as_bytes());
    mac.update(uri.as_bytes());
    mac.update(body);
    mac.update(timestamp.as_bytes());
    // verify_slice compares in constant time (and rejects a wrong length).
    mac.verify_slice(&expected)
        .map_err(|_| "X-HubSpot-Signature-v3 does not match".to_string())
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

async fn method_not_allowed() -> HttpResponse {
    let mut response = error(actix_web::http::StatusCode::METHOD_NOT_ALLOWED, "only POST");
    response.headers_mut().insert(
        actix_web::http::header::ALLOW,
        actix_web::http::header::HeaderValue::from_static("POST"),
    );
    response
}

fn error(status: actix_web::http::StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ContentType::json())
        .body(json!({"error": message}).to_string())
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DEMO_APP_LOG")
        // actix-server's start/stop chatter is noise next to the webhook log.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,actix_server=warn"));
    // Colours only on a terminal: under `hubspot-emulator run` stderr is a pipe into its log.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    // stderr: stdout carries only the ready line.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .init();
}

fn exit(code: i32, message: &str) -> ! {
    eprintln!("demo_app: {message}");
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    // From tests/data/signature-vectors.json (checked against HubSpot's official Python client).
    const SECRET: &str = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    const URI: &str = "http://127.0.0.1:3000/hubspot/phone-numbers";
    const BODY: &str = r#"{"appId":1234567,"portalId":62515,"userId":101}"#;
    const TS: &str = "1764259200000";
    const SIG: &str = "OgPhlMOSvgInGfyrkH9SQTLpRj/9lWBnDj/fF/fw9PY=";
    const NOW: u64 = 1_764_259_200_000;

    fn check(uri: &str, body: &str, ts: &str, sig: &str, now: u64) -> Result<(), String> {
        let mac = HmacSha256::new_from_slice(SECRET.as_bytes()).expect("any key length");
        verify_v3(&mac, "POST", uri, body.as_bytes(), ts, sig, now)
    }

    #[test]
    fn accepts_the_known_answer() {
        assert_eq!(check(URI, BODY, TS, SIG, NOW), Ok(()));
        assert_eq!(
            check(URI, BODY, TS, SIG, NOW + MAX_TIMESTAMP_SKEW_MS),
            Ok(())
        );
    }

    #[test]
    fn rejects_tampering_and_bad_timestamps() {
        assert!(check(URI, &BODY.replace("101", "102"), TS, SIG, NOW).is_err());
        assert!(check(&format!("{URI}?x=1"), BODY, TS, SIG, NOW).is_err());
        assert!(check(URI, BODY, TS, "not base64!", NOW).is_err());
        assert!(check(URI, BODY, TS, SIG, NOW + MAX_TIMESTAMP_SKEW_MS + 1).is_err());
        assert!(check(URI, BODY, TS, SIG, NOW - MAX_TIMESTAMP_SKEW_MS - 1).is_err());
        assert!(check(URI, BODY, "1764259200000.0", SIG, NOW).is_err());
        assert!(check(URI, BODY, "1764259200", SIG, 1_764_259_200)
            .unwrap_err()
            .contains("seconds"));
    }

    fn provider_call(changes: serde_json::Value) -> IncomingCall {
        let mut body = json!({"externalCallId": "c-1", "from": "+14155552671", "to": "+14155550100",
                              "durationMs": 95_400, "userId": 101});
        for (key, value) in changes.as_object().unwrap() {
            body[key] = value.clone();
        }
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn a_provider_call_becomes_hubspots_inbound_call() {
        let report = inbound_call_report(&provider_call(json!({})), 7, None).unwrap();
        assert_eq!(report["externalCallId"], "c-1");
        assert_eq!(report["createEngagement"], true);
        assert_eq!(report["finalCallStatus"], "COMPLETED");
        assert_eq!(report["fromNumber"]["e164Number"], "+14155552671");
        assert_eq!(report["durationSeconds"], 95, "rounded to whole seconds");
        assert_eq!(report["potentialRecipientUserIds"], json!([101]));
        assert_eq!(report["userId"], 101);
        assert_eq!(report["engagementProperties"]["hs_call_app_id"], "7");
        let started =
            chrono::DateTime::parse_from_rfc3339(report["callStartedTimestamp"].as_str().unwrap())
                .unwrap();
        assert!(started < chrono::Utc::now(), "the call started before now");

        let missed = inbound_call_report(
            &provider_call(json!({"status": "no-answer", "externalCallId": null, "userId": null})),
            7,
            None,
        )
        .unwrap();
        assert_eq!(missed["finalCallStatus"], "NO_ANSWER");
        assert!(missed["externalCallId"]
            .as_str()
            .unwrap()
            .starts_with("demo-"));
        assert_eq!(missed["potentialRecipientUserIds"], json!([]));
        assert!(missed.get("userId").is_none());
    }

    #[test]
    fn the_mistakes_spoil_one_field_each_and_bad_provider_calls_are_refused() {
        let call = provider_call(json!({}));
        let not_e164 = inbound_call_report(&call, 7, Some("not-e164")).unwrap();
        assert_eq!(not_e164["fromNumber"]["e164Number"], "14155552671");
        let millis = inbound_call_report(&call, 7, Some("milliseconds")).unwrap();
        assert_eq!(millis["durationSeconds"], 95_400);
        for (changes, problem) in [
            (
                json!({"from": "(415) 555-2671"}),
                "from \"(415) 555-2671\" is not an E.164",
            ),
            (json!({"to": "+0123"}), "to \"+0123\" is not an E.164"),
            (
                json!({"status": "done"}),
                "status \"done\" is not one of completed",
            ),
            (
                json!({"durationMs": u64::MAX}),
                "longer than a call HubSpot can log",
            ),
        ] {
            let error = inbound_call_report(&provider_call(changes), 7, None).unwrap_err();
            assert!(error.contains(problem), "{error}");
        }
    }

    #[test]
    fn hubspots_matches_read_as_names_and_ids() {
        let reply = json!({"callerIdMatches": [
            {"callerIdType": "CONTACT", "objectCoordinates": {"objectId": 100001}, "firstName": "Ada", "lastName": "Lovelace"},
            {"callerIdType": "CONTACT", "objectCoordinates": {"objectId": 100002}, "email": "grace@example.com"},
            {"callerIdType": "COMPANY", "objectCoordinates": {"objectId": 100003}, "name": "Acme"}]});
        assert_eq!(
            caller_id_matches(&reply),
            [
                json!({"type": "CONTACT", "id": "100001", "name": "Ada Lovelace"}),
                json!({"type": "CONTACT", "id": "100002", "name": "grace@example.com"}),
                json!({"type": "COMPANY", "id": "100003", "name": "Acme"}),
            ]
        );
    }

    #[test]
    fn the_long_name_is_forty_characters() {
        assert_eq!(
            "Customer support, evenings and weekends!".chars().count(),
            40
        );
    }
}
