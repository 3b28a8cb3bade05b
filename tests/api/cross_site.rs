//! No web page on another origin can drive the control API: requests under a foreign `Host`
//! (DNS rebinding) are refused before anything is read or changed, and every control write must
//! say `Content-Type: application/json`, which a cross-origin page cannot send without a CORS
//! preflight the emulator never grants. The HubSpot API and the dashboard keep working.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{expect_error, json_of, spawn_app, spawn_config, API_KEY, APP_ID};
use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::fixture::load_fixtures;

#[tokio::test]
async fn a_foreign_host_is_refused_and_loopback_names_are_not() {
    let app = spawn_app().await;
    let port = app.base.rsplit(':').next().unwrap().to_string();
    for host in [
        "evil.example",
        "evil.example:80",
        "127.0.0.1.nip.io",
        "192.168.1.5",
    ] {
        for path in ["/_emulator/state", "/_emulator/health", "/_emulator/ui/"] {
            let response = app
                .http
                .get(app.url(path))
                .header("host", host)
                .send()
                .await
                .unwrap();
            let (status, body) = json_of(response).await;
            assert_eq!(status, 403, "{host} {path}");
            let message = body["error"].as_str().unwrap();
            assert!(message.contains("--allow-host"), "{message}");
            assert!(
                !body.to_string().contains("clientSecret"),
                "nothing leaks: {body}"
            );
        }
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let response = app
            .http
            .get(app.url("/_emulator/state"))
            .header("host", host.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{host}");
    }
    // The HubSpot API is not the control API: its clients may call it under any name (here a
    // 404 in HubSpot's envelope: the demo app has no settings yet).
    let response = app
        .http
        .get(app.url(&format!(
            "/crm/v3/extensions/calling/{APP_ID}/settings?hapikey={API_KEY}"
        )))
        .header("host", "emulator.internal:4774")
        .send()
        .await
        .unwrap();
    expect_error(response, 404, "OBJECT_NOT_FOUND").await;
}

#[tokio::test]
async fn a_request_without_host_is_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    stream
        .write_all(b"GET /_emulator/state HTTP/1.0\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.0 403"), "{answer}");
    assert!(!answer.contains("clientSecret"), "{answer}");
}

#[tokio::test]
async fn allow_host_admits_another_name() {
    let mut config = EmulatorConfig::ephemeral(load_fixtures(&[] as &[&str]).unwrap());
    config.allowed_hosts = vec!["emulator.test".into()];
    let app = spawn_config(config).await;
    let response = app
        .http
        .get(app.url("/_emulator/health"))
        .header("host", "emulator.test:4774")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn control_writes_must_say_json() {
    let app = spawn_app().await;
    let writes = [
        (Method::POST, "/_emulator/reset", "{}"),
        (
            Method::POST,
            "/_emulator/fire",
            r#"{"appId":1234567,"portalId":62515,"userId":101}"#,
        ),
        (
            Method::POST,
            "/_emulator/probe",
            r#"{"appId":1234567,"url":"http://127.0.0.1:9/"}"#,
        ),
        (
            Method::PUT,
            "/_emulator/portals/62515/users/102",
            r#"{"supportsChannelConnection":true}"#,
        ),
        (Method::PUT, "/_emulator/state", r#"{"apps":[]}"#),
        (Method::DELETE, "/_emulator/deliveries", ""),
        (Method::POST, "/_emulator/deliveries/1/replay", ""),
    ];
    for (method, path, body) in writes {
        // What a form or a fetch with mode "no-cors" can send: text/plain, or no type at all.
        for content_type in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            None,
        ] {
            let mut request = app.http.request(method.clone(), app.url(path)).body(body);
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let (status, refusal) = json_of(request.send().await.unwrap()).await;
            assert_eq!(
                status, 415,
                "{method} {path} as {content_type:?}: {refusal}"
            );
            assert!(
                refusal["error"]
                    .as_str()
                    .unwrap()
                    .contains("Content-Type: application/json"),
                "{refusal}"
            );
        }
    }
    // Nothing changed: user 102 still has no flag.
    let (_, user) = json_of(
        app.control(Method::GET, "/_emulator/portals/62515/users/102", None)
            .await,
    )
    .await;
    assert_eq!(user["supportsChannelConnection"], false, "{user}");
    // The same calls as JSON go through (with or without a body).
    let (status, _) = json_of(app.control(Method::POST, "/_emulator/reset", None).await).await;
    assert_eq!(status, 200);
    let (status, _) = json_of(
        app.control(
            Method::PUT,
            "/_emulator/portals/62515/users/102",
            Some(&json!({"supportsChannelConnection": true})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    let response = app
        .http
        .delete(app.url("/_emulator/deliveries"))
        .header("content-type", "application/json; charset=utf-8")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
}
