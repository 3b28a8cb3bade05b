//! Errors that explain, through the real interfaces: the CLI ends with exit 3 naming the URL of
//! an emulator that never answers; control-API errors are always JSON; a state export always
//! comes back in; out-of-range fixture values and oversized fixture files are refused at load;
//! findings name the real cause; and the API takes `bearer` in any case, HEAD, and no negative
//! window sizes.

use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver};
use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::fixture::load_fixtures;

async fn run(args: Vec<String>) -> std::process::Output {
    run_binary(args, Vec::new()).await
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// A port that accepts connections, reads, and never answers.
async fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                while matches!(stream.read(&mut buffer).await, Ok(n) if n > 0) {}
            });
        }
    });
    url
}

#[tokio::test]
async fn the_cli_gives_up_on_an_emulator_that_never_answers() {
    let silent = silent_server().await;
    let fire = |extra: &[&str]| {
        let mut args = strings(&[
            "fire",
            "--emulator",
            &silent,
            "--app-id",
            "1",
            "--portal-id",
            "1",
            "--user-id",
            "1",
        ]);
        args.extend(strings(extra));
        run(args)
    };
    // With a delivery timeout given: that plus a margin. Without: the state look-up's deadline.
    let (given, looked_up) = tokio::join!(fire(&["--timeout-ms", "100"]), fire(&[]));
    for (output, path) in [(given, "/_emulator/fire"), (looked_up, "/_emulator/state")] {
        assert_eq!(output.status.code(), Some(3));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("{silent}{path}")) && stderr.contains("did not answer within"),
            "{stderr}"
        );
    }
}

#[tokio::test]
async fn control_errors_are_always_json() {
    let mut config = EmulatorConfig::ephemeral(load_fixtures(&[] as &[&str]).unwrap());
    config.max_fixture_bytes = 4096;
    let app = spawn_config(config).await;
    let big = json!({"apps": [], "portals": [], "padding": "x".repeat(8000)});
    let cases = [
        (Method::GET, "/_emulator/deliveries/abc", None, 400),
        (Method::GET, "/_emulator/deliveries?limit=-1", None, 400),
        (Method::GET, "/_emulator/requests?after=x", None, 400),
        (Method::GET, "/_emulator/probes/1.5", None, 400),
        (Method::GET, "/_emulator/portals/p/users/1", None, 400),
        (Method::PUT, "/_emulator/state", Some(&big), 413),
    ];
    for (method, path, body, expected) in cases {
        let response = app.control(method.clone(), path, body).await;
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let (status, error) = json_of(response).await;
        assert_eq!(status, expected, "{method} {path}: {error}");
        assert_eq!(content_type, "application/json", "{method} {path}");
        let message = error["error"].as_str().unwrap_or_else(|| panic!("{error}"));
        assert!(message.len() > 30, "a message that explains: {message}");
    }
}

#[tokio::test]
async fn control_bodies_of_the_wrong_type_are_explained_in_plain_words() {
    let app = spawn_app().await;
    let cases = [
        (
            "/_emulator/fire",
            json!({"appId": "x", "portalId": 62515, "userId": 101}),
            r#"fire takes {"appId": N, "portalId": N, "userId": N, "force"?: bool, "timeoutMs"?: N}: expected a whole number, got the text "x" (line 1, column "#,
        ),
        (
            "/_emulator/fire",
            json!({"appId": 1234567, "portalId": -1, "userId": 101}),
            "expected a positive integer or 0, got -1",
        ),
        (
            "/_emulator/portals/62515/users/101",
            json!({"supportsChannelConnection": "yes"}),
            r#"expected true or false, got the text "yes""#,
        ),
        (
            "/_emulator/probe",
            json!({"appId": 1234567, "url": ["http://127.0.0.1:1/"]}),
            "expected a text string, got a list",
        ),
    ];
    for (path, body, expected) in cases {
        let method = if path.contains("/users/") {
            Method::PUT
        } else {
            Method::POST
        };
        let (status, error) = json_of(app.control(method, path, Some(&body)).await).await;
        assert_eq!(status, 400, "{path}: {error}");
        let message = error["error"].as_str().unwrap();
        assert!(message.contains(expected), "{path}: {message}");
    }
}

