//! Faults while serving: a receiver that hangs, a burst of deliveries to a dead port, API clients
//! that send slowly or never finish, and a shutdown with deliveries in flight. Whatever one
//! caller does, the others are answered, and every delivery ends in a verdict.

use std::time::Duration;

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver};
use crate::served::Served;
use crate::verifiers::GOOD_REPLY;

/// The demo app plus a second app with its own receiver.
const TWO_APPS: &str = r#"{
  "apps": [
    {"name": "demo", "appId": 1234567, "developerApiKey": "demo-developer-api-key", "clientSecret": "s1"},
    {"name": "other", "appId": 7654321, "authRequired": false, "clientSecret": "s2"}
  ],
  "portals": [{"portalId": 62515, "users": [{"userId": 101, "supportsChannelConnection": true}]}]
}"#;

async fn control_json(app: &TestApp, method: Method, path: &str, body: Option<&Value>) -> Value {
    let (status, value) = json_of(app.control(method, path, body).await).await;
    assert_eq!(status, 200, "{path}: {value}");
    value
}

/// A loopback port nothing listens on.
async fn dead_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_receiver_hanging_until_its_timeout_holds_up_nothing_else() {
    let hanging = Receiver::start(Behaviour::Hang).await;
    let fast = Receiver::start(Behaviour::json(GOOD_REPLY)).await;
    let app = spawn_with(TWO_APPS).await;
    app.register(&hanging.url, true).await;
    let other = app
        .send(
            Method::POST,
            "/crm/v3/extensions/calling/7654321/settings/channel-connection",
            Some(&json!({"url": fast.url, "isReady": true})),
            Auth::Nothing,
        )
        .await;
    assert_eq!(other.status(), 200);

    let stuck = {
        let (base, http) = (app.base.clone(), app.http.clone());
        tokio::spawn(async move {
            let response = http
                .post(format!("{base}/_emulator/fire"))
                .json(
                    &json!({"appId": APP_ID, "portalId": 62515, "userId": 101, "timeoutMs": 3000}),
                )
                .send()
                .await
                .unwrap();
            response.json::<Value>().await.unwrap()
        })
    };
    // Wait until the hanging receiver holds the delivery.
    while hanging.requests().is_empty() {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Meanwhile: the API, the control API and another app's deliveries all answer.
    for _ in 0..5 {
        let api = app
            .call(
                Method::GET,
                &format!("/crm/v3/extensions/calling/{APP_ID}/settings/channel-connection"),
                None,
            )
            .await;
        assert_eq!(api.status(), 200);
        app.assert_healthy().await;
        let verdict = app
            .fire(json!({"appId": 7654321, "portalId": 62515, "userId": 101}))
            .await;
        assert_eq!(verdict["outcome"], "pass", "{verdict:#}");
        let (status, _) = json_of(
            app.control(Method::GET, "/_emulator/deliveries", None)
                .await,
        )
        .await;
        assert_eq!(status, 200);
    }
    assert!(
        !stuck.is_finished(),
        "all of that happened while the delivery hung"
    );
    let verdict = stuck.await.unwrap();
    assert_eq!(verdict["outcome"], "fail");
    assert_eq!(codes(&verdict), ["timeout"]);
}

#[tokio::test]
async fn a_burst_of_deliveries_to_a_dead_port_ends_in_findings() {
    let app = spawn_app().await;
    let url = format!(
        "http://127.0.0.1:{}/hubspot/phone-numbers",
        dead_port().await
    );
    app.register(&url, true).await;
    let fires = (0..100)
        .map(|user| app.fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 1000 + user})));
    let verdicts = tokio::time::timeout(Duration::from_secs(60), join_all(fires))
        .await
        .expect("every delivery ends");
    for verdict in &verdicts {
        assert_eq!(verdict["outcome"], "fail");
        assert_eq!(
            codes(verdict),
            ["user-not-declared", "connection-refused"],
            "{verdict:#}"
        );
    }
    let journal = control_json(&app, Method::GET, "/_emulator/deliveries?limit=1", None).await;
    assert_eq!(journal["total"], 100);
    // The probes say the same, and stop after the genuine delivery.
    let report = control_json(
        &app,
        Method::POST,
        "/_emulator/probe",
        Some(&json!({"appId": APP_ID, "burst": 50})),
    )
    .await;
    assert_eq!(codes(&report), ["valid-delivery-rejected"]);
    assert!(report["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Connection refused"));
    app.assert_healthy().await;
}

