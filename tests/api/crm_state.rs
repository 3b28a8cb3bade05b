//! The CRM in the fixture and the state: seeded contacts, companies and custom properties are
//! what the API serves, the object limit holds, and export → import → reset round-trips.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{expect_error, json_of, spawn_with, Auth};

const FIXTURE: &str = r#"{
  "apps": [{"name": "dialer", "appId": 7, "accessToken": "tok"}],
  "portals": [{
    "portalId": 62515,
    "defaultCountry": "GB",
    "objectLimit": 3,
    "properties": {"contacts": [{"name": "customer_tier", "type": "number"}],
                   "calls": [{"name": "queue_id", "unique": true}]},
    "contacts": [{"id": "500", "properties": {"email": "ada@example.com", "firstname": "Ada", "phone": "+442071838750"}}],
    "companies": [{"id": "9001", "properties": {"name": "Acme", "domain": "acme.example"},
                   "associations": [{"toId": "500", "associationTypeId": 2}]}]
  }]
}"#;

async fn crm(
    app: &crate::helpers::TestApp,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    json_of(app.send(method, path, body, Auth::Bearer("tok")).await).await
}

#[tokio::test]
async fn the_seeded_crm_is_served_and_custom_properties_are_known() {
    let app = spawn_with(FIXTURE).await;
    let (status, contact) = crm(
        &app,
        Method::GET,
        "/crm/v3/objects/contacts/500?properties=firstname,phone&associations=companies",
        None,
    )
    .await;
    assert_eq!(status, 200, "{contact}");
    assert_eq!(contact["properties"]["firstname"], "Ada");
    assert_eq!(
        contact["associations"]["companies"]["results"][0],
        json!({"id": "9001", "type": "contact_to_company"})
    );
    let (status, patched) = crm(
        &app,
        Method::PATCH,
        "/crm/v3/objects/contacts/500",
        Some(&json!({"properties": {"customer_tier": 3}})),
    )
    .await;
    assert_eq!(
        (status, &patched["properties"]["customer_tier"]),
        (200, &json!("3")),
        "{patched}"
    );
    let (status, _) = crm(
        &app,
        Method::PATCH,
        "/crm/v3/objects/contacts/500",
        Some(&json!({"properties": {"customer_tier": "gold"}})),
    )
    .await;
    assert_eq!(status, 400);
    // A unique custom property is an upsert key.
    let upsert = json!({"inputs": [{"id": "q-1", "idProperty": "queue_id", "properties": {"hs_timestamp": "1700000000000"}}]});
    let (status, body) = crm(
        &app,
        Method::POST,
        "/crm/v3/objects/calls/batch/upsert",
        Some(&upsert),
    )
    .await;
    assert_eq!(
        (status, &body["results"][0]["new"]),
        (200, &json!(true)),
        "{body}"
    );
}

#[tokio::test]
async fn past_the_object_limit_a_create_is_a_400_that_says_how_to_fix_it() {
    let app = spawn_with(FIXTURE).await;
    for n in 0..2 {
        let (status, body) = crm(
            &app,
            Method::POST,
            "/crm/v3/objects/contacts",
            Some(&json!({"properties": {"email": format!("c{n}@example.com")}})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let error = expect_error(
        app.send(
            Method::POST,
            "/crm/v3/objects/contacts",
            Some(&json!({"properties": {}})),
            Auth::Bearer("tok"),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    )
    .await;
    assert_eq!(error["subCategory"], "OBJECT_LIMIT_EXCEEDED");
    assert!(
        error["message"].as_str().unwrap().contains("objectLimit"),
        "{error}"
    );
    // Other types have their own count.
    let (status, _) = crm(
        &app,
        Method::POST,
        "/crm/v3/objects/companies",
        Some(&json!({"properties": {"name": "B"}})),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn the_crm_round_trips_through_export_import_and_reset() {
    let app = spawn_with(FIXTURE).await;
    let call = json!({"properties": {"hs_timestamp": "2026-11-27T17:30:00.000Z", "hs_call_title": "Hello"},
                      "associations": [{"to": {"id": "500"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}]}]});
    let (status, created) = crm(&app, Method::POST, "/crm/v3/objects/calls", Some(&call)).await;
    assert_eq!(status, 201, "{created}");
    let call_id = created["id"].as_str().unwrap().to_string();
    let response = app
        .send(
            Method::DELETE,
            "/crm/v3/objects/companies/9001",
            None,
            Auth::Bearer("tok"),
        )
        .await;
    assert_eq!(response.status(), 204);

    let (status, exported) =
        json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    assert_eq!(status, 200);
    let portal = &exported["portals"][0];
    assert_eq!(portal["defaultCountry"], "GB");
    assert_eq!(portal["objectLimit"], 3);
    assert_eq!(portal["calls"][0]["properties"]["hs_call_title"], "Hello");
    assert!(portal["companies"][0]["archivedAt"].is_string(), "{portal}");
    assert_eq!(
        portal["properties"]["contacts"][0],
        json!({"name": "customer_tier", "type": "number"})
    );

    let (status, _) = json_of(app.control(Method::POST, "/_emulator/reset", None).await).await;
    assert_eq!(status, 200);
    let (status, _) = crm(
        &app,
        Method::GET,
        &format!("/crm/v3/objects/calls/{call_id}"),
        None,
    )
    .await;
    assert_eq!(status, 404, "reset drops what the API created");
    let (status, _) = crm(&app, Method::GET, "/crm/v3/objects/companies/9001", None).await;
    assert_eq!(status, 200, "and restores what it archived");

    let (status, imported) = json_of(
        app.control(Method::PUT, "/_emulator/state", Some(&exported))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{imported}");
    assert_eq!(imported, exported, "what was exported comes back as it was");
    let (status, call) = crm(
        &app,
        Method::GET,
        &format!("/crm/v3/objects/calls/{call_id}?properties=hs_call_title&associations=contacts"),
        None,
    )
    .await;
    assert_eq!(
        (status, &call["properties"]["hs_call_title"]),
        (200, &json!("Hello")),
        "{call}"
    );
    assert_eq!(call["associations"]["contacts"]["results"][0]["id"], "500");
    let (status, _) = crm(
        &app,
        Method::GET,
        "/crm/v3/objects/companies/9001?archived=true",
        None,
    )
    .await;
    assert_eq!(status, 200);
    // A new object after the import does not reuse an imported id.
    let (_, next) = crm(
        &app,
        Method::POST,
        "/crm/v3/objects/calls",
        Some(&json!({"properties": {"hs_timestamp": "1700000000000"}})),
    )
    .await;
    assert_ne!(next["id"], json!(call_id));
}
