//! Sandboxes: `POST /_emulator/sandboxes` gives a base URL under which the HubSpot API, the
//! control API and the dashboard see only that sandbox's state; listing, delete, the count limit,
//! idle expiry, and the 404 of an unknown id in each API's envelope.

use std::time::Duration;

use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::fixture::loader::load_fixtures;
use hubspot_emulator::sandbox::SandboxLimits;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{expect_error, json_of, spawn_app, spawn_config, spawn_with, TestApp, APP_ID};
use crate::receiver::{Behaviour, Receiver};

const CONNECTION: &str = "/crm/v3/extensions/calling/1234567/settings/channel-connection";

/// Creates a sandbox (with `fixture`, or the start-up one); its id and a client at its base URL.
async fn sandbox(app: &TestApp, fixture: Option<&Value>) -> (String, TestApp) {
    let (status, created) = json_of(
        app.control(Method::POST, "/_emulator/sandboxes", fixture)
            .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let base = created["baseUrl"].as_str().unwrap();
    assert_eq!(base, format!("{}/_sandbox/{id}", app.base));
    (id, app.at(base))
}

async fn connection_url(app: &TestApp) -> Option<String> {
    let (status, body) = json_of(app.call(Method::GET, CONNECTION, None).await).await;
    (status == 200).then(|| body["url"].as_str().unwrap().to_string())
}

async fn journal_len(app: &TestApp, path: &str) -> usize {
    let (status, page) = json_of(app.control(Method::GET, path, None).await).await;
    assert_eq!(status, 200, "{page}");
    page["entries"].as_array().unwrap().len()
}

#[tokio::test]
async fn sandboxes_see_only_their_own_state_api_control_and_journals() {
    let app = spawn_app().await;
    let (_, a) = sandbox(&app, None).await;
    let (_, b) = sandbox(&app, None).await;

    // Written concurrently, each through its own base URL.
    let (body_a, body_b) = (
        json!({"url": "http://127.0.0.1:9/a", "isReady": true}),
        json!({"url": "http://127.0.0.1:9/b", "isReady": false}),
    );
    let (ra, rb) = tokio::join!(
        a.call(Method::POST, CONNECTION, Some(&body_a)),
        b.call(Method::POST, CONNECTION, Some(&body_b)),
    );
    assert_eq!((ra.status().as_u16(), rb.status().as_u16()), (200, 200));
    assert_eq!(
        connection_url(&a).await.as_deref(),
        Some("http://127.0.0.1:9/a")
    );
    assert_eq!(
        connection_url(&b).await.as_deref(),
        Some("http://127.0.0.1:9/b")
    );
    assert_eq!(
        connection_url(&app).await,
        None,
        "the emulator's own state is untouched"
    );

    // The control API under each base URL: state, journals, reset.
    let (_, state_a) = json_of(a.control(Method::GET, "/_emulator/state", None).await).await;
    let url_a = &state_a["apps"][0]["channelConnection"]["url"];
    assert_eq!(url_a, "http://127.0.0.1:9/a", "{state_a}");
    assert_eq!(journal_len(&a, "/_emulator/requests").await, 2);
    assert_eq!(journal_len(&b, "/_emulator/requests").await, 2);
    assert_eq!(journal_len(&app, "/_emulator/requests").await, 1);
    let reset = b.control(Method::POST, "/_emulator/reset", None).await;
    assert_eq!(reset.status(), 200);
    assert_eq!(connection_url(&b).await, None);
    assert_eq!(
        connection_url(&a).await.as_deref(),
        Some("http://127.0.0.1:9/a")
    );

    // A fire in one sandbox: its delivery journal, not the other's.
    let receiver = Receiver::start(Behaviour::json(r#"{"phoneNumbers": []}"#)).await;
    b.register(&receiver.url, true).await;
    b.fire_demo(2_000).await;
    assert_eq!(receiver.requests().len(), 1);
    assert_eq!(journal_len(&b, "/_emulator/deliveries").await, 1);
    assert_eq!(journal_len(&a, "/_emulator/deliveries").await, 0);
    assert_eq!(journal_len(&app, "/_emulator/deliveries").await, 0);

    // PUT state replaces the sandbox's state only.
    let mut replaced = state_a.clone();
    replaced["apps"][0]["channelConnection"]["url"] = json!("http://127.0.0.1:9/a2");
    let put = a
        .control(Method::PUT, "/_emulator/state", Some(&replaced))
        .await;
    assert_eq!(put.status(), 200);
    assert_eq!(
        connection_url(&a).await.as_deref(),
        Some("http://127.0.0.1:9/a2")
    );
    assert_eq!(connection_url(&app).await, None);
}

#[tokio::test]
async fn a_fixture_body_seeds_the_sandbox_and_the_state_export_stays_a_fixture() {
    let app = spawn_app().await;
    let fixture = json!({
        "apps": [{"name": "other", "appId": 777, "developerApiKey": "other-key"}],
        "portals": [{"portalId": 5, "users": [{"userId": 1}]}]
    });
    let (id, other) = sandbox(&app, Some(&fixture)).await;
    let path = "/crm/v3/extensions/calling/777/settings?hapikey=other-key";
    let in_sandbox = other.send(Method::GET, path, None, crate::helpers::Auth::Nothing);
    assert_eq!(
        in_sandbox.await.status(),
        404,
        "no settings yet, but the app is known"
    );
    let unknown_here = app.send(Method::GET, path, None, crate::helpers::Auth::Nothing);
    expect_error(unknown_here.await, 401, "INVALID_AUTHENTICATION").await;

    // The emulator's own export holds no sandbox, and loads back as a fixture.
    let (_, state) = json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    assert!(!state.to_string().contains(&id), "{state}");
    let put = app
        .control(Method::PUT, "/_emulator/state", Some(&state))
        .await;
    assert_eq!(put.status(), 200);

    let (status, listed) =
        json_of(app.control(Method::GET, "/_emulator/sandboxes", None).await).await;
    assert_eq!(status, 200);
    assert_eq!(listed["sandboxes"][0]["id"], id.as_str(), "{listed}");
    assert_eq!(
        listed["sandboxes"][0]["baseUrl"],
        format!("{}/_sandbox/{id}", app.base)
    );
    assert_eq!(listed["limit"], 64);

    let broken = app
        .control(
            Method::POST,
            "/_emulator/sandboxes",
            Some(&json!({"apps": 3})),
        )
        .await;
    let (status, body) = json_of(broken).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("apps"), "{body}");
}

#[tokio::test]
async fn a_deleted_sandbox_is_a_404_in_each_apis_envelope_and_the_other_lives_on() {
    let app = spawn_app().await;
    let (gone_id, gone) = sandbox(&app, None).await;
    let (_, kept) = sandbox(&app, None).await;
    kept.register_connection_only("http://127.0.0.1:9/kept", true)
        .await;

    let path = format!("/_emulator/sandboxes/{gone_id}");
    let (status, deleted) = json_of(app.control(Method::DELETE, &path, None).await).await;
    assert_eq!((status, &deleted["deleted"]), (200, &json!(gone_id)));
    let (status, again) = json_of(app.control(Method::DELETE, &path, None).await).await;
    assert_eq!(status, 404, "{again}");
    assert!(again["error"]
        .as_str()
        .unwrap()
        .contains("GET /_emulator/sandboxes"));

    // Under the HubSpot API: HubSpot's envelope. Under /_emulator: the control API's.
    let body = expect_error(
        gone.call(Method::GET, CONNECTION, None).await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(&gone_id) && message.contains("POST /_emulator/sandboxes"));
    let (status, control) =
        json_of(gone.control(Method::GET, "/_emulator/state", None).await).await;
    assert_eq!(status, 404);
    assert!(
        control["error"].as_str().unwrap().contains(&gone_id),
        "{control}"
    );
    assert!(
        control.get("status").is_none(),
        "the control envelope: {control}"
    );
    let (status, _) = json_of(app.control(Method::GET, "/_sandbox/", None).await).await;
    assert_eq!(status, 404);

    assert_eq!(
        connection_url(&kept).await.as_deref(),
        Some("http://127.0.0.1:9/kept")
    );
    let (_, listed) = json_of(app.control(Method::GET, "/_emulator/sandboxes", None).await).await;
    assert_eq!(listed["sandboxes"].as_array().unwrap().len(), 1);
}

async fn spawn_limited(max: usize, idle: Duration) -> TestApp {
    let mut config = EmulatorConfig::ephemeral(load_fixtures(&[] as &[&str]).unwrap());
    config.sandboxes = SandboxLimits {
        max,
        idle_timeout: idle,
    };
    spawn_config(config).await
}

#[tokio::test]
async fn past_the_limit_creating_is_refused_with_what_to_do() {
    let app = spawn_limited(2, Duration::from_secs(60)).await;
    let (first, _) = sandbox(&app, None).await;
    sandbox(&app, None).await;
    let (status, refused) = json_of(
        app.control(Method::POST, "/_emulator/sandboxes", None)
            .await,
    )
    .await;
    assert_eq!(status, 409, "{refused}");
    let message = refused["error"].as_str().unwrap();
    assert!(message.contains("--max-sandboxes 2"), "{message}");
    assert!(
        message.contains("DELETE /_emulator/sandboxes/{id}"),
        "{message}"
    );
    let path = format!("/_emulator/sandboxes/{first}");
    assert_eq!(app.control(Method::DELETE, &path, None).await.status(), 200);
    sandbox(&app, None).await;
}

#[tokio::test]
async fn an_idle_sandbox_expires_a_used_one_stays() {
    let app = spawn_limited(8, Duration::from_millis(400)).await;
    let (idle_id, idle) = sandbox(&app, None).await;
    let (used_id, used) = sandbox(&app, None).await;
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(used.call(Method::GET, CONNECTION, None).await.status(), 404);
    }
    // The sweeper deleted the idle one without any call to it.
    let (_, listed) = json_of(app.control(Method::GET, "/_emulator/sandboxes", None).await).await;
    let ids: Vec<&str> = listed["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [used_id.as_str()], "{listed}");
    assert_eq!(listed["idleTimeoutMs"], 400);
    let body = expect_error(
        idle.call(Method::GET, CONNECTION, None).await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
    assert!(body["message"].as_str().unwrap().contains(&idle_id));
}

#[tokio::test]
async fn sandboxes_are_the_processes_not_a_sandboxs_and_the_dashboard_stays_inside() {
    let app = spawn_app().await;
    let (id, inside) = sandbox(&app, None).await;
    let (status, nested) = json_of(
        inside
            .control(Method::POST, "/_emulator/sandboxes", None)
            .await,
    )
    .await;
    assert_eq!(status, 404, "{nested}");
    assert!(nested["error"]
        .as_str()
        .unwrap()
        .contains("not a sandbox's"));

    // The root redirect and the dashboard under the sandbox's base URL.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let root = no_redirects
        .get(format!("{}/", inside.base))
        .send()
        .await
        .unwrap();
    assert_eq!(root.status(), 302);
    let location = root.headers()["location"].to_str().unwrap();
    assert_eq!(location, format!("/_sandbox/{id}/_emulator/ui/"));
    let page = app
        .http
        .get(format!("{}{location}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("app.js"));

    // Health under a sandbox tells of the sandbox: its own journal budget.
    let (_, health) = json_of(inside.control(Method::GET, "/_emulator/health", None).await).await;
    assert_eq!(health["journalBudgetBytes"], 4 * 1024 * 1024, "{health}");
    assert_eq!(health["apps"], 1);
    // The demo app's calls in a sandbox are journaled there with the sandbox-relative path.
    inside.call(Method::GET, CONNECTION, None).await;
    let (_, journal) = json_of(
        inside
            .control(Method::GET, "/_emulator/requests", None)
            .await,
    )
    .await;
    let last = journal["entries"].as_array().unwrap().last().unwrap();
    let journaled = last["path"].as_str().unwrap();
    assert!(journaled.starts_with(CONNECTION), "{journaled}");
    assert_eq!(last["appId"], APP_ID);
}

#[tokio::test]
async fn the_control_token_guards_a_sandboxs_control_api_but_not_its_hubspot_api() {
    let mut config = EmulatorConfig::ephemeral(load_fixtures(&[] as &[&str]).unwrap());
    config.control_token = Some(hubspot_emulator::domain::Secret::new("s3cret"));
    let app = spawn_config(config).await;
    let create = |token: Option<&str>| {
        let mut request = app
            .http
            .post(app.url("/_emulator/sandboxes"))
            .header("content-type", "application/json");
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    assert_eq!(create(None).await.unwrap().status(), 401);
    let (status, created) = json_of(create(Some("s3cret")).await.unwrap()).await;
    assert_eq!(status, 201);
    let inside = app.at(created["baseUrl"].as_str().unwrap());
    assert_eq!(
        inside
            .control(Method::GET, "/_emulator/state", None)
            .await
            .status(),
        401
    );
    assert_eq!(
        inside.call(Method::GET, CONNECTION, None).await.status(),
        404
    );
}

#[tokio::test]
async fn the_calling_widgets_sessions_are_per_sandbox_and_their_events_stay_inside() {
    let app = spawn_with(crate::sdk_page::FIXTURE).await;
    let (id, inside) = sandbox(&app, None).await;
    let (status, session) = json_of(
        inside
            .control(Method::POST, "/_emulator/sdk/sessions", Some(&json!({})))
            .await,
    )
    .await;
    assert_eq!(status, 201, "{session}");
    let events = session["events"].as_str().unwrap();
    assert!(
        events.starts_with(&format!("/_sandbox/{id}/_emulator/sdk/sessions/")),
        "{events}"
    );
    let stream = app
        .http
        .get(format!("{}{events}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    assert!(stream.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    drop(stream);
    let listed = |target: &TestApp| {
        let target = target.at(&target.base);
        async move {
            let (_, body) = json_of(
                target
                    .control(Method::GET, "/_emulator/sdk/sessions", None)
                    .await,
            )
            .await;
            body["sessions"].as_array().unwrap().len()
        }
    };
    assert_eq!(listed(&inside).await, 1);
    assert_eq!(listed(&app).await, 0, "the emulator's own sessions");
    let path = format!("/_emulator/sandboxes/{id}");
    assert_eq!(app.control(Method::DELETE, &path, None).await.status(), 200);
}
