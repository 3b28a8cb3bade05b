//! Every code of the widget's protocol judge, each provoked by a bad sequence through the real
//! interface (the page played over TCP), with its severity, its pointer and a message that says
//! how to fix it; the good sequences (`sdk_sequences`) have none of them.

use std::time::Duration;

use hubspot_emulator::sdk::SdkLimits;
use serde_json::{json, Value};

use crate::sdk_page::{codes, replies, spawn_widget, spawn_widget_with, Page};
use crate::sdk_sequences::wait_closed;

/// `answer` (a report's answer or a listed session) has a finding `code` whose message says
/// `says`, with this severity and pointer.
fn check(answer: &Value, code: &str, severity: &str, pointer: &str, says: &str) {
    let found = answer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code && f["message"].as_str().unwrap().contains(says))
        .unwrap_or_else(|| panic!("no {code} saying {says:?} in {answer:#}"));
    assert_eq!(found["severity"], severity, "{found}");
    assert_eq!(found["pointer"], pointer, "{found}");
}

#[tokio::test]
async fn message_shape_codes() {
    let app = spawn_widget().await;
    let page = Page::open(&app, json!({})).await;
    let early = page.app_sends("LOGGED_IN", Value::Null).await;
    check(&early, "message-before-handshake", "error", "", "onReady");
    assert!(
        early["actions"].as_array().unwrap().is_empty(),
        "the message is lost"
    );
    page.ready(true, true).await;

    let typo = page.app_sends("CALL_COMPLETE", json!({})).await;
    check(
        &typo,
        "unknown-message-type",
        "error",
        "/type",
        "did you mean CALL_COMPLETED",
    );
    let missing = page
        .app_sends(
            "INCOMING_CALL",
            json!({"externalCallId": "x", "toNumber": "+1"}),
        )
        .await;
    check(
        &missing,
        "field-missing",
        "error",
        "/data/fromNumber",
        "incomingCall",
    );
    let mistyped = page
        .app_sends(
            "NAVIGATE_TO_RECORD",
            json!({"objectCoordinates": {"portalId": 62515, "objectId": "500x", "objectTypeId": "0-1"}}),
        )
        .await;
    check(
        &mistyped,
        "field-mistyped",
        "error",
        "/data/objectCoordinates/objectId",
        "a whole number",
    );
    assert_eq!(replies(&mistyped), ["NAVIGATE_TO_RECORD_FAILED"]);
    let error = page
        .app_sends("ERROR", json!({"message": "SIP registration failed"}))
        .await;
    check(
        &error,
        "app-error",
        "warning",
        "/data/message",
        "SIP registration failed",
    );
    assert_eq!(
        error["actions"],
        json!([{"kind": "notice", "message": "SIP registration failed"}])
    );
}

