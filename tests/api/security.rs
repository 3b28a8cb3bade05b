//! Auth: `?hapikey=` and `Authorization: Bearer`, HubSpot's exact 401, scopes, auth turned off,
//! and credentials never appearing in the journal.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

const SETTINGS: &str = "/crm/v3/extensions/calling/1234567/settings";
const AUTH_MESSAGE: &str = "Authentication credentials not found. This API supports both API Key and OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";

#[tokio::test]
async fn both_credential_kinds_are_accepted() {
    let app = spawn_app().await;
    let body = json!({"name": "n", "url": "u"});
    let response = app
        .send(Method::POST, SETTINGS, Some(&body), Auth::Bearer(TOKEN))
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .send(Method::GET, SETTINGS, None, Auth::Key(API_KEY))
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn bad_or_missing_credentials_get_hubspots_401() {
    let app = spawn_app().await;
    for auth in [
        Auth::Key("wrong"),
        Auth::Bearer("wrong"),
        Auth::Nothing,
        Auth::Bearer(API_KEY),
        Auth::Key(TOKEN),
    ] {
        let response = app.send(Method::GET, SETTINGS, None, auth).await;
        assert_eq!(
            response.headers()["x-hubspot-auth-failure"],
            "401 Unauthorized"
        );
        let body = expect_error(response, 401, "INVALID_AUTHENTICATION").await;
        assert_eq!(body["message"], AUTH_MESSAGE);
        assert_eq!(
            body.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["status", "message", "correlationId", "category"]
        );
    }
    // A bad credential also hides whether an app exists.
    let response = app
        .send(
            Method::GET,
            "/crm/v3/extensions/calling/5/settings",
            None,
            Auth::Key("wrong"),
        )
        .await;
    expect_error(response, 401, "INVALID_AUTHENTICATION").await;
}

#[tokio::test]
async fn another_apps_key_is_not_valid_here() {
    let app = spawn_with(
        r#"{"apps": [{"name": "a", "appId": 1, "developerApiKey": "key-a"},
                     {"name": "b", "appId": 2, "developerApiKey": "key-b"}]}"#,
    )
    .await;
    let response = app
        .send(
            Method::GET,
            "/crm/v3/extensions/calling/2/settings",
            None,
            Auth::Key("key-a"),
        )
        .await;
    expect_error(response, 401, "INVALID_AUTHENTICATION").await;
    let response = app
        .send(
            Method::GET,
            "/crm/v3/extensions/calling/2/settings",
            None,
            Auth::Key("key-b"),
        )
        .await;
    expect_error(response, 404, "OBJECT_NOT_FOUND").await;
}

#[tokio::test]
async fn tokens_need_the_right_scope() {
    let app = spawn_with(
        r#"{"apps": [{"name": "reader", "appId": 9, "accessToken": "read-only", "accessTokenScopes": ["developers-read"]}]}"#,
    )
    .await;
    let path = "/crm/v3/extensions/calling/9/settings/channel-connection";
    let read = app
        .send(Method::GET, path, None, Auth::Bearer("read-only"))
        .await;
    expect_error(read, 404, "OBJECT_NOT_FOUND").await;
    let write = app
        .send(
            Method::POST,
            path,
            Some(&json!({"url": "u", "isReady": true})),
            Auth::Bearer("read-only"),
        )
        .await;
    let body = expect_error(write, 403, "MISSING_SCOPES").await;
    assert_eq!(
        body["errors"][0]["context"]["requiredGranularScopes"],
        json!(["developers-write"])
    );
}

