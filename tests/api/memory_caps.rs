//! Bounded whatever an app sends: a verdict keeps the first 20 findings of each code and the
//! first 100 picker rows, with the true counts; the journals share one byte budget; listings
//! come in pages that follow a cursor.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_config, TestApp, APP_ID};
use crate::receiver::{Behaviour, Receiver};
use hubspot_emulator::app::EmulatorConfig;
use hubspot_emulator::fixture::load_fixtures;

/// A reply of `n` entries, each breaking three rules (not E.164, a name over 24 characters, an
/// unknown field), and all of them the same number (duplicates).
fn hostile_reply(n: usize) -> Vec<u8> {
    let entry = r#"{"e164PhoneNumber":"555-0100","friendlyName":"A name much longer than twenty-four","x":1}"#;
    format!(r#"{{"phoneNumbers":[{}]}}"#, vec![entry; n].join(",")).into_bytes()
}

async fn emulator(journal_bytes: Option<usize>) -> TestApp {
    let mut config = EmulatorConfig::ephemeral(load_fixtures(&[] as &[&str]).unwrap());
    if let Some(bytes) = journal_bytes {
        config.journal_bytes = bytes;
    }
    spawn_config(config).await
}

async fn fire(app: &TestApp) -> Value {
    app.fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 101}))
        .await
}

#[tokio::test]
async fn a_verdict_is_capped_per_code_with_the_counts_of_the_rest() {
    let app = emulator(None).await;
    let receiver = Receiver::start(Behaviour::json(
        std::str::from_utf8(&hostile_reply(11_110)).unwrap(),
    ))
    .await;
    app.register(&receiver.url, true).await;
    let verdict = fire(&app).await;
    assert_eq!(verdict["outcome"], "fail");
    let findings = verdict["findings"].as_array().unwrap();
    for code in [
        "e164-syntax",
        "friendly-name-truncated",
        "unknown-field",
        "duplicate-number",
    ] {
        let kept = findings.iter().filter(|f| f["code"] == code).count();
        let omitted = verdict["omittedFindings"][code].as_u64().unwrap_or(0) as usize;
        assert_eq!(kept, 20, "{code}");
        let expected = if code == "duplicate-number" {
            11_109
        } else {
            11_110
        };
        assert_eq!(kept + omitted, expected, "{code}: every one counted");
    }
    assert_eq!(verdict["picker"].as_array().unwrap().len(), 100);
    assert_eq!(verdict["pickerTotal"], 11_110);
    assert_eq!(verdict["pickerSelectable"], 0);
    let size = serde_json::to_vec(&verdict).unwrap().len();
    assert!(size < 200 * 1024, "the verdict is {size} bytes");
}

#[tokio::test]
async fn the_journals_stay_within_their_byte_budget() {
    const BUDGET: usize = 2 * 1024 * 1024;
    let app = emulator(Some(BUDGET)).await;
    // ~1 MiB replies (under the body cap): each verdict keeps 64 KiB of body and capped findings.
    let receiver = Receiver::start(Behaviour::json(
        std::str::from_utf8(&hostile_reply(11_000)).unwrap(),
    ))
    .await;
    app.register(&receiver.url, true).await;
    let mut last = 0;
    for _ in 0..40 {
        last = fire(&app).await["id"].as_u64().unwrap();
    }
    let (_, health) = json_of(app.control(Method::GET, "/_emulator/health", None).await).await;
    let used = health["journalBytes"].as_u64().unwrap() as usize;
    assert_eq!(health["journalBudgetBytes"], BUDGET);
    // The newest entry of each journal is always kept, so one entry may pass the line.
    assert!(used <= BUDGET + 256 * 1024, "{used} bytes in use");
    let (_, page) = json_of(
        app.control(Method::GET, "/_emulator/deliveries", None)
            .await,
    )
    .await;
    let kept = page["entries"].as_array().unwrap();
    assert_eq!(page["total"], 40);
    assert!(kept.len() < 40 && !kept.is_empty(), "{} kept", kept.len());
    assert_eq!(kept.last().unwrap()["id"], last, "the newest is kept");
    // What was kept can still be read and replayed.
    let (status, _) = json_of(
        app.control(Method::GET, &format!("/_emulator/deliveries/{last}"), None)
            .await,
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn listings_page_with_a_cursor() {
    let app = emulator(None).await;
    let receiver = Receiver::start(Behaviour::json(
        r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Support"}]}"#,
    ))
    .await;
    app.register(&receiver.url, true).await;
    for _ in 0..5 {
        fire(&app).await;
    }
    let page = |query: &'static str| {
        let app = &app;
        async move {
            let (status, body) = json_of(
                app.control(Method::GET, &format!("/_emulator/deliveries{query}"), None)
                    .await,
            )
            .await;
            assert_eq!(status, 200, "{body}");
            let ids: Vec<u64> = body["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["id"].as_u64().unwrap())
                .collect();
            (ids, body["next"].clone(), body)
        }
    };
    let (ids, next, body) = page("?after=0&limit=2").await;
    assert_eq!((ids, next), (vec![1, 2], json!(2)));
    assert_eq!(
        (
            body["total"].clone(),
            body["capacity"].clone(),
            body["kept"].clone()
        ),
        (json!(5), json!(1000), json!(5))
    );
    assert_eq!(page("?after=2&limit=2").await.0, vec![3, 4]);
    let (ids, next, _) = page("?after=4&limit=2").await;
    assert_eq!((ids, next), (vec![5], Value::Null));
    let (ids, next, _) = page("?limit=2").await;
    assert_eq!(
        (ids, next),
        (vec![4, 5], Value::Null),
        "without after: the newest"
    );
    assert_eq!(page("").await.0, vec![1, 2, 3, 4, 5]);

    // The request journal and the probe journal page the same way.
    let connection = format!("/crm/v3/extensions/calling/{APP_ID}/settings/channel-connection");
    app.call(Method::GET, &connection, None).await;
    let (_, requests) = json_of(
        app.control(Method::GET, "/_emulator/requests?after=0&limit=1", None)
            .await,
    )
    .await;
    assert_eq!(requests["entries"].as_array().unwrap().len(), 1);
    assert_eq!(requests["next"], requests["entries"][0]["sequence"]);
    for _ in 0..2 {
        let probe = json!({"appId": APP_ID, "burst": 0});
        let (status, _) = json_of(
            app.control(Method::POST, "/_emulator/probe", Some(&probe))
                .await,
        )
        .await;
        assert_eq!(status, 200);
    }
    let (_, probes) = json_of(
        app.control(Method::GET, "/_emulator/probes?after=1", None)
            .await,
    )
    .await;
    let ids: Vec<&Value> = probes["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["id"])
        .collect();
    assert_eq!(ids, [&json!(2)]);
    assert_eq!(probes["next"], Value::Null);
}
