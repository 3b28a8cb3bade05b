//! The dashboard's server side: the root URL leads to it, its files are served with a strict
//! content policy (and without the control token: they hold no data), and the help-desk view's
//! endpoint offers each app to a user exactly as the gate decides when firing.

use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::domain::Secret;
use hubspot_emulator::fixture::loader::load_fixtures;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

/// `GET /_emulator/portals/62515/users/{user}/apps` → the demo app's entry.
async fn offered(app: &TestApp, user: u64) -> Value {
    let (status, body) = json_of(
        app.control(
            Method::GET,
            &format!("/_emulator/portals/62515/users/{user}/apps"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["apps"].as_array().map(Vec::len), Some(1), "{body}");
    body["apps"][0].clone()
}

fn reason_codes(entry: &Value) -> Vec<&str> {
    entry["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect()
}

/// The raw answer to a HEAD request, to see that nothing follows the headers.
async fn head(app: &TestApp, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("HEAD {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8(answer).unwrap()
}

#[tokio::test]
async fn head_requests_get_what_get_gets_without_a_body() {
    let app = spawn_app().await;
    for path in ["/", "/_emulator/ui"] {
        let answer = head(&app, path).await;
        assert!(answer.starts_with("HTTP/1.1 302"), "{path}: {answer}");
        assert!(
            answer
                .to_ascii_lowercase()
                .contains("\r\nlocation: /_emulator/ui/\r\n"),
            "{path}: {answer}"
        );
        assert!(
            answer.ends_with("\r\n\r\n"),
            "{path}: a body follows: {answer}"
        );
    }
    // Following the redirect with HEAD (`curl -IL`) reaches the page, still without a body.
    for path in ["/_emulator/ui/", "/_emulator/ui/app.js"] {
        let answer = head(&app, path).await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
        assert!(
            answer.ends_with("\r\n\r\n"),
            "{path}: a body follows: {answer}"
        );
    }
}

#[tokio::test]
async fn the_root_leads_to_the_dashboard_and_its_files_are_served_strictly() {
    let app = spawn_app().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in ["/", "/_emulator/ui"] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 302, "{path}");
        assert_eq!(response.headers()["location"], "/_emulator/ui/");
    }
    let page = client.get(app.url("/_emulator/ui/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    // A recording plays from the app's own URL (loopback or https), never through the emulator.
    assert!(
        policy.contains("media-src 'self' http://127.0.0.1:* http://localhost:* https:;"),
        "{policy}"
    );
    assert!(page.text().await.unwrap().contains("app.js"));
    for (file, kind) in [("app.js", "text/javascript"), ("style.css", "text/css")] {
        let response = client
            .get(app.url(&format!("/_emulator/ui/{file}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{file}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind),
            "{file}"
        );
    }
    let missing = client
        .get(app.url("/_emulator/ui/nope.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_dashboard_loads_without_the_token_but_its_data_needs_it() {
    let mut config = EmulatorConfig::ephemeral(load_fixtures(&[] as &[&str]).unwrap());
    config.control_token = Some(Secret::new("ui-token-1"));
    let app = spawn_config(config).await;
    let client = reqwest::Client::new();
    for path in [
        "/_emulator/ui/",
        "/_emulator/ui/app.js",
        "/_emulator/ui/style.css",
    ] {
        assert_eq!(
            client.get(app.url(path)).send().await.unwrap().status(),
            200,
            "{path}"
        );
    }
    let data = app.url("/_emulator/portals/62515/users/101/apps");
    assert_eq!(client.get(&data).send().await.unwrap().status(), 401);
    let with_token = client.get(&data).header("X-Emulator-Token", "ui-token-1");
    assert_eq!(with_token.send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_help_desk_offers_each_app_as_the_gate_decides() {
    let app = spawn_app().await;
    // No channel connection: not offered to anyone.
    let entry = offered(&app, 101).await;
    assert_eq!(entry["state"], "not-offered");
    assert_eq!(reason_codes(&entry), ["not-registered"]);
    assert_eq!(entry["name"], "demo");

    // isReady false: selectable only for the flagged user, greyed out for the others.
    app.register("http://127.0.0.1:9/hubspot/phone-numbers", false)
        .await;
    let flagged = offered(&app, 101).await;
    assert_eq!(flagged["state"], "selectable");
    assert_eq!(flagged["isReady"], false);
    assert_eq!(reason_codes(&flagged), ["not-ready-flag-on"]);
    let unflagged = offered(&app, 102).await;
    assert_eq!(unflagged["state"], "greyed-out");
    assert_eq!(reason_codes(&unflagged), ["greyed-out"]);
    let undeclared = offered(&app, 999).await;
    assert_eq!(undeclared["state"], "greyed-out");
    assert_eq!(
        reason_codes(&undeclared),
        ["user-not-declared", "greyed-out"]
    );

    // The toggle the dashboard uses changes the offer, and firing agrees with it.
    let flag = json!({"supportsChannelConnection": true});
    let set = app
        .control(
            Method::PUT,
            "/_emulator/portals/62515/users/102",
            Some(&flag),
        )
        .await;
    assert_eq!(set.status(), 200);
    assert_eq!(offered(&app, 102).await["state"], "selectable");
    let unflag = json!({"supportsChannelConnection": false});
    app.control(
        Method::PUT,
        "/_emulator/portals/62515/users/102",
        Some(&unflag),
    )
    .await;
    let verdict = app
        .fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 102}))
        .await;
    assert_eq!(verdict["outcome"], "greyed-out");

    // isReady true: selectable for everyone.
    app.register("http://127.0.0.1:9/hubspot/phone-numbers", true)
        .await;
    let ready = offered(&app, 102).await;
    assert_eq!(ready["state"], "selectable");
    assert_eq!(ready["reasons"], json!([]));
}
