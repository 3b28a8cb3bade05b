//! The calling widget's two sequences through the real interface, the page played over TCP: an
//! outbound call from HubSpot's dial to FINALIZE_ENGAGEMENT, its engagement read back through the
//! CRM's calls API; an inbound call matched to the seeded contact from a number written another
//! way, moved to the contact's record, resumed by the session hosted there. Neither has an error
//! finding, and HubSpot's demo-minimal-js's own quirks (CALL_ENDED without data) are no errors.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{json_of, Auth, TestApp};
use crate::sdk_page::{actions, codes, command, errors, replies, spawn_widget, Page};

async fn call_engagement(app: &TestApp, id: &Value) -> Value {
    let path = format!(
        "/crm/v3/objects/calls/{id}?properties=hs_call_status,hs_call_direction,hs_call_title,hs_call_external_id,hs_call_to_number,hs_call_source,hs_call_app_id,hubspot_owner_id,hs_call_callee_object_id&associations=contacts"
    );
    let (status, call) = json_of(
        app.send(Method::GET, &path, None, Auth::Bearer("tok"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{call}");
    call
}

#[tokio::test]
async fn an_outbound_call_from_dial_to_finalize_is_logged_with_no_error() {
    let app = spawn_widget().await;
    let mut page = Page::open(&app, json!({})).await;
    assert_eq!(page.session["sync"]["iframeLocation"], "window");
    assert_eq!(
        page.session["record"]["objectId"], "500",
        "the first contact's record is shown"
    );
    page.ready(false, false).await;
    let logged_in = page.app_sends("LOGGED_IN", Value::Null).await;
    assert_eq!(
        logged_in["actions"],
        json!([{"kind": "status", "loggedIn": true, "available": false}])
    );

    // HubSpot's user clicks to call: the command reaches the page over its stream.
    let (status, sent) = command(&app, "dial", json!({"toNumber": "617.555.0100"})).await;
    assert_eq!(status, 202, "{sent}");
    let (event, dial) = page.next_event().await;
    assert_eq!(event, "command");
    assert_eq!(dial["type"], "DIAL_NUMBER");
    assert_eq!(dial["data"]["phoneNumber"], "+16175550100");
    assert_eq!(dial["data"]["objectId"], 500);
    assert_eq!(
        dial["data"]["calleeInfo"],
        json!({"calleeId": 500, "calleeObjectTypeId": "0-1"})
    );
    assert_eq!(
        page.next_event().await,
        ("action".into(), json!({"kind": "show"}))
    );

    let started = page
        .app_sends(
            "OUTGOING_CALL_STARTED",
            json!({"externalCallId": "out-1", "fromNumber": "+18884827768", "toNumber": "+16175550100",
                   "callStartTime": 1767261600000u64, "createEngagement": true}),
        )
        .await;
    assert_eq!(codes(&started), Vec::<String>::new(), "{started}");
    assert_eq!(replies(&started), ["CREATE_ENGAGEMENT_SUCCEEDED"]);
    let engagement = started["replies"][0]["data"]["engagementId"].clone();
    let call = call_engagement(&app, &engagement).await;
    assert_eq!(call["properties"]["hs_call_direction"], "OUTBOUND");
    assert_eq!(call["properties"]["hs_call_status"], "CONNECTING");
    assert_eq!(call["properties"]["hs_call_external_id"], "out-1");
    assert_eq!(
        call["properties"]["hs_call_source"],
        "INTEGRATIONS_PLATFORM"
    );
    assert_eq!(call["properties"]["hs_call_app_id"], "1234567");
    assert_eq!(call["properties"]["hubspot_owner_id"], "101");
    assert_eq!(call["associations"]["contacts"]["results"][0]["id"], "500");

    for (message, data) in [
        ("CALL_ANSWERED", json!({"externalCallId": "out-1"})),
        (
            "CALL_ENDED",
            json!({"externalCallId": "out-1", "engagementId": engagement, "callEndStatus": "COMPLETED"}),
        ),
    ] {
        let answer = page.app_sends(message, data).await;
        assert_eq!(codes(&answer), Vec::<String>::new(), "{message}: {answer}");
        assert!(replies(&answer).is_empty());
    }
    let completed = page
        .app_sends(
            "CALL_COMPLETED",
            json!({"externalCallId": "out-1", "engagementId": engagement,
                   "engagementProperties": {"hs_call_title": "Demo call", "hs_call_body": "Resolved issue"}}),
        )
        .await;
    assert_eq!(errors(&completed), Vec::<Value>::new(), "{completed}");
    assert_eq!(replies(&completed), ["UPDATE_ENGAGEMENT_SUCCEEDED"]);
    assert_eq!(completed["replies"][0]["data"]["engagementId"], engagement);
    assert_eq!(actions(&completed), ["hide"]);
    let call = call_engagement(&app, &engagement).await;
    assert_eq!(call["properties"]["hs_call_title"], "Demo call");
    assert_eq!(call["properties"]["hs_call_status"], "COMPLETED");

    let finalized = page
        .app_sends(
            "FINALIZE_ENGAGEMENT",
            json!({"externalCallId": "out-1", "engagementId": engagement}),
        )
        .await;
    assert_eq!(
        finalized["replies"],
        json!([{"type": "FINALIZE_ENGAGEMENT_SUCCEEDED", "data": {"engagementId": engagement, "externalCallId": "out-1"}}])
    );

    page.close();
    let listed = wait_closed(&page).await;
    assert_eq!(listed["findings"], json!([]));
    assert_eq!(
        listed["calls"],
        json!([{"externalCallId": "out-1", "engagementId": engagement, "direction": "OUTBOUND", "state": "finalized", "endStatus": "COMPLETED"}])
    );
    // Every message both ways is journaled, in order, with no error finding anywhere.
    let (_, journal) = json_of(
        app.control(Method::GET, "/_emulator/sdk/messages", None)
            .await,
    )
    .await;
    let seen: Vec<(String, String)> = journal["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["direction"].as_str().unwrap().into(),
                e["type"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("toApp", "SYNC"),
        ("fromApp", "SYNC_ACK"),
        ("fromApp", "INITIALIZED"),
        ("fromApp", "LOGGED_IN"),
        ("toApp", "DIAL_NUMBER"),
        ("fromApp", "OUTGOING_CALL_STARTED"),
        ("toApp", "CREATE_ENGAGEMENT_SUCCEEDED"),
        ("fromApp", "CALL_ANSWERED"),
        ("fromApp", "CALL_ENDED"),
        ("fromApp", "CALL_COMPLETED"),
        ("toApp", "UPDATE_ENGAGEMENT_SUCCEEDED"),
        ("fromApp", "FINALIZE_ENGAGEMENT"),
        ("toApp", "FINALIZE_ENGAGEMENT_SUCCEEDED"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(d, t)| (d.to_string(), t.to_string()))
        .collect();
    assert_eq!(seen, expected);
    for entry in journal["entries"].as_array().unwrap() {
        assert_eq!(entry["sessionId"], page.id.as_str());
        assert_eq!(
            (
                entry["appId"].as_i64(),
                entry["portalId"].as_i64(),
                entry["userId"].as_i64()
            ),
            (Some(1234567), Some(62515), Some(101))
        );
        assert_eq!(errors(entry), Vec::<Value>::new(), "{entry}");
    }
}

/// Polls until the session is listed closed.
pub async fn wait_closed(page: &Page) -> Value {
    for _ in 0..100 {
        let listed = page.listed().await;
        if listed["phase"] == "closed" {
            assert_eq!(listed["open"], false);
            return listed;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("session {} never closed", page.id);
}

#[tokio::test]
async fn an_inbound_call_matches_the_caller_moves_to_the_record_and_resumes_there() {
    let app = spawn_widget().await;
    // A widget embedded in the record page: moving to a record hosts it again.
    let mut page = Page::open(&app, json!({"appId": 1111111, "userId": 101})).await;
    assert_eq!(page.session["sync"]["iframeLocation"], "widget");
    page.ready(true, true).await;
    let incoming = page
        .app_sends(
            "INCOMING_CALL",
            json!({"externalCallId": "in-1", "fromNumber": "+1 617-555-0100", "toNumber": "+18884827768", "createEngagement": true}),
        )
        .await;
    assert_eq!(codes(&incoming), Vec::<String>::new(), "{incoming}");
    assert_eq!(
        replies(&incoming),
        ["CALLER_ID_MATCH_SUCCEEDED", "CREATE_ENGAGEMENT_SUCCEEDED"]
    );
    assert_eq!(
        incoming["replies"][0]["data"]["callerIdMatches"],
        json!([{"callerIdType": "CONTACT", "objectCoordinates": {"portalId": 62515, "objectTypeId": "0-1", "objectId": 500},
                "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"}])
    );
    let engagement = incoming["replies"][1]["data"]["engagementId"].clone();
    let call = call_engagement(&app, &engagement).await;
    assert_eq!(call["properties"]["hs_call_direction"], "INBOUND");
    assert_eq!(call["associations"]["contacts"]["results"][0]["id"], "500");

    // As HubSpot's demo does: to the first match's record, without naming the engagement.
    let navigated = page
        .app_sends(
            "NAVIGATE_TO_RECORD",
            json!({"objectCoordinates": {"portalId": 62515, "objectId": 500, "objectTypeId": "0-1"}}),
        )
        .await;
    assert_eq!(codes(&navigated), Vec::<String>::new(), "{navigated}");
    let ada = json!({"objectTypeId": "0-1", "objectId": "500", "name": "Ada Lovelace",
                     "phones": [{"property": "phone", "value": "(617) 555-0100"}]});
    assert_eq!(
        navigated["actions"],
        json!([{"kind": "navigate", "objectTypeId": "0-1", "objectId": "500", "engagementId": engagement, "record": ada}])
    );

    // The page moves: a new session on the record, with the engagement in SYNC; the old closes.
    let moved = Page::open(
        &app,
        json!({"appId": 1111111, "userId": 101, "engagementId": engagement, "record": {"objectTypeId": "0-1", "objectId": "500"}}),
    )
    .await;
    assert_eq!(moved.session["sync"]["engagementId"], engagement);
    assert_eq!(moved.session["record"]["name"], "Ada Lovelace");
    page.close();
    let old = wait_closed(&page).await;
    assert_eq!(old["findings"], json!([]), "the call went with the page");
    moved.ready(true, true).await;
    // HubSpot's demo-minimal-js lost its state with the page: no ids any more.
    let answered = moved
        .app_sends("CALL_ANSWERED", json!({"externalCallId": ""}))
        .await;
    assert_eq!(errors(&answered), Vec::<Value>::new(), "{answered}");
    let ended = moved
        .app_sends(
            "CALL_ENDED",
            json!({"externalCallId": "", "callEndStatus": "COMPLETED"}),
        )
        .await;
    assert_eq!(errors(&ended), Vec::<Value>::new(), "{ended}");
    let completed = moved
        .app_sends(
            "CALL_COMPLETED",
            json!({"engagementId": 0, "externalCallId": "", "hideWidget": false,
                   "engagementProperties": {"hs_call_title": "Demo call", "hs_call_body": "Resolved issue"}}),
        )
        .await;
    assert_eq!(errors(&completed), Vec::<Value>::new(), "{completed}");
    assert_eq!(
        completed["replies"][0],
        json!({"type": "UPDATE_ENGAGEMENT_SUCCEEDED", "data": {"engagementId": engagement}})
    );
    assert!(
        actions(&completed).is_empty(),
        "hideWidget: false keeps the widget"
    );
    let call = call_engagement(&app, &engagement).await;
    assert_eq!(call["properties"]["hs_call_title"], "Demo call");
    let listed = moved.listed().await;
    assert_eq!(listed["calls"][0]["state"], "completed");
    assert_eq!(listed["findings"], json!([]));
}

#[tokio::test]
async fn a_calling_window_keeps_its_session_and_call_across_a_record_change() {
    let app = spawn_widget().await;
    let mut page = Page::open(&app, json!({})).await;
    page.ready(true, true).await;
    let incoming = page
        .app_sends(
            "INCOMING_CALL",
            json!({"externalCallId": "in-2", "fromNumber": "6175550100", "toNumber": "+18884827768", "createEngagement": true}),
        )
        .await;
    let engagement = incoming["replies"][1]["data"]["engagementId"].clone();
    let navigated = page
        .app_sends(
            "NAVIGATE_TO_RECORD",
            json!({"objectCoordinates": {"portalId": 62515, "objectId": 500, "objectTypeId": "0-1"}, "engagementId": engagement}),
        )
        .await;
    assert_eq!(navigated["actions"][0]["record"]["name"], "Ada Lovelace");
    // The page shows the record; the window's iframe and session stay.
    for (message, data) in [
        ("CALL_ANSWERED", json!({"externalCallId": "in-2"})),
        (
            "CALL_ENDED",
            json!({"externalCallId": "in-2", "engagementId": engagement}),
        ),
        (
            "CALL_COMPLETED",
            json!({"externalCallId": "in-2", "engagementId": engagement}),
        ),
    ] {
        let answer = page.app_sends(message, data).await;
        assert_eq!(codes(&answer), Vec::<String>::new(), "{message}: {answer}");
    }
    page.close();
    assert_eq!(wait_closed(&page).await["findings"], json!([]));
}

#[tokio::test]
async fn hubspot_demo_minimal_js_messages_give_no_error() {
    // What demos/demo-minimal-js/index.js sends, button by button.
    let app = spawn_widget().await;
    let mut page = Page::open(&app, json!({})).await;
    page.handshake().await;
    let mut answers = Vec::new();
    answers.push(
        page.app_sends("INITIALIZED", json!({"isLoggedIn": false, "isAvailable": false, "sizeInfo": {"width": 400, "height": 650}}))
            .await,
    );
    assert_eq!(
        answers[0]["actions"],
        json!([{"kind": "status", "loggedIn": false, "available": false}, {"kind": "resize", "width": 400.0, "height": 650.0}])
    );
    answers.push(page.app_sends("LOGGED_IN", Value::Null).await);
    answers.push(page.app_sends("USER_AVAILABLE", Value::Null).await);
    answers.push(
        page.app_sends("RESIZE_WIDGET", json!({"width": 420, "height": 670}))
            .await,
    );
    answers.push(
        page.app_sends(
            "OUTGOING_CALL_STARTED",
            json!({"createEngagement": true, "toNumber": "+442073238299", "fromNumber": "+18884827768", "externalCallId": "7e1d-demo"}),
        )
        .await,
    );
    let engagement = answers.last().unwrap()["replies"][0]["data"]["engagementId"].clone();
    answers.push(
        page.app_sends("CALL_ANSWERED", json!({"externalCallId": "7e1d-demo"}))
            .await,
    );
    // HubSpot hangs up: the demo answers END_CALL with cti.callEnded() — no data at all.
    let (status, _) = command(&app, "hangup", json!({})).await;
    assert_eq!(status, 202);
    let (_, end_call) = page.next_event().await;
    assert_eq!(
        end_call,
        json!({"type": "END_CALL", "data": {"engagementId": engagement}})
    );
    answers.push(page.app_sends("CALL_ENDED", Value::Null).await);
    answers.push(
        page.app_sends(
            "CALL_COMPLETED",
            json!({"engagementId": engagement, "externalCallId": "7e1d-demo", "hideWidget": false,
                   "engagementProperties": {"hs_call_title": "Demo call", "hs_call_body": "Resolved issue"}}),
        )
        .await,
    );
    answers.push(
        page.app_sends(
            "ERROR",
            json!({"type": "ERROR", "message": "This is an error alert shown in the Hubspot UI"}),
        )
        .await,
    );
    answers.push(page.app_sends("USER_UNAVAILABLE", Value::Null).await);
    answers.push(page.app_sends("LOGGED_OUT", Value::Null).await);
    for answer in &answers {
        assert_eq!(errors(answer), Vec::<Value>::new(), "{answer}");
    }
    let warnings: Vec<String> = answers.iter().flat_map(codes).collect();
    assert_eq!(
        warnings,
        [
            "field-missing",
            "call-ended-without-engagement-id",
            "app-error"
        ],
        "the demo's CALL_ENDED has no ids; its ERROR is shown to the user"
    );
    assert_eq!(replies(&answers[7]), ["UPDATE_ENGAGEMENT_SUCCEEDED"]);
    page.close();
    assert_eq!(wait_closed(&page).await["findings"], json!([]));
}
