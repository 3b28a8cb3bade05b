//! The scenario steps an app test needs to check its calls, through the real binary: `seedCrm`
//! puts the caller in the CRM, `http` makes the app act, `waitFor.inboundCall` finds the call
//! it posted and judges it, `waitFor.crmObject` finds the engagement and its associations. `api`
//! steps stand in for the app, a small HTTP server in the test for the app's own endpoints.

use std::net::SocketAddr;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::test_dir;
use crate::scenario_run::{path_str, run};

/// A run of `scenarios` (`[(name, steps)]`) on the demo app's declaration with Ada, a contact
/// (id 100001) whose phone is (415) 555-2671, in portal 62515: the exit code and the JSON report.
pub async fn run_scenarios(
    name: &str,
    scenarios: &[(&str, Value)],
    extra: &[&str],
) -> (Option<i32>, Value) {
    let dir = test_dir(name);
    let scenarios: Vec<Value> = scenarios
        .iter()
        .map(|(name, steps)| json!({"name": name, "steps": steps}))
        .collect();
    let fixture = json!({
        "apps": [{"name": "demo", "appId": 1234567, "accessToken": "token", "clientSecret": "secret"}],
        "portals": [{"portalId": 62515, "users": [{"userId": 101}],
                     "contacts": [{"properties": {"firstname": "Ada", "phone": "(415) 555-2671"}}]}],
        "scenarios": scenarios
    });
    std::fs::write(dir.join("s.json"), fixture.to_string()).unwrap();
    let mut args = vec![
        path_str(&dir.join("s.json")),
        "--json".into(),
        path_str(&dir.join("r.json")),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let (output, _) = run(args).await;
    let report = std::fs::read_to_string(dir.join("r.json"))
        .map(|text| serde_json::from_str(&text).unwrap())
        .unwrap_or_else(|_| json!({"stderr": String::from_utf8_lossy(&output.stderr)}));
    (output.status.code(), report)
}

/// The step `index` (from 0) of scenario `scenario`.
fn step(report: &Value, scenario: usize, index: usize) -> &Value {
    &report["reports"][scenario]["steps"][index]
}

fn message(step: &Value) -> String {
    step["message"].as_str().unwrap_or_default().to_string()
}

/// The app stand-in: an inbound call posted with the demo app's token.
fn inbound_call(body: Value, status: u16) -> Value {
    json!({"api": {"method": "POST", "path": "/crm/v3/extensions/calling/inbound-call", "auth": "bearer",
                   "body": body, "expect": {"status": status}}})
}

/// A correct inbound call from `from`, with `changes` on top.
fn call_from(external_id: &str, from: &str, changes: Value) -> Value {
    let mut body = json!({"externalCallId": external_id, "createEngagement": true, "finalCallStatus": "COMPLETED",
        "fromNumber": {"e164Number": from, "phoneNumberType": "MOBILE"},
        "toNumber": {"e164Number": "+14155550100", "phoneNumberType": "FIXED_LINE"},
        "potentialRecipientUserIds": [101], "engagementProperties": {}, "durationSeconds": 95});
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

#[tokio::test]
async fn seeded_records_are_matched_found_and_associated() {
    let (code, report) = run_scenarios(
        "calls-seeded",
        &[(
            "seed, call, find",
            json!([
                {"seedCrm": {"name": "acme", "objectType": "companies",
                             "properties": {"name": "Acme", "phone": "+1 415 555 2671"}}},
                {"seedCrm": {"name": "grace", "objectType": "contacts",
                             "properties": {"firstname": "Grace", "mobilephone": "415.555.2671"},
                             "associations": [{"toId": "${steps.acme.id}", "associationTypeId": 279}]}},
                {"api": {"method": "GET", "path": "/crm/v3/objects/contacts/${steps.grace.id}?associations=companies",
                         "auth": "bearer",
                         "expect": {"status": 200, "body": {"properties": {"firstname": "Grace"},
                                    "associations": {"companies": {"results": [{"id": "${steps.acme.id}"}]}}}}}},
                inbound_call(call_from("s-1", "+14155552671", json!({})), 200),
                {"waitFor": {"name": "reported", "timeoutMs": 2000,
                             "inboundCall": {"app": "demo", "externalCallId": "s-1", "fromNumber": "+14155552671",
                                             "toNumber": "+14155550100", "engagement": "created",
                                             "matchedObjectIds": ["${steps.acme.id}", "100001", "${steps.grace.id}"]}}},
                {"waitFor": {"timeoutMs": 2000, "crmObject": {
                    "properties": {"hs_call_external_id": "s-1"},
                    "associatedWith": [{"objectType": "contacts", "id": "${steps.grace.id}"},
                                       {"objectType": "companies", "id": "${steps.acme.id}"}]}}},
                {"api": {"method": "GET", "path": "/crm/v3/objects/calls/${steps.reported.engagementId}?properties=hs_call_external_id", "auth": "bearer",
                         "expect": {"status": 200, "body": {"properties": {"hs_call_external_id": "s-1"}}}}}
            ]),
        )],
        &["--strict"],
    )
    .await;
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(report["steps"]["passed"], 7, "{report:#}");
}

#[tokio::test]
async fn a_record_the_crm_refuses_fails_its_step_naming_the_property() {
    let (code, report) = run_scenarios(
        "calls-seed-refused",
        &[(
            "seed",
            json!([{"seedCrm": {"objectType": "contacts", "properties": {"favourite_colour": "red"}}}]),
        )],
        &[],
    )
    .await;
    assert_eq!(code, Some(1), "{report:#}");
    let text = message(step(&report, 0, 0));
    assert!(
        text.contains("portal 62515's CRM refused the contact")
            && text.contains("\"favourite_colour\" does not exist on contacts")
            && text.contains("portals[].properties.contacts"),
        "{text}"
    );
}

#[tokio::test]
async fn an_inbound_call_unlike_the_expected_one_fails_with_what_differs() {
    let (code, report) = run_scenarios(
        "calls-differ",
        &[(
            "differ",
            json!([
                inbound_call(call_from("s-2", "+442071838750", json!({"createEngagement": false})), 200),
                {"waitFor": {"timeoutMs": 2000, "inboundCall": {"externalCallId": "s-2",
                             "matchedObjectIds": ["100001"], "engagement": "created"}}}
            ]),
        )],
        &[],
    )
    .await;
    assert_eq!(code, Some(1), "{report:#}");
    let failed = step(&report, 0, 1);
    let text = message(failed);
    assert!(
        text.contains("expected the call engagement to be created, it was not written (the app sent createEngagement: false)"),
        "{text}"
    );
    assert!(
        text.contains("caller-ID matching found [] for \"+442071838750\", expected [100001]"),
        "{text}"
    );
    // The report carries the journal entry the step judged.
    assert_eq!(
        failed["got"]["request"]["externalCallId"], "s-2",
        "{failed:#}"
    );
}

#[tokio::test]
async fn a_refused_engagement_fails_unless_its_status_and_codes_are_expected() {
    let bad_status = call_from(
        "s-3",
        "+14155552671",
        json!({"engagementProperties": {"hs_call_status": "DONE"}}),
    );
    let (code, report) = run_scenarios(
        "calls-refused",
        &[(
            "refused",
            json!([
                inbound_call(bad_status, 400),
                {"waitFor": {"timeoutMs": 2000, "inboundCall": {"externalCallId": "s-3", "status": 400,
                             "engagement": "none", "codes": ["call-status-unknown"]}}},
                {"waitFor": {"timeoutMs": 2000, "inboundCall": {"externalCallId": "s-3"}}}
            ]),
        )],
        &[],
    )
    .await;
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(step(&report, 0, 1)["status"], "passed", "{report:#}");
    let failed = step(&report, 0, 2);
    let text = message(failed);
    assert!(
        text.contains("HubSpot answered the inbound call with 400")
            && text.contains("expected 200")
            && text.contains("HubSpot would not treat it as the app meant: call-status-unknown"),
        "{text}"
    );
    assert_eq!(failed["findings"][0]["code"], "call-status-unknown");
}

#[tokio::test]
async fn a_warning_fails_only_under_strict_and_listed_codes_must_be_found() {
    // A duration of 95,000 "seconds": a warning.
    let steps = json!([
        inbound_call(call_from("s-4", "+14155552671", json!({"durationSeconds": 95000})), 200),
        {"waitFor": {"timeoutMs": 2000, "inboundCall": {"externalCallId": "s-4"}}}
    ]);
    let (code, report) = run_scenarios("calls-lenient", &[("warned", steps.clone())], &[]).await;
    assert_eq!(code, Some(0), "{report:#}");
    let (code, report) = run_scenarios("calls-strict", &[("warned", steps)], &["--strict"]).await;
    assert_eq!(code, Some(1), "{report:#}");
    assert!(
        message(step(&report, 0, 1)).contains("duration-looks-like-milliseconds"),
        "{report:#}"
    );
    let (code, report) = run_scenarios(
        "calls-listed",
        &[(
            "listed",
            json!([
                inbound_call(call_from("s-5", "+14155552671", json!({"durationSeconds": 95000})), 200),
                {"waitFor": {"timeoutMs": 2000, "inboundCall": {"externalCallId": "s-5",
                             "codes": ["duration-looks-like-milliseconds", "inbound-number-not-e164"]}}}
            ]),
        )],
        &["--strict"],
    )
    .await;
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(
        message(step(&report, 0, 1)),
        "expected codes inbound-number-not-e164 not found"
    );
}

#[tokio::test]
async fn no_inbound_call_names_what_the_app_posted_and_what_hubspot_refused() {
    let (code, report) = run_scenarios(
        "calls-none",
        &[(
            "none",
            json!([
                inbound_call(call_from("other", "+14155552671", json!({})), 200),
                inbound_call(json!({"externalCallId": "s-6"}), 400),
                {"waitFor": {"timeoutMs": 200, "inboundCall": {"externalCallId": "s-6"}}}
            ]),
        )],
        &[],
    )
    .await;
    assert_eq!(code, Some(1), "{report:#}");
    let failed = step(&report, 0, 2);
    let text = message(failed);
    assert!(
        text.starts_with(
            "waited 200 ms for an inbound call of app 1234567 with externalCallId \"s-6\""
        ),
        "{text}"
    );
    assert!(
        text.contains("the app's newest are externalCallId \"other\""),
        "{text}"
    );
    assert!(
        text.contains("HubSpot refused inbound-call requests before reading them: POST /crm/v3/extensions/calling/inbound-call → 400"),
        "{text}"
    );
    assert_eq!(failed["got"]["refusedRequests"][0]["status"], 400);
}

/// What the test's app answers: `/echo` the request it got, `/big` 2 MiB, `/never` nothing.
async fn app_endpoints() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // Headers, then as much body as Content-Length says.
                let (head, body) = loop {
                    let n = socket.read(&mut buffer).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..n]);
                    let text = String::from_utf8_lossy(&request).into_owned();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|l| {
                                let (name, value) = l.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            break (head.to_string(), body.to_string());
                        }
                    }
                };
                let mut first = head.lines().next().unwrap_or_default().split(' ');
                let (method, path) = (
                    first.next().unwrap_or_default(),
                    first.next().unwrap_or_default(),
                );
                let reply = match path {
                    "/never" => {
                        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
                        return;
                    }
                    "/big" => "x".repeat(2 * 1024 * 1024),
                    _ => {
                        let header = head
                            .lines()
                            .find_map(|l| l.strip_prefix("x-test: ").or(l.strip_prefix("X-Test: ")))
                            .unwrap_or_default();
                        let content_type = head
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-type: ")
                                    .map(str::to_string)
                            })
                            .unwrap_or_default();
                        json!({"method": method, "path": path, "header": header,
                               "contentType": content_type, "body": body})
                        .to_string()
                    }
                };
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                    reply.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    address
}

