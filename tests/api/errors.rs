//! Every kind of bad request gets HubSpot's envelope with the right status and category, and a
//! message that says how to fix it.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

const CONNECTION: &str = "/crm/v3/extensions/calling/1234567/settings/channel-connection";

/// The error envelope's `message`.
fn message(body: &Value) -> &str {
    body["message"]
        .as_str()
        .expect("the envelope has a message")
}

fn fields_in(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .expect("errors[]")
        .iter()
        .map(|e| {
            (
                e["in"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn post_raw(
    app: &TestApp,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = app
        .http
        .post(app.url(&format!("{path}?hapikey={API_KEY}")))
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn malformed_json_gives_line_and_column() {
    let app = spawn_app().await;
    let response = post_raw(
        &app,
        CONNECTION,
        Some("application/json"),
        b"{\"url\": \"x\",\n \"isReady\": tru}".to_vec(),
    )
    .await;
    let body = expect_error(response, 400, "VALIDATION_ERROR").await;
    let message = message(&body);
    assert!(message.contains("line 2, column"), "{message}");
    assert!(
        message.contains("Send a JSON ChannelConnectionSettingsRequest such as"),
        "{message}"
    );
}

#[tokio::test]
async fn empty_and_non_object_bodies_are_explained() {
    let app = spawn_app().await;
    let body = expect_error(
        post_raw(&app, CONNECTION, Some("application/json"), Vec::new()).await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert!(message(&body).contains("empty"));
    let body = expect_error(
        post_raw(
            &app,
            CONNECTION,
            Some("application/json"),
            b"[1,2]".to_vec(),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert!(message(&body).contains("must be a JSON object"));
}

#[tokio::test]
async fn every_missing_required_field_is_named() {
    let app = spawn_app().await;
    let body = expect_error(
        app.call(Method::POST, CONNECTION, Some(&json!({}))).await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(
        fields_in(&body),
        [
            ("url".into(), "REQUIRED".into()),
            ("isReady".into(), "REQUIRED".into())
        ]
    );
    let settings = "/crm/v3/extensions/calling/1234567/settings";
    let body = expect_error(
        app.call(Method::POST, settings, Some(&json!({"height": 5})))
            .await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(
        fields_in(&body),
        [
            ("name".into(), "REQUIRED".into()),
            ("url".into(), "REQUIRED".into())
        ]
    );
    let recording = "/crm/v3/extensions/calling/1234567/settings/recording";
    let body = expect_error(
        app.call(Method::POST, recording, Some(&json!({}))).await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(
        fields_in(&body),
        [("urlToRetrieveAuthedRecording".into(), "REQUIRED".into())]
    );
}

#[tokio::test]
async fn wrong_types_and_unknown_fields_are_named_together() {
    let app = spawn_app().await;
    let settings = "/crm/v3/extensions/calling/1234567/settings";
    let bad = json!({"name": 7, "url": "u", "height": "tall", "width": 3000000000u64, "isReady": "yes", "colour": "red"});
    let body = expect_error(
        app.call(Method::POST, settings, Some(&bad)).await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    let fields = fields_in(&body);
    for expected in [
        ("name", "INVALID_TYPE"),
        ("height", "INVALID_TYPE"),
        ("width", "INVALID_INTEGER"),
        ("isReady", "INVALID_TYPE"),
        ("colour", "UNKNOWN_FIELD"),
    ] {
        assert!(
            fields.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} in {fields:?}"
        );
    }
    // A PATCH is checked the same way, though nothing is required.
    app.call(
        Method::POST,
        CONNECTION,
        Some(&json!({"url": "u", "isReady": false})),
    )
    .await;
    let body = expect_error(
        app.call(Method::PATCH, CONNECTION, Some(&json!({"isReady": 1})))
            .await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(
        fields_in(&body),
        [("isReady".into(), "INVALID_TYPE".into())]
    );
    // Nothing was changed by the refused PATCH.
    let (_, current) = json_of(app.call(Method::GET, CONNECTION, None).await).await;
    assert_eq!(current["isReady"], false);
}

#[tokio::test]
async fn bad_app_ids_are_validation_errors() {
    let app = spawn_app().await;
    for bad in ["abc", "0", "-4", "2147483648", "12.5", "%20"] {
        let path = format!("/crm/v3/extensions/calling/{bad}/settings");
        let body = expect_error(
            app.call(Method::GET, &path, None).await,
            400,
            "VALIDATION_ERROR",
        )
        .await;
        assert_eq!(
            fields_in(&body),
            [("appId".into(), "INVALID_APP_ID".into())],
            "{bad}"
        );
    }
}

#[tokio::test]
async fn an_undeclared_app_says_how_to_declare_it() {
    let app = spawn_app().await;
    let body = expect_error(
        app.call(Method::GET, "/crm/v3/extensions/calling/777/settings", None)
            .await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
    let message = message(&body);
    assert!(message.contains("App 777 is not declared"), "{message}");
    assert!(message.contains("--fixture"), "{message}");
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let app = spawn_app().await;
    let huge = format!(
        "{{\"url\": \"{}\", \"isReady\": true}}",
        "x".repeat(100 * 1024)
    );
    let body = expect_error(
        post_raw(
            &app,
            CONNECTION,
            Some("application/json"),
            huge.into_bytes(),
        )
        .await,
        413,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(body["subCategory"], "PAYLOAD_TOO_LARGE");
    // Nothing was stored.
    expect_error(
        app.call(Method::GET, CONNECTION, None).await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn wrong_content_types_are_refused_with_415() {
    let app = spawn_app().await;
    let valid = br#"{"url": "u", "isReady": true}"#.to_vec();
    for content_type in [
        Some("application/x-www-form-urlencoded"),
        Some("text/plain"),
        None,
    ] {
        let body = expect_error(
            post_raw(&app, CONNECTION, content_type, valid.clone()).await,
            415,
            "VALIDATION_ERROR",
        )
        .await;
        assert!(message(&body).contains("Content-Type: application/json"));
    }
    let response = post_raw(
        &app,
        CONNECTION,
        Some("application/json; charset=UTF-8"),
        valid,
    )
    .await;
    assert_eq!(
        response.status(),
        200,
        "parameters on the JSON type are fine"
    );
}

#[tokio::test]
async fn unknown_routes_list_the_closest_endpoints() {
    let app = spawn_app().await;
    let body = expect_error(
        app.call(
            Method::GET,
            "/crm/v3/extensions/calling/1234567/settings/channel-conection",
            None,
        )
        .await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
    let message = message(&body);
    assert!(
        message.contains("GET, HEAD, POST, PATCH, DELETE /crm/v3/extensions/calling/{appId}/settings/channel-connection"),
        "{message}"
    );
    // Anything else outside the API, too (the root URL alone leads to the dashboard).
    expect_error(
        app.call(Method::GET, "/favicon.ico", None).await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
}

/// A path whose app id or object type is missing or empty is no endpoint (a 404 naming the
/// closest), and a present one, however odd, is read as the id or type it stands for.
#[tokio::test]
async fn paths_without_an_app_or_a_type_are_not_found() {
    let app = spawn_app().await;
    for path in [
        "/crm/v3/extensions/calling",
        "/crm/v3/extensions/calling/",
        "/crm/v3/extensions/calling//settings",
        "/crm/extensions/calling/2026-03//settings/channel-connection",
        "/crm/v3/objects",
        "/crm/v3/objects/",
        "/crm/v3/objects//search",
    ] {
        let body = expect_error(
            app.call(Method::GET, path, None).await,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
        assert!(
            message(&body).starts_with(&format!("No endpoint matches GET {path}. The closest")),
            "{path}: {body}"
        );
    }
    // The segment after the family is the app id, whatever it spells (`bad_app_ids_…` for the
    // ones that are no id): `settings` with nothing after it is an app without a resource.
    let body = expect_error(
        app.call(Method::GET, "/crm/v3/extensions/calling/settings", None)
            .await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
    assert!(message(&body).contains("/crm/v3/extensions/calling/{appId}/settings"));
    // And the segment after /crm/v3/objects is the type.
    let body = expect_error(
        app.call(Method::GET, "/crm/v3/objects/widgets", None).await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
    assert!(message(&body).contains("no object type \"widgets\""));
}

/// A CRM path's 405 names the methods of the resource it reached, however its type is spelled.
#[tokio::test]
async fn crm_405s_name_the_methods_of_the_resource() {
    let app = spawn_app().await;
    for (path, allow) in [
        ("/crm/v3/objects/contacts/search", "POST"),
        ("/crm/v3/objects/%63ontacts/search", "POST"),
        ("/crm/v3/objects/calls/batch/read", "POST"),
        ("/crm/v3/objects/calls", "GET, POST"),
        ("/crm/v3/objects/calls/", "GET, POST"),
        ("/crm/v3/objects/%63alls/1", "GET, PATCH, DELETE"),
    ] {
        let response = app.call(Method::PUT, path, Some(&json!({}))).await;
        assert_eq!(response.headers()["allow"], allow, "{path}");
        expect_error(response, 405, "VALIDATION_ERROR").await;
    }
}

#[tokio::test]
async fn wrong_methods_get_405_with_allow() {
    let app = spawn_app().await;
    let response = app
        .call(
            Method::PUT,
            CONNECTION,
            Some(&json!({"url": "u", "isReady": true})),
        )
        .await;
    assert_eq!(
        response.headers()["allow"],
        "GET, HEAD, POST, PATCH, DELETE"
    );
    let body = expect_error(response, 405, "VALIDATION_ERROR").await;
    assert!(message(&body).contains("PUT is not supported"));
}
