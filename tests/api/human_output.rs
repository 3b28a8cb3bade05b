//! The human output of `check`, `fire`, `probe` and `run` helps with what went wrong: a rejected
//! delivery shows the start of the app's reply and, for a 401, where to look; findings come
//! worst first; and no line ends in a space. Through the real binary against scripted receivers.

use std::time::Duration;

use serde_json::json;

use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver};
use crate::verifiers::{verifier, Flaw, SECRET};

const HINT: &str = "hint: the app rejected the delivery's signature or auth: is its signature \
                    check failing? Compare the client secret it verifies with";

/// A 401 whose body spans lines and ends in blanks, with an empty header value.
fn unauthorized() -> Behaviour {
    Behaviour::Reply {
        status: 401,
        content_type: Some("application/json"),
        body: b"{\"error\": \"invalid signature\",\n \"expected\": \"v3\"}   \n\n".to_vec(),
        extra_headers: vec![("x-empty", String::new())],
    }
}

/// A command line's words (no argument here has a space in it).
fn args(line: &str) -> Vec<String> {
    line.split_whitespace().map(String::from).collect()
}

#[tokio::test]
async fn check_of_a_401_shows_the_reply_on_one_line_and_the_hint() {
    let receiver = Receiver::start(unauthorized()).await;
    let output = run_binary(
        args(&format!("check --url {} --client-secret s", receiver.url)),
        vec![],
    )
    .await;
    let stdout = stdout_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].contains("→ 401 in"), "{stdout}");
    assert_eq!(
        lines[1],
        r#"  reply body: {"error": "invalid signature",\n "expected": "v3"}"#
    );
    assert!(lines[2].starts_with(&format!("  {HINT}")), "{stdout}");
    assert!(lines[2].contains("HUBSPOT_CLIENT_SECRET"), "{stdout}");
    // The http-status finding has no pointer: its line ends with the code.
    assert!(stdout.contains("\n  error    http-status\n"), "{stdout}");
    assert_no_trailing_spaces(&stdout);

    // A 500 shows its body too, but no hint: the signature is not what failed.
    receiver.set(Behaviour::status(500, Some("text/plain"), b"boom\x1b[31m"));
    let output = run_binary(
        args(&format!("check --url {} --client-secret s", receiver.url)),
        vec![],
    )
    .await;
    let stdout = stdout_of(&output);
    assert!(
        stdout.contains("\n  reply body: boom\\u{1b}[31m\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("hint:"), "{stdout}");
}

#[tokio::test]
async fn fire_lists_errors_then_warnings_then_infos() {
    let app = spawn_app().await;
    // Slow (past half the 1000 ms timeout, well within it) and not E.164: a warning found
    // before the error.
    let receiver = Receiver::start(Behaviour::Delayed(
        Duration::from_millis(600),
        Box::new(Behaviour::json(
            r#"{"phoneNumbers": [{"e164PhoneNumber": "(415) 555-2671", "friendlyName": "Support"}]}"#,
        )),
    ))
    .await;
    app.register(&receiver.url, false).await;
    // User 102 lacks the flag: forcing the delivery adds an info before both.
    let fire = |format: &str| {
        run_binary(
            args(&format!(
                "fire --emulator {} --app-id 1234567 --portal-id 62515 --user-id 102 --force \
                 --timeout-ms 1000 --format {format}",
                app.base
            )),
            vec![],
        )
    };
    let verdict: serde_json::Value = serde_json::from_slice(&fire("json").await.stdout).unwrap();
    let found: Vec<(&str, &str)> = verdict["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["severity"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found[..3],
        [
            ("info", "forced"),
            ("warning", "slow-reply"),
            ("error", "e164-syntax")
        ],
        "the verdict keeps the order found: {verdict:#}"
    );
    // Worst first, each severity in the order found.
    let expected: Vec<(&str, &str)> = ["error", "warning", "info"]
        .iter()
        .flat_map(|severity| found.iter().filter(move |f| f.0 == *severity).copied())
        .collect();

    let output = fire("human").await;
    let stdout = stdout_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let listed: Vec<(&str, &str)> = stdout
        .lines()
        .filter_map(|line| line.strip_prefix("  "))
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let severity = words.next()?;
            ["error", "warning", "info"]
                .contains(&severity)
                .then(|| (severity, words.next().unwrap()))
        })
        .collect();
    assert_eq!(listed, expected, "{stdout}");
    assert_no_trailing_spaces(&stdout);
}

#[tokio::test]
async fn probe_with_the_wrong_secret_shows_the_genuine_deliverys_401_and_the_hint() {
    let receiver = Receiver::start(verifier(Flaw::None, Duration::ZERO)).await;
    let output = run_binary(
        args(&format!("probe --url {} --burst 0", receiver.url)),
        vec![(
            "HUBSPOT_EMULATOR_CLIENT_SECRET",
            "not-the-app-secret".into(),
        )],
    )
    .await;
    let stdout = stdout_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    let row = lines
        .iter()
        .position(|l| l.starts_with("  valid-delivery"))
        .unwrap();
    assert_eq!(
        lines[row + 1].trim_start(),
        r#"reply body: {"error":"signature mismatch"}"#,
        "{stdout}"
    );
    assert!(lines[row + 2].trim_start().starts_with(HINT), "{stdout}");
    // Message and fix are sentences of their own.
    assert!(
        stdout.contains("the app answered 401. Fix: verify v3 as HubSpot's helpers do"),
        "{stdout}"
    );
    assert_no_trailing_spaces(&stdout);

    // The forgeries a correct app rejects with a 401 need no hint.
    let output = run_binary(
        args(&format!("probe --url {} --burst 0", receiver.url)),
        vec![("HUBSPOT_EMULATOR_CLIENT_SECRET", SECRET.into())],
    )
    .await;
    let stdout = stdout_of(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(!stdout.contains("hint:"), "{stdout}");
    assert_no_trailing_spaces(&stdout);
}

#[tokio::test]
async fn run_shows_the_hint_under_a_401_and_ends_no_line_in_a_space() {
    let receiver = Receiver::start(unauthorized()).await;
    let dir = test_dir("human-run");
    let file = dir.join("scenarios.json");
    let fixture = json!({
        "apps": [{"name": "mine", "appId": 4242, "clientSecret": SECRET, "authRequired": false,
                  "channelConnection": {"url": receiver.url, "isReady": true}}],
        "portals": [{"portalId": 777, "users": [{"userId": 9}]}],
        "scenarios": [
            {"name": "rejected", "steps": [{"fire": {"portalId": 777, "userId": 9}}]},
            {"name": "probed", "steps": [{"probe": {"burst": 0}}]}
        ]
    });
    std::fs::write(&file, fixture.to_string()).unwrap();
    let output = run_binary(vec!["run".into(), file.display().to_string()], vec![]).await;
    let stdout = stdout_of(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("          error http-status: The app answered HTTP 401"),
        "an empty pointer leaves no gap: {stdout}"
    );
    assert!(stdout.contains("\n            x-empty:\n"), "{stdout}");
    assert!(stdout.contains(&format!("\n          {HINT}")), "{stdout}");
    // A probe step shows what the genuine delivery was answered.
    assert!(
        stdout.contains(
            "\n          valid-delivery answered 401\n            reply body: {\"error\": \"invalid signature\","
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("\n            {HINT}")),
        "{stdout}"
    );
    assert_no_trailing_spaces(&stdout);
    let _ = std::fs::remove_dir_all(&dir);
}
