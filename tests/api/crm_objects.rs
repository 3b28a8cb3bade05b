//! The CRM object APIs over TCP: the basic endpoints' codes and shapes, paging, batches, search,
//! and the errors a calling app meets (unknown property, scopes, API key).

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{expect_error, json_of, spawn_app, spawn_with, Auth, TestApp, API_KEY, TOKEN};

const CALLS: &str = "/crm/v3/objects/calls";
const CONTACTS: &str = "/crm/v3/objects/contacts";

impl TestApp {
    /// A CRM call with the demo app's access token.
    pub async fn crm(&self, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
        json_of(self.send(method, path, body, Auth::Bearer(TOKEN)).await).await
    }

    /// A CRM call that must fail with HubSpot's envelope; the error body.
    pub async fn crm_error(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        status: u16,
        category: &str,
    ) -> Value {
        expect_error(
            self.send(method, path, body, Auth::Bearer(TOKEN)).await,
            status,
            category,
        )
        .await
    }
}

fn call_body(title: &str) -> Value {
    json!({"properties": {"hs_timestamp": "2026-11-27T17:30:00.000Z", "hs_call_title": title}})
}

#[tokio::test]
async fn create_get_update_archive_with_hubspots_codes() {
    let app = spawn_app().await;
    let (status, contact) = app
        .crm(Method::POST, CONTACTS, Some(&json!({"properties": {"email": "ada@example.com", "firstname": "Ada", "phone": 15555550100u64}})))
        .await;
    assert_eq!(status, 201, "{contact}");
    assert_eq!(
        contact["properties"]["phone"], "15555550100",
        "numbers are stored as text"
    );
    let contact_id = contact["id"].as_str().unwrap().to_string();

    let mut body = call_body("Support call");
    body["associations"] = json!([{"to": {"id": contact_id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}]}]);
    let (status, call) = app.crm(Method::POST, CALLS, Some(&body)).await;
    assert_eq!(status, 201, "{call}");
    let id = call["id"].as_str().unwrap().to_string();
    assert_eq!(call["properties"]["hs_object_id"], id.as_str());
    assert_eq!(call["archived"], false);
    for key in ["createdAt", "updatedAt"] {
        assert!(call[key].as_str().unwrap().ends_with('Z'), "{call}");
    }

    let path = format!("{CALLS}/{id}?properties=hs_call_title,hs_call_body&associations=contacts&propertiesWithHistory=hs_call_title");
    let (status, got) = app.crm(Method::GET, &path, None).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["properties"]["hs_call_title"], "Support call");
    assert_eq!(
        got["properties"]["hs_call_body"],
        Value::Null,
        "requested but unset reads as null"
    );
    assert_eq!(
        got["associations"]["contacts"]["results"][0],
        json!({"id": contact_id, "type": "call_to_contact"})
    );
    assert_eq!(
        got["propertiesWithHistory"]["hs_call_title"][0]["value"],
        "Support call"
    );
    let (_, back) = app
        .crm(
            Method::GET,
            &format!("{CONTACTS}/{contact_id}?associations=calls"),
            None,
        )
        .await;
    assert_eq!(
        back["associations"]["calls"]["results"][0],
        json!({"id": id, "type": "contact_to_call"})
    );

    let (status, updated) = app
        .crm(Method::PATCH, &format!("{CALLS}/{id}"), Some(&json!({"properties": {"hs_call_title": "", "hs_call_duration": 61000, "hs_object_id": "7"}})))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(
        updated["properties"]["hs_call_title"],
        Value::Null,
        "\"\" clears"
    );
    assert_eq!(updated["properties"]["hs_call_duration"], "61000");
    assert_eq!(
        updated["properties"]["hs_object_id"],
        id.as_str(),
        "read-only ignored"
    );
    assert!(updated["updatedAt"].as_str() > call["updatedAt"].as_str());

    let response = app
        .send(
            Method::DELETE,
            &format!("{CALLS}/{id}"),
            None,
            Auth::Bearer(TOKEN),
        )
        .await;
    assert_eq!(response.status(), 204);
    let body = app
        .crm_error(
            Method::GET,
            &format!("{CALLS}/{id}"),
            None,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
    assert!(
        body["message"].as_str().unwrap().contains("archived=true"),
        "{body}"
    );
    let (status, archived) = app
        .crm(Method::GET, &format!("{CALLS}/{id}?archived=true"), None)
        .await;
    assert_eq!(
        (status, &archived["archived"]),
        (200, &json!(true)),
        "{archived}"
    );
    assert!(archived["archivedAt"].is_string());
    // An email is a contact's unique id: idProperty reads by it, and a second contact with it is a 409.
    let (status, by_email) = app
        .crm(
            Method::GET,
            &format!("{CONTACTS}/ADA@example.com?idProperty=email"),
            None,
        )
        .await;
    assert_eq!(
        (status, by_email["id"].as_str()),
        (200, Some(contact_id.as_str()))
    );
    app.crm_error(
        Method::POST,
        CONTACTS,
        Some(&json!({"properties": {"email": "ada@example.com"}})),
        409,
        "CONFLICT",
    )
    .await;
    app.crm_error(
        Method::GET,
        &format!("{CALLS}/not-a-number"),
        None,
        404,
        "OBJECT_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn unknown_properties_and_bad_values_are_400s_that_name_them() {
    let app = spawn_app().await;
    let body = json!({"properties": {"hs_timestamp": "2026-11-27T17:30:00.000Z", "hs_call_tittle": "x", "hs_call_status": "DONE"}});
    let error = app
        .crm_error(Method::POST, CALLS, Some(&body), 400, "VALIDATION_ERROR")
        .await;
    let codes: Vec<&str> = error["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["PROPERTY_DOESNT_EXIST", "INVALID_OPTION"],
        "{error}"
    );
    assert_eq!(error["errors"][0]["in"], "hs_call_tittle");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("hs_call_title") && message.contains("COMPLETED"),
        "{message}"
    );
    let missing = app
        .crm_error(
            Method::POST,
            CALLS,
            Some(&json!({"properties": {}})),
            400,
            "VALIDATION_ERROR",
        )
        .await;
    assert_eq!(missing["errors"][0]["code"], "REQUIRED", "{missing}");
    let broken = app
        .crm_error(
            Method::POST,
            CALLS,
            Some(&json!({"properties": []})),
            400,
            "VALIDATION_ERROR",
        )
        .await;
    assert!(
        broken["message"].as_str().unwrap().contains("properties"),
        "{broken}"
    );
    let association = json!({"properties": {"hs_timestamp": "1700000000000"}, "associations": [{"to": {"id": "1"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 9}]}]});
    let bad = app
        .crm_error(
            Method::POST,
            CALLS,
            Some(&association),
            400,
            "VALIDATION_ERROR",
        )
        .await;
    assert!(bad["message"].as_str().unwrap().contains("194"), "{bad}");
}

