//! Playing a call's recording as HubSpot does, against real loopback apps: the settings' URL
//! with `%s` and the query, the authenticated URL, the audio fetched with `Range`, and every
//! finding of the verdict produced by an app that really gets that thing wrong.

use std::time::Duration;

use hubspot_emulator::domain::Secret;
use hubspot_emulator::webhook::signer::sign_v3;
use reqwest::Method;
use serde_json::{json, Value};

use super::helpers::{
    assert_no_trailing_spaces, codes, finding, json_of, run_binary, spawn_app, spawn_with,
    stdout_of, Auth, TestApp, APP_ID, TOKEN,
};
use super::recording_app::{the_wav, Fault, RecordingApp};

/// The call HubSpot can fetch a recording for: the four properties of the recordings guide.
pub fn recordable_call() -> Value {
    json!({"properties": {
        "hs_timestamp": "2026-01-01T10:00:00Z",
        "hs_call_duration": "1500",
        "hs_call_external_id": "call-1",
        "hs_call_external_account_id": "acct-1",
        "hs_call_app_id": APP_ID.to_string(),
        "hs_call_source": "INTEGRATIONS_PLATFORM",
    }})
}

impl TestApp {
    /// Registers the demo app's recording settings with this URL.
    pub async fn register_recording(&self, url: &str) {
        let path = format!("/crm/v3/extensions/calling/{APP_ID}/settings/recording");
        let response = self
            .call(
                Method::POST,
                &path,
                Some(&json!({"urlToRetrieveAuthedRecording": url})),
            )
            .await;
        assert_eq!(response.status(), 200);
    }

    /// Logs a call through the CRM's calls API as the demo app; its id.
    pub async fn log_call(&self, call: &Value) -> u64 {
        let (status, body) = json_of(
            self.send(
                Method::POST,
                "/crm/v3/objects/calls",
                Some(call),
                Auth::Bearer(TOKEN),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().parse().unwrap()
    }

    /// `POST /_emulator/recordings/play`: the status and the verdict.
    pub async fn play(&self, request: Value) -> (u16, Value) {
        json_of(
            self.control(Method::POST, "/_emulator/recordings/play", Some(&request))
                .await,
        )
        .await
    }
}

/// An emulator, an app with `fault`, its settings registered and a recordable call logged.
async fn setup(fault: Fault) -> (TestApp, RecordingApp, u64) {
    let emulator = spawn_app().await;
    let app = RecordingApp::start(fault).await;
    emulator.register_recording(&app.settings_url()).await;
    let call = emulator.log_call(&recordable_call()).await;
    (emulator, app, call)
}

/// Plays the call of an app with `fault`; the verdict.
async fn verdict_of(fault: Fault) -> Value {
    let (emulator, _app, call) = setup(fault).await;
    let (status, verdict) = emulator.play(json!({"engagementId": call})).await;
    assert_eq!(status, 200, "{verdict}");
    verdict
}

fn header<'a>(exchange: &'a Value, name: &str) -> Option<&'a str> {
    exchange["request"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|pair| pair[0].as_str().unwrap().eq_ignore_ascii_case(name))
        .and_then(|pair| pair[1].as_str())
}

