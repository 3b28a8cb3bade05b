//! A correct app is never blamed for the emulator's connection handling: a receiver that closes
//! its connection after every reply without saying `Connection: close` (many small servers do)
//! gets thousands of deliveries at concurrency 8 with no failure, and each delivery arrives
//! exactly once (a delivery is never re-sent).

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{json_of, spawn_app, APP_ID};
use crate::receiver::{Behaviour, Receiver};

const REPLY: &[u8] =
    br#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Support"}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_receiver_that_closes_after_each_reply_gets_no_false_failures() {
    const WORKERS: usize = 8;
    const EACH: usize = 375; // 3,000 deliveries in all
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::CloseWithoutSaying(REPLY.to_vec())).await;
    app.register(&receiver.url, true).await;

    let workers = (0..WORKERS).map(|_| async {
        let mut failures = Vec::new();
        for _ in 0..EACH {
            let fire = json!({"appId": APP_ID, "portalId": 62515, "userId": 101});
            let (status, verdict) = json_of(
                app.control(Method::POST, "/_emulator/fire", Some(&fire))
                    .await,
            )
            .await;
            assert_eq!(status, 200, "{verdict}");
            if verdict["outcome"] != "pass" {
                failures.push(verdict["findings"].to_string());
            }
        }
        failures
    });
    let failures: Vec<String> = join_all(workers).await.into_iter().flatten().collect();
    assert_eq!(
        failures.len(),
        0,
        "false failures, the first: {:?}",
        failures.first()
    );
    assert_eq!(
        receiver.requests().len(),
        WORKERS * EACH,
        "each delivery arrives exactly once"
    );
    let sent = &receiver.requests()[0];
    assert_eq!(
        sent.header("connection"),
        Some("close"),
        "{:?}",
        sent.headers
    );
}