#[tokio::test]
async fn call_codes() {
    let app = spawn_widget().await;
    let page = Page::open(&app, json!({})).await;
    page.ready(false, false).await;

    let logged_out = page
        .app_sends(
            "OUTGOING_CALL_STARTED",
            json!({"externalCallId": "a", "toNumber": "+16175550100"}),
        )
        .await;
    check(
        &logged_out,
        "outgoing-call-while-logged-out",
        "warning",
        "",
        "cti.userLoggedIn()",
    );
    assert!(
        replies(&logged_out).is_empty(),
        "no createEngagement, no engagement"
    );
    let completed = page
        .app_sends("CALL_COMPLETED", json!({"externalCallId": "a"}))
        .await;
    check(
        &completed,
        "call-completed-without-engagement",
        "error",
        "/data/engagementId",
        "createEngagement: true",
    );
    assert_eq!(replies(&completed), ["UPDATE_ENGAGEMENT_FAILED"]);
    assert!(completed["replies"][0]["data"]["error"]["message"].is_string());

    let unavailable = page
        .app_sends("INCOMING_CALL", json!({"externalCallId": "b", "fromNumber": "+16175550100", "toNumber": "+1888", "createEngagement": true}))
        .await;
    check(
        &unavailable,
        "incoming-call-while-unavailable",
        "warning",
        "",
        "cti.userAvailable()",
    );
    let engagement = unavailable["replies"][1]["data"]["engagementId"]
        .as_u64()
        .unwrap();

    let unknown = page
        .app_sends("CALL_ANSWERED", json!({"externalCallId": "nope"}))
        .await;
    check(
        &unknown,
        "unknown-call",
        "warning",
        "/data/externalCallId",
        "never started",
    );
    let ended = page
        .app_sends("CALL_ENDED", json!({"externalCallId": "b"}))
        .await;
    check(
        &ended,
        "call-ended-without-engagement-id",
        "warning",
        "/data/engagementId",
        "OnCallEnded",
    );
    assert_eq!(codes(&ended), ["call-ended-without-engagement-id"]);

    // Another engagement HubSpot has: the app names the wrong one.
    let other = page
        .app_sends(
            "OUTGOING_CALL_STARTED",
            json!({"externalCallId": "c", "createEngagement": true}),
        )
        .await;
    let other_engagement = other["replies"][0]["data"]["engagementId"]
        .as_u64()
        .unwrap();
    assert_ne!(other_engagement, engagement);
    let listed = page.listed().await;
    check(&listed, "call-never-completed", "error", "", "\"b\"");
    let mismatch = page
        .app_sends(
            "CALL_COMPLETED",
            json!({"externalCallId": "b", "engagementId": other_engagement}),
        )
        .await;
    check(
        &mismatch,
        "engagement-id-mismatch",
        "error",
        "/data/engagementId",
        &format!("engagement {engagement}"),
    );

    // The engagement's properties are judged like any call an app writes, and refused ones fail.
    let judged = page
        .app_sends(
            "CALL_COMPLETED",
            json!({"externalCallId": "c", "engagementId": other_engagement,
                   "engagementProperties": {"hs_call_recording_url": "http://rec.example/1.mp3", "hs_call_duration": "95", "hs_call_status": "COMPLETED"}}),
        )
        .await;
    check(
        &judged,
        "recording-url-not-https",
        "warning",
        "/data/engagementProperties/hs_call_recording_url",
        "HTTPS",
    );
    check(
        &judged,
        "duration-looks-like-seconds",
        "warning",
        "/data/engagementProperties/hs_call_duration",
        "milliseconds",
    );
    assert_eq!(replies(&judged), ["UPDATE_ENGAGEMENT_SUCCEEDED"]);
    let refused = page
        .app_sends(
            "CALL_COMPLETED",
            json!({"externalCallId": "c", "engagementId": other_engagement, "engagementProperties": {"hs_call_titel": "typo"}}),
        )
        .await;
    check(
        &refused,
        "field-mistyped",
        "error",
        "/data/engagementProperties/hs_call_titel",
        "hs_call_titel",
    );
    assert_eq!(replies(&refused), ["UPDATE_ENGAGEMENT_FAILED"]);

    let published = page
        .app_sends(
            "PUBLISH_TO_CHANNEL",
            json!({"externalCallId": "c", "engagementId": other_engagement}),
        )
        .await;
    check(
        &published,
        "publish-to-channel-deprecated",
        "info",
        "/type",
        "finalizeEngagement",
    );
    assert_eq!(replies(&published), ["PUBLISH_TO_CHANNEL_SUCCEEDED"]);
}

#[tokio::test]
async fn a_page_closed_with_a_call_on_leaves_it_never_completed() {
    let app = spawn_widget().await;
    let mut page = Page::open(&app, json!({})).await;
    page.ready(true, true).await;
    page.app_sends(
        "OUTGOING_CALL_STARTED",
        json!({"externalCallId": "left", "createEngagement": true}),
    )
    .await;
    page.app_sends("CALL_ANSWERED", json!({"externalCallId": "left"}))
        .await;
    page.close();
    let listed = wait_closed(&page).await;
    check(&listed, "call-never-completed", "error", "", "page closed");
    assert_eq!(listed["calls"][0]["state"], "answered");
}