#[tokio::test]
async fn a_correct_app_passes_and_the_requests_are_hubspots() {
    let (emulator, app, call) = setup(Fault::None).await;
    let (status, verdict) = emulator.play(json!({"engagementId": call})).await;
    assert_eq!(status, 200);
    assert_eq!(verdict["outcome"], "pass", "{verdict:#}");
    assert_eq!(
        codes(&verdict),
        ["recording-url-local-http", "authenticated-url-local-http"],
        "only the notes that loopback http is allowed here"
    );
    assert_eq!(verdict["appId"], APP_ID);
    assert_eq!(verdict["portalId"], 62515);
    assert_eq!(verdict["trigger"], "control");
    assert_eq!(verdict["externalId"], "call-1");
    let audio = &verdict["audio"];
    assert_eq!(
        (
            &audio["container"],
            &audio["channels"],
            &audio["durationMs"],
            &audio["transcribable"]
        ),
        (&json!("wav"), &json!(2), &json!(1500), &json!(true))
    );
    assert_eq!(audio["totalBytes"], the_wav().len());
    let steps: Vec<&str> = verdict["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["retrieve", "audio", "seek"]);
    // The retrieval: %s replaced, appId and externalAccountId appended, signed like the webhook.
    let retrieval = &app.requests_to("/recordings/")[0];
    assert_eq!(retrieval.method, "GET");
    assert_eq!(
        retrieval.target,
        format!("/recordings/call-1?appId={APP_ID}&externalAccountId=acct-1")
    );
    let url = format!("{}{}", app.base, retrieval.target);
    let timestamp = retrieval.header("x-hubspot-request-timestamp").unwrap();
    assert_eq!(
        retrieval.header("x-hubspot-signature-v3").unwrap(),
        sign_v3(
            &Secret::new("demo-client-secret"),
            "GET",
            &url,
            b"",
            timestamp
        )
    );
    // The audio: a range request, then a seek from the middle.
    let audio_requests = app.requests_to("/audio/");
    let ranges: Vec<&str> = audio_requests
        .iter()
        .map(|r| r.header("range").unwrap())
        .collect();
    let middle = the_wav().len() / 2;
    assert_eq!(ranges, ["bytes=0-".to_string(), format!("bytes={middle}-")]);
    // Journaled as sent; the audio is counted, never kept.
    let audio_exchange = &verdict["exchanges"][1];
    assert_eq!(header(audio_exchange, "range"), Some("bytes=0-"));
    assert_eq!(audio_exchange["response"]["status"], 206);
    assert_eq!(audio_exchange["response"]["body"], "");
    assert_eq!(audio_exchange["response"]["bodyBytes"], the_wav().len());
    let (_, journal) = json_of(
        emulator
            .control(Method::GET, "/_emulator/recordings", None)
            .await,
    )
    .await;
    assert_eq!(journal["total"], 1);
    assert_eq!(journal["entries"][0]["id"], verdict["id"]);
    assert!(journal["capacity"].as_u64().unwrap() >= 100);
}

#[tokio::test]
async fn a_200_to_a_range_request_fails() {
    let verdict = verdict_of(Fault::IgnoresRange).await;
    assert_eq!(verdict["outcome"], "fail");
    let found = finding(&verdict, "recording-range-ignored");
    assert_eq!(found["severity"], "error");
    assert!(
        found["message"].as_str().unwrap().contains("206"),
        "{found}"
    );
    assert_eq!(
        verdict["exchanges"].as_array().unwrap().len(),
        2,
        "no seek after a 200"
    );
}

#[tokio::test]
async fn content_range_must_be_there_and_right() {
    for (fault, code) in [
        (Fault::NoContentRange, "content-range-missing"),
        (Fault::BadContentRange, "content-range-invalid"),
        (Fault::WrongStart, "content-range-wrong"),
        (Fault::SeekFromStart, "recording-seek-wrong"),
        (Fault::SeekIgnored, "recording-seek-ignored"),
    ] {
        let verdict = verdict_of(fault.clone()).await;
        assert_eq!(verdict["outcome"], "fail", "{fault:?}");
        assert_eq!(finding(&verdict, code)["severity"], "error", "{fault:?}");
    }
}

#[tokio::test]
async fn content_types_that_no_player_takes_fail_and_mislabels_warn() {
    let verdict = verdict_of(Fault::ContentType("application/json")).await;
    assert_eq!(verdict["outcome"], "fail");
    assert_eq!(
        finding(&verdict, "recording-content-type")["severity"],
        "error"
    );
    let verdict = verdict_of(Fault::ContentType("audio/flac")).await;
    assert_eq!(verdict["outcome"], "pass");
    assert_eq!(
        finding(&verdict, "recording-content-type-mismatch")["severity"],
        "warning"
    );
    for fine in ["application/octet-stream", "audio/x-wav"] {
        let verdict = verdict_of(Fault::ContentType(fine)).await;
        assert!(
            !codes(&verdict)
                .iter()
                .any(|c| c.starts_with("recording-content-type")),
            "{fine}: {verdict:#}"
        );
    }
}

#[tokio::test]
async fn mp3_plays_but_is_not_transcribed() {
    let verdict = verdict_of(Fault::Mp3).await;
    assert_eq!(verdict["outcome"], "pass", "{verdict:#}");
    assert_eq!(
        finding(&verdict, "recording-not-transcribable")["severity"],
        "warning"
    );
    assert_eq!(verdict["audio"]["container"], "mp3");
    assert_eq!(verdict["audio"]["transcribable"], false);
}

#[tokio::test]
async fn one_channel_or_three_cannot_be_split_into_caller_and_recipient() {
    let verdict = verdict_of(Fault::Mono).await;
    assert_eq!(finding(&verdict, "recording-mono")["severity"], "warning");
    let verdict = verdict_of(Fault::ThreeChannels).await;
    assert_eq!(
        finding(&verdict, "recording-channels")["severity"],
        "warning"
    );
    assert_eq!(verdict["audio"]["channels"], 3);
}

#[tokio::test]
async fn an_html_page_is_not_audio() {
    let verdict = verdict_of(Fault::HtmlAudio).await;
    assert_eq!(verdict["outcome"], "fail");
    let found = finding(&verdict, "recording-not-audio");
    assert!(
        found["message"].as_str().unwrap().contains("HTML page"),
        "{found}"
    );
    assert!(verdict.get("audio").is_none());
}

#[tokio::test]
async fn a_recording_the_emulator_cannot_read_within_its_cap_is_only_noted() {
    let verdict = verdict_of(Fault::LongMp4).await;
    assert_eq!(verdict["outcome"], "pass", "{verdict:#}");
    assert_eq!(
        finding(&verdict, "recording-not-probed")["severity"],
        "info"
    );
    let response = &verdict["exchanges"][1]["response"];
    assert_eq!(response["bodyBytes"], 8 * 1024 * 1024);
    assert_eq!(response["bodyTruncated"], true);
    assert_eq!(
        verdict["exchanges"].as_array().unwrap().len(),
        2,
        "no seek on a partial read"
    );
}

#[tokio::test]
async fn a_recording_past_the_assumed_limits_warns() {
    let verdict = verdict_of(Fault::Huge).await;
    assert_eq!(verdict["outcome"], "pass", "{verdict:#}");
    assert_eq!(
        finding(&verdict, "recording-too-large")["severity"],
        "warning"
    );
    assert_eq!(
        finding(&verdict, "recording-too-long")["severity"],
        "warning"
    );
    assert_eq!(verdict["audio"]["durationMs"], 4 * 3600 * 1000);
}

#[tokio::test]
async fn the_recording_urls_answer_must_be_json_with_an_authenticated_url() {
    for (fault, code, severity) in [
        (Fault::RetrievalStatus(403), "retrieval-status", "error"),
        (Fault::RetrievalNotJson, "retrieval-not-json", "error"),
        (Fault::WrongKey, "authenticated-url-missing", "error"),
        (Fault::RelativeUrl, "authenticated-url-invalid", "error"),
        (
            Fault::RetrievalTextPlain,
            "retrieval-content-type",
            "warning",
        ),
        (
            Fault::PlainHttpHost,
            "authenticated-url-not-https",
            "warning",
        ),
    ] {
        let verdict = verdict_of(fault.clone()).await;
        assert_eq!(
            finding(&verdict, code)["severity"],
            severity,
            "{fault:?}: {verdict:#}"
        );
    }
    let verdict = verdict_of(Fault::WrongKey).await;
    let message = finding(&verdict, "authenticated-url-missing")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("\"url\""), "{message}");
    assert_eq!(
        verdict["exchanges"].as_array().unwrap().len(),
        1,
        "no audio fetched"
    );
}

