//! The probes against receivers over TCP that verify signatures correctly or with the bugs real
//! apps ship: through `POST /_emulator/probe`, the `probe` command of the real binary (exit
//! codes) and a scenario's `probe` step.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::receiver::{Behaviour, Decider, Receiver};
use crate::verifiers::{verifier, verifier_with, Flaw, GOOD_REPLY, SECRET};

const BIN: &str = env!("CARGO_BIN_EXE_hubspot-emulator");
const FORGERIES: [&str; 11] = [
    "wrong-secret",
    "tampered-body",
    "reformatted-body",
    "no-signature",
    "empty-signature",
    "v3-other-url",
    "stale-timestamp",
    "timestamp-in-seconds",
    "replayed-capture",
    "legacy-only",
    "future-timestamp",
];
const TIME_PROBES: [&str; 3] = [
    "stale-timestamp",
    "timestamp-in-seconds",
    "replayed-capture",
];

/// `POST /_emulator/probe` for the demo app; returns the report.
async fn probe(app: &TestApp, request: Value) -> Value {
    let (status, report) = json_of(
        app.control(Method::POST, "/_emulator/probe", Some(&request))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{report}");
    report
}

/// Each probe's outcome by name.
fn outcomes(report: &Value) -> BTreeMap<String, String> {
    report["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["probe"].as_str().unwrap().to_string(),
                p["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The probes with `outcome`, in the order sent.
fn with_outcome(report: &Value, outcome: &str) -> Vec<String> {
    report["probes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["outcome"] == outcome)
        .map(|p| p["probe"].as_str().unwrap().to_string())
        .collect()
}

async fn run_binary(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        Command::new(BIN)
            .args(&args)
            .env("NO_COLOR", "1")
            .env("HUBSPOT_EMULATOR_CLIENT_SECRET", SECRET)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_correct_verifier_rejects_every_forgery_and_passes() {
    let receiver = Receiver::start(verifier(Flaw::None, Duration::ZERO)).await;
    let app = spawn_app().await;
    app.register(&receiver.url, false).await;

    let report = probe(&app, json!({"appId": APP_ID, "burst": 50})).await;

    assert_eq!(report["outcome"], "pass", "{report:#}");
    assert_eq!(report["findings"], json!([]));
    assert_eq!(
        report["summary"],
        json!({"passed": 12, "warnings": 0, "failed": 0, "notRun": 0})
    );
    let probes = report["probes"].as_array().unwrap();
    assert_eq!(probes[0]["probe"], "valid-delivery");
    assert_eq!(probes[0]["status"], 200);
    assert_eq!(probes[0]["accepted"], true);
    for (result, name) in probes[1..].iter().zip(FORGERIES) {
        assert_eq!(result["probe"], name);
        assert_eq!(result["expected"], "reject");
        assert_eq!(result["status"], 401, "{result:#}");
        assert_eq!(result["accepted"], false);
        assert_eq!(result["severity"], "info");
        assert!(result["fix"].as_str().unwrap().len() > 20, "{result:#}");
        assert!(result["message"].as_str().unwrap().starts_with("rejected"));
    }
    // Every probe was a real POST; the burst's 50 followed for 50 different users.
    let requests = receiver.requests();
    assert_eq!(requests.len(), 12 + 50);
    let mut users: Vec<u64> = requests[12..]
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["userId"]
                .as_u64()
                .unwrap()
        })
        .collect();
    users.sort();
    assert_eq!(users, (101..151).collect::<Vec<u64>>());
    let burst = &report["burst"];
    assert_eq!(burst["deliveries"], 50);
    assert_eq!(burst["ok"], 50);
    assert_eq!(burst["errors"], 0);
    assert_eq!(burst["missedTimeout"], 0);
    assert_eq!(burst["statuses"], json!({"200": 50}));
    let latency = &burst["latencyMs"];
    assert!(latency["p50"].as_f64().unwrap() <= latency["p99"].as_f64().unwrap());
    assert!(latency["p99"].as_f64().unwrap() <= latency["max"].as_f64().unwrap());

    // The report is journaled.
    let id = report["id"].as_u64().unwrap();
    assert!(id > 0);
    let (status, again) = json_of(
        app.control(Method::GET, &format!("/_emulator/probes/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(again["outcome"], "pass");
    let (_, list) = json_of(app.control(Method::GET, "/_emulator/probes", None).await).await;
    assert_eq!(list["entries"].as_array().map(Vec::len), Some(1), "{list}");
}

#[tokio::test]
async fn a_verifier_that_checks_nothing_has_every_probe_accepted_and_exits_1() {
    let receiver = Receiver::start(verifier(Flaw::ChecksNothing, Duration::ZERO)).await;
    let output = run_binary(
        [
            "probe",
            "--url",
            &receiver.url,
            "--burst",
            "5",
            "--format",
            "json",
        ]
        .map(String::from)
        .to_vec(),
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "fail");
    for result in &report["probes"].as_array().unwrap()[1..] {
        assert_eq!(result["accepted"], true, "{result:#}");
        assert_eq!(result["status"], 200);
    }
    assert_eq!(
        with_outcome(&report, "warning"),
        ["legacy-only", "future-timestamp"]
    );
    assert_eq!(with_outcome(&report, "failed").len(), 9);
    let accepted: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "forged-delivery-accepted")
        .collect();
    assert_eq!(accepted.len(), 11);
    assert_eq!(accepted[0]["pointer"], "/probes/1");
    assert_eq!(accepted[0]["severity"], "error");
    assert!(
        accepted[0]["message"]
            .as_str()
            .unwrap()
            .contains("Fix: compute the signature with the app's client secret"),
        "{:#}",
        accepted[0]
    );

    // Human output names each accepted probe and says what to fix; stderr says why it failed.
    let output = run_binary(
        ["probe", "--url", &receiver.url, "--burst", "0"]
            .map(String::from)
            .to_vec(),
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("FAIL  probes of http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("stale-timestamp       reject    200        error"),
        "{stdout}"
    );
    assert!(
        stdout.contains("future-timestamp      reject    200        warning"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "compare the timestamp in milliseconds; reject if it is older than 300000 ms"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("burst:"), "--burst 0 skips it: {stdout}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("9 failed, 2 warnings"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_verifier_that_never_checks_the_timestamp_fails_only_the_time_probes() {
    let receiver = Receiver::start(verifier(Flaw::NoTimestampCheck, Duration::ZERO)).await;
    let app = spawn_app().await;
    app.register(&receiver.url, true).await;
    let report = probe(&app, json!({"appId": APP_ID, "burst": 0})).await;
    assert_eq!(report["outcome"], "fail");
    assert_eq!(with_outcome(&report, "failed"), TIME_PROBES);
    assert_eq!(with_outcome(&report, "warning"), ["future-timestamp"]);
    assert_eq!(with_outcome(&report, "passed").len(), 12 - 4);
    assert!(report.get("burst").is_none(), "burst 0 skips it");
    let stale = finding(&report, "forged-delivery-accepted");
    assert!(
        stale["message"].as_str().unwrap().starts_with(
            "stale-timestamp: accepted (answered 200): the app never checks the timestamp"
        ),
        "{stale:#}"
    );
}

#[tokio::test]
async fn a_verifier_of_reserialised_json_is_caught_by_the_reformatted_body() {
    let receiver = Receiver::start(verifier(Flaw::Reserialises, Duration::ZERO)).await;
    let app = spawn_app().await;
    app.register(&receiver.url, true).await;
    let report = probe(&app, json!({"appId": APP_ID, "burst": 0})).await;
    // The genuine body survives a round trip unchanged, so only the reformatted one tells.
    assert_eq!(outcomes(&report)["valid-delivery"], "passed");
    assert_eq!(with_outcome(&report, "failed"), ["reformatted-body"]);
    assert!(with_outcome(&report, "warning").is_empty());
    let found = finding(&report, "forged-delivery-accepted");
    assert_eq!(found["pointer"], "/probes/3");
    let message = found["message"].as_str().unwrap();
    assert!(
        message.contains("verifies a re-serialised body"),
        "{message}"
    );
    assert!(
        message.contains("verify the raw request bytes"),
        "{message}"
    );
}

#[tokio::test]
async fn a_slow_app_shows_in_the_burst_percentiles_as_slow_under_load() {
    let delay = Duration::from_millis(300);
    let receiver = Receiver::start(verifier(Flaw::None, delay)).await;
    let app = spawn_app().await;
    app.register(&receiver.url, true).await;
    let report = probe(&app, json!({"appId": APP_ID, "burst": 8, "timeoutMs": 200})).await;
    // The forgeries are judged despite the slowness (they are waited for past the timeout).
    assert_eq!(with_outcome(&report, "passed").len(), 12, "{report:#}");
    let burst = &report["burst"];
    assert_eq!(burst["ok"], 8);
    assert_eq!(burst["missedTimeout"], 8);
    assert_eq!(burst["timeoutMs"], 200);
    assert_eq!(burst["waitedMs"], 400);
    for key in ["min", "p50", "p95", "p99", "max"] {
        assert!(
            burst["latencyMs"][key].as_f64().unwrap() >= 300.0,
            "{key}: {burst:#}"
        );
    }
    let slow = finding(&report, "slow-under-load");
    assert_eq!(slow["severity"], "error");
    assert_eq!(slow["pointer"], "/burst");
    assert!(
        slow["message"]
            .as_str()
            .unwrap()
            .starts_with("8 of 8 concurrent deliveries took longer than HubSpot's 200 ms timeout"),
        "{slow:#}"
    );
    assert_eq!(report["outcome"], "fail");
}

#[tokio::test]
async fn errors_under_load_are_counted_by_status() {
    // Every fourth user's numbers fail to load.
    let receiver = Receiver::start(verifier_with(Flaw::None, |request| {
        let user = serde_json::from_slice::<Value>(&request.body).unwrap()["userId"]
            .as_u64()
            .unwrap();
        if user.is_multiple_of(4) {
            Behaviour::status(503, Some("text/plain"), b"pool exhausted")
        } else {
            Behaviour::json(GOOD_REPLY)
        }
    }))
    .await;
    let app = spawn_app().await;
    app.register(&receiver.url, true).await;
    let report = probe(&app, json!({"appId": APP_ID, "burst": 20})).await;
    let burst = &report["burst"];
    assert_eq!(burst["statuses"], json!({"200": 15, "503": 5}));
    assert_eq!(
        (burst["ok"].as_u64(), burst["errors"].as_u64()),
        (Some(15), Some(5))
    );
    let errors = finding(&report, "errors-under-load");
    assert!(
        errors["message"]
            .as_str()
            .unwrap()
            .starts_with("5 of 20 concurrent deliveries failed within the timeout (503 ×5)"),
        "{errors:#}"
    );
    assert!(codes(&report).iter().all(|c| c != "slow-under-load"));
}

#[tokio::test]
async fn a_rejected_genuine_delivery_stops_the_suite() {
    let receiver = Receiver::start(verifier(Flaw::None, Duration::ZERO)).await;
    let output = run_binary(
        [
            "probe",
            "--url",
            &receiver.url,
            "--client-secret",
            "another-secret",
            "--format",
            "json",
        ]
        .map(String::from)
        .to_vec(),
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(codes(&report), ["valid-delivery-rejected"]);
    assert_eq!(
        report["summary"],
        json!({"passed": 0, "warnings": 0, "failed": 1, "notRun": 11})
    );
    assert!(report.get("burst").is_none());
    // Nothing but the genuine delivery was sent.
    assert_eq!(receiver.requests().len(), 1);
    let message = finding(&report, "valid-delivery-rejected")["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("the app answered 401"), "{message}");
    assert!(
        message.contains("the URL exactly as registered"),
        "{message}"
    );
}

#[tokio::test]
async fn a_forgery_answered_with_500_is_not_a_rejection() {
    let receiver = Receiver::start(verifier(Flaw::CrashesOnForgery, Duration::ZERO)).await;
    let app = spawn_app().await;
    app.register(&receiver.url, true).await;
    let report = probe(&app, json!({"appId": APP_ID, "burst": 0})).await;
    assert_eq!(with_outcome(&report, "failed").len(), 11);
    let found = finding(&report, "forged-delivery-not-4xx");
    assert!(
        found["message"]
            .as_str()
            .unwrap()
            .contains("a forged delivery must get a 4xx (401), not a crash"),
        "{found:#}"
    );
    assert!(codes(&report)
        .iter()
        .all(|c| c == "forged-delivery-not-4xx"));
}

#[tokio::test]
async fn a_receiver_that_hangs_up_on_forgeries_gives_probe_no_reply_and_the_emulator_keeps_serving()
{
    // Answers the first request (the genuine delivery), then closes every connection unanswered.
    let answered = Arc::new(AtomicUsize::new(0));
    let receiver = Receiver::start(Behaviour::Decide(Decider(Arc::new(move |_| {
        if answered.fetch_add(1, Ordering::SeqCst) == 0 {
            Behaviour::json(GOOD_REPLY)
        } else {
            Behaviour::Raw(Vec::new())
        }
    }))))
    .await;
    let app = spawn_app().await;
    app.register(&receiver.url, true).await;
    let report = probe(&app, json!({"appId": APP_ID, "burst": 0})).await;
    assert_eq!(outcomes(&report)["valid-delivery"], "passed");
    assert_eq!(with_outcome(&report, "failed").len(), 11);
    assert!(
        codes(&report).iter().all(|c| c == "probe-no-reply"),
        "{report:#}"
    );
    assert!(report["probes"][1]["status"].is_null());
    let message = finding(&report, "probe-no-reply")["message"]
        .as_str()
        .unwrap();
    assert!(message.contains("the app gave no reply: "), "{message}");
    app.assert_healthy().await;
}

#[tokio::test]
async fn the_control_api_explains_what_it_cannot_probe() {
    let app = spawn_app().await;
    let cases = [
        (json!({"appId": 999}), 404, "app 999 is not declared"),
        (json!({"appId": APP_ID}), 409, "has no channel connection"),
        (
            json!({"appId": APP_ID, "url": "http://127.0.0.1:9/x", "burst": 5000}),
            400,
            "burst must be between 0 and 1000, got 5000",
        ),
        (
            json!({"appId": APP_ID, "url": "http://127.0.0.1:9/x", "timeoutMs": 0}),
            400,
            "timeoutMs must be between 1",
        ),
        (json!({"app": APP_ID}), 400, "probe takes {\"appId\": N"),
    ];
    for (request, status, message) in cases {
        let (got, body) = json_of(
            app.control(Method::POST, "/_emulator/probe", Some(&request))
                .await,
        )
        .await;
        assert_eq!(got, status, "{request} → {body}");
        assert!(
            body["error"].as_str().unwrap().contains(message),
            "{request} → {body}"
        );
    }
    let (status, body) = json_of(app.control(Method::GET, "/_emulator/probes/7", None).await).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn a_scenario_can_require_the_probes_and_allow_a_known_weakness() {
    let receiver = Receiver::start(verifier(Flaw::AcceptsLegacy, Duration::ZERO)).await;
    let dir = std::env::temp_dir().join(format!("hubspot-emulator-probe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = |expect: Value| {
        json!({
            "apps": [{"name": "demo", "appId": APP_ID, "clientSecret": SECRET, "authRequired": false}],
            "scenarios": [{"name": "verifier", "steps": [
                {"probe": {"app": "demo", "url": receiver.url, "burst": 3, "expect": expect}}
            ]}]
        })
    };
    let write = |name: &str, expect: Value| {
        let path = dir.join(name);
        std::fs::write(&path, fixture(expect).to_string()).unwrap();
        path.to_str().unwrap().to_string()
    };
    // Without --strict the legacy-only warning passes; with it, it fails unless listed.
    let plain = write("plain.json", json!({"outcome": "pass"}));
    let listed = write("listed.json", json!({"accepted": ["legacy-only"]}));
    let wrong = write("wrong.json", json!({"accepted": ["wrong-secret"]}));
    let unknown = write("unknown.json", json!({"accepted": ["no-such-probe"]}));
    let code = |output: &std::process::Output| output.status.code();

    let output = run_binary(vec!["run".into(), plain.clone()]).await;
    assert_eq!(
        code(&output),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let output = run_binary(vec!["run".into(), "--strict".into(), plain]).await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(code(&output), Some(1), "{stdout}");
    assert!(
        stdout.contains("expected the probes to pass, they failed: forged-delivery-accepted — legacy-only (accepted (answered 200)"),
        "{stdout}"
    );
    let output = run_binary(vec!["run".into(), "--strict".into(), listed]).await;
    assert_eq!(
        code(&output),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let output = run_binary(vec!["run".into(), wrong]).await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(code(&output), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "expected probe wrong-secret to be accepted, it was not (rejected (answered 401))"
        ),
        "{stdout}"
    );
    let output = run_binary(vec!["run".into(), unknown]).await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(code(&output), Some(1), "{stdout}");
    assert!(
        stdout.contains("expect.accepted names no probe \"no-such-probe\""),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
