//! Safe by default: the control token guards `/_emulator/` (health excepted) in-process and
//! through the real binary's `serve` and `fire`; and no credential (client secret, developer API
//! key, access token) ever shows in the output, the logs at their most verbose, the reports or
//! the journals, whatever the emulator is made to do.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::domain::Secret;
use hubspot_emulator::fixture::loader::load_fixtures;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::served::Served;

const BIN: &str = env!("CARGO_BIN_EXE_hubspot-emulator");
const TOKEN_VALUE: &str = "ctl-4f8b2d6e9a1c7035";
/// Credentials no other text could contain by chance.
const KEY: &str = "dak-5e1f0c9a7b3d4e21";
const ACCESS: &str = "tok-9c2e7a4f1b8d6053";
const CLIENT_SECRET: &str = "csec-3b7d9f1e5a2c8046";

fn demo_app() -> PathBuf {
    Path::new(BIN).parent().unwrap().join("examples/demo_app")
}

/// A fixture whose app has the distinctive credentials, plus `scenarios`.
fn fixture(scenarios: Value) -> Value {
    json!({
        "apps": [{"name": "demo", "appId": APP_ID, "developerApiKey": KEY, "accessToken": ACCESS,
                  "clientSecret": CLIENT_SECRET}],
        "portals": [{"portalId": 62515, "users": [{"userId": 101, "supportsChannelConnection": true}, {"userId": 102}]}],
        "scenarios": scenarios
    })
}

/// Panics naming the credential and where it leaked.
fn assert_no_credentials(place: &str, text: &str) {
    for (name, secret) in [
        ("developer API key", KEY),
        ("access token", ACCESS),
        ("client secret", CLIENT_SECRET),
        ("control token", TOKEN_VALUE),
    ] {
        if let Some(at) = text.find(secret) {
            let from = at.saturating_sub(200);
            panic!(
                "the {name} leaked into {place}: …{}…",
                &text[from..(at + secret.len() + 50).min(text.len())]
            );
        }
    }
}