#[tokio::test]
async fn absent_scopes_are_every_scope_and_an_empty_list_none() {
    let app = spawn_with(
        r#"{"apps": [{"name": "any", "appId": 9, "accessToken": "every-scope"},
                     {"name": "none", "appId": 10, "accessToken": "no-scope", "accessTokenScopes": []}]}"#,
    )
    .await;
    let path = |id: u32| format!("/crm/v3/extensions/calling/{id}/settings/channel-connection");
    let body = json!({"url": "http://127.0.0.1:9/x", "isReady": true});
    let write = app
        .send(
            Method::POST,
            &path(9),
            Some(&body),
            Auth::Bearer("every-scope"),
        )
        .await;
    assert_eq!(write.status(), 200);
    let read = app
        .send(Method::GET, &path(10), None, Auth::Bearer("no-scope"))
        .await;
    let body = expect_error(read, 403, "MISSING_SCOPES").await;
    assert_eq!(
        body["errors"][0]["context"]["requiredGranularScopes"],
        json!(["developers-read"])
    );
    // The export keeps the difference: absent stays absent, [] stays [].
    let (_, state) = json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    assert!(
        state["apps"][0].get("accessTokenScopes").is_none(),
        "{state}"
    );
    assert_eq!(state["apps"][1]["accessTokenScopes"], json!([]), "{state}");
}

