//! The inbound-call API over TCP: caller-ID matching (one number written many ways, contacts
//! before companies, a portal in another country, no match), the call engagement it creates
//! and updates (one call per external id, found by search), HubSpot's errors (400 with paths,
//! 403 scopes, 401 API key, 405), both path families, and the call reports in the control API.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{expect_error, json_of, spawn_with, Auth, TestApp, FAMILIES};

const FIXTURE: &str = r#"{
  "apps": [
    {"name": "dialer", "appId": 7, "accessToken": "tok", "installedPortalId": 62515},
    {"name": "berlin", "appId": 8, "accessToken": "tok-de", "installedPortalId": 4242},
    {"name": "reader", "appId": 9, "accessToken": "tok-read", "installedPortalId": 62515,
     "accessTokenScopes": ["crm.objects.contacts.read"]},
    {"name": "sensitive", "appId": 10, "accessToken": "tok-sensitive", "installedPortalId": 62515,
     "accessTokenScopes": ["crm.objects.contacts.sensitive.write.v2"]}
  ],
  "portals": [
    {"portalId": 62515,
     "contacts": [
       {"id": "500", "properties": {"firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.com", "phone": "(415) 555-2671"}},
       {"id": "501", "properties": {"firstname": "Grace", "mobilephone": "+1 415 555 2671"}},
       {"id": "502", "properties": {"firstname": "Other", "phone": "+1 415 555 2672"}}
     ],
     "companies": [
       {"id": "9001", "properties": {"name": "Acme", "phone": "415.555.2671"}},
       {"id": "9002", "properties": {"name": "Elsewhere", "phone": "+44 20 7946 0958"}}
     ]},
    {"portalId": 4242, "defaultCountry": "DE",
     "contacts": [{"id": "700", "properties": {"firstname": "Lise", "phone": "030 1234567"}}]}
  ]
}"#;

const CALLS: &str = "/crm/v3/objects/calls";

fn inbound(family: &str) -> String {
    format!("{family}/inbound-call")
}

/// A valid request from `from`, with `createEngagement` and the external id given.
fn body(from: &str, external_id: &str, create: bool) -> Value {
    json!({
        "externalCallId": external_id,
        "createEngagement": create,
        "finalCallStatus": "COMPLETED",
        "fromNumber": {"e164Number": from, "phoneNumberType": "MOBILE"},
        "toNumber": {"e164Number": "+14155550100", "phoneNumberType": "FIXED_LINE", "extension": "12"},
        "potentialRecipientUserIds": [101],
        "engagementProperties": {"hs_call_title": "Inbound support call"},
        "durationSeconds": 95,
        "callStartedTimestamp": "2026-01-01T10:00:00Z",
        "userId": 101
    })
}

async fn post(app: &TestApp, path: &str, body: &Value, token: &str) -> (u16, Value) {
    json_of(
        app.send(Method::POST, path, Some(body), Auth::Bearer(token))
            .await,
    )
    .await
}

/// POSTs `body` with `token` and checks HubSpot's error envelope: its body.
async fn post_error(
    app: &TestApp,
    path: &str,
    body: &Value,
    token: &str,
    status: u16,
    category: &str,
) -> Value {
    expect_error(
        app.send(Method::POST, path, Some(body), Auth::Bearer(token))
            .await,
        status,
        category,
    )
    .await
}

/// `(callerIdType, objectId)` of each match, in order.
fn matched(response: &Value) -> Vec<(String, u64)> {
    response["callerIdMatches"]
        .as_array()
        .unwrap_or_else(|| panic!("callerIdMatches: {response}"))
        .iter()
        .map(|m| {
            (
                m["callerIdType"].as_str().unwrap().to_string(),
                m["objectCoordinates"]["objectId"].as_u64().unwrap(),
            )
        })
        .collect()
}

async fn search_external_id(app: &TestApp, token: &str, external_id: &str) -> Value {
    let search = json!({
        "filterGroups": [{"filters": [{"propertyName": "hs_call_external_id", "operator": "EQ", "value": external_id}]}],
        "properties": ["hs_call_status", "hs_call_direction", "hs_call_duration", "hs_timestamp",
                       "hs_call_from_number", "hs_call_to_number", "hs_call_title", "hubspot_owner_id"]
    });
    let (status, found) = post(app, &format!("{CALLS}/search"), &search, token).await;
    assert_eq!(status, 200, "{found}");
    found
}

