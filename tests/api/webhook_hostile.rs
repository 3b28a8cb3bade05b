//! Misbehaving receivers: each gives a clear finding, and the emulator keeps serving while the
//! delivery is in flight and after it.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver};

/// Fires in the background, checks health while the delivery is in flight, returns the verdict.
async fn fire_while_checking_health(behaviour: Behaviour, timeout_ms: u64) -> Value {
    let app = std::sync::Arc::new(spawn_app().await);
    let receiver = Receiver::start(behaviour).await;
    app.register(&receiver.url, true).await;
    let firing = {
        let app = app.clone();
        tokio::spawn(async move { app.fire_demo(timeout_ms).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    app.assert_healthy().await;
    let verdict = firing.await.unwrap();
    app.assert_healthy().await;
    verdict
}

fn expect(verdict: &Value, code: &str, message_part: &str) {
    assert_eq!(verdict["outcome"], "fail", "{verdict:#}");
    let f = finding(verdict, code);
    assert_eq!(f["severity"], "error");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains(message_part),
        "{message:?} lacks {message_part:?}"
    );
}

#[tokio::test]
async fn connection_refused() {
    let app = spawn_app().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/numbers", closed.local_addr().unwrap());
    drop(closed);
    app.register(&url, true).await;
    let verdict = app.fire_demo(2000).await;
    expect(&verdict, "connection-refused", "is the app running");
    assert!(verdict["delivery"]["response"].is_null());
    app.assert_healthy().await;
}

#[tokio::test]
async fn reset_mid_reply() {
    let verdict = fire_while_checking_health(Behaviour::ResetMidReply, 3000).await;
    expect(&verdict, "connection-reset", "broke off its reply");
    assert_eq!(
        verdict["delivery"]["response"]["status"], 200,
        "the headers that did arrive are kept"
    );
}

#[tokio::test]
async fn headers_never_sent() {
    let verdict = fire_while_checking_health(Behaviour::Hang, 800).await;
    expect(&verdict, "timeout", "no response headers arrived");
    let latency = verdict["delivery"]["latencyMs"].as_f64().unwrap();
    assert!(
        latency >= 800.0,
        "gave up at the deadline, not before: {latency}"
    );
}

#[tokio::test]
async fn body_trickled_past_the_timeout() {
    let verdict =
        fire_while_checking_health(Behaviour::Trickle(Duration::from_millis(50)), 800).await;
    expect(&verdict, "timeout", "body was still incomplete");
}

#[tokio::test]
async fn ten_mib_body() {
    let huge = format!(
        "{{\"phoneNumbers\": [], \"pad\": \"{}\"}}",
        "x".repeat(10 * 1024 * 1024)
    );
    let verdict = fire_while_checking_health(Behaviour::json(&huge), 5000).await;
    expect(&verdict, "body-too-large", "1048576 bytes");
    let response = &verdict["delivery"]["response"];
    assert_eq!(response["bodyTruncated"], true);
    assert_eq!(
        response["bodyBytes"],
        1024 * 1024,
        "read up to the cap, not past it"
    );
}

#[tokio::test]
async fn endless_chunked_body() {
    let verdict = fire_while_checking_health(Behaviour::Endless, 5000).await;
    expect(&verdict, "body-too-large", "stopped reading");
}

#[tokio::test]
async fn invalid_utf8() {
    let verdict = fire_while_checking_health(
        Behaviour::status(
            200,
            Some("application/json"),
            b"{\"phoneNumbers\": [\"\xff\xfe\"]}",
        ),
        5000,
    )
    .await;
    expect(&verdict, "not-json", "not valid UTF-8");
}

#[tokio::test]
async fn non_json() {
    let verdict = fire_while_checking_health(
        Behaviour::status(200, Some("application/json"), b"phoneNumbers=+14155552671"),
        5000,
    )
    .await;
    expect(&verdict, "not-json", "line 1, column 1");
}

#[tokio::test]
async fn html_error_page() {
    let page = b"<!DOCTYPE html><html><body><h1>Internal Server Error</h1></body></html>";
    let verdict =
        fire_while_checking_health(Behaviour::status(500, Some("text/html"), page), 5000).await;
    expect(&verdict, "http-status", "HTML page");
    let html_200 =
        fire_while_checking_health(Behaviour::status(200, Some("text/html"), page), 5000).await;
    expect(&html_200, "not-json", "an HTML page");
}

#[tokio::test]
async fn redirect_is_not_followed() {
    let redirect = Behaviour::Reply {
        status: 301,
        content_type: None,
        body: Vec::new(),
        extra_headers: vec![("location", "https://elsewhere.example/numbers".to_string())],
    };
    let app = spawn_app().await;
    let receiver = Receiver::start(redirect).await;
    app.register(&receiver.url, true).await;
    let verdict = app.fire_demo(2000).await;
    expect(&verdict, "redirect", "https://elsewhere.example/numbers");
    assert_eq!(receiver.requests().len(), 1);
}

#[tokio::test]
async fn server_error() {
    let verdict = fire_while_checking_health(
        Behaviour::status(500, Some("application/json"), b"{\"error\": \"boom\"}"),
        5000,
    )
    .await;
    expect(&verdict, "http-status", "HTTP 500");
}

#[tokio::test]
async fn no_content() {
    let verdict = fire_while_checking_health(Behaviour::status(204, None, b""), 5000).await;
    expect(&verdict, "empty-body", "204");
}

#[tokio::test]
async fn not_http_at_all() {
    let verdict = fire_while_checking_health(
        Behaviour::Raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()),
        3000,
    )
    .await;
    expect(&verdict, "invalid-http", "not a valid HTTP response");
}

#[tokio::test]
async fn unusable_urls() {
    let app = spawn_app().await;
    app.register("not a url", true).await;
    expect(
        &app.fire_demo(2000).await,
        "invalid-url",
        "absolute http(s) URL",
    );
    app.register("http://no-such-host.invalid/numbers", true)
        .await;
    expect(&app.fire_demo(5000).await, "dns", "Cannot resolve");
    app.assert_healthy().await;
}

#[tokio::test]
async fn a_receiver_that_recovers_is_judged_anew() {
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::status(503, None, b"")).await;
    app.register(&receiver.url, true).await;
    assert_eq!(app.fire_demo(2000).await["outcome"], "fail");
    receiver.set(Behaviour::json(
        r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Back"}]}"#,
    ));
    assert_eq!(app.fire_demo(2000).await["outcome"], "pass");
}