#[tokio::test]
async fn slow_and_silent_apps_are_named() {
    let fixture = r#"{"apps": [{"name": "demo", "appId": 1234567, "developerApiKey": "demo-developer-api-key",
        "accessToken": "demo-access-token", "clientSecret": "demo-client-secret", "webhookTimeoutMs": 800}],
        "portals": [{"portalId": 62515, "users": [{"userId": 101}]}]}"#;
    for (fault, code, severity) in [
        (
            Fault::SlowAudio(Duration::from_millis(500)),
            "slow-reply",
            "warning",
        ),
        (Fault::HangAudio, "timeout", "error"),
    ] {
        let emulator = spawn_with(fixture).await;
        let app = RecordingApp::start(fault.clone()).await;
        emulator.register_recording(&app.settings_url()).await;
        let call = emulator.log_call(&recordable_call()).await;
        let (_, verdict) = emulator.play(json!({"engagementId": call})).await;
        let found = finding(&verdict, code);
        assert_eq!(found["severity"], severity, "{fault:?}");
        if code == "timeout" {
            assert!(
                found["message"]
                    .as_str()
                    .unwrap()
                    .contains("without its recording"),
                "{found}"
            );
        }
    }
}

#[tokio::test]
async fn an_app_that_is_not_running_is_refused_and_said() {
    let emulator = spawn_app().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    emulator
        .register_recording(&format!("http://127.0.0.1:{port}/recordings/%s"))
        .await;
    let call = emulator.log_call(&recordable_call()).await;
    let (_, verdict) = emulator.play(json!({"engagementId": call})).await;
    assert_eq!(finding(&verdict, "connection-refused")["severity"], "error");
    assert_eq!(verdict["outcome"], "fail");
}