#[tokio::test]
async fn the_control_token_guards_every_control_call_but_health() {
    let mut config = EmulatorConfig::ephemeral(load_fixtures(&[] as &[&str]).unwrap());
    config.control_token = Some(Secret::new(TOKEN_VALUE));
    let app = spawn_config(config).await;
    let client = reqwest::Client::new();
    let get = |path: &str| client.get(app.url(path));

    assert_eq!(get("/_emulator/health").send().await.unwrap().status(), 200);
    for path in [
        "/_emulator/state",
        "/_emulator/requests",
        "/_emulator/deliveries",
        "/_emulator/portals/62515/crm",
    ] {
        let (status, body) = json_of(get(path).send().await.unwrap()).await;
        assert_eq!(status, 401, "{path}: {body}");
        assert!(
            body["error"].as_str().unwrap().starts_with("No token:"),
            "{body}"
        );
    }
    let (status, body) = json_of(
        client
            .post(app.url("/_emulator/fire"))
            .bearer_auth("not-the-token")
            .json(&json!({"appId": APP_ID, "portalId": 62515, "userId": 101}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    assert!(
        body["error"].as_str().unwrap().starts_with("Wrong token:"),
        "{body}"
    );
    assert_no_credentials("the refusal", &body.to_string());

    let by_bearer = get("/_emulator/state").bearer_auth(TOKEN_VALUE);
    assert_eq!(by_bearer.send().await.unwrap().status(), 200);
    let by_header = get("/_emulator/state").header("X-Emulator-Token", TOKEN_VALUE);
    assert_eq!(by_header.send().await.unwrap().status(), 200);
    // Unknown control paths are refused before they are explained.
    assert_eq!(get("/_emulator/nope").send().await.unwrap().status(), 401);
    // The HubSpot API itself is untouched by the token.
    let settings = app
        .call(
            Method::GET,
            &format!("/crm/v3/extensions/calling/{APP_ID}/settings/channel-connection"),
            None,
        )
        .await;
    assert_eq!(settings.status(), 404);
}

#[tokio::test]
async fn the_binary_takes_a_control_token_and_fire_sends_it() {
    let dir = test_dir("safety-token");
    let served = Served::start(&dir, &["--control-token", TOKEN_VALUE], &[]);
    let base = served.base.clone();
    let served_base = base.clone();
    let fire = move |token: Option<&str>| {
        let mut command = Command::new(BIN);
        command.args([
            "fire",
            "--emulator",
            &base,
            "--app-id",
            "1234567",
            "--portal-id",
            "62515",
            "--user-id",
            "101",
        ]);
        command.env_remove("HUBSPOT_EMULATOR_CONTROL_TOKEN");
        if let Some(token) = token {
            command.env("HUBSPOT_EMULATOR_CONTROL_TOKEN", token);
        }
        command.output().unwrap()
    };
    let (refused, allowed) =
        tokio::task::spawn_blocking(move || (fire(None), fire(Some(TOKEN_VALUE))))
            .await
            .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("No token:"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    // With the token the emulator fires: the demo app has no channel connection yet.
    let stdout = String::from_utf8_lossy(&allowed.stdout);
    assert!(stdout.starts_with("NOT REGISTERED"), "{stdout}");
    let output = served.stop();
    assert!(
        output.contains("(other control calls need the --control-token)"),
        "{output}"
    );
    // The banner names the dashboard, which loads without the token.
    assert!(
        output.contains(&format!("  dashboard:    {served_base}/_emulator/ui/")),
        "{output}"
    );
    assert_no_credentials("serve's output", &output);
}

#[tokio::test]
async fn no_credential_reaches_serves_output_logs_or_journals_at_trace_level() {
    let dir = test_dir("safety-serve");
    let file = dir.join("fixture.json");
    std::fs::write(&file, fixture(json!([])).to_string()).unwrap();
    let served = Served::start(
        &dir,
        &["--fixture", file.to_str().unwrap()],
        &[("HUBSPOT_EMULATOR_LOG", "trace")],
    );
    let receiver = crate::receiver::Receiver::start(crate::verifiers::verifier_with(
        crate::verifiers::Flaw::ChecksNothing,
        |_| crate::receiver::Behaviour::json(crate::verifiers::GOOD_REPLY),
    ))
    .await;
    let http = reqwest::Client::new();
    let api = format!(
        "{}/crm/v3/extensions/calling/{APP_ID}/settings",
        served.base
    );
    // Every way a credential travels: good and bad, query and header, on every resource.
    let body = json!({"url": receiver.url, "isReady": true});
    let calls = [
        http.post(format!("{api}/channel-connection?hapikey={KEY}"))
            .json(&body),
        http.get(format!("{api}/channel-connection"))
            .bearer_auth(ACCESS),
        http.get(format!("{api}?hapikey={KEY}&other=1")),
        http.get(format!("{api}/recording?hapikey={KEY}x")),
        http.get(format!("{api}/channel-connection"))
            .bearer_auth(format!("{ACCESS}x")),
        http.patch(format!("{api}/channel-connection?hapikey={KEY}"))
            .body("{not json")
            .header("Content-Type", "application/json"),
        http.get(format!(
            "{}/crm/v3/extensions/calling/99/settings?hapikey={KEY}",
            served.base
        )),
        http.get(format!("{}/no/such/path?hapikey={KEY}", served.base)),
    ];
    for call in calls {
        call.send().await.unwrap();
    }
    let control =
        |method: Method, path: &str| http.request(method, format!("{}{path}", served.base));
    let fired = control(Method::POST, "/_emulator/fire")
        .json(&json!({"appId": APP_ID, "portalId": 62515, "userId": 101}))
        .send()
        .await
        .unwrap();
    assert_eq!(fired.status(), 200);
    let probed = control(Method::POST, "/_emulator/probe")
        .json(&json!({"appId": APP_ID, "burst": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(probed.status(), 200);
    let mut journals = String::new();
    for path in [
        "/_emulator/requests",
        "/_emulator/deliveries",
        "/_emulator/probes",
    ] {
        let text = control(Method::GET, path)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.len() > 100, "{path}: {text}");
        assert_no_credentials(path, &text);
        journals.push_str(&text);
    }
    // The journal did see the calls, with the key replaced.
    assert!(journals.contains("hapikey=REDACTED"), "{journals}");
    // What the receiver got: signatures made with the secret, never the secret.
    for request in receiver.requests() {
        let seen = format!(
            "{:?} {}",
            request.headers,
            String::from_utf8_lossy(&request.body)
        );
        assert_no_credentials("a delivery", &seen);
    }
    let output = served.stop();
    assert!(
        output.contains("TRACE") || output.contains("DEBUG"),
        "trace logging is on"
    );
    assert_no_credentials("serve's output at trace level", &output);
}

#[tokio::test]
async fn no_credential_reaches_a_runs_output_or_reports_at_trace_level() {
    let dir = test_dir("safety-run");
    let scenarios = json!([
        {"name": "everything a run does", "steps": [
            {"waitFor": {"name": "registered", "timeoutMs": 120000, "channelConnection": {"app": "demo"}}},
            {"api": {"method": "GET", "path": "/crm/v3/extensions/calling/${apps.demo.appId}/settings/channel-connection", "auth": "hapikey", "expect": {"status": 200}}},
            {"api": {"method": "GET", "path": "/crm/v3/extensions/calling/${apps.demo.appId}/settings/channel-connection", "auth": "bearer", "expect": {"status": 200}}},
            {"api": {"method": "GET", "path": "/crm/v3/extensions/calling/${apps.demo.appId}/settings/channel-connection", "auth": "none", "expect": {"status": 401}}},
            {"fire": {"portalId": 62515, "userId": 101}},
            {"probe": {"app": "demo", "burst": 5}}
        ]},
        {"name": "failures print their evidence", "steps": [
            {"api": {"method": "GET", "path": "/crm/v3/objects/calls/999999", "auth": "bearer", "expect": {"status": 200}}}
        ]},
        {"name": "a failing delivery prints its request", "steps": [
            {"api": {"method": "PATCH", "path": "/crm/v3/extensions/calling/${apps.demo.appId}/settings/channel-connection", "body": {"url": "${steps.registered.url}/not-e164"}}},
            {"fire": {"portalId": 62515, "userId": 101}}
        ]}
    ]);
    let file = dir.join("scenarios.json");
    std::fs::write(&file, fixture(scenarios).to_string()).unwrap();
    let (json_report, junit) = (dir.join("report.json"), dir.join("junit.xml"));
    let args: Vec<String> = [
        "run",
        file.to_str().unwrap(),
        "--json",
        json_report.to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
        "--",
        demo_app().to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(&args)
            .env("HUBSPOT_EMULATOR_LOG", "trace")
            .env("DEMO_APP_LOG", "trace")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Two scenarios fail on purpose, after the first passed whole.
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("3 scenarios: 1 passed, 2 failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("X-HubSpot-Signature-v3: "),
        "the failing delivery is shown: {stdout}"
    );
    assert!(
        stderr.contains("TRACE") || stderr.contains("DEBUG"),
        "trace logging is on"
    );
    assert_no_credentials("run's stdout", &stdout);
    assert_no_credentials("run's stderr at trace level (with the app's)", &stderr);
    assert_no_credentials(
        "the JSON report",
        &std::fs::read_to_string(&json_report).unwrap(),
    );
    assert_no_credentials(
        "the JUnit report",
        &std::fs::read_to_string(&junit).unwrap(),
    );
}
