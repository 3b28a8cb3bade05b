//! The control API: health, reset (all or one app), state export → import round trip, the
//! request journal.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

const CONNECTION: &str = "/crm/v3/extensions/calling/1234567/settings/channel-connection";

#[tokio::test]
async fn health_answers() {
    let app = spawn_app().await;
    let (status, body) = json_of(app.control(Method::GET, "/_emulator/health", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["apps"], 1);
}

#[tokio::test]
async fn state_round_trips_through_export_and_import() {
    let app = spawn_app().await;
    app.call(
        Method::POST,
        CONNECTION,
        Some(&json!({"url": "https://e/n", "isReady": true})),
    )
    .await;
    app.call(
        Method::POST,
        "/crm/v3/extensions/calling/1234567/settings",
        Some(&json!({"name": "N", "url": "https://e"})),
    )
    .await;
    let (_, exported) = json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    assert_eq!(
        exported["apps"][0]["channelConnection"]["url"],
        "https://e/n"
    );
    assert_eq!(exported["portals"][0]["portalId"], 62515);

    // The export is a fixture: loading it into a fresh emulator gives the same state and API answers.
    let fresh = spawn_with(&exported.to_string()).await;
    let (_, again) = json_of(fresh.control(Method::GET, "/_emulator/state", None).await).await;
    assert_eq!(again, exported);
    let (_, original) = json_of(app.call(Method::GET, CONNECTION, None).await).await;
    let (_, copy) = json_of(fresh.call(Method::GET, CONNECTION, None).await).await;
    assert_eq!(original, copy);

    // And PUT replaces a running emulator's state with it.
    let other = spawn_app().await;
    let (status, replaced) = json_of(
        other
            .control(Method::PUT, "/_emulator/state", Some(&exported))
            .await,
    )
    .await;
    assert_eq!((status, &replaced), (200, &exported));
    let (status, _) = json_of(other.call(Method::GET, CONNECTION, None).await).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_bad_state_document_is_refused_with_its_path() {
    let app = spawn_app().await;
    let bad = json!({"apps": [{"name": "x", "appId": "seven", "developerApiKey": "k"}]});
    let (status, body) = json_of(
        app.control(Method::PUT, "/_emulator/state", Some(&bad))
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["location"], "$.apps[0].appId");
    // The old state is still there.
    let (_, health) = json_of(app.control(Method::GET, "/_emulator/health", None).await).await;
    assert_eq!(health["apps"], 1);
}

#[tokio::test]
async fn reset_restores_the_seed_for_all_or_one_app() {
    let app = spawn_with(
        r#"{"apps": [{"name": "a", "appId": 1, "developerApiKey": "k", "channelConnection": {"url": "https://seed", "isReady": false}},
                     {"name": "b", "appId": 2, "developerApiKey": "k"}]}"#,
    )
    .await;
    let one = "/crm/v3/extensions/calling/1/settings/channel-connection";
    let two = "/crm/v3/extensions/calling/2/settings/channel-connection";
    app.send(
        Method::PATCH,
        one,
        Some(&json!({"url": "https://changed"})),
        Auth::Key("k"),
    )
    .await;
    app.send(
        Method::POST,
        two,
        Some(&json!({"url": "https://two", "isReady": true})),
        Auth::Key("k"),
    )
    .await;

    let (status, _) = json_of(
        app.control(Method::POST, "/_emulator/reset", Some(&json!({"appId": 1})))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let (_, first) = json_of(app.send(Method::GET, one, None, Auth::Key("k")).await).await;
    assert_eq!(first["url"], "https://seed");
    assert_eq!(
        app.send(Method::GET, two, None, Auth::Key("k"))
            .await
            .status(),
        200,
        "app 2 untouched"
    );

    app.control(Method::POST, "/_emulator/reset", None).await;
    assert_eq!(
        app.send(Method::GET, two, None, Auth::Key("k"))
            .await
            .status(),
        404
    );

    let (status, body) = json_of(
        app.control(
            Method::POST,
            "/_emulator/reset",
            Some(&json!({"appId": 99})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn the_request_journal_records_each_call() {
    let app = spawn_app().await;
    app.call(Method::GET, CONNECTION, None).await;
    let created = app
        .call(
            Method::POST,
            CONNECTION,
            Some(&json!({"url": "u", "isReady": true})),
        )
        .await;
    let correlation = created.headers()["x-hubspot-correlation-id"]
        .to_str()
        .unwrap()
        .to_string();
    app.call(Method::GET, "/nope", None).await;

    let (_, page) = json_of(app.control(Method::GET, "/_emulator/requests", None).await).await;
    let entries = page["entries"].as_array().unwrap();
    let summary: Vec<(String, u64)> = entries
        .iter()
        .map(|e| {
            (
                e["method"].as_str().unwrap().to_string(),
                e["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("GET".into(), 404),
            ("POST".into(), 200),
            ("GET".into(), 404)
        ]
    );
    let post: &Value = &entries[1];
    assert_eq!(post["correlationId"], correlation.as_str());
    assert_eq!(post["appId"], 1234567);
    assert_eq!(post["auth"], "hapikey");
    assert!(post["latencyMs"].as_f64().unwrap() >= 0.0);
    assert!(post["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(page["total"], 3);

    let (_, last) = json_of(
        app.control(Method::GET, "/_emulator/requests?limit=1", None)
            .await,
    )
    .await;
    assert_eq!(last["entries"].as_array().unwrap().len(), 1);
    assert_eq!(last["entries"][0]["path"], "/nope?hapikey=REDACTED");

    assert_eq!(
        app.control(Method::DELETE, "/_emulator/requests", None)
            .await
            .status(),
        204
    );
    let (_, empty) = json_of(app.control(Method::GET, "/_emulator/requests", None).await).await;
    assert_eq!(empty["entries"], json!([]));
}

#[tokio::test]
async fn unknown_control_endpoints_list_the_real_ones() {
    let app = spawn_app().await;
    let (status, body) = json_of(app.control(Method::GET, "/_emulator/nope", None).await).await;
    assert_eq!(status, 404);
    assert!(body["error"]
        .as_str()
        .unwrap()
        .contains("GET /_emulator/health"));
}
