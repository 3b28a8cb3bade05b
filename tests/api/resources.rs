//! The three resources under both path families: create → get → patch → delete → get, exact
//! status codes and bodies, PATCH semantics, defaults, 404 and 409.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

fn path(family: &str, suffix: &str) -> String {
    format!("{family}/{APP_ID}{suffix}")
}

fn millis(value: &Value) -> i64 {
    let text = value.as_str().expect("a time string");
    // ISO-8601, UTC, exactly three fraction digits, `Z`.
    assert!(
        text.len() == 24 && text.ends_with('Z') && text.as_bytes()[19] == b'.',
        "{text}"
    );
    chrono::DateTime::parse_from_rfc3339(text)
        .expect("RFC 3339")
        .timestamp_millis()
}

#[tokio::test]
async fn channel_connection_lifecycle_under_both_families() {
    for family in FAMILIES {
        let app = spawn_app().await;
        let path = path(family, "/settings/channel-connection");

        expect_error(
            app.call(Method::GET, &path, None).await,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;

        let create = json!({"url": "https://example.com/numbers", "isReady": false});
        let (status, created) = json_of(app.call(Method::POST, &path, Some(&create)).await).await;
        assert_eq!(status, 200, "POST answers 200, not 201: {created}");
        assert_eq!(created["url"], "https://example.com/numbers");
        assert_eq!(created["isReady"], false);
        assert_eq!(millis(&created["createdAt"]), millis(&created["updatedAt"]));

        let (status, fetched) = json_of(app.call(Method::GET, &path, None).await).await;
        assert_eq!((status, &fetched), (200, &created));

        let (status, patched) = json_of(
            app.call(Method::PATCH, &path, Some(&json!({"isReady": true})))
                .await,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(patched["isReady"], true);
        assert_eq!(
            patched["url"], "https://example.com/numbers",
            "url untouched"
        );
        assert_eq!(patched["createdAt"], created["createdAt"], "createdAt kept");
        assert!(millis(&patched["updatedAt"]) > millis(&created["updatedAt"]));

        let response = app.call(Method::DELETE, &path, None).await;
        assert_eq!(response.status().as_u16(), 204);
        assert_eq!(response.content_length(), Some(0));
        assert!(response.text().await.unwrap().is_empty());

        expect_error(
            app.call(Method::GET, &path, None).await,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
        expect_error(
            app.call(Method::PATCH, &path, Some(&json!({}))).await,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
        expect_error(
            app.call(Method::DELETE, &path, None).await,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
    }
}

#[tokio::test]
async fn settings_fill_defaults_and_patch_only_given_fields() {
    for family in FAMILIES {
        let app = spawn_app().await;
        let path = path(family, "/settings");
        let (status, created) = json_of(
            app.call(
                Method::POST,
                &path,
                Some(&json!({"name": "Dialer", "url": "https://example.com/app"})),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200);
        let expected_defaults = json!({
            "name": "Dialer", "url": "https://example.com/app", "height": 600, "width": 400,
            "isReady": false, "supportsCustomObjects": false, "supportsInboundCalling": false,
            "usesCallingWindow": true, "usesRemote": false,
        });
        for (key, value) in expected_defaults.as_object().unwrap() {
            assert_eq!(&created[key], value, "{key} in {created}");
        }
        millis(&created["createdAt"]);

        let (_, patched) = json_of(
            app.call(
                Method::PATCH,
                &path,
                Some(&json!({"height": 800, "supportsInboundCalling": true})),
            )
            .await,
        )
        .await;
        assert_eq!(patched["height"], 800);
        assert_eq!(patched["supportsInboundCalling"], true);
        assert_eq!(patched["width"], 400);
        assert_eq!(patched["name"], "Dialer");
        assert_eq!(patched["createdAt"], created["createdAt"]);

        let full = json!({
            "name": "Other", "url": "https://example.com/b", "height": 1, "width": 2, "isReady": true,
            "supportsCustomObjects": true, "supportsInboundCalling": true, "usesCallingWindow": false,
            "usesRemote": true,
        });
        expect_error(
            app.call(Method::POST, &path, Some(&full)).await,
            409,
            "CONFLICT",
        )
        .await;
        assert_eq!(
            app.call(Method::DELETE, &path, None)
                .await
                .status()
                .as_u16(),
            204
        );
        let (status, recreated) = json_of(app.call(Method::POST, &path, Some(&full)).await).await;
        assert_eq!(status, 200);
        for (key, value) in full.as_object().unwrap() {
            assert_eq!(&recreated[key], value, "{key}");
        }
    }
}

#[tokio::test]
async fn recording_settings_have_no_delete_and_no_timestamps() {
    for family in FAMILIES {
        let app = spawn_app().await;
        let path = path(family, "/settings/recording");
        expect_error(
            app.call(Method::GET, &path, None).await,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
        let body = json!({"urlToRetrieveAuthedRecording": "https://example.com/r/%s"});
        let (status, created) = json_of(app.call(Method::POST, &path, Some(&body)).await).await;
        assert_eq!((status, &created), (200, &body));
        expect_error(
            app.call(Method::POST, &path, Some(&body)).await,
            409,
            "CONFLICT",
        )
        .await;
        let patch = json!({"urlToRetrieveAuthedRecording": "https://example.com/s/%s"});
        let (_, patched) = json_of(app.call(Method::PATCH, &path, Some(&patch)).await).await;
        assert_eq!(patched, patch);

        let response = app.call(Method::DELETE, &path, None).await;
        assert_eq!(response.headers()["allow"], "GET, HEAD, POST, PATCH");
        let body = expect_error(response, 405, "VALIDATION_ERROR").await;
        assert!(body["message"].as_str().unwrap().contains("PATCH"));
        let (_, still) = json_of(app.call(Method::GET, &path, None).await).await;
        assert_eq!(still, patch);
    }
}

#[tokio::test]
async fn both_families_share_one_state() {
    let app = spawn_app().await;
    let body = json!({"url": "https://example.com/n", "isReady": true});
    let v3 = path(FAMILIES[0], "/settings/channel-connection");
    let dated = path(FAMILIES[1], "/settings/channel-connection");
    assert_eq!(app.call(Method::POST, &v3, Some(&body)).await.status(), 200);
    let (status, fetched) = json_of(app.call(Method::GET, &dated, None).await).await;
    assert_eq!(status, 200);
    assert_eq!(fetched["url"], "https://example.com/n");
}

#[tokio::test]
async fn resources_of_one_app_are_independent() {
    let app = spawn_app().await;
    let settings = path(FAMILIES[0], "/settings");
    let connection = path(FAMILIES[0], "/settings/channel-connection");
    app.call(
        Method::POST,
        &settings,
        Some(&json!({"name": "a", "url": "u"})),
    )
    .await;
    app.call(
        Method::POST,
        &connection,
        Some(&json!({"url": "u", "isReady": false})),
    )
    .await;
    assert_eq!(
        app.call(Method::DELETE, &settings, None).await.status(),
        204
    );
    assert_eq!(app.call(Method::GET, &connection, None).await.status(), 200);
}

#[tokio::test]
async fn fixture_seeded_settings_are_served_with_their_times() {
    let app = spawn_with(
        r#"{"apps": [{"name": "seeded", "appId": 42, "developerApiKey": "k",
            "settings": {"name": "S", "url": "https://s", "createdAt": "2026-01-02T03:04:05.678Z", "updatedAt": "2026-01-02T03:04:05.678Z"},
            "channelConnection": {"url": "https://c", "isReady": true},
            "recording": {"urlToRetrieveAuthedRecording": "https://r"}}]}"#,
    )
    .await;
    let (status, settings) = json_of(
        app.send(
            Method::GET,
            "/crm/v3/extensions/calling/42/settings",
            None,
            Auth::Key("k"),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(settings["createdAt"], "2026-01-02T03:04:05.678Z");
    assert_eq!(settings["height"], 600);
    let (status, connection) = json_of(
        app.send(
            Method::GET,
            "/crm/v3/extensions/calling/42/settings/channel-connection",
            None,
            Auth::Key("k"),
        )
        .await,
    )
    .await;
    assert_eq!((status, connection["isReady"].clone()), (200, json!(true)));
}
