//! Probes that look like the fixture's own deliveries (its first portal and user, not the demo
//! fixture's 62515/101), and the burst's latency findings against the slow-reply threshold and
//! the timeout, through the real binary against recording receivers.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::receiver::Receiver;
use crate::verifiers::{verifier, Flaw, SECRET};

const SECRET_ENV: (&str, &str) = ("HUBSPOT_EMULATOR_CLIENT_SECRET", SECRET);

/// `portalId` and `userId` of a recorded delivery's body.
fn ids(body: &[u8]) -> (u64, u64) {
    let body: Value = serde_json::from_slice(body).unwrap();
    (
        body["portalId"].as_u64().unwrap(),
        body["userId"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn a_probe_step_without_ids_uses_the_fixtures_first_portal_and_user() {
    let receiver = Receiver::start(verifier(Flaw::None, Duration::ZERO)).await;
    let dir = test_dir("probe-ids");
    let file = dir.join("scenarios.json");
    let fixture = json!({
        "apps": [{"name": "mine", "appId": 4242, "clientSecret": SECRET, "authRequired": false}],
        "portals": [
            {"portalId": 777, "users": [{"userId": 9}, {"userId": 10}]},
            {"portalId": 62515, "users": [{"userId": 101}]}
        ],
        "scenarios": [{"name": "probes", "steps": [
            {"probe": {"url": receiver.url, "burst": 2}}
        ]}]
    });
    std::fs::write(&file, fixture.to_string()).unwrap();
    let output = run_binary(vec!["run".into(), file.display().to_string()], vec![]).await;
    let stdout = stdout_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert_no_trailing_spaces(&stdout);

    let requests = receiver.requests();
    // The genuine delivery, the 11 forgeries and the burst of 2.
    assert_eq!(requests.len(), 14);
    assert_eq!(ids(&requests[0].body), (777, 9), "the genuine delivery");
    let mut burst: Vec<(u64, u64)> = requests[12..].iter().map(|r| ids(&r.body)).collect();
    burst.sort();
    assert_eq!(
        burst,
        [(777, 9), (777, 10)],
        "the burst: user 9 and the next"
    );
    for request in &requests {
        let body = String::from_utf8_lossy(&request.body);
        assert!(!body.contains("62515"), "the demo's portal: {body}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `probe` of `url` with a burst of 4 under `timeout_ms`, as JSON: the exit code and the report.
async fn probe_json(url: &str, timeout_ms: u64, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args: Vec<String> = ["probe", "--url", url, "--burst", "4", "--format", "json"]
        .map(String::from)
        .to_vec();
    args.extend(["--timeout-ms".to_string(), timeout_ms.to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    let output = run_binary(args, vec![(SECRET_ENV.0, SECRET_ENV.1.into())]).await;
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stdout_of(&output)));
    (output.status.code(), report)
}

fn burst_findings(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["pointer"] == "/burst")
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap().to_string();
            (text("code"), text("severity"))
        })
        .collect()
}

#[tokio::test]
async fn a_burst_slower_than_the_slow_reply_threshold_is_an_info_and_past_the_timeout_a_warning() {
    // Accepted deliveries are answered after 650 ms: over the slow-reply threshold of a 1000 ms
    // timeout (half of it, 500 ms) with room to spare below the timeout.
    let receiver = Receiver::start(verifier(Flaw::None, Duration::from_millis(650))).await;
    let (code, report) = probe_json(&receiver.url, 1000, &["--strict"]).await;
    assert_eq!(
        burst_findings(&report),
        [("slow-p95-under-load".to_string(), "info".to_string())],
        "{report:#}"
    );
    let info = finding(&report, "slow-p95-under-load")["message"]
        .as_str()
        .unwrap();
    let p95 = report["burst"]["latencyMs"]["p95"].as_f64().unwrap();
    assert!(
        info.contains(&format!("the p95 latency was {p95:.0} ms")),
        "{info}"
    );
    assert!(
        info.contains("over the 500 ms a reply should take"),
        "{info}"
    );
    assert!(info.contains("Answer faster"), "{info}");
    // An info never fails, not even under --strict.
    assert_eq!((code, &report["outcome"]), (Some(0), &json!("pass")));

    // Under a 500 ms timeout the same replies are late: HubSpot fails them.
    let (code, report) = probe_json(&receiver.url, 500, &[]).await;
    assert_eq!(code, Some(1));
    assert_eq!(
        burst_findings(&report),
        [
            ("slow-under-load".to_string(), "error".to_string()),
            ("timeout-p99-under-load".to_string(), "warning".to_string()),
            ("slow-p95-under-load".to_string(), "info".to_string()),
        ],
        "{report:#}"
    );
    let warning = finding(&report, "timeout-p99-under-load")["message"]
        .as_str()
        .unwrap();
    assert!(
        warning.contains("past HubSpot's 500 ms timeout: HubSpot fails those deliveries"),
        "{warning}"
    );
}

#[tokio::test]
async fn the_control_apis_probe_without_ids_uses_the_seeds_first_portal_and_user() {
    let receiver = Receiver::start(verifier(Flaw::None, Duration::ZERO)).await;
    let fixture = json!({
        "apps": [{"name": "mine", "appId": 4242, "clientSecret": SECRET, "authRequired": false}],
        "portals": [{"portalId": 888, "users": [{"userId": 5}]}, {"portalId": 62515, "users": [{"userId": 101}]}]
    });
    let app = spawn_with(&fixture.to_string()).await;
    let body = json!({"appId": 4242, "url": receiver.url, "burst": 1});
    let (status, report) = json_of(
        app.control(Method::POST, "/_emulator/probe", Some(&body))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["portalId"].as_u64(), report["userId"].as_u64()),
        (Some(888), Some(5)),
        "{report}"
    );
    let requests = receiver.requests();
    assert_eq!(ids(&requests[0].body), (888, 5), "the genuine delivery");
    assert_eq!(
        ids(&requests.last().unwrap().body),
        (888, 5),
        "the burst of one"
    );
    for request in &requests {
        let body = String::from_utf8_lossy(&request.body);
        assert!(!body.contains("62515"), "the demo's portal: {body}");
    }
}
