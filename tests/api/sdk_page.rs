//! Plays the host page's part over TCP, as docs/calling-widget.md says a page does: opens a
//! session, connects its event stream (reading server-sent events off the wire), reports what the
//! app sends and what it sent itself, and reads the answers. The widget tests drive the emulator
//! through it.

use std::time::Duration;

use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::fixture::loader::parse_fixture;
use hubspot_emulator::sdk::SdkLimits;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_config, TestApp};

/// An app with calling settings (a calling window), one without, one embedded in the record page;
/// a portal with two users, a contact and a company.
pub const FIXTURE: &str = r#"{
  "apps": [
    {"name": "dialer", "appId": 1234567, "accessToken": "tok", "developerApiKey": "key",
     "settings": {"name": "Dialer", "url": "http://127.0.0.1:9/widget", "supportsInboundCalling": true}},
    {"name": "bare", "appId": 7654321, "accessToken": "tok-bare"},
    {"name": "embedded", "appId": 1111111, "accessToken": "tok-embedded",
     "settings": {"name": "Embedded", "url": "http://127.0.0.1:9/embedded", "usesCallingWindow": false}}
  ],
  "portals": [
    {"portalId": 62515, "users": [{"userId": 101}, {"userId": 102}],
     "contacts": [
       {"id": "500", "properties": {"firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.com", "phone": "(617) 555-0100"}}
     ],
     "companies": [{"id": "900", "properties": {"name": "Acme", "phone": "+44 20 7946 0958"}}]}
  ]
}"#;

/// The emulator on `FIXTURE` with these time limits.
pub async fn spawn_widget_with(limits: SdkLimits) -> TestApp {
    let mut config = EmulatorConfig::ephemeral(parse_fixture("widget", FIXTURE).unwrap());
    config.sdk_limits = limits;
    spawn_config(config).await
}

/// The emulator on `FIXTURE`, HubSpot's default limits.
pub async fn spawn_widget() -> TestApp {
    spawn_widget_with(SdkLimits::default()).await
}

pub struct Page {
    /// The emulator's base URL.
    pub base: String,
    http: reqwest::Client,
    /// `POST /_emulator/sdk/sessions`'s answer.
    pub session: Value,
    pub id: String,
    events: Option<reqwest::Response>,
    buffer: String,
}

impl Page {
    /// Opens a session with `body` and connects its event stream.
    pub async fn open(app: &TestApp, body: Value) -> Page {
        Page::open_at(&app.base, body).await
    }

    /// `open` on the emulator at `base`.
    pub async fn open_at(base: &str, body: Value) -> Page {
        let http = reqwest::Client::new();
        let (status, session) = json_of(
            http.post(format!("{base}/_emulator/sdk/sessions"))
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 201, "{session}");
        let mut page = Page {
            base: base.to_string(),
            http,
            id: session["sessionId"].as_str().unwrap().to_string(),
            session,
            events: None,
            buffer: String::new(),
        };
        page.connect().await;
        page
    }

    /// Connects (again) to the session's events.
    pub async fn connect(&mut self) {
        let url = format!("{}{}", self.base, self.session["events"].as_str().unwrap());
        let response = self.http.get(url).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        self.events = Some(response);
        self.buffer.clear();
        let opening = self.next_frame().await;
        assert_eq!(opening, ": connected", "the stream opens with a comment");
    }

    /// Closes the event stream, as a page that goes away does.
    pub fn close(&mut self) {
        self.events = None;
    }

    /// The next server-sent event's raw text (without its blank line), within 5 s.
    pub async fn next_frame(&mut self) -> String {
        tokio::time::timeout(Duration::from_secs(5), self.frame())
            .await
            .expect("an event within 5 s")
            .expect("the stream stays open")
    }

