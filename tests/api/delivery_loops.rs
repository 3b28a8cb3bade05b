//! The emulator never fires at a control API, its own above all: a channel connection URL under
//! `/_emulator/` is refused at every spelling of the emulator's address and behind any path
//! prefix, with a finding that says why; and a fire whose caller hangs up is ended, its
//! outbound connection closed, rather than left running.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{finding, json_of, spawn_app, APP_ID};

#[tokio::test]
async fn deliveries_to_a_control_api_are_refused_at_any_spelling() {
    let app = spawn_app().await;
    let port = app.base.rsplit(':').next().unwrap().to_string();
    let spellings = [
        format!("http://127.0.0.1:{port}/_emulator/fire"),
        format!("http://localhost:{port}/_emulator/fire"),
        format!("http://[::1]:{port}/_emulator/fire"),
        format!("http://127.0.0.2:{port}/_emulator/fire"),
        format!("http://127.0.0.1:{port}/sandboxes/s1/_emulator/fire"),
        format!("http://127.0.0.1:{port}/%5Femulator/deliveries/1/replay"),
        format!("http://LOCALHOST:{port}/_EMULATOR/probe"),
    ];
    for url in &spellings {
        app.register(url, true).await;
        let verdict = app
            .fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 101}))
            .await;
        assert_eq!(verdict["outcome"], "fail", "{url}");
        let refused = finding(&verdict, "emulator-url");
        assert!(
            refused["message"]
                .as_str()
                .unwrap()
                .contains("fire at itself"),
            "{refused}"
        );
    }
    // One delivery journaled per fire, and not one request reached the control API as a fire.
    let (_, page) = json_of(
        app.control(Method::GET, "/_emulator/deliveries", None)
            .await,
    )
    .await;
    assert_eq!(page["total"], spellings.len());
    // A probe of such a URL is refused before anything is sent, rather than blamed on the app.
    let probe = json!({"appId": APP_ID, "url": spellings[4], "burst": 5});
    let (status, refusal) = json_of(
        app.control(Method::POST, "/_emulator/probe", Some(&probe))
            .await,
    )
    .await;
    assert_eq!(status, 400, "{refusal}");
    assert!(
        refusal["error"].as_str().unwrap().contains("control API"),
        "{refusal}"
    );
    let (_, probes) = json_of(app.control(Method::GET, "/_emulator/probes", None).await).await;
    assert_eq!(probes["total"], 0);
    app.assert_healthy().await;
}

#[tokio::test]
async fn the_probe_command_refuses_a_control_url() {
    let args = [
        "probe",
        "--url",
        "http://127.0.0.1:9/sandboxes/s1/_emulator/fire",
        "--client-secret",
        "s",
    ];
    let output =
        crate::helpers::run_binary(args.iter().map(|a| a.to_string()).collect(), Vec::new()).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("control API"), "{stderr}");
}

#[tokio::test]
async fn a_fire_whose_caller_hangs_up_is_ended() {
    let app = spawn_app().await;
    // An app that reads the delivery and never answers; it reports when the emulator's
    // connection to it closes.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slow", listener.local_addr().unwrap());
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut buffer = vec![0u8; 65536];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = closed_tx.send(());
    });
    app.register(&url, true).await;

    // The caller: a raw connection that sends the fire and hangs up 300 ms later.
    let address = app.base.trim_start_matches("http://").to_string();
    let mut caller = tokio::net::TcpStream::connect(&address).await.unwrap();
    let body = json!({"appId": APP_ID, "portalId": 62515, "userId": 101, "timeoutMs": 120_000})
        .to_string();
    let request = format!(
        "POST /_emulator/fire HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    caller.write_all(request.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(caller);

    // Without the caller, the delivery would wait out its 120 s timeout.
    tokio::time::timeout(Duration::from_secs(30), closed_rx)
        .await
        .expect("the emulator closed its delivery once the caller had gone")
        .unwrap();
    app.assert_healthy().await;
}