async fn reports(app: &TestApp) -> Value {
    let (status, page) = json_of(
        app.control(Method::GET, "/_emulator/inbound-calls?after=0", None)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    page
}

#[tokio::test]
async fn one_number_written_three_ways_matches_contacts_then_companies_under_both_families() {
    let app = spawn_with(FIXTURE).await;
    for family in FAMILIES {
        let (status, response) = post(
            &app,
            &inbound(family),
            &body("+14155552671", "c-1", false),
            "tok",
        )
        .await;
        assert_eq!(status, 200, "{family}: {response}");
        assert_eq!(
            matched(&response),
            [
                ("CONTACT".to_string(), 500),
                ("CONTACT".to_string(), 501),
                ("COMPANY".to_string(), 9001)
            ],
            "{family}"
        );
        assert_eq!(
            response["callerIdMatches"][0],
            json!({"callerIdType": "CONTACT",
                   "objectCoordinates": {"portalId": 62515, "objectTypeId": "0-1", "objectId": 500},
                   "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"})
        );
        assert_eq!(
            response["callerIdMatches"][1],
            json!({"callerIdType": "CONTACT",
                   "objectCoordinates": {"portalId": 62515, "objectTypeId": "0-1", "objectId": 501},
                   "firstName": "Grace"}),
            "unset names are left out"
        );
        assert_eq!(
            response["callerIdMatches"][2],
            json!({"callerIdType": "COMPANY",
                   "objectCoordinates": {"portalId": 62515, "objectTypeId": "0-2", "objectId": 9001},
                   "name": "Acme"})
        );
        assert_eq!(
            response.as_object().unwrap().len(),
            1,
            "no engagement id: {response}"
        );
    }
    // A number only a company has matches the company alone.
    let (_, response) = post(
        &app,
        &inbound(FAMILIES[0]),
        &body("+442079460958", "c-2", false),
        "tok",
    )
    .await;
    assert_eq!(matched(&response), [("COMPANY".to_string(), 9002)]);
    // Without createEngagement, nothing is written.
    let (_, calls) = json_of(
        app.send(Method::GET, CALLS, None, Auth::Bearer("tok"))
            .await,
    )
    .await;
    assert_eq!(calls["results"], json!([]), "{calls}");
}

#[tokio::test]
async fn no_match_is_an_empty_list_and_national_numbers_read_in_the_portals_country() {
    let app = spawn_with(FIXTURE).await;
    let (status, response) = post(
        &app,
        &inbound(FAMILIES[1]),
        &body("+12025550199", "c-3", false),
        "tok",
    )
    .await;
    assert_eq!((status, response), (200, json!({"callerIdMatches": []})));
    // Portal 4242 is in Germany: its contact's "030 1234567" is +49 30 1234567.
    let (status, response) = post(
        &app,
        &inbound(FAMILIES[0]),
        &body("+49301234567", "c-4", false),
        "tok-de",
    )
    .await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(matched(&response), [("CONTACT".to_string(), 700)]);
    assert_eq!(
        response["callerIdMatches"][0]["objectCoordinates"]["portalId"],
        4242
    );
    // The same number from a US portal's app matches nothing there.
    let (_, response) = post(
        &app,
        &inbound(FAMILIES[0]),
        &body("+49301234567", "c-5", false),
        "tok",
    )
    .await;
    assert_eq!(response, json!({"callerIdMatches": []}));
}

#[tokio::test]
async fn create_engagement_logs_one_call_per_external_id_found_by_search() {
    let app = spawn_with(FIXTURE).await;
    let mut first = body("+14155552671", "ext-42", true);
    first["finalCallStatus"] = json!("RINGING");
    let (status, response) = post(&app, &inbound(FAMILIES[0]), &first, "tok").await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(matched(&response).len(), 3);

    let found = search_external_id(&app, "tok", "ext-42").await;
    assert_eq!(found["total"], 1, "{found}");
    let call = &found["results"][0];
    let id = call["id"].as_str().unwrap().to_string();
    assert_eq!(
        call["properties"],
        json!({
            "hs_call_status": "RINGING",
            "hs_call_direction": "INBOUND",
            "hs_call_duration": "95000",
            "hs_timestamp": "2026-01-01T10:00:00.000Z",
            "hs_call_from_number": "+14155552671",
            "hs_call_to_number": "+14155550100;ext=12",
            "hs_call_title": "Inbound support call",
            "hubspot_owner_id": "101"
        })
    );
    let (status, got) = json_of(
        app.send(
            Method::GET,
            &format!("{CALLS}/{id}?associations=contacts,companies"),
            None,
            Auth::Bearer("tok"),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{got}");
    let ids = |kind: &str| -> Vec<(String, String)> {
        got["associations"][kind]["results"]
            .as_array()
            .unwrap_or_else(|| panic!("{kind}: {got}"))
            .iter()
            .map(|a| {
                (
                    a["id"].as_str().unwrap().to_string(),
                    a["type"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        ids("contacts"),
        [
            ("500".to_string(), "call_to_contact".to_string()),
            ("501".to_string(), "call_to_contact".to_string())
        ]
    );
    assert_eq!(
        ids("companies"),
        [("9001".to_string(), "call_to_company".to_string())]
    );

    // The same call reported again, now completed, under the other family: one call, updated.
    let (status, _) = post(
        &app,
        &inbound(FAMILIES[1]),
        &body("+14155552671", "ext-42", true),
        "tok",
    )
    .await;
    assert_eq!(status, 200);
    let found = search_external_id(&app, "tok", "ext-42").await;
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["results"][0]["id"], id.as_str());
    assert_eq!(
        found["results"][0]["properties"]["hs_call_status"],
        "COMPLETED"
    );
    let (_, all) = json_of(
        app.send(Method::GET, CALLS, None, Auth::Bearer("tok"))
            .await,
    )
    .await;
    assert_eq!(all["results"].as_array().unwrap().len(), 1, "{all}");

    let page = reports(&app).await;
    let outcomes: Vec<(&str, &Value)> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["engagement"].as_str().unwrap(), &r["engagementId"]))
        .collect();
    let id_number: u64 = id.parse().unwrap();
    assert_eq!(
        outcomes,
        [
            ("created", &json!(id_number)),
            ("updated", &json!(id_number))
        ]
    );
}

#[tokio::test]
async fn unknown_engagement_properties_are_refused_as_the_crm_refuses_them() {
    let app = spawn_with(FIXTURE).await;
    let mut request = body("+14155552671", "ext-bad", true);
    request["engagementProperties"] = json!({"hs_call_titel": "typo"});
    let error = post_error(
        &app,
        &inbound(FAMILIES[0]),
        &request,
        "tok",
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(
        error["errors"][0]["in"],
        "engagementProperties.hs_call_titel"
    );
    assert_eq!(error["errors"][0]["code"], "PROPERTY_DOESNT_EXIST");
    assert!(
        error["message"].as_str().unwrap().contains("hs_call_title"),
        "names the closest property: {error}"
    );
    assert_eq!(search_external_id(&app, "tok", "ext-bad").await["total"], 0);
    let report = &reports(&app).await["entries"][0];
    assert_eq!(
        (report["status"].as_u64(), &report["engagement"]),
        (Some(400), &json!("none"))
    );
    assert!(report["error"].as_str().unwrap().contains("hs_call_titel"));
    // Without createEngagement nothing is written, so nothing is checked.
    request["createEngagement"] = json!(false);
    let (status, _) = post(&app, &inbound(FAMILIES[0]), &request, "tok").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_malformed_body_is_a_400_naming_each_field() {
    let app = spawn_with(FIXTURE).await;
    let mut request = body("+14155552671", "c-9", true);
    request.as_object_mut().unwrap().remove("externalCallId");
    request["fromNumber"] = json!({"e164Number": "+14155552671"});
    request["durationSeconds"] = json!("95");
    let error = post_error(
        &app,
        &inbound(FAMILIES[1]),
        &request,
        "tok",
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
            "externalCallId",
            "durationSeconds",
            "fromNumber.phoneNumberType"
        ]
    );
    let error = expect_error(
        app.http
            .post(app.url(&inbound(FAMILIES[0])))
            .bearer_auth("tok")
            .header("content-type", "application/json")
            .body("[1, 2]")
            .send()
            .await
            .unwrap(),
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("CompletedThirdPartyCallRequest"),
        "{error}"
    );
    // Nothing was read, so nothing is reported.
    assert_eq!(reports(&app).await["total"], 0);
}

#[tokio::test]
async fn scopes_api_keys_and_methods_get_hubspots_errors() {
    let app = spawn_with(FIXTURE).await;
    let request = body("+14155552671", "c-10", false);
    for family in FAMILIES {
        let error = post_error(
            &app,
            &inbound(family),
            &request,
            "tok-read",
            403,
            "MISSING_SCOPES",
        )
        .await;
        assert_eq!(
            error["errors"][0]["context"]["requiredGranularScopes"],
            json!([
                "crm.objects.contacts.write",
                "crm.objects.contacts.sensitive.write.v2",
                "crm.objects.contacts.highly_sensitive.write.v2",
                "crm.schemas.contacts.write"
            ])
        );
        let error = expect_error(
            app.send(
                Method::POST,
                &inbound(family),
                Some(&request),
                Auth::Key("demo-developer-api-key"),
            )
            .await,
            401,
            "INVALID_AUTHENTICATION",
        )
        .await;
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("Authorization: Bearer"),
            "{error}"
        );
        expect_error(
            app.send(
                Method::POST,
                &inbound(family),
                Some(&request),
                Auth::Nothing,
            )
            .await,
            401,
            "INVALID_AUTHENTICATION",
        )
        .await;
        // GET is not an app id's settings read: a 405 naming POST.
        let response = app
            .send(Method::GET, &inbound(family), None, Auth::Bearer("tok"))
            .await;
        assert_eq!(
            response
                .headers()
                .get("allow")
                .and_then(|v| v.to_str().ok()),
            Some("POST")
        );
        expect_error(response, 405, "VALIDATION_ERROR").await;
    }
    // Any one of the four scopes is enough.
    let (status, response) = post(&app, &inbound(FAMILIES[0]), &request, "tok-sensitive").await;
    assert_eq!(status, 200, "{response}");
    // The request journal has every call, with the app.
    let (_, requests) = json_of(app.control(Method::GET, "/_emulator/requests", None).await).await;
    let last = requests["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (&last["path"], &last["appId"], &last["status"]),
        (
            &json!("/crm/v3/extensions/calling/inbound-call"),
            &json!(10),
            &json!(200)
        )
    );
}

#[tokio::test]
async fn the_journal_reports_each_call_with_its_findings() {
    let app = spawn_with(FIXTURE).await;
    let mut request = body("(415) 555-2671", "c-11", true);
    request["durationSeconds"] = json!(95_000_000);
    let (status, response) = post(&app, &inbound(FAMILIES[0]), &request, "tok").await;
    assert_eq!(status, 200, "{response}");
    assert_eq!(
        matched(&response).len(),
        3,
        "the emulator reads a national number leniently"
    );
    post(
        &app,
        &inbound(FAMILIES[1]),
        &body("+14155552671", "c-12", false),
        "tok",
    )
    .await;

    let page = reports(&app).await;
    assert_eq!(
        (page["total"].as_u64(), page["next"].clone()),
        (Some(2), Value::Null)
    );
    let report = &page["entries"][0];
    assert_eq!(report["id"], 1);
    assert_eq!(report["appId"], 7);
    assert_eq!(report["portalId"], 62515);
    assert_eq!(report["path"], "/crm/v3/extensions/calling/inbound-call");
    assert_eq!(report["status"], 200);
    assert_eq!(report["request"]["externalCallId"], "c-11");
    assert_eq!(report["callerE164"], "+14155552671");
    assert_eq!(report["callerIdMatches"], response["callerIdMatches"]);
    assert_eq!(report["engagement"], "created");
    assert!(report["engagementId"].as_u64().is_some(), "{report}");
    let findings: Vec<(&str, &str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["pointer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("inbound-number-not-e164", "error", "/fromNumber/e164Number"),
            (
                "duration-looks-like-milliseconds",
                "warning",
                "/durationSeconds"
            )
        ]
    );
    let second = &page["entries"][1];
    assert_eq!(
        (
            &second["engagement"],
            &second["findings"],
            second.get("engagementId")
        ),
        (&json!("none"), &json!([]), None)
    );
    assert_eq!(
        second["path"],
        "/crm/extensions/calling/2026-03/inbound-call"
    );

    // One report by id, paging, and emptying.
    let (status, one) = json_of(
        app.control(Method::GET, "/_emulator/inbound-calls/2", None)
            .await,
    )
    .await;
    assert_eq!(
        (status, &one["request"]["externalCallId"]),
        (200, &json!("c-12"))
    );
    let (_, first_page) = json_of(
        app.control(
            Method::GET,
            "/_emulator/inbound-calls?after=0&limit=1",
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            first_page["entries"].as_array().unwrap().len(),
            &first_page["next"]
        ),
        (1, &json!(1))
    );
    let (status, _) = json_of(
        app.control(Method::GET, "/_emulator/inbound-calls/9", None)
            .await,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = json_of(
        app.control(Method::DELETE, "/_emulator/inbound-calls", None)
            .await,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(reports(&app).await["entries"], json!([]));
}
