//! Golden files of `hubspot-emulator run` in deterministic mode (`--clock … --seed …`): the human
//! summary and the JSON report of one scenario file that covers a passing fire, a failing fire
//! (a non-E.164 number and a 30-character name), api steps whose status expectation fails (one
//! with HubSpot's error body and its seeded correlation id), and the steps skipped after a
//! failure. The real binary runs against scripted receivers in the test.
//!
//! Deliveries are signed by the real clock even in deterministic mode (an app judges the
//! timestamp's age), so the report shows `[timestamp]` and `[v3 signature]`; the test checks the
//! real values on the requests the receivers recorded. What else differs from run to run is only
//! the receivers' ports, replaced here by `[port]`. Everything else (the fake clock's times, the
//! v1 signature, correlation ids, durations) must repeat as it is.
//!
//! Review a change with `cargo insta review` (or rerun with `INSTA_UPDATE=always`); CI never
//! writes snapshots, the committed `.snap` files are the reference.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine;
use hmac::{Hmac, Mac};
use regex::Regex;
use serde_json::Value;
use sha2::Sha256;

use crate::helpers::test_dir;
use crate::receiver::{Behaviour, Receiver};

const BIN: &str = env!("CARGO_BIN_EXE_hubspot-emulator");
const CLIENT_SECRET: &str = "snapshot-client-secret";
const DETERMINISTIC: [&str; 4] = ["--clock", "2026-01-01T00:00:00Z", "--seed", "7"];

const GOOD_REPLY: &str =
    r#"{"phoneNumbers": [{"e164PhoneNumber": "+14155552671", "friendlyName": "Support line"}]}"#;
/// A US number written for people, not in E.164, and a name of 30 characters.
const BAD_REPLY: &str = r#"{"phoneNumbers": [{"e164PhoneNumber": "(415) 555-2671", "friendlyName": "Customer support line (EMEA) 2"}]}"#;

/// The scenario file: app `good` answers a valid list, app `bad` a broken one, app `fresh` has
/// no channel connection (nor settings) yet.
fn scenario_file(good: &Receiver, bad: &Receiver) -> String {
    let text = serde_json::json!({
        "apps": [
            {"name": "good", "appId": 1001, "developerApiKey": "good-key", "clientSecret": CLIENT_SECRET,
             "channelConnection": {"url": good.url, "isReady": true}},
            {"name": "bad", "appId": 1002, "developerApiKey": "bad-key", "clientSecret": CLIENT_SECRET,
             "channelConnection": {"url": bad.url, "isReady": true}},
            {"name": "fresh", "appId": 1003, "developerApiKey": "fresh-key", "clientSecret": CLIENT_SECRET}
        ],
        "portals": [{"portalId": 62515, "users": [{"userId": 101, "supportsChannelConnection": true}]}],
        "scenarios": [
            {"name": "a valid reply passes", "steps": [
                {"fire": {"app": "good", "portalId": 62515, "userId": 101,
                          "expect": {"selectableCount": 1, "displayedNames": ["Support line"]}}}
            ]},
            {"name": "a broken reply fails", "steps": [
                {"fire": {"app": "bad", "portalId": 62515, "userId": 101}},
                {"fire": {"name": "never runs", "app": "good", "portalId": 62515, "userId": 101}}
            ]},
            {"name": "registering answers 200, not 201", "steps": [
                {"api": {"name": "register", "app": "fresh", "method": "POST",
                         "path": "/crm/v3/extensions/calling/${apps.fresh.appId}/settings/channel-connection",
                         "body": {"url": good.url, "isReady": true},
                         "expect": {"status": 201}}},
                {"fire": {"app": "fresh", "portalId": 62515, "userId": 101}},
                {"setUserFlag": {"portalId": 62515, "userId": 101, "supportsChannelConnection": false}}
            ]},
            {"name": "settings that were never registered are a 404", "steps": [
                {"api": {"app": "fresh", "method": "GET",
                         "path": "/crm/v3/extensions/calling/${apps.fresh.appId}/settings",
                         "expect": {"status": 200}}}
            ]}
        ]
    });
    serde_json::to_string_pretty(&text).unwrap()
}