#[tokio::test]
async fn the_http_step_calls_the_app_and_checks_its_reply() {
    let app = format!("http://{}", app_endpoints().await);
    let (code, report) = run_scenarios(
        "calls-http",
        &[
            (
                "the app answers",
                json!([
                    {"http": {"name": "echo", "method": "post", "url": format!("{app}/echo?a=1"),
                              "headers": {"X-Test": "${apps.demo.appId}"}, "body": {"id": "${apps.demo.appId}"},
                              "expect": {"status": 200, "body": {"method": "POST", "path": "/echo?a=1", "header": "1234567",
                                                                  "contentType": "application/json",
                                                                  "body": "{\"id\":1234567}"}}}},
                    {"http": {"method": "PUT", "base": format!("{app}/somewhere/else"), "url": "/echo",
                              "headers": {"Content-Type": "text/plain"}, "body": "as it is: ${steps.echo.status}",
                              "expect": {"body": {"method": "PUT", "path": "/echo", "body": "as it is: 200"}}}}
                ]),
            ),
            (
                "a reply unlike the expected one",
                json!([{"http": {"method": "GET", "url": format!("{app}/echo"), "expect": {"status": 201, "body": {"method": "POST"}}}}]),
            ),
            (
                "an app that never answers",
                json!([{"http": {"method": "GET", "url": format!("{app}/never"), "timeoutMs": 300}}]),
            ),
            (
                "a reply too big to read",
                json!([{"http": {"method": "GET", "url": format!("{app}/big")}}]),
            ),
        ],
        &[],
    )
    .await;
    assert_eq!(code, Some(1), "{report:#}");
    assert_eq!(report["reports"][0]["passed"], true, "{report:#}");
    assert_eq!(
        message(step(&report, 1, 0)),
        "expected status 201, got 200; the reply body differs at /method"
    );
    assert_eq!(
        message(step(&report, 2, 0)),
        format!("the app did not answer GET {app}/never within 300 ms (the step's timeoutMs)")
    );
    assert!(
        message(step(&report, 3, 0)).contains("is larger than 1048576 bytes"),
        "{report:#}"
    );
}