    /// The next frame; `None` when the stream ended.
    async fn frame(&mut self) -> Option<String> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame = self.buffer[..end].to_string();
                self.buffer.drain(..end + 2);
                return Some(frame);
            }
            let chunk = self.events.as_mut()?.chunk().await.ok()??;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next event (keep-alive comments skipped): its name and data.
    pub async fn next_event(&mut self) -> (String, Value) {
        tokio::time::timeout(Duration::from_secs(5), self.event())
            .await
            .expect("an event within 5 s")
            .expect("the stream stays open")
    }

    /// The next event; `None` when the stream ended (the emulator stopped).
    pub async fn event(&mut self) -> Option<(String, Value)> {
        loop {
            let frame = self.frame().await?;
            if frame.starts_with(':') {
                continue;
            }
            let mut name = String::new();
            let mut data = String::new();
            for line in frame.lines() {
                if let Some(value) = line.strip_prefix("event: ") {
                    name = value.to_string();
                } else if let Some(value) = line.strip_prefix("data: ") {
                    data.push_str(value);
                }
            }
            return Some((name, serde_json::from_str(&data).unwrap()));
        }
    }

    /// A control call to the emulator.
    async fn control(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(body);
        }
        json_of(request.send().await.unwrap()).await
    }

    /// Reports one thing; the status and answer.
    pub async fn post(&self, body: Value) -> (u16, Value) {
        let path = format!("/_emulator/sdk/sessions/{}/messages", self.id);
        self.control(Method::POST, &path, Some(&body)).await
    }

    /// Reports a message from the app; the 200's answer.
    pub async fn app_sends(&self, message_type: &str, data: Value) -> Value {
        let mut body = json!({"direction": "fromApp", "type": message_type});
        if !data.is_null() {
            body["data"] = data;
        }
        let (status, answer) = self.post(body).await;
        assert_eq!(status, 200, "{answer}");
        answer
    }

    /// The handshake as the page and the SDK make it: the page's SYNC, the app's SYNC_ACK.
    pub async fn handshake(&self) {
        let mut sync = self.session["sync"].clone();
        sync["hostUrl"] = json!(self.base);
        let (status, answer) = self
            .post(json!({"direction": "toApp", "type": "SYNC", "data": sync}))
            .await;
        assert_eq!(status, 200, "{answer}");
        let ack = self
            .app_sends(
                "SYNC_ACK",
                json!({"version": "0.9.7", "iFrameUrl": "http://127.0.0.1:9", "debugMode": false}),
            )
            .await;
        assert_eq!(codes(&ack), Vec::<String>::new());
    }

    /// Handshake, INITIALIZED (logged in and available as told).
    pub async fn ready(&self, logged_in: bool, available: bool) {
        self.handshake().await;
        let initialized = self
            .app_sends(
                "INITIALIZED",
                json!({"isLoggedIn": logged_in, "isAvailable": available, "sizeInfo": {"width": 400, "height": 650}}),
            )
            .await;
        assert_eq!(codes(&initialized), Vec::<String>::new(), "{initialized}");
    }

    /// This session as `GET /_emulator/sdk/sessions` lists it.
    pub async fn listed(&self) -> Value {
        let (_, all) = self
            .control(Method::GET, "/_emulator/sdk/sessions", None)
            .await;
        all["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["sessionId"] == self.id.as_str())
            .cloned()
            .unwrap()
    }
}

/// The codes of an answer's findings.
pub fn codes(answer: &Value) -> Vec<String> {
    answer["findings"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// Errors among an answer's findings.
pub fn errors(answer: &Value) -> Vec<Value> {
    answer["findings"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .filter(|f| f["severity"] == "error")
        .cloned()
        .collect()
}

/// The types of an answer's replies.
pub fn replies(answer: &Value) -> Vec<String> {
    answer["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["type"].as_str().unwrap().to_string())
        .collect()
}

/// The kinds of an answer's actions.
pub fn actions(answer: &Value) -> Vec<String> {
    answer["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap().to_string())
        .collect()
}

/// `POST /_emulator/sdk/{command}`: status and answer.
pub async fn command(app: &TestApp, command: &str, body: Value) -> (u16, Value) {
    let path = format!("/_emulator/sdk/{command}");
    json_of(app.control(Method::POST, &path, Some(&body)).await).await
}