/// Runs `hubspot-emulator run scenarios.json ARGS…` in `dir` (so the report names the file
/// `scenarios.json`, not a temporary path).
async fn run(dir: &Path, args: &[&str]) -> Output {
    let (dir, args) = (
        dir.to_path_buf(),
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
    );
    tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .current_dir(dir)
            .arg("run")
            .arg("scenarios.json")
            .args(DETERMINISTIC)
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("HUBSPOT_EMULATOR_CLIENT_SECRET")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

/// Starts the two receivers and writes the scenario file; the receivers must live as long as
/// the run.
async fn setup(name: &str) -> (PathBuf, Receiver, Receiver) {
    let good = Receiver::start(Behaviour::json(GOOD_REPLY)).await;
    let bad = Receiver::start(Behaviour::json(BAD_REPLY)).await;
    let dir = test_dir(&format!("snap-{name}"));
    std::fs::write(dir.join("scenarios.json"), scenario_file(&good, &bad)).unwrap();
    (dir, good, bad)
}

fn redact_ports(text: &str) -> String {
    let port = Regex::new(r"127\.0\.0\.1:\d+").unwrap();
    port.replace_all(text, "127.0.0.1:[port]").into_owned()
}

fn v3_signature(url: &str, body: &str, timestamp: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(CLIENT_SECRET.as_bytes()).unwrap();
    mac.update(b"POST");
    mac.update(url.as_bytes());
    mac.update(body.as_bytes());
    mac.update(timestamp.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The real clock signed every delivery the receiver got: the v3 signature signs POST + the URL
/// called + the body + a timestamp within a minute of now (not the fake clock's 2026-01-01).
fn assert_signed_by_the_real_clock(receiver: &Receiver) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    for request in receiver.requests() {
        let timestamp = request.header("X-HubSpot-Request-Timestamp").unwrap();
        let age = now - timestamp.parse::<i64>().unwrap();
        assert!(
            (0..60_000).contains(&age),
            "timestamp {timestamp} is {age} ms old"
        );
        assert!(
            receiver.url.ends_with(&request.target),
            "{}",
            request.target
        );
        let url = &receiver.url;
        let body = String::from_utf8(request.body.clone()).unwrap();
        assert_eq!(
            request.header("X-HubSpot-Signature-v3"),
            Some(v3_signature(url, &body, timestamp).as_str()),
            "the v3 signature signs POST + {url} + body + timestamp"
        );
    }
}

/// Makes the report stable: ports replaced, `date` response headers (if any) masked.
fn stabilize_report(report: &mut Value) {
    for step in report["reports"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|r| r["steps"].as_array_mut().unwrap().iter_mut())
    {
        let Some(delivery) = step.get_mut("delivery") else {
            continue;
        };
        let request = &delivery["request"];
        for (name, placeholder) in [
            ("X-HubSpot-Request-Timestamp", "[timestamp]"),
            ("X-HubSpot-Signature-v3", "[v3 signature]"),
        ] {
            let value = request["headers"]
                .as_array()
                .unwrap()
                .iter()
                .find(|h| h[0].as_str().unwrap().eq_ignore_ascii_case(name))
                .map(|h| h[1].clone());
            assert_eq!(value, Some(Value::from(placeholder)), "{name} in {request}");
        }
        if let Some(headers) = delivery["response"]["headers"].as_array_mut() {
            for pair in headers.iter_mut() {
                if pair[0].as_str().unwrap().eq_ignore_ascii_case("date") {
                    pair[1] = Value::from("[date]");
                }
            }
        }
    }
    redact_strings(report);
}

fn redact_strings(value: &mut Value) {
    match value {
        Value::String(text) => *text = redact_ports(text),
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(map) => map.values_mut().for_each(redact_strings),
        _ => {}
    }
}

/// The human summary with the same redactions: ports and `date` reply headers.
fn stabilize_human(text: &str) -> String {
    let date = Regex::new(r"(?mi)^(\s+date: ).*$").unwrap();
    let text = date.replace_all(text, "${1}[date]");
    redact_ports(&text)
}

#[tokio::test]
async fn the_human_summary_and_the_json_report_are_golden() {
    let (dir, good, bad) = setup("golden").await;
    let output = run(&dir, &["--format", "human", "--json", "report.json"]).await;
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    // good: the passing fire (the skipped fire never sends); bad: the failing one.
    assert_eq!(good.requests().len(), 1);
    assert_eq!(bad.requests().len(), 1);

    let text = std::fs::read_to_string(dir.join("report.json")).unwrap();
    let mut report: Value = serde_json::from_str(&text).unwrap();
    stabilize_report(&mut report);
    assert_signed_by_the_real_clock(&good);
    assert_signed_by_the_real_clock(&bad);

    let human = stabilize_human(&stdout);
    for needle in [
        "expected outcome pass, got fail (e164-syntax)",
        "friendly-name-truncated",
        "expected status 201, got 200",
        "expected status 200, got 404",
        "\"correlationId\":",
        "X-HubSpot-Signature-v3: [v3 signature]",
        "X-HubSpot-Request-Timestamp: [timestamp]",
        "- 2 never runs",
    ] {
        assert!(human.contains(needle), "{needle:?} in\n{human}");
    }
    insta::assert_snapshot!("run_human", human);
    insta::assert_json_snapshot!("run_report", report);
}

#[tokio::test]
async fn json_on_stdout_is_the_report_file() {
    let (dir, _good, _bad) = setup("stdout").await;
    let output = run(&dir, &["--format", "json", "--json", "report.json"]).await;
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout: Value = serde_json::from_slice(&output.stdout).unwrap();
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    assert_eq!(stdout, file);
}
