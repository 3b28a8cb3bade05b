//! The help desk's prerequisites beside the channel connection: an app that never registered its
//! main calling settings (`no-calling-settings`), or whose settings leave `supportsInboundCalling`
//! off (`inbound-calling-off`), gets an info finding in `fire`'s verdict and among the help-desk
//! view's reasons, and a `run --strict` stays green with it (info never fails).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver};

const GOOD_REPLY: &str =
    r#"{"phoneNumbers": [{"e164PhoneNumber": "+14155552671", "friendlyName": "Support line"}]}"#;

fn settings_path() -> String {
    format!("/crm/v3/extensions/calling/{APP_ID}/settings")
}

/// The demo app's reasons in the help-desk view of user 101.
async fn reasons(app: &TestApp) -> (String, Vec<(String, String)>) {
    let (status, view) = json_of(
        app.control(Method::GET, "/_emulator/portals/62515/users/101/apps", None)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{view}");
    let demo = &view["apps"][0];
    let reasons = demo["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap().to_string(),
                r["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (demo["state"].as_str().unwrap().to_string(), reasons)
}

fn info(code: &str) -> (String, String) {
    (code.to_string(), "info".to_string())
}

#[tokio::test]
async fn missing_settings_then_inbound_off_then_nothing() {
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::json(GOOD_REPLY)).await;
    // Without a channel connection there is nothing to say about its prerequisites.
    assert_eq!(
        reasons(&app).await,
        (
            "not-offered".to_string(),
            vec![("not-registered".to_string(), "error".to_string())]
        )
    );
    app.register_connection_only(&receiver.url, true).await;

    let verdict = app.fire_demo(5000).await;
    assert_eq!(verdict["outcome"], "pass", "info never fails: {verdict}");
    let note = finding(&verdict, "no-calling-settings");
    assert_eq!(note["severity"], "info");
    let message = note["message"].as_str().unwrap();
    for needed in [
        "prerequisite",
        "inbound calls",
        "POST",
        "supportsInboundCalling\": true",
    ] {
        assert!(message.contains(needed), "{needed}: {message}");
    }
    assert_eq!(
        reasons(&app).await,
        ("selectable".to_string(), vec![info("no-calling-settings")])
    );

    // Settings without inbound calling (left out: false).
    let created = app
        .call(
            Method::POST,
            &settings_path(),
            Some(&json!({"name": "Demo", "url": "https://example.com/calling"})),
        )
        .await;
    assert_eq!(created.status(), 200);
    let verdict = app.fire_demo(5000).await;
    assert_eq!(verdict["outcome"], "pass");
    assert_eq!(codes(&verdict), ["inbound-calling-off"], "{verdict}");
    assert!(finding(&verdict, "inbound-calling-off")["message"]
        .as_str()
        .unwrap()
        .contains("PATCH"));
    assert_eq!(
        reasons(&app).await,
        ("selectable".to_string(), vec![info("inbound-calling-off")])
    );

    let patched = app
        .call(
            Method::PATCH,
            &settings_path(),
            Some(&json!({"supportsInboundCalling": true})),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let verdict = app.fire_demo(5000).await;
    assert_eq!(codes(&verdict), Vec::<String>::new(), "{verdict}");
    assert_eq!(reasons(&app).await, ("selectable".to_string(), vec![]));
}

#[tokio::test]
async fn a_greyed_out_app_still_notes_what_it_lacks() {
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::json(GOOD_REPLY)).await;
    app.register_connection_only(&receiver.url, false).await;
    let verdict = app
        .fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 102}))
        .await;
    assert_eq!(verdict["outcome"], "greyed-out");
    assert_eq!(finding(&verdict, "no-calling-settings")["severity"], "info");
}

#[tokio::test]
async fn a_strict_run_stays_green_with_the_notes() {
    let receiver = Receiver::start(Behaviour::json(GOOD_REPLY)).await;
    let dir = test_dir("prerequisites-strict");
    let file = dir.join("scenarios.json");
    let fixture = json!({
        "apps": [
            {"name": "bare", "appId": 1001, "developerApiKey": "k", "clientSecret": "s",
             "channelConnection": {"url": receiver.url, "isReady": true}},
            {"name": "outbound", "appId": 1002, "developerApiKey": "k2", "clientSecret": "s",
             "settings": {"name": "Outbound only", "url": "https://example.com/calling"},
             "channelConnection": {"url": receiver.url, "isReady": true}}
        ],
        "portals": [{"portalId": 62515, "users": [{"userId": 101}]}],
        "scenarios": [{"name": "the help desk works without its prerequisites, with notes", "steps": [
            {"fire": {"app": "bare", "portalId": 62515, "userId": 101,
                      "expect": {"outcome": "pass", "codes": ["no-calling-settings"]}}},
            {"fire": {"app": "outbound", "portalId": 62515, "userId": 101,
                      "expect": {"outcome": "pass", "codes": ["inbound-calling-off"]}}}
        ]}]
    });
    std::fs::write(&file, serde_json::to_string_pretty(&fixture).unwrap()).unwrap();
    let json_report = dir.join("report.json");
    let output = run_binary(
        vec![
            "run".into(),
            file.display().to_string(),
            "--strict".into(),
            "--json".into(),
            json_report.display().to_string(),
        ],
        vec![],
    )
    .await;
    let stdout = stdout_of(&output);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("1 scenario"), "{stdout}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(json_report).unwrap()).unwrap();
    assert_eq!(report["passed"], true, "{report}");
    let text = report.to_string();
    assert!(
        text.contains("no-calling-settings") && text.contains("inbound-calling-off"),
        "{text}"
    );
}
