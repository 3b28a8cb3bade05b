//! Spawns an emulator on a free loopback port and gives tests a typed client for it.

use hubspot_emulator::app::{Emulator, EmulatorConfig};
use hubspot_emulator::fixture::loader::{load_fixtures, parse_fixture};
use reqwest::{Method, Response};
use serde_json::Value;

pub const APP_ID: i32 = 1234567;
pub const API_KEY: &str = "demo-developer-api-key";
pub const TOKEN: &str = "demo-access-token";

/// The two path families; every resource test runs under both.
pub const FAMILIES: [&str; 2] = [
    "/crm/v3/extensions/calling",
    "/crm/extensions/calling/2026-03",
];

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    /// The server this app stops when dropped; `None` for a view of a sandbox (`at`).
    handle: Option<actix_web::dev::ServerHandle>,
}

/// How a request authenticates.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    Key(&'a str),
    Bearer(&'a str),
    Nothing,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop without waiting: the runtime goes away with the test.
        if let Some(handle) = &self.handle {
            drop(handle.stop(false));
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn(load_fixtures(&[] as &[&str]).expect("embedded fixture loads")).await
}

pub async fn spawn_with(fixture: &str) -> TestApp {
    spawn(parse_fixture("test fixture", fixture).expect("test fixture loads")).await
}

async fn spawn(fixture: hubspot_emulator::fixture::Fixture) -> TestApp {
    spawn_config(EmulatorConfig::ephemeral(fixture)).await
}

/// An emulator with this configuration (two workers unless it says otherwise).
pub async fn spawn_config(mut config: EmulatorConfig) -> TestApp {
    config.workers = config.workers.or(Some(2));
    let emulator = Emulator::bind(config).expect("binds a free port");
    let base = emulator.base_url();
    let handle = emulator.handle();
    tokio::spawn(emulator.run());
    TestApp {
        base,
        http: reqwest::Client::new(),
        handle: Some(handle),
    }
}

impl TestApp {
    /// The same emulator under another base URL (a sandbox's): every helper then acts there.
    pub fn at(&self, base: &str) -> TestApp {
        TestApp {
            base: base.to_string(),
            http: self.http.clone(),
            handle: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A call with a JSON body (or none), authenticated as told.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        auth: Auth<'_>,
    ) -> Response {
        let mut url = self.url(path);
        if let Auth::Key(key) = auth {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("hapikey={key}"));
        }
        let mut request = self.http.request(method, url);
        if let Auth::Bearer(token) = auth {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("the emulator answers")
    }

    /// A call with the demo app's developer API key.
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        self.send(method, path, body, Auth::Key(API_KEY)).await
    }

    /// A control-API call as every client must make it: writes say `application/json`, with a
    /// body or without.
    pub async fn control(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        let write = method != Method::GET && method != Method::HEAD;
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        } else if write {
            request = request.header("content-type", "application/json");
        }
        request.send().await.expect("the control API answers")
    }
}

/// Status and JSON body of a response (Null for an empty body).
pub async fn json_of(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, body)
}

/// Asserts HubSpot's error envelope with the given status and category; returns the body.
pub async fn expect_error(response: Response, status: u16, category: &str) -> Value {
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json;charset=utf-8")
    );
    let header_id = response
        .headers()
        .get("x-hubspot-correlation-id")
        .expect("a correlation id header")
        .to_str()
        .unwrap()
        .to_string();
    let (got, body) = json_of(response).await;
    assert_eq!(got, status, "body: {body}");
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["category"], category, "{body}");
    assert_eq!(body["correlationId"], header_id.as_str());
    uuid_v4(&header_id);
    assert!(
        body["message"].as_str().is_some_and(|m| m.len() > 20),
        "a message that explains: {body}"
    );
    body
}

pub fn uuid_v4(text: &str) {
    let parts: Vec<&str> = text.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12],
        "{text}"
    );
    assert!(parts[2].starts_with('4'), "version 4: {text}");
}

impl TestApp {
    /// Registers the demo app as a complete help-desk app does at start-up: its main calling
    /// settings with inbound calling (the help desk's prerequisites, kept if already there), then
    /// its channel connection (created or changed).
    pub async fn register(&self, url: &str, is_ready: bool) {
        let path = format!("/crm/v3/extensions/calling/{APP_ID}/settings");
        let body = serde_json::json!({"name": "Demo", "url": "https://example.com/calling", "supportsInboundCalling": true});
        let created = self.call(Method::POST, &path, Some(&body)).await;
        assert!(matches!(created.status().as_u16(), 200 | 409));
        self.register_connection_only(url, is_ready).await;
    }

    /// Registers the demo app's channel connection (creating or changing it), and nothing else.
    pub async fn register_connection_only(&self, url: &str, is_ready: bool) {
        let path = format!("/crm/v3/extensions/calling/{APP_ID}/settings/channel-connection");
        let body = serde_json::json!({"url": url, "isReady": is_ready});
        let created = self.call(Method::POST, &path, Some(&body)).await;
        if created.status() == 409 {
            let patched = self.call(Method::PATCH, &path, Some(&body)).await;
            assert_eq!(patched.status(), 200);
        } else {
            assert_eq!(created.status(), 200);
        }
    }

    /// `POST /_emulator/fire`; returns the verdict.
    pub async fn fire(&self, request: Value) -> Value {
        let (status, verdict) = json_of(
            self.control(Method::POST, "/_emulator/fire", Some(&request))
                .await,
        )
        .await;
        assert_eq!(status, 200, "{verdict}");
        verdict
    }

    /// Fires for the demo app and user 101 (who has the flag).
    pub async fn fire_demo(&self, timeout_ms: u64) -> Value {
        self.fire(serde_json::json!({"appId": APP_ID, "portalId": 62515, "userId": 101, "timeoutMs": timeout_ms}))
            .await
    }

    pub async fn assert_healthy(&self) {
        let health = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            self.control(Method::GET, "/_emulator/health", None),
        )
        .await
        .expect("health answers while deliveries misbehave");
        assert_eq!(health.status(), 200);
    }
}

/// The codes of a verdict's findings.
pub fn codes(verdict: &Value) -> Vec<String> {
    verdict["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The finding with `code`, or a panic that shows the verdict.
pub fn finding<'a>(verdict: &'a Value, code: &str) -> &'a Value {
    verdict["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} finding in {verdict:#}"))
}

/// Runs the real binary with these arguments and environment (and `NO_COLOR`), off the runtime.
pub async fn run_binary(
    args: Vec<String>,
    envs: Vec<(&'static str, String)>,
) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_hubspot-emulator"))
            .args(&args)
            .envs(envs)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// Stdout of a run of the binary, as text.
pub fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Human output leaves no line ending in a space (an empty pointer, an empty header value, a
/// reply's own trailing blanks): editors and diff tools flag them, and copying them is noise.
pub fn assert_no_trailing_spaces(text: &str) {
    for (index, line) in text.lines().enumerate() {
        assert!(
            !line.ends_with([' ', '\t']),
            "line {} ends with whitespace: {line:?}\n{text}",
            index + 1
        );
    }
}

/// A directory of its own for one test's files.
pub fn test_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hse-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