#[tokio::test]
async fn any_exported_state_comes_back_in() {
    let app = spawn_app().await;
    let apps: Vec<Value> = (0..4000)
        .map(|n| json!({"name": format!("app {n}"), "appId": 100_000 + n, "authRequired": false,
            "channelConnection": {"url": format!("https://app{n}.example/numbers"), "isReady": true}}))
        .collect();
    let state = json!({"apps": apps, "portals": [{"portalId": 1, "users": [{"userId": 1}]}]});
    let (status, _) = json_of(
        app.control(Method::PUT, "/_emulator/state", Some(&state))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let (_, exported) = json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    assert!(serde_json::to_vec(&exported).unwrap().len() > 256 * 1024);
    let (status, again) = json_of(
        app.control(Method::PUT, "/_emulator/state", Some(&exported))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["apps"].as_array().unwrap().len(), 4000);
}

#[tokio::test]
async fn out_of_range_and_oversized_fixtures_are_refused_at_load() {
    let dir = std::env::temp_dir().join(format!("hse-ranges-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let app = |extra: &str| {
        format!(r#"{{"apps": [{{"name": "a", "appId": 1, "authRequired": false {extra}}}]}}"#)
    };
    let cases = [
        (app(r#", "webhookTimeoutMs": 0"#), "$.apps[0].webhookTimeoutMs"),
        (app(r#", "webhookTimeoutMs": 99999999999"#), "$.apps[0].webhookTimeoutMs"),
        (
            app(r#", "settings": {"name": "n", "url": "https://x.example", "height": -5}"#),
            "$.apps[0].settings.height",
        ),
        (
            r#"{"rateLimit": {"maxPerInterval": 5, "intervalMs": 0}}"#.to_string(),
            "$.rateLimit.intervalMs",
        ),
        (
            r#"{"scenarios": [{"name": "s", "steps": [{"fire": {"portalId": 1, "userId": 1, "timeoutMs": 0}}]}]}"#.to_string(),
            "$.scenarios[0].steps[0].fire.timeoutMs",
        ),
        (
            r#"{"scenarios": [{"name": "s", "steps": [{"probe": {"burst": 5000}}]}]}"#.to_string(),
            "$.scenarios[0].steps[0].probe.burst",
        ),
    ];
    for (index, (text, path)) in cases.iter().enumerate() {
        let file = dir.join(format!("case{index}.json"));
        std::fs::write(&file, text).unwrap();
        let output = run(strings(&[
            "serve",
            "--port",
            "0",
            "--fixture",
            file.to_str().unwrap(),
        ]))
        .await;
        assert_eq!(output.status.code(), Some(2), "{text}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(path), "{path} in {stderr}");
    }
    // /dev/zero never ends: refused at the cap, not read into gigabytes.
    let output = run(strings(&["serve", "--port", "0", "--fixture", "/dev/zero"])).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("fixture size cap") && stderr.contains("--max-fixture-bytes"),
        "{stderr}"
    );
    // A regular file over a lowered cap is refused by its size; raising the cap admits it.
    let file = dir.join("big.json");
    std::fs::write(&file, format!("{{\"$schema\": \"{}\"}}", "x".repeat(5000))).unwrap();
    let path = file.to_str().unwrap();
    let output = run(strings(&["run", "--max-fixture-bytes", "1KiB", path])).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("over the fixture size cap"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn findings_name_the_real_cause() {
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::Raw(Vec::new())).await;
    app.register(&receiver.url, true).await;
    let fire =
        || app.fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 101, "timeoutMs": 3000}));

    // Closed before any header: not "Failed to connect to host".
    let verdict = fire().await;
    let message = finding(&verdict, "connection-reset")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("without answering"), "{message}");
    assert!(
        !message.contains("Failed to connect") && !message.contains("connector"),
        "{message}"
    );

    // A malformed chunked body, in words.
    receiver.set(Behaviour::Raw(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n".to_vec(),
    ));
    let verdict = fire().await;
    let message = finding(&verdict, "connection-reset")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("malformed chunked body"), "{message}");
    assert!(
        !message.contains("Some(") && !message.contains("kind:"),
        "no Rust Debug text: {message}"
    );

    // A gzip-encoded reply says so, rather than "not valid UTF-8".
    receiver.set(Behaviour::Raw(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: 4\r\n\r\n\x1f\x8b\x08\x00".to_vec(),
    ));
    let verdict = fire().await;
    assert_eq!(codes(&verdict), ["content-encoding"], "{verdict}");
    let sent = receiver.requests().last().unwrap().clone();
    assert_eq!(
        sent.header("accept-encoding"),
        Some("identity"),
        "{:?}",
        sent.headers
    );
}

#[tokio::test]
async fn the_api_takes_any_case_of_bearer_head_and_no_negative_sizes() {
    let app = spawn_app().await;
    let path = format!("/crm/v3/extensions/calling/{APP_ID}/settings");
    let created = app
        .call(
            Method::POST,
            &path,
            Some(&json!({"name": "Demo", "url": "https://app.example/calling"})),
        )
        .await;
    assert_eq!(created.status(), 200);
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = app
            .http
            .get(app.url(&path))
            .header("authorization", format!("{scheme} {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
    }
    let get = app.call(Method::GET, &path, None).await;
    let length = get.headers()["content-length"].clone();
    let head = app.call(Method::HEAD, &path, None).await;
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], length);
    assert!(head.headers().contains_key("x-hubspot-correlation-id"));
    assert!(head.bytes().await.unwrap().is_empty());
    for (field, value) in [("height", -1), ("width", -300)] {
        let response = app
            .call(Method::PATCH, &path, Some(&json!({ field: value })))
            .await;
        let body = expect_error(response, 400, "VALIDATION_ERROR").await;
        assert!(body.to_string().contains("pixels"), "{body}");
    }
}

#[tokio::test]
async fn the_control_token_takes_any_case_of_bearer() {
    let mut config = EmulatorConfig::ephemeral(load_fixtures(&[] as &[&str]).unwrap());
    config.control_token = Some(hubspot_emulator::domain::Secret::new("t0ken".to_string()));
    let app = spawn_config(config).await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let response = app
            .http
            .get(app.url("/_emulator/state"))
            .header("authorization", format!("{scheme} t0ken"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{scheme}");
    }
}
