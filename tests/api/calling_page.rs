//! The calling host page's server side: the page, its files and the vendored SDK load without
//! the control token (they hold no data), under a policy that lets the page frame the app (any
//! http(s) URL) and nothing frame the page; the SDK is the npm package's file byte for byte.

use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::domain::Secret;
use hubspot_emulator::fixture::loader::load_fixtures;
use sha2::{Digest, Sha256};

use crate::helpers::*;

const FILES: [(&str, &str); 6] = [
    ("/_emulator/ui/calling", "text/html"),
    ("/_emulator/ui/calling.js", "text/javascript"),
    ("/_emulator/ui/calling.css", "text/css"),
    ("/_emulator/ui/shared.js", "text/javascript"),
    ("/_emulator/ui/style.css", "text/css"),
    (
        "/_emulator/ui/vendor/calling-extensions-sdk.js",
        "text/javascript",
    ),
];

#[tokio::test]
async fn the_page_and_the_sdk_load_without_the_token() {
    let mut config = EmulatorConfig::ephemeral(load_fixtures(&[] as &[&str]).unwrap());
    config.control_token = Some(Secret::new("calling-token-1"));
    let app = spawn_config(config).await;
    let client = reqwest::Client::new();
    for (path, kind) in FILES {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(content_type.starts_with(kind), "{path}: {content_type}");
    }
}

#[tokio::test]
async fn the_page_may_frame_the_app_and_nothing_may_frame_the_page() {
    let app = spawn_app().await;
    let page = reqwest::get(app.url("/_emulator/ui/calling"))
        .await
        .unwrap();
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "frame-src http: https:",
    ] {
        assert!(policy.contains(part), "{part} missing: {policy}");
    }
    let html = page.text().await.unwrap();
    for script in [
        "vendor/calling-extensions-sdk.js",
        "shared.js",
        "calling.js",
    ] {
        assert!(html.contains(script), "the page does not load {script}");
    }
    assert!(
        !html.contains("<script>"),
        "inline code would break the policy"
    );
    // The dashboard itself frames nothing.
    let dashboard = reqwest::get(app.url("/_emulator/ui/")).await.unwrap();
    let policy = dashboard.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(!policy.contains("frame-src"), "{policy}");
}

#[tokio::test]
async fn the_sdk_is_the_published_file() {
    let app = spawn_app().await;
    let sdk = reqwest::get(app.url("/_emulator/ui/vendor/calling-extensions-sdk.js"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&sdk)),
        "c4b51703e69579c2d2a9e6dd3dbc4748171c019eea70ecf696927e4755b9257a"
    );
    let missing = reqwest::get(app.url("/_emulator/ui/vendor/other.js"))
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