#[tokio::test]
async fn settings_without_placeholder_or_https_fail_the_play_but_register() {
    let emulator = spawn_app().await;
    let app = RecordingApp::start(Fault::None).await;
    // No %s: every call would ask the same URL.
    emulator
        .register_recording(&format!("{}/recordings/call-1", app.base))
        .await;
    let call = emulator.log_call(&recordable_call()).await;
    let (_, verdict) = emulator.play(json!({"engagementId": call})).await;
    assert_eq!(verdict["outcome"], "fail");
    let found = finding(&verdict, "recording-url-no-placeholder");
    assert_eq!(
        (&found["severity"], &found["pointer"]),
        (&json!("error"), &json!("/urlToRetrieveAuthedRecording"))
    );
    // The URL was still called as it stands (with the query), so the rest is judged too.
    assert_eq!(
        app.requests_to("/recordings/")[0].target,
        format!("/recordings/call-1?appId={APP_ID}&externalAccountId=acct-1")
    );
    // A relative URL cannot be called at all.
    let path = format!("/crm/v3/extensions/calling/{APP_ID}/settings/recording");
    let patched = emulator
        .call(
            Method::PATCH,
            &path,
            Some(&json!({"urlToRetrieveAuthedRecording": "/recordings/%s"})),
        )
        .await;
    assert_eq!(patched.status(), 200, "stored as given");
    let (_, verdict) = emulator.play(json!({"engagementId": call})).await;
    assert_eq!(codes(&verdict), ["recording-url-not-absolute"]);
    assert!(verdict["exchanges"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn registration_findings_go_to_the_api_journal_and_the_answer_is_hubspots() {
    let emulator = spawn_app().await;
    let path = format!("/crm/v3/extensions/calling/{APP_ID}/settings/recording");
    let (status, body) = json_of(
        emulator
            .call(
                Method::POST,
                &path,
                Some(&json!({"urlToRetrieveAuthedRecording": "http://app.example.com/recordings"})),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"urlToRetrieveAuthedRecording": "http://app.example.com/recordings"})
    );
    let (_, journal) = json_of(
        emulator
            .control(Method::GET, "/_emulator/requests", None)
            .await,
    )
    .await;
    let entry = journal["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    let codes: Vec<&str> = entry["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["recording-url-not-https", "recording-url-no-placeholder"]
    );
    assert!(entry["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] == "warning"));
    // A URL that keeps the rule leaves the entry without findings.
    let patched = emulator
        .call(
            Method::PATCH,
            &path,
            Some(&json!({"urlToRetrieveAuthedRecording": "https://app.example.com/r/%s"})),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let (_, journal) = json_of(
        emulator
            .control(Method::GET, "/_emulator/requests", None)
            .await,
    )
    .await;
    let entry = journal["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(entry.get("findings").is_none(), "{entry}");
}

#[tokio::test]
async fn a_call_without_what_hubspot_needs_is_not_fetched() {
    let emulator = spawn_app().await;
    let app = RecordingApp::start(Fault::None).await;
    emulator.register_recording(&app.settings_url()).await;
    let call = emulator
        .log_call(&json!({"properties": {"hs_timestamp": "2026-01-01T10:00:00Z"}}))
        .await;
    let (status, verdict) = emulator.play(json!({"engagementId": call})).await;
    assert_eq!(status, 200, "the app is known: it created the call");
    assert_eq!(verdict["outcome"], "fail");
    let pointers: Vec<&str> = verdict["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["code"] == "recording-property-missing" || f["code"] == "recording-property-wrong"
        })
        .map(|f| f["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/properties/hs_call_external_id",
            "/properties/hs_call_external_account_id",
            "/properties/hs_call_app_id",
            "/properties/hs_call_source"
        ]
    );
    assert!(
        app.receiver.requests().is_empty(),
        "nothing to put in %s, nothing asked"
    );
    // Another app's id in hs_call_app_id.
    let mut wrong = recordable_call();
    wrong["properties"]["hs_call_app_id"] = json!("999");
    wrong["properties"]["hs_call_external_id"] = json!("call-2");
    let call = emulator.log_call(&wrong).await;
    let (_, verdict) = emulator
        .play(json!({"engagementId": call, "appId": APP_ID}))
        .await;
    assert_eq!(
        finding(&verdict, "recording-property-wrong")["pointer"],
        "/properties/hs_call_app_id"
    );
}

#[tokio::test]
async fn an_app_without_recording_settings_or_a_secret_is_told() {
    let emulator = spawn_app().await;
    let call = emulator.log_call(&recordable_call()).await;
    let (_, verdict) = emulator.play(json!({"engagementId": call})).await;
    assert_eq!(codes(&verdict), ["recording-settings-missing"]);
    assert_eq!(verdict["outcome"], "fail");
    let fixture = r#"{"apps": [{"name": "demo", "appId": 1234567, "developerApiKey": "demo-developer-api-key",
        "accessToken": "demo-access-token"}], "portals": [{"portalId": 62515, "users": [{"userId": 101}]}]}"#;
    let emulator = spawn_with(fixture).await;
    let app = RecordingApp::start(Fault::None).await;
    emulator.register_recording(&app.settings_url()).await;
    let call = emulator.log_call(&recordable_call()).await;
    let (_, verdict) = emulator.play(json!({"engagementId": call})).await;
    assert_eq!(finding(&verdict, "recording-unsigned")["severity"], "info");
    assert_eq!(verdict["outcome"], "pass");
    assert!(app.requests_to("/recordings/")[0]
        .header("x-hubspot-signature-v3")
        .is_none());
}

#[tokio::test]
async fn a_url_at_the_emulators_control_api_is_never_called() {
    let emulator = spawn_app().await;
    emulator
        .register_recording(&format!("{}/_emulator/recordings/%s", emulator.base))
        .await;
    let call = emulator.log_call(&recordable_call()).await;
    let (_, verdict) = emulator.play(json!({"engagementId": call})).await;
    assert_eq!(finding(&verdict, "emulator-url")["severity"], "error");
    assert!(verdict["exchanges"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_control_endpoint_says_what_it_cannot_play() {
    let emulator = spawn_app().await;
    let (status, body) = emulator.play(json!({"engagementId": 424242})).await;
    assert_eq!(status, 404);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("no portal has a live call with id 424242"),
        "{body}"
    );
    let (status, body) = emulator.play(json!({"engagementId": "1"})).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with("recordings/play takes"),
        "{body}"
    );
    let call = emulator.log_call(&recordable_call()).await;
    let (status, _) = emulator
        .play(json!({"engagementId": call, "appId": 7}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = emulator
        .play(json!({"engagementId": call, "portalId": 1}))
        .await;
    assert_eq!(status, 404);
    let (status, body) = json_of(
        emulator
            .control(Method::GET, "/_emulator/recordings/99", None)
            .await,
    )
    .await;
    assert_eq!(status, 404, "{body}");
    let cleared = emulator
        .control(Method::DELETE, "/_emulator/recordings", None)
        .await;
    assert_eq!(cleared.status(), 204);
}

#[tokio::test]
async fn play_recording_on_the_command_line_prints_the_verdict_and_exits_by_it() {
    let (emulator, _app, call) = setup(Fault::None).await;
    let args = |extra: &[&str]| {
        let mut args: Vec<String> = [
            "play-recording",
            "--emulator",
            &emulator.base,
            "--engagement-id",
            &call.to_string(),
        ]
        .map(String::from)
        .to_vec();
        args.extend(extra.iter().map(|a| a.to_string()));
        args
    };
    let output = run_binary(args(&[]), Vec::new()).await;
    let text = stdout_of(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with(&format!(
            "PASS  app {APP_ID} · portal 62515 · call {call} · recording\n"
        )),
        "{text}"
    );
    assert!(text.contains("(bytes=0-) → 206 in "), "{text}");
    assert!(
        text.contains("  audio: WAV · pcm_s16le · 2 ch · 8000 Hz · 1.5 s · transcribable\n"),
        "{text}"
    );
    assert_no_trailing_spaces(&text);
    let output = run_binary(args(&["--format", "json", "--strict"]), Vec::new()).await;
    assert_eq!(output.status.code(), Some(0), "infos do not fail --strict");
    let verdict: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verdict["outcome"], "pass");
    // A failing app is exit 1; an unknown call exit 2.
    let broken = RecordingApp::start(Fault::IgnoresRange).await;
    let path = format!("/crm/v3/extensions/calling/{APP_ID}/settings/recording");
    let patched = emulator
        .call(
            Method::PATCH,
            &path,
            Some(&json!({"urlToRetrieveAuthedRecording": broken.settings_url()})),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let output = run_binary(args(&[]), Vec::new()).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout_of(&output).contains("recording-range-ignored"));
    let output = run_binary(
        ["play-recording", "--engagement-id", "424242"]
            .map(String::from)
            .to_vec(),
        vec![("HUBSPOT_EMULATOR_URL", emulator.base.clone())],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no portal has a live call"));
}
