//! Third-party transcripts under both path families: created for a call, read back in HubSpot's
//! `TranscriptResponse`, deleted; refused with every problem at its path; kept with the call in
//! the state (export, import, reset) and shown with it in the control CRM view.

use reqwest::Method;
use serde_json::{json, Value};

use super::helpers::{
    expect_error, json_of, spawn_app, spawn_with, Auth, TestApp, FAMILIES, TOKEN,
};
use super::recordings::recordable_call;

fn transcript(call: u64) -> Value {
    json!({"engagementId": call, "transcriptCreateUtterances": [
        {"speaker": {"id": "11", "name": "Caller"}, "text": "Hello. How are you?", "languageCode": "en-US", "startTimeMillis": 0, "endTimeMillis": 700},
        {"speaker": {"id": "12", "name": "Agent", "email": "agent@example.com"}, "text": "Good, and you?", "startTimeMillis": 700, "endTimeMillis": 1400}
    ]})
}

impl TestApp {
    async fn bearer(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        json_of(self.send(method, path, body, Auth::Bearer(TOKEN)).await).await
    }
}

#[tokio::test]
async fn a_transcript_is_created_read_and_deleted_under_both_families() {
    let emulator = spawn_app().await;
    let call = emulator.log_call(&recordable_call()).await;
    for family in FAMILIES {
        let path = format!("{family}/transcripts");
        let (status, created) = emulator
            .bearer(Method::POST, &path, Some(&transcript(call)))
            .await;
        assert_eq!(status, 200, "{created}");
        let id = created["id"].as_str().unwrap().to_string();
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
        let (status, read) = emulator
            .bearer(Method::GET, &format!("{path}/{id}"), None)
            .await;
        assert_eq!(status, 200);
        assert_eq!(read["id"], id.as_str());
        assert_eq!(read["engagementId"], call);
        assert_eq!(read["transcriptSource"], "INTEGRATOR_GENERATED");
        let utterances = read["transcriptUtterances"].as_array().unwrap();
        assert_eq!(utterances.len(), 2);
        assert_eq!(utterances[0]["text"], "Hello. How are you?");
        assert_eq!(utterances[0]["languageCode"], "en-US");
        assert_eq!(
            utterances[1]["speaker"],
            json!({"id": "12", "name": "Agent", "email": "agent@example.com"})
        );
        assert!(utterances[1].get("languageCode").is_none());
        assert!(read["createdAt"].as_str().unwrap().ends_with('Z'));
        let deleted = emulator
            .send(
                Method::DELETE,
                &format!("{path}/{id}"),
                None,
                Auth::Bearer(TOKEN),
            )
            .await;
        assert_eq!(deleted.status(), 204);
        expect_error(
            emulator
                .send(
                    Method::GET,
                    &format!("{path}/{id}"),
                    None,
                    Auth::Bearer(TOKEN),
                )
                .await,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
        expect_error(
            emulator
                .send(
                    Method::DELETE,
                    &format!("{path}/{id}"),
                    None,
                    Auth::Bearer(TOKEN),
                )
                .await,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
    }
}

#[tokio::test]
async fn a_bad_transcript_is_hubspots_400_with_every_problem_at_its_path() {
    let emulator = spawn_app().await;
    let call = emulator.log_call(&recordable_call()).await;
    let path = "/crm/v3/extensions/calling/transcripts";
    let bad = json!({"engagementId": call, "transcriptCreateUtterances": [
        {"speaker": {"id": "11", "name": "Caller"}, "text": "Hi", "startTimeMillis": 900, "endTimeMillis": 100},
        {"speaker": {"id": "11", "name": "Someone else"}, "text": "", "startTimeMillis": 0, "endTimeMillis": 10}
    ]});
    let error = expect_error(
        emulator
            .send(Method::POST, path, Some(&bad), Auth::Bearer(TOKEN))
            .await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    let fields: Vec<&str> = error["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["in"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "transcriptCreateUtterances[0].endTimeMillis",
            "transcriptCreateUtterances[1].text",
            "transcriptCreateUtterances[1].speaker.name"
        ]
    );
    // Past the call's end (hs_call_duration 1500 ms).
    let mut late = transcript(call);
    late["transcriptCreateUtterances"][1]["endTimeMillis"] = json!(9000);
    let error = expect_error(
        emulator
            .send(Method::POST, path, Some(&late), Auth::Bearer(TOKEN))
            .await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("hs_call_duration is 1500 ms"),
        "{error}"
    );
    // Not JSON, no utterances, an unknown call.
    expect_error(
        emulator
            .http
            .post(emulator.url(path))
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body("{")
            .send()
            .await
            .unwrap(),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    let error = expect_error(
        emulator
            .send(
                Method::POST,
                path,
                Some(&json!({"engagementId": call})),
                Auth::Bearer(TOKEN),
            )
            .await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(error["errors"][0]["in"], "transcriptCreateUtterances");
    let error = expect_error(
        emulator
            .send(
                Method::POST,
                path,
                Some(&transcript(424242)),
                Auth::Bearer(TOKEN),
            )
            .await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("No call with id 424242"),
        "{error}"
    );
    expect_error(
        emulator
            .send(
                Method::GET,
                &format!("{path}/abc"),
                None,
                Auth::Bearer(TOKEN),
            )
            .await,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
    expect_error(
        emulator
            .send(Method::GET, path, None, Auth::Bearer(TOKEN))
            .await,
        405,
        "VALIDATION_ERROR",
    )
    .await;
}

#[tokio::test]
async fn transcripts_take_their_own_scopes() {
    let fixture = r#"{"apps": [{"name": "demo", "appId": 1234567, "accessToken": "demo-access-token",
        "accessTokenScopes": ["crm.objects.contacts.write", "crm.extensions_calling_transcripts.read"]}],
        "portals": [{"portalId": 62515, "users": [{"userId": 101}]}]}"#;
    let emulator = spawn_with(fixture).await;
    let call = emulator.log_call(&recordable_call()).await;
    let error = expect_error(
        emulator
            .send(
                Method::POST,
                "/crm/extensions/calling/2026-03/transcripts",
                Some(&transcript(call)),
                Auth::Bearer(TOKEN),
            )
            .await,
        403,
        "MISSING_SCOPES",
    )
    .await;
    assert_eq!(
        error["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.extensions_calling_transcripts.write"])
    );
    let (status, _) = emulator
        .bearer(
            Method::GET,
            "/crm/extensions/calling/2026-03/transcripts/100001",
            None,
        )
        .await;
    assert_eq!(status, 404, "reading is allowed; there is none");
}

#[tokio::test]
async fn transcripts_live_with_their_call_in_the_state_and_the_crm_view() {
    let emulator = spawn_app().await;
    let call = emulator.log_call(&recordable_call()).await;
    let (_, created) = emulator
        .bearer(
            Method::POST,
            "/crm/v3/extensions/calling/transcripts",
            Some(&transcript(call)),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let (_, view) = json_of(
        emulator
            .control(Method::GET, "/_emulator/portals/62515/crm?type=calls", None)
            .await,
    )
    .await;
    let shown = &view["calls"][0];
    assert_eq!(shown["transcriptCount"], 1);
    assert_eq!(shown["transcripts"][0]["id"], id.as_str());
    assert_eq!(
        shown["transcripts"][0]["utterances"][1]["text"],
        "Good, and you?"
    );
    // Exported with the portal, imported back, gone after a reset to the seed.
    let (_, state) = json_of(
        emulator
            .control(Method::GET, "/_emulator/state", None)
            .await,
    )
    .await;
    let exported = &state["portals"][0]["transcripts"][0];
    assert_eq!(exported["id"], id.as_str());
    assert_eq!(exported["engagementId"], call.to_string());
    let reset = emulator
        .control(Method::POST, "/_emulator/reset", None)
        .await;
    assert_eq!(reset.status(), 200);
    let (status, _) = emulator
        .bearer(
            Method::GET,
            &format!("/crm/v3/extensions/calling/transcripts/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, imported) = json_of(
        emulator
            .control(Method::PUT, "/_emulator/state", Some(&state))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{imported}");
    let (status, read) = emulator
        .bearer(
            Method::GET,
            &format!("/crm/v3/extensions/calling/transcripts/{id}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(read["transcriptUtterances"].as_array().unwrap().len(), 2);
    // A fixture's transcript of a call it does not have is refused at its path.
    let mut broken = state.clone();
    broken["portals"][0]["transcripts"][0]["engagementId"] = json!("999");
    let (status, error) = json_of(
        emulator
            .control(Method::PUT, "/_emulator/state", Some(&broken))
            .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(error["location"], "$.portals[0].transcripts[0]");
}