/// A call HubSpot saw answered and ended: the duration the app logs is checked against that time.
async fn completed_after(page: &Page, id: &str, talk: Duration, logged_ms: &str) -> Value {
    let started = page
        .app_sends(
            "OUTGOING_CALL_STARTED",
            json!({"externalCallId": id, "createEngagement": true}),
        )
        .await;
    let engagement = started["replies"][0]["data"]["engagementId"].clone();
    page.app_sends("CALL_ANSWERED", json!({"externalCallId": id}))
        .await;
    tokio::time::sleep(talk).await;
    page.app_sends(
        "CALL_ENDED",
        json!({"externalCallId": id, "engagementId": engagement, "callEndStatus": "COMPLETED"}),
    )
    .await;
    page.app_sends(
        "CALL_COMPLETED",
        json!({"externalCallId": id, "engagementId": engagement,
               "engagementProperties": {"hs_call_duration": logged_ms, "hs_call_status": "COMPLETED"}}),
    )
    .await
}

#[tokio::test]
async fn a_short_call_is_not_taken_for_seconds_but_seconds_for_a_long_one_are() {
    let app = spawn_widget().await;
    let page = Page::open(&app, json!({})).await;
    page.ready(true, true).await;
    // Hung up at once (as a test does): a few milliseconds, logged as such, is no mistake.
    let short = completed_after(&page, "short", Duration::ZERO, "3").await;
    assert_eq!(codes(&short), Vec::<&str>::new(), "{short:#}");
    assert_eq!(replies(&short), ["UPDATE_ENGAGEMENT_SUCCEEDED"]);
    // 1.2 s of talk logged as "1": seconds, where HubSpot reads milliseconds.
    let long = completed_after(&page, "long", Duration::from_millis(1200), "1").await;
    check(
        &long,
        "duration-looks-like-seconds",
        "warning",
        "/data/engagementProperties/hs_call_duration",
        "send 1000",
    );
}

#[tokio::test]
async fn handshake_and_initialization_limits() {
    let app = spawn_widget_with(SdkLimits {
        initialize_within: Duration::from_millis(150),
        sync_ack_within: Duration::from_millis(150),
        keep_alive: Duration::from_millis(100),
    })
    .await;
    assert_eq!(
        Page::open(&app, json!({})).await.session["limits"],
        json!({"initializeWithinMs": 150, "syncAckWithinMs": 150})
    );
    // The SDK's IFrameManager gave up (the page reports it).
    let gave_up = Page::open(&app, json!({})).await;
    let (status, failed) = gave_up
        .post(json!({"direction": "host", "type": "SYNC_ACK_FAILED"}))
        .await;
    assert_eq!(status, 200);
    check(
        &failed,
        "handshake-failed",
        "error",
        "",
        "CallingExtensions",
    );
    assert!(failed["entryId"].is_u64(), "a finding needs an entry");

    // Nobody answers the page's SYNC.
    let silent = Page::open(&app, json!({})).await;
    let (_, loaded) = silent
        .post(json!({"direction": "host", "type": "WIDGET_LOADED"}))
        .await;
    assert_eq!(
        loaded["entryId"],
        Value::Null,
        "page events alone are not journaled"
    );
    tokio::time::sleep(Duration::from_millis(250)).await;
    check(
        &silent.listed().await,
        "handshake-failed",
        "error",
        "",
        "150 ms",
    );

    // The app answers but never initializes.
    let lazy = Page::open(&app, json!({})).await;
    lazy.handshake().await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    let listed = lazy.listed().await;
    assert_eq!(listed["phase"], "ready");
    check(&listed, "not-initialized", "error", "", "cti.initialized(");
    assert_eq!(codes(&listed), ["not-initialized"], "judged once");

    // An app that initializes in time has neither.
    let quick = Page::open(&app, json!({})).await;
    quick.ready(true, false).await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    let listed = quick.listed().await;
    assert_eq!(
        (
            listed["phase"].as_str(),
            listed["findings"].as_array().unwrap().len()
        ),
        (Some("initialized"), 0)
    );
    // The keep-alive comment comes while idle.
    let mut idle = Page::open(&app, json!({})).await;
    assert_eq!(idle.next_frame().await, ": keep-alive");
}