#[tokio::test]
async fn paging_through_a_list_returns_each_object_once_with_both_array_forms() {
    let app = spawn_app().await;
    let inputs: Vec<Value> = (0..23).map(|n| call_body(&format!("call {n}"))).collect();
    let (status, created) = app
        .crm(
            Method::POST,
            &format!("{CALLS}/batch/create"),
            Some(&json!({"inputs": inputs})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "COMPLETE");
    let mut seen = Vec::new();
    let mut path = format!("{CALLS}?limit=5&properties=hs_call_title&properties=hs_timestamp");
    loop {
        let (status, page) = app.crm(Method::GET, &path, None).await;
        assert_eq!(status, 200, "{page}");
        for object in page["results"].as_array().unwrap() {
            assert!(
                object["properties"]["hs_timestamp"].is_string()
                    && object["properties"]["hs_call_title"].is_string()
            );
            seen.push(object["id"].as_str().unwrap().to_string());
        }
        match page["paging"]["next"]["after"].as_str() {
            Some(after) => {
                let link = page["paging"]["next"]["link"].as_str().unwrap();
                assert!(
                    link.starts_with("http://") && link.contains(&format!("after={after}")),
                    "{link}"
                );
                path =
                    format!("{CALLS}?limit=5&properties=hs_call_title,hs_timestamp&after={after}");
            }
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (23, 23));

    let mut seen = Vec::new();
    let mut after = None::<String>;
    loop {
        let mut body = json!({"filterGroups": [{"filters": [{"propertyName": "hs_call_title", "operator": "CONTAINS_TOKEN", "value": "call"}]}], "sorts": [{"propertyName": "hs_call_title", "direction": "DESCENDING"}], "properties": ["hs_call_title"], "limit": 4});
        if let Some(after) = &after {
            body["after"] = json!(after);
        }
        let (status, page) = app
            .crm(Method::POST, &format!("{CALLS}/search"), Some(&body))
            .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["total"], 23);
        seen.extend(page["results"].as_array().unwrap().iter().map(|o| {
            o["properties"]["hs_call_title"]
                .as_str()
                .unwrap()
                .to_string()
        }));
        match page["paging"]["next"]["after"].as_str() {
            Some(next) => after = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 23);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "descending by title");
}

#[tokio::test]
async fn batches_answer_207_for_a_bad_input_and_upsert_by_external_id() {
    let app = spawn_app().await;
    let inputs = json!({"inputs": [call_body("good"), {"properties": {"hs_timestamp": "1700000000000", "nope": "x"}}]});
    let (status, body) = app
        .crm(
            Method::POST,
            &format!("{CALLS}/batch/create"),
            Some(&inputs),
        )
        .await;
    assert_eq!(status, 207, "{body}");
    assert_eq!(
        (
            body["results"].as_array().unwrap().len(),
            &body["numErrors"]
        ),
        (1, &json!(1))
    );
    let error = &body["errors"][0];
    assert_eq!(
        (&error["status"], &error["category"]),
        (&json!("error"), &json!("VALIDATION_ERROR")),
        "{error}"
    );
    assert_eq!(error["context"]["inputs"], json!(["1"]));
    let good = body["results"][0]["id"].as_str().unwrap().to_string();

    let (status, read) = app
        .crm(Method::POST, &format!("{CALLS}/batch/read"), Some(&json!({"inputs": [{"id": good}, {"id": "999"}], "properties": ["hs_call_title"], "propertiesWithHistory": []})))
        .await;
    assert_eq!(status, 207, "{read}");
    assert_eq!(read["results"][0]["properties"]["hs_call_title"], "good");
    assert_eq!(
        (
            &read["errors"][0]["category"],
            &read["errors"][0]["context"]["ids"]
        ),
        (&json!("OBJECT_NOT_FOUND"), &json!(["999"]))
    );

    let upsert = |title: &str| json!({"inputs": [{"id": "ext-1", "idProperty": "hs_call_external_id", "properties": {"hs_timestamp": "1700000000000", "hs_call_title": title}}]});
    let (status, first) = app
        .crm(
            Method::POST,
            &format!("{CALLS}/batch/upsert"),
            Some(&upsert("first")),
        )
        .await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["results"][0]["new"], true);
    let id = first["results"][0]["id"].clone();
    let (status, second) = app
        .crm(
            Method::POST,
            &format!("{CALLS}/batch/upsert"),
            Some(&upsert("second")),
        )
        .await;
    assert_eq!(
        (
            status,
            &second["results"][0]["new"],
            &second["results"][0]["id"]
        ),
        (200, &json!(false), &id),
        "{second}"
    );
    let (_, search) = app
        .crm(Method::POST, &format!("{CALLS}/search"), Some(&json!({"filterGroups": [{"filters": [{"propertyName": "hs_call_external_id", "operator": "EQ", "value": "ext-1"}]}], "properties": ["hs_call_title"]})))
        .await;
    assert_eq!(
        (
            &search["total"],
            &search["results"][0]["properties"]["hs_call_title"]
        ),
        (&json!(1), &json!("second"))
    );

    let (status, updated) = app
        .crm(
            Method::POST,
            &format!("{CALLS}/batch/update"),
            Some(&json!({"inputs": [{"id": good, "properties": {"hs_call_status": "COMPLETED"}}]})),
        )
        .await;
    assert_eq!(
        (
            status,
            &updated["results"][0]["properties"]["hs_call_status"]
        ),
        (200, &json!("COMPLETED")),
        "{updated}"
    );
    let response = app
        .send(
            Method::POST,
            &format!("{CALLS}/batch/archive"),
            Some(&json!({"inputs": [{"id": good}, {"id": "424242"}]})),
            Auth::Bearer(TOKEN),
        )
        .await;
    assert_eq!(response.status(), 204);
    let (_, list) = app.crm(Method::GET, CALLS, None).await;
    assert_eq!(list["results"].as_array().unwrap().len(), 1, "{list}");
}

