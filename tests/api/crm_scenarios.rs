//! Scenarios that check what an app logs in the CRM, through the real binary: `waitFor.crmObject`
//! finds the call and judges it as HubSpot would keep it. `api` steps stand in for the app.

use serde_json::{json, Value};

use crate::call_scenarios::run_scenarios;

/// A run of one scenario whose steps are `steps` (the demo app with a contact in portal 62515).
async fn run_steps(name: &str, steps: Value, extra: &[&str]) -> (Option<i32>, Value) {
    run_scenarios(name, &[("the app logs its call", steps)], extra).await
}

fn inbound_call(external_id: &str) -> Value {
    json!({"api": {"method": "POST", "path": "/crm/v3/extensions/calling/inbound-call", "auth": "bearer",
        "body": {"externalCallId": external_id, "createEngagement": true, "finalCallStatus": "COMPLETED",
                 "fromNumber": {"e164Number": "+14155552671", "phoneNumberType": "MOBILE"},
                 "toNumber": {"e164Number": "+14155550100", "phoneNumberType": "FIXED_LINE"},
                 "potentialRecipientUserIds": [101], "engagementProperties": {}, "durationSeconds": 95},
        "expect": {"status": 200, "body": {"callerIdMatches": [{"callerIdType": "CONTACT", "firstName": "Ada"}]}}}})
}

fn step_of(report: &Value, index: usize) -> &Value {
    &report["reports"][0]["steps"][index]
}

#[tokio::test]
async fn a_logged_call_is_found_and_judged() {
    let (code, report) = run_steps(
        "crm-found",
        json!([
            inbound_call("c-1"),
            {"waitFor": {"name": "logged", "timeoutMs": 2000,
                         "crmObject": {"properties": {"hs_call_external_id": "c-1", "hs_call_direction": "INBOUND"}}}},
            {"api": {"method": "GET", "path": "/crm/v3/objects/calls/${steps.logged.id}?properties=hs_call_duration", "auth": "bearer",
                     "expect": {"status": 200, "body": {"properties": {"hs_call_duration": "95000"}}}}}
        ]),
        &[],
    )
    .await;
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(step_of(&report, 1)["status"], "passed", "{report}");
}

#[tokio::test]
async fn what_a_recording_needs_is_judged_and_strict_fails_a_call_logged_in_seconds() {
    // With recording settings, the call lacks hs_call_external_account_id, hs_call_app_id and
    // hs_call_source: warnings, listed as expected.
    let recording = json!({"api": {"method": "POST", "auth": "bearer",
        "path": "/crm/v3/extensions/calling/${apps.demo.appId}/settings/recording",
        "body": {"urlToRetrieveAuthedRecording": "https://example.com/recordings/%s"}}});
    let (code, report) = run_steps(
        "crm-recording",
        json!([
            recording,
            inbound_call("c-2"),
            {"waitFor": {"timeoutMs": 2000, "crmObject": {"properties": {"hs_call_external_id": "c-2"},
                                                           "codes": ["recording-property-missing"]}}}
        ]),
        &["--strict"],
    )
    .await;
    assert_eq!(code, Some(0), "{report}");
    let findings = step_of(&report, 2)["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 3, "{findings:?}");

    // A call logged through the calls API with its duration in seconds: a warning, which fails
    // the step under --strict and names the code.
    let (code, report) = run_steps(
        "crm-seconds",
        json!([
            {"api": {"method": "POST", "path": "/crm/v3/objects/calls", "auth": "bearer",
                     "body": {"properties": {"hs_timestamp": "2026-01-01T10:00:00Z", "hs_call_status": "COMPLETED",
                                             "hs_call_duration": "95", "hs_call_external_id": "c-3"}},
                     "expect": {"status": 201}}},
            {"waitFor": {"timeoutMs": 2000, "crmObject": {"properties": {"hs_call_external_id": "c-3"}}}}
        ]),
        &["--strict"],
    )
    .await;
    assert_eq!(code, Some(1), "{report}");
    let step = step_of(&report, 1);
    assert_eq!(step["status"], "failed", "{report}");
    assert!(
        step["message"]
            .as_str()
            .unwrap()
            .contains("duration-looks-like-seconds"),
        "{step}"
    );
}

#[tokio::test]
async fn a_call_never_logged_fails_with_what_was_looked_for() {
    let (code, report) = run_steps(
        "crm-missing",
        json!([{"waitFor": {"timeoutMs": 200, "crmObject": {"properties": {"hs_call_external_id": "never"}}}}]),
        &[],
    )
    .await;
    assert_eq!(code, Some(1), "{report}");
    let message = step_of(&report, 0)["message"].as_str().unwrap().to_string();
    assert!(message.contains("portal 62515's calls"), "{message}");
    assert!(
        message.contains("\"hs_call_external_id\":\"never\""),
        "{message}"
    );
}

#[tokio::test]
async fn a_call_not_logged_by_a_running_app_is_the_apps_failure_not_a_start_up_failure() {
    // The app runs (and never logs the call): exit 1, the contract, not 3 ("never became ready").
    let (code, report) = run_steps(
        "crm-gate",
        json!([{"waitFor": {"timeoutMs": 200, "crmObject": {"properties": {"hs_call_external_id": "never"}}}}]),
        &["--", "sleep", "30"],
    )
    .await;
    assert_eq!(code, Some(1), "{report}");
    assert!(report.get("error").is_none(), "{report}");
}