#[tokio::test]
async fn a_fixture_can_turn_auth_off() {
    let app =
        spawn_with(r#"{"apps": [{"name": "open", "appId": 5, "authRequired": false}]}"#).await;
    let path = "/crm/v3/extensions/calling/5/settings/channel-connection";
    let response = app
        .send(
            Method::POST,
            path,
            Some(&json!({"url": "u", "isReady": true})),
            Auth::Nothing,
        )
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .send(Method::GET, path, None, Auth::Key("anything"))
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn accept_any_app_id_provisions_on_first_use() {
    let app = spawn_with(
        r#"{"acceptAnyAppId": true, "apps": [{"name": "t", "appId": 1, "developerApiKey": "k"}]}"#,
    )
    .await;
    let path = "/crm/v3/extensions/calling/31337/settings/channel-connection";
    let wrong = app.send(Method::GET, path, None, Auth::Key("nope")).await;
    expect_error(wrong, 401, "INVALID_AUTHENTICATION").await;
    let created = app
        .send(
            Method::POST,
            path,
            Some(&json!({"url": "u", "isReady": true})),
            Auth::Key("k"),
        )
        .await;
    assert_eq!(created.status(), 200);
    let (_, state) = json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    assert_eq!(state["apps"][1]["appId"], 31337);
    assert_eq!(state["apps"][1]["name"], "auto-31337");
}

/// Registers a channel connection for app `id` (provisioning it under `acceptAnyAppId`).
async fn provision(app: &TestApp, id: i64, auth: Auth<'_>) {
    let path = format!("/crm/v3/extensions/calling/{id}/settings/channel-connection");
    let body = json!({"url": "http://127.0.0.1:9/calling", "isReady": true});
    let created = app.send(Method::POST, &path, Some(&body), auth).await;
    assert_eq!(created.status(), 200);
}

/// Creates a call with `auth`; its id, and the app id the call-write journal names for it.
async fn create_call_as(app: &TestApp, auth: Auth<'_>) -> (String, serde_json::Value) {
    let call = json!({"properties": {"hs_timestamp": "2026-11-27T17:30:00.000Z"}});
    let (status, created) = json_of(
        app.send(Method::POST, "/crm/v3/objects/calls", Some(&call), auth)
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let (_, writes) = json_of(
        app.control(Method::GET, "/_emulator/call-writes", None)
            .await,
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    (id, writes["entries"][0]["appId"].clone())
}

/// Provisioned apps copy the first app's credentials, its access token included, so that any app
/// id works; a token's calls still belong to the declared app it was given to, however many
/// copies exist and whatever their ids.
#[tokio::test]
async fn an_access_token_acts_for_its_declared_app_among_provisioned_copies() {
    let app = spawn_with(
        r#"{"acceptAnyAppId": true,
            "apps": [{"name": "t", "appId": 900000, "developerApiKey": "k", "accessToken": "tok"}],
            "portals": [{"portalId": 62515, "users": [{"userId": 101}]}]}"#,
    )
    .await;
    // Enough copies that the map's order (random per process) puts the declared app first
    // about once in 200 runs: the old lookup took the first match.
    for id in 1..=200 {
        provision(&app, id, Auth::Key("k")).await;
    }
    let (id, app_id) = create_call_as(&app, Auth::Bearer("tok")).await;
    assert_eq!(app_id, 900000);
    let path = format!("/crm/v3/objects/calls/{id}?propertiesWithHistory=hs_timestamp");
    let (_, read) = json_of(
        app.send(Method::GET, &path, None, Auth::Bearer("tok"))
            .await,
    )
    .await;
    let history = &read["propertiesWithHistory"]["hs_timestamp"][0];
    assert_eq!(history["sourceId"], "900000", "{read}");
}

/// Without a token, the app a call acts for is the first declared app that needs no credentials,
/// never a provisioned copy of it with a smaller id.
#[tokio::test]
async fn an_open_app_is_a_declared_one_among_provisioned_copies() {
    let app = spawn_with(
        r#"{"acceptAnyAppId": true,
            "apps": [{"name": "open", "appId": 900000, "authRequired": false}],
            "portals": [{"portalId": 62515, "users": [{"userId": 101}]}]}"#,
    )
    .await;
    provision(&app, 5, Auth::Nothing).await;
    let (_, app_id) = create_call_as(&app, Auth::Nothing).await;
    assert_eq!(app_id, 900000);
}

#[tokio::test]
async fn the_journal_never_shows_credentials() {
    let app = spawn_app().await;
    app.send(Method::GET, SETTINGS, None, Auth::Key(API_KEY))
        .await;
    app.send(Method::GET, SETTINGS, None, Auth::Bearer(TOKEN))
        .await;
    app.send(
        Method::GET,
        &format!("{SETTINGS}?x=1"),
        None,
        Auth::Key("leaked-wrong-key"),
    )
    .await;
    let response = app.control(Method::GET, "/_emulator/requests", None).await;
    let text = response.text().await.unwrap();
    for secret in [API_KEY, TOKEN, "leaked-wrong-key", "demo-client-secret"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(text.contains("hapikey=REDACTED"), "{text}");
}

#[tokio::test]
async fn accept_any_app_id_provisions_a_bounded_number_of_apps() {
    use futures_util::stream::{self, StreamExt};
    use hubspot_emulator::store::MAX_PROVISIONED_APPS;

    let app = spawn_with(
        r#"{"acceptAnyAppId": true, "apps": [{"name": "t", "appId": 1, "developerApiKey": "k"}]}"#,
    )
    .await;
    let path = |id: usize| format!("/crm/v3/extensions/calling/{}/settings", 1_000_000 + id);
    let body = json!({"name": "n", "url": "https://example.com/widget"});
    let register = |id: usize| {
        let (app, path, body) = (&app, path(id), &body);
        async move {
            app.send(Method::POST, &path, Some(body), Auth::Key("k"))
                .await
        }
    };
    let statuses: Vec<u16> = stream::iter(0..MAX_PROVISIONED_APPS)
        .map(|id| async move { register(id).await.status().as_u16() })
        .buffer_unordered(32)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    // Every provisioned app holds a registration: one more is refused, saying why and what to do.
    let refused = register(MAX_PROVISIONED_APPS).await;
    let error = expect_error(refused, 404, "OBJECT_NOT_FOUND").await;
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("acceptAnyAppId") && message.contains("/_emulator/reset"));
    // One app's registration deleted: that empty app is forgotten to make room, nothing else.
    let deleted = app
        .send(Method::DELETE, &path(7), None, Auth::Key("k"))
        .await;
    assert_eq!(deleted.status(), 204);
    let admitted = register(MAX_PROVISIONED_APPS).await;
    assert_eq!(admitted.status(), 200);
    let (_, state) = json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    let apps = state["apps"].as_array().unwrap();
    assert_eq!(apps.len(), 1 + MAX_PROVISIONED_APPS);
    assert!(apps.iter().all(|a| a["appId"] != 1_000_007));
    assert!(apps
        .iter()
        .all(|a| a["appId"] == 1 || a["settings"].is_object()));
}
