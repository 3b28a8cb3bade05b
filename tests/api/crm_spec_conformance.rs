//! What the conformance run against HubSpot's CRM specs found (tests/conformance, docs/crm.md
//! "Conformance"): bodies HubSpot's spec types are read as typed (a property value that is an
//! array or object, a missing `properties`, a non-string `objectWriteTraceId`, a filter group
//! without `filters` fail the whole request), an `idProperty` that cannot identify objects fails
//! a whole batch, an int32 association type id is the CRM's to refuse, query counts stop at
//! int32 and datetimes at year 9999.

use reqwest::Method;
use serde_json::json;

use crate::helpers::spawn_app;

const CALLS: &str = "/crm/v3/objects/calls";
const CONTACTS: &str = "/crm/v3/objects/contacts";

#[tokio::test]
async fn bodies_that_break_the_specs_types_fail_the_whole_request() {
    let app = spawn_app().await;
    for (path, body) in [
        (
            format!("{CALLS}/batch/create"),
            json!({"inputs": [{"properties": {"hs_call_title": {}}}]}),
        ),
        (
            format!("{CALLS}/batch/update"),
            json!({"inputs": [{"id": "1", "properties": {"hs_call_title": [1]}}]}),
        ),
        (
            format!("{CALLS}/batch/upsert"),
            json!({"inputs": [{"id": "1", "properties": {"hs_call_title": {"a": 1}}}]}),
        ),
        (
            CONTACTS.to_string(),
            json!({"properties": {"firstname": ["Ada"]}}),
        ),
        (CONTACTS.to_string(), json!({"associations": []})),
        (
            format!("{CONTACTS}/batch/create"),
            json!({"inputs": [{"associations": []}]}),
        ),
        (
            format!("{CONTACTS}/batch/create"),
            json!({"inputs": [{"properties": {}, "objectWriteTraceId": {}}]}),
        ),
        (format!("{CONTACTS}/search"), json!({"filterGroups": [{}]})),
    ] {
        let error = app
            .crm_error(Method::POST, &path, Some(&body), 400, "VALIDATION_ERROR")
            .await;
        assert!(
            error["message"].as_str().unwrap().contains("Invalid input"),
            "{path} {body}: {error}"
        );
    }
    // The message says where the body breaks the type (the body is read plainly first, and
    // again with its path tracked only when it is refused).
    let error = app
        .crm_error(
            Method::POST,
            &format!("{CALLS}/batch/update"),
            Some(&json!({"inputs": [{"id": "1", "properties": {}}, {"id": "2", "properties": {"hs_call_title": [1]}}]})),
            400,
            "VALIDATION_ERROR",
        )
        .await;
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains(" at inputs[1].properties: the value of property \"hs_call_title\""),
        "{message}"
    );
    let (status, created) = app
        .crm(
            Method::POST,
            &format!("{CONTACTS}/batch/create"),
            Some(
                &json!({"inputs": [{"properties": {"firstname": 7}, "objectWriteTraceId": "t-1"}]}),
            ),
        )
        .await;
    assert_eq!(
        status, 201,
        "numbers are text, a trace id is read: {created}"
    );
    let (status, _) = app
        .crm(Method::PATCH, &format!("{CALLS}/1"), Some(&json!({})))
        .await;
    assert_eq!(status, 400, "a PATCH needs properties");
}

/// Text after the body's JSON is ignored, as Jackson does by default (docs/crm.md, "Text after
/// the JSON"); a body that is not JSON up to its object's end is still a 400.
#[tokio::test]
async fn text_after_the_json_is_ignored() {
    let app = spawn_app().await;
    let post = |body: &'static str| {
        app.http
            .post(format!("{}{CALLS}", app.base))
            .bearer_auth(crate::helpers::TOKEN)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let created = post(r#"{"properties": {"hs_timestamp": "2026-11-27T17:30:00.000Z", "hs_call_title": "x"}} trailing"#)
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let refused = post(r#"{"properties": {"hs_timestamp": "2026-11-27T17:30:00.000Z"} trailing"#)
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
}

#[tokio::test]
async fn an_id_property_that_identifies_nothing_fails_the_whole_batch() {
    let app = spawn_app().await;
    for (path, body) in [
        (
            "batch/read",
            json!({"idProperty": "hs_call_title", "inputs": [{"id": "1"}]}),
        ),
        (
            "batch/read",
            json!({"idProperty": "", "inputs": [{"id": "1"}]}),
        ),
        (
            "batch/update",
            json!({"inputs": [{"id": "1", "idProperty": "nope", "properties": {}}]}),
        ),
        (
            "batch/upsert",
            json!({"inputs": [{"id": "x", "idProperty": "hs_call_title", "properties": {}}]}),
        ),
    ] {
        let error = app
            .crm_error(
                Method::POST,
                &format!("{CALLS}/{path}"),
                Some(&body),
                400,
                "VALIDATION_ERROR",
            )
            .await;
        assert_eq!(
            error["errors"][0]["code"], "INVALID_ID_PROPERTY",
            "{path}: {error}"
        );
    }
    let (status, read) = app
        .crm(
            Method::POST,
            &format!("{CALLS}/batch/read"),
            Some(&json!({"idProperty": null, "inputs": [{"id": "1"}]})),
        )
        .await;
    assert_eq!(
        status, 207,
        "null is no idProperty; the unknown id fails its input: {read}"
    );
}

#[tokio::test]
async fn int32_type_ids_counts_and_four_digit_years() {
    let app = spawn_app().await;
    let (status, batch) = app
        .crm(
            Method::POST,
            &format!("{CALLS}/batch/create"),
            Some(&json!({"inputs": [{"properties": {"hs_timestamp": "1700000000000"},
                "associations": [{"to": {"id": "1"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": -5}]}]}]})),
        )
        .await;
    assert_eq!(status, 207, "{batch}");
    assert_eq!(
        batch["errors"][0]["errors"][0]["code"], "INVALID_ASSOCIATION_TYPE",
        "{batch}"
    );
    let error = app
        .crm_error(
            Method::GET,
            &format!("{CALLS}?limit=2147483648"),
            None,
            400,
            "VALIDATION_ERROR",
        )
        .await;
    assert_eq!(error["errors"][0]["code"], "INVALID_QUERY_PARAMETER");
    let (status, _) = app
        .crm(Method::GET, &format!("{CALLS}?limit=2147483647"), None)
        .await;
    assert_eq!(status, 200, "int32's largest is clamped to a page");
    let error = app
        .crm_error(
            Method::POST,
            CALLS,
            Some(&json!({"properties": {"hs_timestamp": 253402300800000u64}})),
            400,
            "VALIDATION_ERROR",
        )
        .await;
    assert_eq!(
        error["errors"][0]["code"], "INVALID_DATETIME",
        "year 10000: {error}"
    );
    let (status, call) = app
        .crm(
            Method::POST,
            CALLS,
            Some(&json!({"properties": {"hs_timestamp": 253402300799999u64}})),
        )
        .await;
    assert_eq!(status, 201, "{call}");
}
