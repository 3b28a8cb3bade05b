//! What the app receives: the exact body, HubSpot's headers, v1/v2 + v3 signatures checked
//! against the signer, replays re-signed, and a journal without secrets.

use hubspot_emulator::domain::Secret;
use hubspot_emulator::webhook::signer::{sign_v1, sign_v2, sign_v3};
use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver};

const OK: &str = r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Office"}]}"#;
const BODY: &str = r#"{"appId":1234567,"portalId":62515,"userId":101}"#;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[tokio::test]
async fn deliveries_are_signed_and_shaped_like_hubspots() {
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::json(OK)).await;
    app.register(&receiver.url, true).await;
    let before = now_ms();
    let verdict = app.fire_demo(5000).await;
    assert_eq!(verdict["outcome"], "pass", "{verdict:#}");

    let requests = receiver.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/hubspot/phone-numbers");
    assert_eq!(String::from_utf8(request.body.clone()).unwrap(), BODY);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("*/*"));
    assert_eq!(
        request.header("user-agent"),
        Some("HubSpot Connect 2.0 (http://dev.hubspot.com/)")
    );
    assert_eq!(request.header("x-hubspot-timeout-millis"), Some("5000"));
    assert_eq!(request.header("x-hubspot-signature-version"), Some("v1"));

    let secret = Secret::new("demo-client-secret");
    assert_eq!(
        request.header("x-hubspot-signature").unwrap(),
        sign_v1(&secret, BODY.as_bytes())
    );
    let timestamp = request.header("x-hubspot-request-timestamp").unwrap();
    let millis: i64 = timestamp
        .parse()
        .expect("milliseconds as an integer string");
    assert!(millis >= before && millis <= now_ms(), "{millis}");
    assert_eq!(
        request.header("x-hubspot-signature-v3").unwrap(),
        sign_v3(&secret, "POST", &receiver.url, BODY.as_bytes(), timestamp)
    );

    // The verdict shows the same request that arrived.
    let sent: Vec<(String, String)> =
        serde_json::from_value(verdict["delivery"]["request"]["headers"].clone()).unwrap();
    assert!(sent.contains(&(
        "X-HubSpot-Signature-v3".into(),
        request.header("x-hubspot-signature-v3").unwrap().into()
    )));
    assert_eq!(verdict["delivery"]["request"]["body"], BODY);
    assert_eq!(verdict["delivery"]["response"]["status"], 200);
    assert_eq!(verdict["picker"][0]["displayedName"], "Office");
}

#[tokio::test]
async fn a_v2_app_gets_v2_and_the_uri_is_signed_exactly_as_registered() {
    let receiver = Receiver::start(Behaviour::json(OK)).await;
    let url = format!("{}?tenant=a%2Fb&x=1", receiver.url);
    let app = spawn_with(&format!(
        r#"{{"apps": [{{"name": "v2", "appId": 7, "developerApiKey": "k", "clientSecret": "s3cret", "signatureVersion": "v2",
              "channelConnection": {{"url": "{url}", "isReady": true}}}}],
            "portals": [{{"portalId": 1, "users": [{{"userId": 2}}]}}]}}"#
    ))
    .await;
    let verdict = app
        .fire(json!({"appId": 7, "portalId": 1, "userId": 2}))
        .await;
    assert_eq!(verdict["outcome"], "pass", "{verdict:#}");
    let request = &receiver.requests()[0];
    assert_eq!(request.target, "/hubspot/phone-numbers?tenant=a%2Fb&x=1");
    let body = r#"{"appId":7,"portalId":1,"userId":2}"#;
    let secret = Secret::new("s3cret");
    assert_eq!(request.header("x-hubspot-signature-version"), Some("v2"));
    assert_eq!(
        request.header("x-hubspot-signature").unwrap(),
        sign_v2(&secret, "POST", &url, body.as_bytes())
    );
    let timestamp = request.header("x-hubspot-request-timestamp").unwrap();
    assert_eq!(
        request.header("x-hubspot-signature-v3").unwrap(),
        sign_v3(&secret, "POST", &url, body.as_bytes(), timestamp)
    );
}

#[tokio::test]
async fn a_replay_is_re_signed_with_a_fresh_timestamp() {
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::json(OK)).await;
    app.register(&receiver.url, true).await;
    let first = app.fire_demo(5000).await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let id = first["id"].as_u64().unwrap();
    let (status, replay) = json_of(
        app.control(
            Method::POST,
            &format!("/_emulator/deliveries/{id}/replay"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{replay}");
    assert_eq!(replay["replayOf"], id);
    assert_ne!(replay["id"], first["id"]);
    assert_eq!(replay["outcome"], "pass");

    let requests = receiver.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    let (t1, t2) = (
        requests[0].header("x-hubspot-request-timestamp").unwrap(),
        requests[1].header("x-hubspot-request-timestamp").unwrap(),
    );
    assert!(t2.parse::<i64>().unwrap() > t1.parse::<i64>().unwrap());
    let secret = Secret::new("demo-client-secret");
    assert_eq!(
        requests[1].header("x-hubspot-signature-v3").unwrap(),
        sign_v3(&secret, "POST", &receiver.url, &requests[1].body, t2)
    );

    let (status, _) = json_of(
        app.control(Method::POST, "/_emulator/deliveries/999/replay", None)
            .await,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_delivery_journal_keeps_verdicts_without_secrets() {
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::json(OK)).await;
    app.register(&receiver.url, false).await;
    app.fire_demo(5000).await;
    app.fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 102}))
        .await; // greyed out
    let response = app
        .control(Method::GET, "/_emulator/deliveries", None)
        .await;
    let text = response.text().await.unwrap();
    for secret in ["demo-client-secret", API_KEY, TOKEN] {
        assert!(!text.contains(secret), "{secret} leaked into the journal");
    }
    let page: serde_json::Value = serde_json::from_str(&text).unwrap();
    let outcomes: Vec<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["pass", "greyed-out"]);
    let (status, one) = json_of(
        app.control(Method::GET, "/_emulator/deliveries/1", None)
            .await,
    )
    .await;
    assert_eq!((status, one["outcome"].as_str()), (200, Some("pass")));
    let (status, _) = json_of(
        app.control(Method::POST, "/_emulator/deliveries/2/replay", None)
            .await,
    )
    .await;
    assert_eq!(status, 409, "a greyed-out fire sent nothing to replay");
}

#[tokio::test]
async fn firing_needs_a_declared_app_with_a_secret() {
    let app = spawn_with(r#"{"apps": [{"name": "nosecret", "appId": 3, "developerApiKey": "k", "channelConnection": {"url": "http://127.0.0.1:9/x", "isReady": true}}]}"#).await;
    let (status, body) = json_of(
        app.control(
            Method::POST,
            "/_emulator/fire",
            Some(&json!({"appId": 3, "portalId": 1, "userId": 1})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["error"].as_str().unwrap().contains("clientSecret"),
        "{body}"
    );
    let (status, _) = json_of(
        app.control(
            Method::POST,
            "/_emulator/fire",
            Some(&json!({"appId": 4, "portalId": 1, "userId": 1})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = json_of(
        app.control(Method::POST, "/_emulator/fire", Some(&json!({"appId": 3})))
            .await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
}
