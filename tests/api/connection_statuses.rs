//! The connection-statuses API over TCP: `GET …/connection-statuses` (every user, repeated keys,
//! comma-separated ids, unknown users left out), `POST …/batch/read`, `GET …/me`, its scopes and
//! credentials, its errors, the statuses set by the fixture and the control API, and the state's
//! export, import and reset.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

const LIST: &str = "/crm/extensions/calling/v3/connection-statuses";
const BATCH: &str = "/crm/extensions/calling/v3/connection-statuses/batch/read";
const ME: &str = "/crm/extensions/calling/v3/connection-statuses/me";

/// Portal 62515: user 101 on the dialer app, 102 on HubSpot's calling, 103 with nothing set.
/// Portal 99999 is another account. `owners` acts for user 102 and has only
/// `crm.objects.owners.read`; `automation` only `automation`; `settings` only `developers-read`.
const FIXTURE: &str = r#"{
  "apps": [
    {"name": "dialer", "appId": 1234567, "developerApiKey": "demo-developer-api-key",
     "accessToken": "demo-access-token", "clientSecret": "s",
     "settings": {"name": "Acme Dialer", "url": "https://dialer.example/calling"}},
    {"name": "owners", "appId": 7654321, "accessToken": "owners-token",
     "accessTokenScopes": ["crm.objects.owners.read"], "installedPortalId": 62515, "installedUserId": 102},
    {"name": "automation", "appId": 7000001, "accessToken": "automation-token",
     "accessTokenScopes": ["automation"]},
    {"name": "settings", "appId": 7000002, "accessToken": "settings-token",
     "accessTokenScopes": ["developers-read"]}
  ],
  "portals": [
    {"portalId": 62515, "users": [
      {"userId": 101, "supportsChannelConnection": true,
       "connectionStatus": {"connected": true, "provider": "THIRD_PARTY", "appId": 1234567}},
      {"userId": 102, "connectionStatus": {"connected": true, "provider": "HUBSPOT"}},
      {"userId": 103}
    ]},
    {"portalId": 99999, "users": [{"userId": 201, "connectionStatus": {"connected": true, "provider": "HUBSPOT"}}]}
  ]
}"#;

fn dialer_101() -> Value {
    json!({"userId": "101", "connected": true,
           "provider": {"type": "THIRD_PARTY", "appId": 1234567, "appName": "Acme Dialer"}})
}
fn hubspot_102() -> Value {
    json!({"userId": "102", "connected": true, "provider": {"type": "HUBSPOT"}})
}
fn nothing_103() -> Value {
    json!({"userId": "103", "connected": false})
}

async fn get(app: &TestApp, path: &str, token: &str) -> (u16, Value) {
    json_of(app.send(Method::GET, path, None, Auth::Bearer(token)).await).await
}

async fn batch(app: &TestApp, body: Value) -> reqwest::Response {
    app.send(Method::POST, BATCH, Some(&body), Auth::Bearer(TOKEN))
        .await
}

#[tokio::test]
async fn without_user_ids_every_user_of_the_tokens_portal_is_listed() {
    let app = spawn_with(FIXTURE).await;
    let response = app.send(Method::GET, LIST, None, Auth::Bearer(TOKEN)).await;
    assert_eq!(
        response.headers()["content-type"],
        "application/json;charset=utf-8"
    );
    assert!(response.headers().contains_key("x-hubspot-ratelimit-max"));
    let (status, body) = json_of(response).await;
    assert_eq!(status, 200, "{body}");
    // Ids as strings, by id; the other portal's user is not this token's.
    assert_eq!(
        body,
        json!({"results": [dialer_101(), hubspot_102(), nothing_103()]})
    );
}

