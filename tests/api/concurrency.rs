//! Many clients at once, on the same and on different apps: no lost or torn updates, no panic,
//! and the journal holds every request.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

const APPS: i32 = 8;
const WRITERS_PER_APP: usize = 16;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_never_lose_or_tear_updates() {
    let apps: Vec<String> = (1..=APPS)
        .map(|id| format!(r#"{{"name": "app{id}", "appId": {id}, "developerApiKey": "k{id}"}}"#))
        .collect();
    let app =
        std::sync::Arc::new(spawn_with(&format!(r#"{{"apps": [{}]}}"#, apps.join(","))).await);

    // Every app's connection is created exactly once, however many race to create it.
    let mut racers = Vec::new();
    for id in 1..=APPS {
        for writer in 0..WRITERS_PER_APP {
            let app = app.clone();
            racers.push(tokio::spawn(async move {
                let path = format!("/crm/v3/extensions/calling/{id}/settings/channel-connection");
                let body = json!({"url": format!("https://app{id}/w{writer}"), "isReady": false});
                app.send(
                    Method::POST,
                    &path,
                    Some(&body),
                    Auth::Key(&format!("k{id}")),
                )
                .await
                .status()
                .as_u16()
            }));
        }
    }
    let mut created = 0;
    for racer in racers {
        match racer.await.unwrap() {
            200 => created += 1,
            409 => {}
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(created, APPS as usize, "one create per app wins");

    // Concurrent PATCHes of different fields on the same record: each result is a whole record,
    // and the final state reflects a serial order (every url written is one some writer sent).
    let mut patchers = Vec::new();
    for id in 1..=APPS {
        for writer in 0..WRITERS_PER_APP {
            let app = app.clone();
            patchers.push(tokio::spawn(async move {
                let path = format!("/crm/v3/extensions/calling/{id}/settings/channel-connection");
                let body = if writer % 2 == 0 {
                    json!({"url": format!("https://app{id}/p{writer}")})
                } else {
                    json!({"isReady": true})
                };
                let (status, record) = json_of(
                    app.send(
                        Method::PATCH,
                        &path,
                        Some(&body),
                        Auth::Key(&format!("k{id}")),
                    )
                    .await,
                )
                .await;
                assert_eq!(status, 200, "{record}");
                let url = record["url"].as_str().unwrap();
                assert!(
                    url.starts_with(&format!("https://app{id}/")),
                    "record of another app: {record}"
                );
                record
            }));
        }
    }
    for patcher in patchers {
        patcher.await.unwrap();
    }
    for id in 1..=APPS {
        let path = format!("/crm/v3/extensions/calling/{id}/settings/channel-connection");
        let (_, record) = json_of(
            app.send(Method::GET, &path, None, Auth::Key(&format!("k{id}")))
                .await,
        )
        .await;
        assert_eq!(record["isReady"], true, "no isReady update was lost");
        let url = record["url"].as_str().unwrap();
        let sent: HashSet<String> = (0..WRITERS_PER_APP)
            .filter(|w| w % 2 == 0)
            .map(|w| format!("https://app{id}/p{w}"))
            .collect();
        assert!(sent.contains(url), "final url {url} is one a writer sent");
    }

    // The journal holds every request: creates + patches + reads.
    let expected = (APPS as usize * WRITERS_PER_APP * 2 + APPS as usize) as u64;
    let (_, page) = json_of(app.control(Method::GET, "/_emulator/requests", None).await).await;
    assert_eq!(page["total"], expected);
    assert_eq!(page["entries"].as_array().unwrap().len() as u64, expected);
    let ids: HashSet<&str> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["correlationId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len() as u64, expected, "correlation ids are unique");
    let (status, _) = json_of(app.control(Method::GET, "/_emulator/health", None).await).await;
    assert_eq!(status, 200);
}
