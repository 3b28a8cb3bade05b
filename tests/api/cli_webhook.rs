//! The webhook subcommands of the real binary: `check` (one shot, exit 0/1), `fire` (through a
//! running emulator, human and JSON output) and `sign` (known answers).

use serde_json::Value;

use crate::helpers::run_binary as run;
use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver};

const OK: &str = r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"A name much longer than twenty-four"},{"e164PhoneNumber":"+14155552672","extension":"9","friendlyName":"Desk"}]}"#;

#[tokio::test]
async fn check_passes_a_good_app_and_renders_the_picker() {
    let receiver = Receiver::start(Behaviour::json(OK)).await;
    let output = run(
        vec!["check".into(), "--url".into(), receiver.url.clone()],
        vec![("HUBSPOT_EMULATOR_CLIENT_SECRET", "cli-secret".into())],
    )
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with("PASS"), "{stdout}");
    assert!(stdout.contains("friendly-name-truncated"), "{stdout}");
    assert!(stdout.contains("A name much longer than "), "{stdout}");
    assert!(stdout.contains("no — has an extension"), "{stdout}");
    assert!(
        !stdout.contains("cli-secret")
            && !String::from_utf8_lossy(&output.stderr).contains("cli-secret")
    );
    assert_eq!(receiver.requests().len(), 1);

    // --strict turns the warnings into a failure.
    let strict = run(
        vec![
            "check".into(),
            "--url".into(),
            receiver.url.clone(),
            "--strict".into(),
        ],
        vec![("HUBSPOT_EMULATOR_CLIENT_SECRET", "cli-secret".into())],
    )
    .await;
    assert_eq!(strict.status.code(), Some(1));

    // So does HUBSPOT_EMULATOR_STRICT, in the words CI files use; 0 and false leave it off.
    for (value, code) in [("1", 1), ("true", 1), ("yes", 1), ("0", 0), ("false", 0)] {
        let output = run(
            vec!["check".into(), "--url".into(), receiver.url.clone()],
            vec![
                ("HUBSPOT_EMULATOR_CLIENT_SECRET", "cli-secret".into()),
                ("HUBSPOT_EMULATOR_STRICT", value.into()),
            ],
        )
        .await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "STRICT={value}: {stderr}");
    }
}

#[tokio::test]
async fn check_fails_with_exit_1_and_json_output() {
    let receiver = Receiver::start(Behaviour::status(500, None, b"")).await;
    let output = run(
        vec![
            "check".into(),
            "--url".into(),
            receiver.url.clone(),
            "--client-secret".into(),
            "s".into(),
            "--format".into(),
            "json".into(),
            "--timeout-ms".into(),
            "2000".into(),
        ],
        vec![],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let verdict: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(verdict["outcome"], "fail");
    assert_eq!(verdict["findings"][0]["code"], "http-status");
    assert_eq!(verdict["delivery"]["timeoutMs"], 2000);
}

#[tokio::test]
async fn fire_asks_a_running_emulator() {
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::json(OK)).await;
    app.register(&receiver.url, false).await;
    let fire = |user: &str, extra: &[&str]| {
        let mut args: Vec<String> = [
            "fire",
            "--emulator",
            &app.base,
            "--app-id",
            "1234567",
            "--portal-id",
            "62515",
            "--user-id",
            user,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        run(args, vec![])
    };
    let flagged = fire("101", &[]).await;
    assert_eq!(
        flagged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&flagged.stdout)
    );
    let greyed = fire("102", &["--format", "json"]).await;
    assert_eq!(greyed.status.code(), Some(1));
    let verdict: Value = serde_json::from_slice(&greyed.stdout).unwrap();
    assert_eq!(verdict["outcome"], "greyed-out");
    let forced = fire("102", &["--force"]).await;
    assert_eq!(forced.status.code(), Some(0));
    assert_eq!(receiver.requests().len(), 2);

    let unreachable = run(
        [
            "fire",
            "--emulator",
            "http://127.0.0.1:9",
            "--app-id",
            "1",
            "--portal-id",
            "1",
            "--user-id",
            "1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        vec![],
    )
    .await;
    assert_eq!(unreachable.status.code(), Some(3));
}

#[tokio::test]
async fn sign_prints_known_answers() {
    let output = run(
        [
            "sign",
            "--client-secret",
            "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy",
            "--url",
            "http://127.0.0.1:3000/hubspot/phone-numbers",
            "--body",
            r#"{"appId":1234567,"portalId":62515,"userId":101}"#,
            "--timestamp",
            "1764259200000",
            "--signature-version",
            "v2",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        vec![],
    )
    .await;
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        "X-HubSpot-Signature: 583f8178f5648e2787141e4da6e849ca1a7d554146e1f77461bce621d3bea541\n\
         X-HubSpot-Signature-Version: v2\n\
         X-HubSpot-Signature-v3: OgPhlMOSvgInGfyrkH9SQTLpRj/9lWBnDj/fF/fw9PY=\n\
         X-HubSpot-Request-Timestamp: 1764259200000\n"
    );

    let json = run(
        [
            "sign",
            "--client-secret",
            "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy",
            "--url",
            "http://127.0.0.1:3000/hubspot/phone-numbers",
            "--body",
            r#"{"appId":1234567,"portalId":62515,"userId":101}"#,
            "--timestamp",
            "1764259200000",
            "--format",
            "json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        vec![],
    )
    .await;
    let headers: Value = serde_json::from_slice(&json.stdout).expect("a JSON object");
    assert_eq!(headers["X-HubSpot-Signature-Version"], "v1");
    assert_eq!(
        headers["X-HubSpot-Signature"],
        "c6c59032752d253005533b94d9794cde0c908179ff8899cd7eba1afdde1b0aba"
    );
    assert_eq!(
        headers["X-HubSpot-Signature-v3"],
        "OgPhlMOSvgInGfyrkH9SQTLpRj/9lWBnDj/fF/fw9PY="
    );
}
