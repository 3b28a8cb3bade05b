//! `hubspot-emulator widget` through the real binary against an emulator whose host page is
//! played over TCP: each command reaches the page (exit 0), no open page is exit 1, a refused
//! request exit 2, an emulator that is not there exit 3; `messages` lists the journal. And the
//! real binary at trace level never logs a session's ticket, and stops at once on SIGTERM with a
//! page still open.

use std::io::Read;
use std::process::{Command, Stdio};

use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::domain::Secret;
use hubspot_emulator::fixture::loader::parse_fixture;
use serde_json::{json, Value};

use crate::helpers::{run_binary, spawn_config, stdout_of, test_dir};
use crate::sdk_page::{spawn_widget, Page, FIXTURE};

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).collect()
}

#[tokio::test]
async fn widget_commands_reach_the_open_page_and_say_when_none_is() {
    let app = spawn_widget().await;
    let emulator = ("HUBSPOT_EMULATOR_URL", app.base.clone());
    let none = run_binary(args(&["widget", "hangup"]), vec![emulator.clone()]).await;
    assert_eq!(none.status.code(), Some(1), "{none:?}");
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert!(
        stderr.contains("no host page is open for app 1234567, portal 62515, user 101"),
        "{stderr}"
    );

    let mut page = Page::open(&app, json!({})).await;
    page.ready(true, false).await;
    let dialled = run_binary(
        args(&[
            "widget",
            "dial",
            "--to",
            "(617) 555-0100",
            "--emulator",
            &app.base,
        ]),
        vec![],
    )
    .await;
    assert_eq!(dialled.status.code(), Some(0), "{dialled:?}");
    let printed = stdout_of(&dialled);
    assert!(
        printed.starts_with(&format!("DIAL_NUMBER sent to host session {}\n", page.id)),
        "{printed}"
    );
    assert!(
        printed.contains("\"phoneNumber\": \"+16175550100\""),
        "{printed}"
    );
    let (_, dial) = page.next_event().await;
    assert_eq!(
        (dial["type"].as_str(), dial["data"]["objectId"].as_u64()),
        (Some("DIAL_NUMBER"), Some(500))
    );
    page.next_event().await;

    let hidden = run_binary(
        args(&["widget", "visibility", "--hidden", "--format", "json"]),
        vec![emulator.clone()],
    )
    .await;
    assert_eq!(hidden.status.code(), Some(0), "{hidden:?}");
    let answer: Value = serde_json::from_str(&stdout_of(&hidden)).unwrap();
    assert_eq!(
        answer["message"],
        json!({"type": "VISIBILITY_CHANGED", "data": {"isMinimized": false, "isHidden": true}})
    );
    assert_eq!(page.next_event().await.1["type"], "VISIBILITY_CHANGED");

    // A request the emulator refuses is exit 2, with its reason.
    let refused = run_binary(
        args(&[
            "widget",
            "dial",
            "--to",
            "+16175550100",
            "--contact-id",
            "1",
        ]),
        vec![emulator.clone()],
    )
    .await;
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no live contact 1"));

    let listed = run_binary(args(&["widget", "messages"]), vec![emulator.clone()]).await;
    assert_eq!(listed.status.code(), Some(0));
    let text = stdout_of(&listed);
    assert!(text.contains("HubSpot → app SYNC"), "{text}");
    assert!(text.contains("app → HubSpot INITIALIZED"), "{text}");
    assert!(text.contains("HubSpot → app DIAL_NUMBER"), "{text}");
    let json_list = run_binary(
        args(&["widget", "messages", "--format", "json", "--limit", "2"]),
        vec![emulator],
    )
    .await;
    let page_json: Value = serde_json::from_str(&stdout_of(&json_list)).unwrap();
    let types: Vec<&str> = page_json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["DIAL_NUMBER", "VISIBILITY_CHANGED"]);

    // Nothing listening: exit 3, naming the URL.
    let gone = run_binary(
        args(&["widget", "messages", "--emulator", "http://127.0.0.1:9"]),
        vec![],
    )
    .await;
    assert_eq!(gone.status.code(), Some(3), "{gone:?}");
    assert!(String::from_utf8_lossy(&gone.stderr)
        .contains("cannot reach the emulator at http://127.0.0.1:9"));
}

#[tokio::test]
async fn widget_commands_send_the_control_token() {
    let mut config = EmulatorConfig::ephemeral(parse_fixture("widget", FIXTURE).unwrap());
    config.control_token = Some(Secret::new("c0ntrol"));
    let app = spawn_config(config).await;
    let emulator = ("HUBSPOT_EMULATOR_URL", app.base.clone());
    let without = run_binary(args(&["widget", "messages"]), vec![emulator.clone()]).await;
    assert_eq!(without.status.code(), Some(2), "{without:?}");
    let with = run_binary(
        args(&["widget", "hangup"]),
        vec![
            emulator,
            ("HUBSPOT_EMULATOR_CONTROL_TOKEN", "c0ntrol".into()),
        ],
    )
    .await;
    assert_eq!(
        with.status.code(),
        Some(1),
        "past the token, no page is open: {with:?}"
    );
}

#[tokio::test]
async fn a_sessions_ticket_never_reaches_the_log() {
    let dir = test_dir("widget-ticket");
    let fixture = dir.join("widget.json");
    std::fs::write(&fixture, FIXTURE).unwrap();
    let log = dir.join("stderr.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hubspot-emulator"))
        .args([
            "serve",
            "--port",
            "0",
            "--fixture",
            fixture.to_str().unwrap(),
        ])
        .env("HUBSPOT_EMULATOR_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut first = [0u8; 200];
    let read = child.stdout.as_mut().unwrap().read(&mut first).unwrap();
    let line = String::from_utf8_lossy(&first[..read]).into_owned();
    let base = line[line.find("http://").unwrap()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let http = reqwest::Client::new();
    let session: Value = http
        .post(format!("{base}/_emulator/sdk/sessions"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let events = session["events"].as_str().unwrap();
    let ticket = events.split_once("?ticket=").unwrap().1.to_string();
    let mut stream = http.get(format!("{base}{events}")).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    stream.chunk().await.unwrap();
    let wrong = http.get(format!("{base}{events}x")).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    // A page left open does not hold up a graceful stop: SIGTERM ends its stream at once.
    let started = std::time::Instant::now();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(
        stream.chunk().await.map_or(true, |chunk| chunk.is_none()),
        "the stream ended"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("host page connected its event stream"),
        "{logged}"
    );
    assert!(
        logged.contains("TRACE") || logged.contains("DEBUG"),
        "trace level was on"
    );
    assert!(!logged.contains(&ticket), "the ticket reached the log");
    let _ = std::fs::remove_dir_all(&dir);
}