#[tokio::test]
async fn user_ids_are_read_from_repeated_keys_and_from_commas() {
    let app = spawn_with(FIXTURE).await;
    for (query, expected) in [
        (
            "?userId=102&userId=101",
            json!([hubspot_102(), dialer_101()]),
        ),
        ("?userId=103,101", json!([nothing_103(), dialer_101()])),
        ("?userId=103%2C102", json!([nothing_103(), hubspot_102()])),
        (
            "?userId=101&userId=102,103&userId=101",
            json!([dialer_101(), hubspot_102(), nothing_103()]),
        ),
        // Users the portal does not have (another portal's too) are left out.
        ("?userId=101&userId=555&userId=201", json!([dialer_101()])),
        ("?userId=555", json!([])),
    ] {
        let (status, body) = get(&app, &format!("{LIST}{query}"), TOKEN).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert_eq!(body, json!({"results": expected}), "{query}");
    }
}

#[tokio::test]
async fn a_user_id_that_is_not_one_is_a_400_that_shows_both_forms() {
    let app = spawn_with(FIXTURE).await;
    for query in [
        "?userId=abc",
        "?userId=101,x",
        "?userId=0",
        "?userId=2147483648",
        "?userId=",
    ] {
        let response = app
            .send(
                Method::GET,
                &format!("{LIST}{query}"),
                None,
                Auth::Bearer(TOKEN),
            )
            .await;
        let body = expect_error(response, 400, "VALIDATION_ERROR").await;
        assert_eq!(body["errors"][0]["in"], "userId", "{query}: {body}");
        assert_eq!(body["errors"][0]["code"], "INVALID_INTEGER", "{query}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains("?userId=101&userId=102") && message.contains("?userId=101,102"),
            "{message}"
        );
    }
    let body = expect_error(
        app.send(
            Method::GET,
            &format!("{LIST}?userId=abc"),
            None,
            Auth::Bearer(TOKEN),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert!(
        body["message"].as_str().unwrap().contains("\"abc\""),
        "{body}"
    );
}

#[tokio::test]
async fn batch_read_takes_string_ids_in_the_order_given() {
    let app = spawn_with(FIXTURE).await;
    let (status, body) = json_of(
        batch(
            &app,
            json!({"inputs": [{"id": "102"}, {"id": "555"}, {"id": "101"}, {"id": "102"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"results": [hubspot_102(), dialer_101()]}));
}

#[tokio::test]
async fn batch_read_errors_say_how_to_fix_the_body() {
    let app = spawn_with(FIXTURE).await;
    let cases = [
        (
            json!({"inputs": []}),
            "inputs",
            "EMPTY_INPUTS",
            "at least one",
        ),
        (
            json!({}),
            "inputs",
            "REQUIRED",
            "{\"inputs\": [{\"id\": \"101\"}",
        ),
        (
            json!({"inputs": [{"id": 101}]}),
            "inputs[0].id",
            "INVALID_TYPE",
            "in quotes",
        ),
        (
            json!({"inputs": [{"id": "one"}]}),
            "inputs[0].id",
            "INVALID_INTEGER",
            "\"one\"",
        ),
        (
            json!({"inputs": [{"id": "1"}], "properties": []}),
            "properties",
            "UNKNOWN_FIELD",
            "inputs",
        ),
    ];
    for (body, field, code, hint) in cases {
        let error = expect_error(batch(&app, body.clone()).await, 400, "VALIDATION_ERROR").await;
        assert_eq!(error["errors"][0]["in"], field, "{body}: {error}");
        assert_eq!(error["errors"][0]["code"], code, "{body}");
        assert!(
            error["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(hint),
            "{body}: {error}"
        );
    }
    // HubSpot's batch limit is 100 inputs.
    let ids: Vec<Value> = (1..=100).map(|i| json!({"id": i.to_string()})).collect();
    let (status, _) = json_of(batch(&app, json!({"inputs": ids})).await).await;
    assert_eq!(status, 200, "100 inputs are allowed");
    let ids: Vec<Value> = (1..=101).map(|i| json!({"id": i.to_string()})).collect();
    let error = expect_error(
        batch(&app, json!({"inputs": ids})).await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(error["errors"][0]["code"], "TOO_MANY_INPUTS");
    assert!(
        error["message"].as_str().unwrap().contains("at most 100"),
        "{error}"
    );
    // Not JSON: the content type first, then the syntax.
    let response = app
        .http
        .post(app.url(BATCH))
        .bearer_auth(TOKEN)
        .body(r#"{"inputs": [{"id": "1"}]}"#)
        .send()
        .await
        .unwrap();
    expect_error(response, 415, "VALIDATION_ERROR").await;
    let response = app
        .http
        .post(app.url(BATCH))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body("{\"inputs\": [")
        .send()
        .await
        .unwrap();
    let error = expect_error(response, 400, "VALIDATION_ERROR").await;
    assert!(
        error["message"].as_str().unwrap().contains("line 1"),
        "{error}"
    );
}

#[tokio::test]
async fn me_is_the_user_the_token_acts_for() {
    let app = spawn_with(FIXTURE).await;
    // The dialer declares no installation: the first portal's first user.
    assert_eq!(get(&app, ME, TOKEN).await, (200, dialer_101()));
    // installedUserId 102.
    assert_eq!(get(&app, ME, "owners-token").await, (200, hubspot_102()));
    let head = app.send(Method::HEAD, ME, None, Auth::Bearer(TOKEN)).await;
    assert_eq!(head.status(), 200);
    assert!(head.text().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_token_without_a_portal_or_user_gets_a_404_that_says_how_to_declare_them() {
    let app =
        spawn_with(r#"{"apps": [{"name": "lonely", "appId": 5, "accessToken": "lonely-token"}]}"#)
            .await;
    for path in [ME, LIST] {
        let response = app
            .send(Method::GET, path, None, Auth::Bearer("lonely-token"))
            .await;
        let body = expect_error(response, 404, "OBJECT_NOT_FOUND").await;
        let message = body["message"].as_str().unwrap();
        assert!(
            message.contains("\"portals\"") && message.contains("installedPortalId"),
            "{message}"
        );
    }
    let app = spawn_with(
        r#"{"apps": [{"name": "lonely", "appId": 5, "accessToken": "lonely-token"}],
            "portals": [{"portalId": 1}]}"#,
    )
    .await;
    let response = app
        .send(Method::GET, ME, None, Auth::Bearer("lonely-token"))
        .await;
    let body = expect_error(response, 404, "OBJECT_NOT_FOUND").await;
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("installedUserId"),
        "{body}"
    );
    // A portal without users has an empty list, not an error.
    assert_eq!(
        get(&app, LIST, "lonely-token").await,
        (200, json!({"results": []}))
    );
}

#[tokio::test]
async fn either_scope_is_enough_and_neither_is_a_403() {
    let app = spawn_with(FIXTURE).await;
    for token in ["owners-token", "automation-token"] {
        assert_eq!(get(&app, LIST, token).await.0, 200, "{token}");
        assert_eq!(get(&app, ME, token).await.0, 200, "{token}");
        let response = app
            .send(
                Method::POST,
                BATCH,
                Some(&json!({"inputs": [{"id": "101"}]})),
                Auth::Bearer(token),
            )
            .await;
        assert_eq!(response.status(), 200, "{token}");
    }
    for (method, path) in [
        (Method::GET, LIST),
        (Method::GET, ME),
        (Method::POST, BATCH),
    ] {
        let body = (method == Method::POST).then(|| json!({"inputs": [{"id": "101"}]}));
        let response = app
            .send(
                method.clone(),
                path,
                body.as_ref(),
                Auth::Bearer("settings-token"),
            )
            .await;
        let error = expect_error(response, 403, "MISSING_SCOPES").await;
        assert_eq!(
            error["errors"][0]["context"]["requiredGranularScopes"],
            json!(["automation", "crm.objects.owners.read"]),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn a_developer_api_key_is_a_401_that_asks_for_the_access_token() {
    let app = spawn_with(FIXTURE).await;
    for (method, path) in [
        (Method::GET, LIST),
        (Method::GET, ME),
        (Method::POST, BATCH),
    ] {
        let body = json!({"inputs": [{"id": "101"}]});
        let response = app
            .send(method.clone(), path, Some(&body), Auth::Key(API_KEY))
            .await;
        assert_eq!(
            response.headers()["x-hubspot-auth-failure"],
            "401 Unauthorized"
        );
        let error = expect_error(response, 401, "INVALID_AUTHENTICATION").await;
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("access token")
                && message.contains("Authorization: Bearer")
                && message.contains("hapikey"),
            "{method} {path}: {message}"
        );
        // Nothing, or a token nobody has: HubSpot's own 401.
        for auth in [Auth::Nothing, Auth::Bearer("not-a-token")] {
            let response = app.send(method.clone(), path, Some(&body), auth).await;
            let error = expect_error(response, 401, "INVALID_AUTHENTICATION").await;
            assert!(error["message"]
                .as_str()
                .unwrap()
                .starts_with("Authentication credentials not found"));
        }
    }
}

#[tokio::test]
async fn an_app_without_auth_answers_any_caller() {
    let app = spawn_with(
        r#"{"apps": [{"name": "open", "appId": 5, "authRequired": false}],
            "portals": [{"portalId": 1, "users": [{"userId": 7}]}]}"#,
    )
    .await;
    let (status, body) = json_of(app.send(Method::GET, ME, None, Auth::Nothing).await).await;
    assert_eq!(
        (status, body),
        (200, json!({"userId": "7", "connected": false}))
    );
}

#[tokio::test]
async fn the_control_api_sets_a_status_that_the_api_then_answers() {
    let app = spawn_with(FIXTURE).await;
    let path = "/_emulator/portals/62515/users/103/connection-status";
    let set = json!({"connected": true, "provider": "THIRD_PARTY", "appId": 1234567});
    let (status, body) = json_of(app.control(Method::PUT, path, Some(&set)).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["connectionStatus"], set);
    assert_eq!(
        body["answered"]["provider"]["appName"], "Acme Dialer",
        "{body}"
    );
    let (_, listed) = get(&app, &format!("{LIST}?userId=103"), TOKEN).await;
    assert_eq!(listed["results"][0], body["answered"]);
    let (status, shown) = json_of(app.control(Method::GET, path, None).await).await;
    assert_eq!((status, &shown["connectionStatus"]), (200, &set));
    // The browser flag stays as it was.
    let (_, user) = json_of(
        app.control(Method::GET, "/_emulator/portals/62515/users/101", None)
            .await,
    )
    .await;
    assert_eq!(user["supportsChannelConnection"], true);

    // A new user is declared; the portal's list then has them.
    let new = "/_emulator/portals/62515/users/104/connection-status";
    let hubspot = json!({"connected": false, "provider": "HUBSPOT"});
    assert_eq!(
        app.control(Method::PUT, new, Some(&hubspot)).await.status(),
        200
    );
    let (_, all) = get(&app, LIST, TOKEN).await;
    assert_eq!(
        all["results"][3],
        json!({"userId": "104", "connected": false, "provider": {"type": "HUBSPOT"}})
    );

    // The app's name is its calling settings' name, as it is now.
    let settings = format!("/crm/v3/extensions/calling/{APP_ID}/settings");
    let renamed = app
        .call(
            Method::PATCH,
            &settings,
            Some(&json!({"name": "Acme Dialer 2"})),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(
        get(&app, ME, TOKEN).await.1["provider"]["appName"],
        "Acme Dialer 2"
    );
    // An app without settings, or not declared: no appName.
    let unnamed = json!({"connected": true, "provider": "THIRD_PARTY", "appId": 7654321});
    app.control(Method::PUT, path, Some(&unnamed)).await;
    let (_, listed) = get(&app, &format!("{LIST}?userId=103"), TOKEN).await;
    assert_eq!(
        listed["results"][0]["provider"],
        json!({"type": "THIRD_PARTY", "appId": 7654321})
    );
}

#[tokio::test]
async fn bad_control_bodies_say_what_the_body_is() {
    let app = spawn_with(FIXTURE).await;
    let path = "/_emulator/portals/62515/users/103/connection-status";
    for (body, hint) in [
        (
            json!({"connected": true, "provider": "THIRD_PARTY"}),
            "needs the app's \\\"appId\\\"",
        ),
        (
            json!({"connected": true, "provider": "HUBSPOT", "appId": 1}),
            "remove \\\"appId\\\"",
        ),
        (json!({"connected": "yes"}), "expected"),
        (json!({"provider": "HUBSPOT"}), "connected"),
        (json!({"connected": true, "provider": "SKYPE"}), "HUBSPOT"),
    ] {
        let response = app.control(Method::PUT, path, Some(&body)).await;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert_eq!(status, 400, "{body}: {text}");
        assert!(text.contains("the body is {\\\"connected\\\""), "{text}");
        assert!(text.contains(hint), "{body}: {text}");
    }
    let response = app
        .control(
            Method::GET,
            "/_emulator/portals/62515/users/999/connection-status",
            None,
        )
        .await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("PUT this path"));
}

#[tokio::test]
async fn export_import_and_reset_cover_the_statuses() {
    let app = spawn_with(FIXTURE).await;
    let path = "/_emulator/portals/62515/users/103/connection-status";
    let set = json!({"connected": true, "provider": "HUBSPOT"});
    app.control(Method::PUT, path, Some(&set)).await;
    let (_, exported) = json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    let users = &exported["portals"][0]["users"];
    assert_eq!(users[2], json!({"userId": 103, "connectionStatus": set}));
    assert_eq!(
        users[0]["connectionStatus"],
        json!({"connected": true, "provider": "THIRD_PARTY", "appId": 1234567})
    );

    // Reset: back to the seed (103 had nothing).
    assert_eq!(
        app.control(Method::POST, "/_emulator/reset", None)
            .await
            .status(),
        200
    );
    let (_, listed) = get(&app, &format!("{LIST}?userId=103"), TOKEN).await;
    assert_eq!(listed["results"][0], nothing_103());

    // Import the export: 103 is on HubSpot's calling again, and reset now returns there.
    let (status, imported) = json_of(
        app.control(Method::PUT, "/_emulator/state", Some(&exported))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{imported}");
    assert_eq!(imported["portals"], exported["portals"]);
    let expected = json!({"userId": "103", "connected": true, "provider": {"type": "HUBSPOT"}});
    assert_eq!(
        get(&app, &format!("{LIST}?userId=103"), TOKEN).await.1["results"][0],
        expected
    );
    app.control(Method::POST, "/_emulator/reset", None).await;
    assert_eq!(
        get(&app, &format!("{LIST}?userId=103"), TOKEN).await.1["results"][0],
        expected
    );
}

#[tokio::test]
async fn calls_are_journaled_and_wrong_paths_and_methods_explained() {
    let app = spawn_with(FIXTURE).await;
    app.control(Method::DELETE, "/_emulator/requests", None)
        .await;
    get(&app, &format!("{ME}?userId=1"), TOKEN).await;
    app.send(Method::GET, ME, None, Auth::Bearer("settings-token"))
        .await;
    let (_, journal) = json_of(app.control(Method::GET, "/_emulator/requests", None).await).await;
    let entries = journal["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("{journal}"));
    let ours: Vec<&Value> = entries
        .iter()
        .filter(|e| e["path"].as_str().is_some_and(|p| p.starts_with(ME)))
        .collect();
    assert_eq!(ours.len(), 2, "{journal}");
    assert_eq!(ours[0]["appId"], 1234567);
    assert_eq!(ours[0]["auth"], "bearer");
    assert_eq!(ours[0]["status"], 200);
    assert_eq!(ours[1]["appId"], 7000002);
    assert_eq!(ours[1]["status"], 403);

    // Under /crm/v3/ by mistake: the 404 names the real path.
    let response = app
        .send(
            Method::GET,
            "/crm/v3/extensions/calling/connection-statuses",
            None,
            Auth::Bearer(TOKEN),
        )
        .await;
    let error = expect_error(response, 404, "OBJECT_NOT_FOUND").await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains(&format!("GET, HEAD {LIST};")),
        "{error}"
    );
    let response = app
        .send(Method::DELETE, LIST, None, Auth::Bearer(TOKEN))
        .await;
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    expect_error(response, 405, "VALIDATION_ERROR").await;
    let response = app
        .send(Method::GET, BATCH, None, Auth::Bearer(TOKEN))
        .await;
    assert_eq!(response.headers()["allow"], "POST");
    expect_error(response, 405, "VALIDATION_ERROR").await;
}
