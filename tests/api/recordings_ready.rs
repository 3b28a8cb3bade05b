//! `POST …/recordings/ready` under both path families: HubSpot's answers (204, its errors in its
//! envelope), and the recording played after the 204, also for an app that serves one request
//! at a time and would deadlock if HubSpot fetched before answering.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{json, Value};

use super::helpers::{
    expect_error, json_of, spawn_app, spawn_with, Auth, TestApp, API_KEY, FAMILIES, TOKEN,
};
use super::receiver::{Behaviour, Recorded};
use super::recording_app::{respond, Fault, RecordingApp};
use super::recordings::recordable_call;

/// The recordings journal once it holds `n` verdicts (it fills after the 204).
async fn recordings_after(emulator: &TestApp, n: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (_, page) = json_of(
            emulator
                .control(Method::GET, "/_emulator/recordings", None)
                .await,
        )
        .await;
        if page["total"].as_u64().unwrap() >= n {
            return page;
        }
        assert!(
            Instant::now() < deadline,
            "no verdict after recordings/ready: {page}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn ready_answers_204_then_plays_the_recording_under_both_families() {
    let emulator = spawn_app().await;
    let app = RecordingApp::start(Fault::None).await;
    emulator.register_recording(&app.settings_url()).await;
    let call = emulator.log_call(&recordable_call()).await;
    for (index, family) in FAMILIES.iter().enumerate() {
        let response = emulator
            .send(
                Method::POST,
                &format!("{family}/recordings/ready"),
                Some(&json!({"engagementId": call})),
                Auth::Bearer(TOKEN),
            )
            .await;
        assert_eq!(response.status(), 204, "{family}");
        assert!(response.text().await.unwrap().is_empty());
        let page = recordings_after(&emulator, index as u64 + 1).await;
        let verdict = &page["entries"][index];
        assert_eq!(verdict["trigger"], "recordings-ready");
        assert_eq!(verdict["engagementId"], call);
        assert_eq!(verdict["outcome"], "pass", "{verdict:#}");
    }
}

#[tokio::test]
async fn ready_refuses_what_hubspot_refuses_in_its_envelope() {
    let emulator = spawn_app().await;
    let call = emulator.log_call(&recordable_call()).await;
    for family in FAMILIES {
        let path = format!("{family}/recordings/ready");
        let body = json!({"engagementId": call});
        expect_error(
            emulator
                .send(Method::POST, &path, Some(&body), Auth::Nothing)
                .await,
            401,
            "INVALID_AUTHENTICATION",
        )
        .await;
        let error = expect_error(
            emulator
                .send(Method::POST, &path, Some(&body), Auth::Key(API_KEY))
                .await,
            401,
            "INVALID_AUTHENTICATION",
        )
        .await;
        assert!(
            error["message"].as_str().unwrap().contains("access token"),
            "{error}"
        );
        let error = expect_error(
            emulator
                .send(Method::POST, &path, Some(&json!({})), Auth::Bearer(TOKEN))
                .await,
            400,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(error["errors"][0]["in"], "engagementId");
        let error = expect_error(
            emulator
                .send(
                    Method::POST,
                    &path,
                    Some(&json!({"engagementId": "1"})),
                    Auth::Bearer(TOKEN),
                )
                .await,
            400,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(error["errors"][0]["code"], "INVALID_TYPE");
        let error = expect_error(
            emulator
                .send(
                    Method::POST,
                    &path,
                    Some(&json!({"engagementId": 424242})),
                    Auth::Bearer(TOKEN),
                )
                .await,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("No call with id 424242"),
            "{error}"
        );
        let error = expect_error(
            emulator
                .send(Method::GET, &path, None, Auth::Bearer(TOKEN))
                .await,
            405,
            "VALIDATION_ERROR",
        )
        .await;
        assert!(
            error["message"].as_str().unwrap().contains("use POST"),
            "{error}"
        );
    }
    let (_, page) = json_of(
        emulator
            .control(Method::GET, "/_emulator/recordings", None)
            .await,
    )
    .await;
    assert_eq!(page["total"], 0, "nothing refused is played");
}

#[tokio::test]
async fn ready_needs_one_of_the_specs_scopes() {
    let fixture = r#"{"apps": [{"name": "demo", "appId": 1234567, "accessToken": "demo-access-token",
        "accessTokenScopes": ["crm.objects.contacts.read"]}], "portals": [{"portalId": 62515, "users": [{"userId": 101}]}]}"#;
    let emulator = spawn_with(fixture).await;
    let error = expect_error(
        emulator
            .send(
                Method::POST,
                "/crm/v3/extensions/calling/recordings/ready",
                Some(&json!({"engagementId": 1})),
                Auth::Bearer(TOKEN),
            )
            .await,
        403,
        "MISSING_SCOPES",
    )
    .await;
    let scopes = &error["errors"][0]["context"]["requiredGranularScopes"];
    assert!(
        scopes
            .as_array()
            .unwrap()
            .contains(&json!("crm.objects.contacts.write")),
        "{error}"
    );
}

/// Reads one HTTP request from a blocking stream.
fn read_request(stream: &mut TcpStream) -> Recorded {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "the emulator closed before its request was whole");
        buffer.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buffer).into_owned();
    let mut lines = head.split("\r\n");
    let mut start = lines.next().unwrap().split(' ');
    let (method, target) = (
        start.next().unwrap().to_string(),
        start.next().unwrap().to_string(),
    );
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Recorded {
        method,
        target,
        headers,
        body: Vec::new(),
    }
}

/// A whole reply of the simulated app, as bytes.
fn bytes_of(behaviour: Behaviour) -> Vec<u8> {
    let Behaviour::Reply {
        status,
        body,
        extra_headers,
        ..
    } = behaviour
    else {
        panic!("the single-threaded app answers plainly")
    };
    let mut head = format!(
        "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&body);
    out
}

#[tokio::test]
async fn an_app_that_serves_one_request_at_a_time_does_not_deadlock() {
    let emulator = spawn_app().await;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    emulator
        .register_recording(&format!("{base}/recordings/%s"))
        .await;
    let call = emulator.log_call(&recordable_call()).await;
    let emulator_address = emulator.base.trim_start_matches("http://").to_string();
    // One thread: it calls recordings/ready and waits for the answer, and only then serves.
    let app = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(&emulator_address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let body = json!({"engagementId": call}).to_string();
        write!(
            stream,
            "POST /crm/v3/extensions/calling/recordings/ready HTTP/1.1\r\nHost: {emulator_address}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let status = answer.split(' ').nth(1).unwrap().to_string();
        let mut served = Vec::new();
        listener.set_nonblocking(true).unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while served.len() < 3 && Instant::now() < deadline {
            match listener.accept() {
                Ok((mut connection, _)) => {
                    connection.set_nonblocking(false).unwrap();
                    let request = read_request(&mut connection);
                    connection
                        .write_all(&bytes_of(respond(&base, &Fault::None, &request)))
                        .unwrap();
                    served.push(request.target);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        (status, served)
    });
    let page = recordings_after(&emulator, 1).await;
    let (status, served) = tokio::task::spawn_blocking(move || app.join().unwrap())
        .await
        .unwrap();
    assert_eq!(status, "204");
    assert_eq!(served.len(), 3, "retrieve, audio, seek: {served:?}");
    assert_eq!(page["entries"][0]["outcome"], "pass", "{page:#}");
}