#[tokio::test]
async fn searches_past_hubspots_limits_are_400s() {
    let app = spawn_app().await;
    let filter = json!({"propertyName": "hs_call_title", "operator": "HAS_PROPERTY"});
    let body = json!({"filterGroups": [{"filters": vec![filter; 7]}]});
    let error = app
        .crm_error(
            Method::POST,
            &format!("{CALLS}/search"),
            Some(&body),
            400,
            "VALIDATION_ERROR",
        )
        .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("at most 6 filters"),
        "{error}"
    );
    let body = json!({"filterGroups": [{"filters": [{"propertyName": "hs_call_title", "operator": "LIKE", "value": "x"}]}]});
    let error = app
        .crm_error(
            Method::POST,
            &format!("{CALLS}/search"),
            Some(&body),
            400,
            "VALIDATION_ERROR",
        )
        .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("CONTAINS_TOKEN"),
        "lists the operators: {error}"
    );
    let body = json!({"filterGroups": [{"filters": [{"propertyName": "hs_call_title", "operator": "IN"}]}]});
    app.crm_error(
        Method::POST,
        &format!("{CALLS}/search"),
        Some(&body),
        400,
        "VALIDATION_ERROR",
    )
    .await;
}

#[tokio::test]
async fn the_crm_takes_the_apps_token_and_its_scopes() {
    let app = spawn_app().await;
    let error = expect_error(
        app.send(Method::GET, CALLS, None, Auth::Key(API_KEY)).await,
        401,
        "INVALID_AUTHENTICATION",
    )
    .await;
    assert!(
        error["message"].as_str().unwrap().contains("access token"),
        "{error}"
    );
    expect_error(
        app.send(Method::GET, CALLS, None, Auth::Nothing).await,
        401,
        "INVALID_AUTHENTICATION",
    )
    .await;
    expect_error(
        app.send(Method::GET, CALLS, None, Auth::Bearer("someone-else"))
            .await,
        401,
        "INVALID_AUTHENTICATION",
    )
    .await;
    let error = app
        .crm_error(
            Method::GET,
            "/crm/v3/objects/deals",
            None,
            404,
            "OBJECT_NOT_FOUND",
        )
        .await;
    assert!(
        error["message"].as_str().unwrap().contains("contacts"),
        "{error}"
    );

    let scoped = spawn_with(r#"{"apps": [{"name": "a", "appId": 7, "accessToken": "t", "accessTokenScopes": ["crm.objects.contacts.read"]}], "portals": [{"portalId": 5}]}"#).await;
    let (status, _) = json_of(
        scoped
            .send(Method::GET, CALLS, None, Auth::Bearer("t"))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let error = expect_error(
        scoped
            .send(
                Method::POST,
                CALLS,
                Some(&call_body("x")),
                Auth::Bearer("t"),
            )
            .await,
        403,
        "MISSING_SCOPES",
    )
    .await;
    assert_eq!(
        error["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.contacts.write"])
    );
    let (status, _) = json_of(
        scoped
            .send(
                Method::POST,
                &format!("{CALLS}/search"),
                Some(&json!({})),
                Auth::Bearer("t"),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "search is a read");
    expect_error(
        scoped
            .send(
                Method::GET,
                "/crm/v3/objects/companies",
                None,
                Auth::Bearer("t"),
            )
            .await,
        403,
        "MISSING_SCOPES",
    )
    .await;
}

#[tokio::test]
async fn crm_calls_are_journaled() {
    let app = spawn_app().await;
    app.crm(Method::GET, &format!("{CALLS}?limit=1"), None)
        .await;
    let (_, journal) = json_of(app.control(Method::GET, "/_emulator/requests", None).await).await;
    let text = journal.to_string();
    assert!(text.contains("/crm/v3/objects/calls?limit=1"), "{text}");
}

#[tokio::test]
async fn calls_written_through_the_api_are_judged_and_journaled() {
    let app = spawn_with(
        r#"{"apps": [{"name": "demo", "appId": 7, "accessToken": "t", "clientSecret": "s"}],
            "portals": [{"portalId": 62515, "users": [{"userId": 101}]}]}"#,
    )
    .await;
    let send = |method: Method, path: &str, body: Value| {
        let (url, client) = (app.url(path), reqwest::Client::new());
        async move {
            client
                .request(method, url)
                .bearer_auth("t")
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    // A completed call of "95" ms (seconds, surely) and an upsert of a call with an unknown status.
    let created = send(
        Method::POST,
        "/crm/v3/objects/calls",
        json!({"properties": {"hs_timestamp": "2026-01-01T10:00:00Z", "hs_call_status": "COMPLETED", "hs_call_duration": "95"}}),
    )
    .await;
    assert_eq!(
        created.status(),
        201,
        "the write is HubSpot's answer whatever the findings"
    );
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let fixed = send(
        Method::PATCH,
        &format!("/crm/v3/objects/calls/{id}"),
        json!({"properties": {"hs_call_duration": "95000"}}),
    )
    .await;
    assert_eq!(fixed.status(), 200);

    let (status, page) = json_of(
        app.control(Method::GET, "/_emulator/call-writes", None)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{page}");
    assert_eq!(entries[0]["request"], "POST /crm/v3/objects/calls");
    assert_eq!(entries[0]["callId"], id.as_str());
    let codes = |entry: &Value| -> Vec<String> {
        entry["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes(&entries[0]), ["duration-looks-like-seconds"]);
    assert!(
        codes(&entries[1]).is_empty(),
        "the update fixed it: {}",
        entries[1]
    );

    // A batch upsert of a call logged in seconds is judged too.
    let upserted = send(
        Method::POST,
        "/crm/v3/objects/calls/batch/upsert",
        json!({"inputs": [{"id": "ext-9", "idProperty": "hs_call_external_id",
                           "properties": {"hs_timestamp": "2026-01-01T10:00:00Z", "hs_call_status": "COMPLETED", "hs_call_duration": "42"}}]}),
    )
    .await;
    assert_eq!(upserted.status(), 200);
    let (_, page) = json_of(
        app.control(Method::GET, "/_emulator/call-writes", None)
            .await,
    )
    .await;
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "{page}");
    assert_eq!(
        entries[2]["request"],
        "POST /crm/v3/objects/calls/batch/upsert"
    );
    assert_eq!(codes(&entries[2]), ["duration-looks-like-seconds"]);

    // Contacts are not calls: nothing is journaled for them.
    let contact = send(
        Method::POST,
        "/crm/v3/objects/contacts",
        json!({"properties": {"firstname": "Ada"}}),
    )
    .await;
    assert_eq!(contact.status(), 201);
    let (_, page) = json_of(
        app.control(Method::GET, "/_emulator/call-writes", None)
            .await,
    )
    .await;
    assert_eq!(page["entries"].as_array().unwrap().len(), 3);
}
