//! The widget's control endpoints over TCP: the events stream's ticket (401 without it, the only
//! credential it needs under `--control-token`), commands (202 to the newest open page, 409
//! without one, 400 for a body that does not fit), the connection statuses the app's messages
//! set, the SDK message journal (paged, emptied, bounded), sessions bounded, every malformed body
//! a 400 that says what to send, and the state's reset and export beside open sessions.

use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::domain::Secret;
use hubspot_emulator::fixture::loader::parse_fixture;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_config, Auth, TestApp};
use crate::sdk_page::{codes, command, spawn_widget, Page, FIXTURE};
use crate::sdk_sequences::wait_closed;

async fn status_of(app: &TestApp, path: &str) -> (u16, Value) {
    json_of(app.http.get(app.url(path)).send().await.unwrap()).await
}

#[tokio::test]
async fn the_event_stream_opens_only_with_its_sessions_ticket() {
    let app = spawn_widget().await;
    let page = Page::open(&app, json!({})).await;
    let events = page.session["events"].as_str().unwrap();
    let (path, ticket) = events.split_once("?ticket=").unwrap();
    assert_eq!(ticket.len(), 64, "256 random bits, hex");
    let other = Page::open(&app, json!({})).await;
    let other_ticket = other.session["events"]
        .as_str()
        .unwrap()
        .split_once("?ticket=")
        .unwrap()
        .1;
    assert_ne!(ticket, other_ticket);
    for wrong in [
        path.to_string(),
        format!("{path}?ticket="),
        format!("{path}?ticket={other_ticket}"),
        format!("{path}?ticket={}", &ticket[..63]),
    ] {
        let (status, body) = status_of(&app, &wrong).await;
        assert_eq!(status, 401, "{wrong}: {body}");
        assert!(
            !body["error"].as_str().unwrap().contains(ticket),
            "the ticket is never echoed"
        );
    }
    let (status, body) = status_of(
        &app,
        &format!("/_emulator/sdk/sessions/s99/events?ticket={ticket}"),
    )
    .await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn under_a_control_token_the_ticket_alone_opens_the_stream() {
    let mut config = EmulatorConfig::ephemeral(parse_fixture("widget", FIXTURE).unwrap());
    config.control_token = Some(Secret::new("c0ntrol"));
    let app = spawn_config(config).await;
    let sessions = app.url("/_emulator/sdk/sessions");
    let refused = app
        .http
        .post(&sessions)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let (status, session) = json_of(
        app.http
            .post(&sessions)
            .bearer_auth("c0ntrol")
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{session}");
    let events = app
        .http
        .get(app.url(session["events"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200, "no control token needed");
    let without = format!(
        "/_emulator/sdk/sessions/{}/events",
        session["sessionId"].as_str().unwrap()
    );
    assert_eq!(status_of(&app, &without).await.0, 401);
    // Everything else still needs the token.
    let report = app
        .http
        .post(app.url(&format!(
            "/_emulator/sdk/sessions/{}/messages",
            session["sessionId"].as_str().unwrap()
        )))
        .json(&json!({"type": "LOGGED_IN"}))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 401);
    // The stream also answers to the loopback Host rule: a rebinding page gets nothing.
    let rebound = app
        .http
        .get(app.url(session["events"].as_str().unwrap()))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), 403);
}

#[tokio::test]
async fn commands_need_an_open_page_and_go_to_the_newest() {
    let app = spawn_widget().await;
    let (status, body) = command(&app, "dial", json!({"toNumber": "+16175550100"})).await;
    assert_eq!(status, 409, "{body}");
    let message = body["error"].as_str().unwrap();
    assert!(
        message.contains("no host page is open for app 1234567, portal 62515, user 101")
            && message.contains("/_emulator/ui/calling?appId=1234567&portalId=62515&userId=101"),
        "{message}"
    );
    let mut first = Page::open(&app, json!({})).await;
    let mut second = Page::open(&app, json!({})).await;
    let (status, sent) = command(
        &app,
        "visibility",
        json!({"isMinimized": true, "isHidden": true}),
    )
    .await;
    assert_eq!(status, 202, "{sent}");
    assert_eq!(sent["sessionId"], second.id.as_str());
    assert_eq!(
        sent["message"],
        json!({"type": "VISIBILITY_CHANGED", "data": {"isMinimized": true, "isHidden": true}})
    );
    assert_eq!(second.next_event().await.1["type"], "VISIBILITY_CHANGED");
    assert_eq!(
        second.next_event().await,
        ("action".to_string(), json!({"kind": "hide"}))
    );
    second.close();
    wait_closed(&second).await;
    let (status, sent) = command(&app, "hangup", json!({})).await;
    assert_eq!(status, 202);
    assert_eq!(
        (sent["sessionId"].as_str(), &sent["message"]),
        (
            Some(first.id.as_str()),
            &json!({"type": "END_CALL", "data": {}})
        )
    );
    assert_eq!(first.next_event().await.1["type"], "END_CALL");
    first.close();
    wait_closed(&first).await;
    assert_eq!(command(&app, "hangup", json!({})).await.0, 409);
    // Another user's page does not take this user's commands.
    let _other = Page::open(&app, json!({"userId": 102})).await;
    assert_eq!(command(&app, "hangup", json!({"userId": 101})).await.0, 409);
    assert_eq!(command(&app, "hangup", json!({"userId": 102})).await.0, 202);
    // No body at all is a hangup for the defaults.
    let bare = app
        .control(Method::POST, "/_emulator/sdk/hangup", None)
        .await;
    assert_eq!(bare.status(), 409);
}

#[tokio::test]
async fn bodies_that_do_not_fit_are_400s_that_say_what_to_send() {
    let app = spawn_widget().await;
    let page = Page::open(&app, json!({})).await;
    for (path, body, says) in [
        ("/_emulator/sdk/dial", json!({}), "\"toNumber\" is missing"),
        ("/_emulator/sdk/dial", json!({"toNumber": "  "}), "blank"),
        (
            "/_emulator/sdk/dial",
            json!({"toNumber": "1", "contactId": true}),
            "contactId",
        ),
        ("/_emulator/sdk/dial", json!({"to": "1"}), "dial takes"),
        (
            "/_emulator/sdk/visibility",
            json!({"isHidden": true}),
            "both \"isMinimized\" and \"isHidden\"",
        ),
        (
            "/_emulator/sdk/visibility",
            json!({"isHidden": "yes", "isMinimized": false}),
            "visibility takes",
        ),
        (
            "/_emulator/sdk/sessions",
            json!([1]),
            "a host session takes",
        ),
        (
            "/_emulator/sdk/sessions",
            json!({"widgetUrl": "ftp://x"}),
            "not an http or https URL",
        ),
        (
            "/_emulator/sdk/sessions",
            json!({"record": {"objectTypeId": "0-3", "objectId": 1}}),
            "not a contact (0-1) or company (0-2)",
        ),
        (
            &format!("/_emulator/sdk/sessions/{}/messages", page.id),
            json!([]),
            "not an object",
        ),
        (
            &format!("/_emulator/sdk/sessions/{}/messages", page.id),
            json!({"data": {}}),
            "\"type\" is missing",
        ),
        (
            &format!("/_emulator/sdk/sessions/{}/messages", page.id),
            json!({"type": 5}),
            "not the message's type",
        ),
        (
            &format!("/_emulator/sdk/sessions/{}/messages", page.id),
            json!({"type": "X", "direction": "up"}),
            "\"fromApp\"",
        ),
        (
            &format!("/_emulator/sdk/sessions/{}/messages", page.id),
            json!({"type": "LOGGED_IN", "direction": "toApp"}),
            "not a message HubSpot sends",
        ),
        (
            &format!("/_emulator/sdk/sessions/{}/messages", page.id),
            json!({"type": "CLICKED", "direction": "host"}),
            "not a page event",
        ),
    ] {
        let (status, answer) = json_of(app.control(Method::POST, path, Some(&body)).await).await;
        assert_eq!(status, 400, "{path} {body}: {answer}");
        let error = answer["error"].as_str().unwrap();
        assert!(error.contains(says), "{path} {body}: {error}");
    }
    let text = app
        .http
        .post(app.url(&format!("/_emulator/sdk/sessions/{}/messages", page.id)))
        .header("content-type", "application/json")
        .body("{\"type\": ")
        .send()
        .await
        .unwrap();
    let (status, answer) = json_of(text).await;
    assert_eq!(status, 400);
    assert!(
        answer["error"].as_str().unwrap().contains("not JSON"),
        "{answer}"
    );
    // Who or what is not there.
    for (path, body, status, says) in [
        (
            "/_emulator/sdk/sessions",
            json!({"appId": 999}),
            404,
            "app 999 is not declared",
        ),
        (
            "/_emulator/sdk/sessions",
            json!({"userId": 5}),
            404,
            "user 5 of portal 62515",
        ),
        (
            "/_emulator/sdk/sessions",
            json!({"record": {"objectTypeId": "0-1", "objectId": "1"}}),
            404,
            "no live contact 1",
        ),
        (
            "/_emulator/sdk/sessions",
            json!({"appId": 7654321}),
            409,
            "POST /crm/v3/extensions/calling/7654321/settings",
        ),
        (
            "/_emulator/sdk/sessions/s404/messages",
            json!({"type": "LOGGED_IN"}),
            404,
            "no host session s404",
        ),
        (
            "/_emulator/sdk/dial",
            json!({"toNumber": "1", "contactId": 1}),
            404,
            "no live contact 1",
        ),
    ] {
        let (got, answer) = json_of(app.control(Method::POST, path, Some(&body)).await).await;
        assert_eq!(got, status, "{path} {body}: {answer}");
        assert!(answer["error"].as_str().unwrap().contains(says), "{answer}");
    }
    let _open = Page::open(&app, json!({})).await;
    let huge = json!({"type": "CALL_DATA", "data": {"blob": "x".repeat(300 * 1024)}});
    let (status, answer) = json_of(
        app.control(
            Method::POST,
            &format!("/_emulator/sdk/sessions/{}/messages", page.id),
            Some(&huge),
        )
        .await,
    )
    .await;
    assert_eq!(status, 413, "{answer}");
    // The widget URL override replaces the settings' URL.
    let (status, overridden) = json_of(
        app.control(
            Method::POST,
            "/_emulator/sdk/sessions",
            Some(&json!({"widgetUrl": "https://localhost:9025/"})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(overridden["widget"]["url"], "https://localhost:9025/");
}

/// User 101's status as the connection-statuses API answers it.
async fn read(app: &TestApp) -> Value {
    let statuses = "/crm/extensions/calling/v3/connection-statuses?userId=101";
    json_of(
        app.send(Method::GET, statuses, None, Auth::Bearer("tok"))
            .await,
    )
    .await
    .1["results"][0]
        .clone()
}

#[tokio::test]
async fn the_apps_status_is_the_users_connection_status() {
    let app = spawn_widget().await;
    assert_eq!(
        read(&app).await,
        json!({"userId": "101", "connected": false})
    );
    let page = Page::open(&app, json!({})).await;
    page.ready(false, false).await;
    let dialer = json!({"type": "THIRD_PARTY", "appId": 1234567, "appName": "Dialer"});
    assert_eq!(
        read(&app).await,
        json!({"userId": "101", "connected": false, "provider": dialer})
    );
    page.app_sends("LOGGED_IN", Value::Null).await;
    assert_eq!(
        read(&app).await,
        json!({"userId": "101", "connected": true, "provider": dialer})
    );
    let available = page.app_sends("USER_AVAILABLE", Value::Null).await;
    assert_eq!(
        available["actions"],
        json!([{"kind": "status", "loggedIn": true, "available": true}])
    );
    assert_eq!(read(&app).await["connected"], true);
    assert_eq!(
        (
            page.listed().await["loggedIn"].as_bool(),
            page.listed().await["available"].as_bool()
        ),
        (Some(true), Some(true))
    );
    page.app_sends("LOGGED_OUT", Value::Null).await;
    assert_eq!(read(&app).await["connected"], false);
}

#[tokio::test]
async fn the_message_journal_pages_empties_and_bounds_what_it_keeps() {
    let app = spawn_widget().await;
    let page = Page::open(&app, json!({})).await;
    page.ready(true, true).await;
    let blob = "x".repeat(40 * 1024);
    let big = page.app_sends("CALL_DATA", json!({"blob": blob})).await;
    assert_eq!(codes(&big), Vec::<String>::new());
    let journal = |query: &'static str| {
        let app = &app;
        async move {
            json_of(
                app.control(
                    Method::GET,
                    &format!("/_emulator/sdk/messages{query}"),
                    None,
                )
                .await,
            )
            .await
            .1
        }
    };
    let all = journal("").await;
    assert_eq!(
        (all["total"].as_u64(), all["capacity"].as_u64()),
        (Some(4), Some(10_000))
    );
    let kept = &all["entries"][3];
    assert_eq!(kept["type"], "CALL_DATA");
    assert_eq!(kept["id"], big["entryId"]);
    let preview = kept["data"]["truncated"]["preview"].as_str().unwrap();
    assert!(
        preview.len() <= 1024 && kept["data"]["truncated"]["bytes"].as_u64().unwrap() > 40 * 1024,
        "{kept}"
    );
    let first = journal("?after=0&limit=2").await;
    assert_eq!(first["entries"].as_array().unwrap().len(), 2);
    assert_eq!(first["next"], 2);
    let rest = journal("?after=2&limit=2").await;
    assert_eq!(rest["entries"][0]["type"], "INITIALIZED");
    assert_eq!(rest["next"], Value::Null);
    let (status, bad) = json_of(
        app.control(Method::GET, "/_emulator/sdk/messages?after=x", None)
            .await,
    )
    .await;
    assert_eq!(status, 400, "{bad}");
    assert_eq!(
        app.control(Method::DELETE, "/_emulator/sdk/messages", None)
            .await
            .status(),
        204
    );
    let emptied = journal("").await;
    assert_eq!(
        (
            emptied["total"].as_u64(),
            emptied["entries"].as_array().unwrap().len()
        ),
        (Some(4), 0)
    );
    let (_, health) = json_of(app.control(Method::GET, "/_emulator/health", None).await).await;
    assert!(
        health["journalBytes"].as_u64().unwrap() < 16 * 1024,
        "{health}"
    );
}

#[tokio::test]
async fn sessions_are_bounded_and_survive_reset_and_export() {
    let app = spawn_widget().await;
    let page = Page::open(&app, json!({})).await;
    page.ready(true, true).await;
    let started = page
        .app_sends(
            "OUTGOING_CALL_STARTED",
            json!({"externalCallId": "r", "createEngagement": true}),
        )
        .await;
    let engagement = started["replies"][0]["data"]["engagementId"].clone();
    let (status, state) = json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    assert_eq!(status, 200);
    let calls = state["portals"][0]["calls"].as_array().unwrap();
    assert!(
        calls
            .iter()
            .any(|c| c["properties"]["hs_call_external_id"] == "r"),
        "{state:#}"
    );
    assert_eq!(
        app.control(Method::POST, "/_emulator/reset", None)
            .await
            .status(),
        200
    );
    // The page stays open; the engagement went with the reset, and HubSpot says so.
    assert_eq!(page.listed().await["open"], true);
    let completed = page
        .app_sends(
            "CALL_COMPLETED",
            json!({"externalCallId": "r", "engagementId": engagement}),
        )
        .await;
    assert_eq!(codes(&completed), ["call-completed-without-engagement"]);
    for _ in 0..70 {
        let (status, _) = json_of(
            app.control(Method::POST, "/_emulator/sdk/sessions", Some(&json!({})))
                .await,
        )
        .await;
        assert_eq!(status, 201);
    }
    let (_, listed) = json_of(
        app.control(Method::GET, "/_emulator/sdk/sessions", None)
            .await,
    )
    .await;
    let sessions = listed["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 64);
    assert_eq!(sessions.last().unwrap()["sessionId"], "s71");
    assert!(
        sessions.iter().all(|s| s["sessionId"] != page.id.as_str()),
        "the oldest went"
    );
}