#[tokio::test]
async fn api_clients_that_send_slowly_or_never_finish_do_not_hold_up_others() {
    let app = spawn_app().await;
    let address = app.base.trim_start_matches("http://").to_string();
    let path = format!("/crm/v3/extensions/calling/{APP_ID}/settings/channel-connection");
    let mut stalled = Vec::new();
    for index in 0..30 {
        let mut stream = TcpStream::connect(&address).await.unwrap();
        let partial = match index % 3 {
            // Half a request line.
            0 => format!("GET {path}?hapi"),
            // Complete headers, a tenth of the announced body.
            1 => format!(
                "POST {path}?hapikey={API_KEY} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"url\":"
            ),
            // Headers that never end.
            _ => format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nX-Slow: "),
        };
        stream.write_all(partial.as_bytes()).await.unwrap();
        stalled.push(stream);
    }
    // A client trickling a whole request a byte at a time.
    let trickler = {
        let (address, path) = (address.clone(), path.clone());
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(&address).await.unwrap();
            let request = format!(
                "GET {path}?hapikey={API_KEY} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            );
            for byte in request.as_bytes() {
                stream.write_all(&[*byte]).await.unwrap();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let mut reply = String::new();
            stream.read_to_string(&mut reply).await.unwrap();
            reply
        })
    };
    // Everyone else is served meanwhile.
    for _ in 0..10 {
        let created = app.call(Method::GET, &path, None).await;
        assert_eq!(created.status(), 404);
        app.assert_healthy().await;
    }
    app.register("http://127.0.0.1:9/hubspot/phone-numbers", true)
        .await;
    let reply = trickler.await.unwrap();
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    drop(stalled);
    app.assert_healthy().await;
}

#[tokio::test]
async fn shutdown_with_deliveries_in_flight_completes_promptly() {
    let dir = std::env::temp_dir().join(format!("hse-faults-shutdown-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let hanging = Receiver::start(Behaviour::Hang).await;
    let served = Served::start(&dir, &[], &[]);
    let http = reqwest::Client::new();
    let register = http
        .post(format!(
            "{}/crm/v3/extensions/calling/{APP_ID}/settings/channel-connection?hapikey={API_KEY}",
            served.base
        ))
        .json(&json!({"url": hanging.url, "isReady": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(register.status(), 200);
    // Five deliveries that would wait ten minutes for their replies.
    let in_flight: Vec<_> = (0..5)
        .map(|user| {
            let request = http
                .post(format!("{}/_emulator/fire", served.base))
                .json(&json!({"appId": APP_ID, "portalId": 62515, "userId": 101 + user, "force": true, "timeoutMs": 600000}));
            tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()) })
        })
        .collect();
    while hanging.requests().len() < 5 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // A hang detector, not a speed target: the graceful shutdown waits at most 5 s.
    let (served, status) = tokio::task::spawn_blocking(move || {
        let mut served = served;
        let status = served.terminate(Duration::from_secs(30));
        (served, status)
    })
    .await
    .unwrap();
    let status = status.expect("the emulator exits despite the deliveries in flight");
    assert!(status.success(), "{status:?}");
    // The callers were let go (answered or disconnected), not left hanging.
    for call in in_flight {
        let _ = tokio::time::timeout(Duration::from_secs(10), call)
            .await
            .expect("each caller is let go");
    }
    let output = served.stop();
    assert!(output.contains("stopped"), "{output}");
}
