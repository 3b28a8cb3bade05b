//! A portal's CRM in the control API (`GET /_emulator/portals/{portalId}/crm`), over TCP: the
//! seeded contacts, companies and calls and those an app writes through HubSpot's API, each call
//! with its associations by name and the findings of judging it as HubSpot would keep it; the
//! control API's errors for an unknown portal and a bad query; pages bounded and complete.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{json_of, spawn_with, Auth, TestApp};

const FIXTURE: &str = r#"{
  "apps": [{"name": "dialer", "appId": 7, "accessToken": "tok", "installedPortalId": 62515,
            "recording": {"urlToRetrieveAuthedRecording": "https://dialer.example/recordings/%s"}}],
  "portals": [
    {"portalId": 62515, "users": [{"userId": 101}],
     "contacts": [{"id": "500", "properties": {"firstname": "Ada", "lastname": "Lovelace", "email": "ada@example.com",
                   "phone": "+442071838750", "mobilephone": "+447700900123", "hubspot_owner_id": "101"}}],
     "companies": [{"id": "9001", "properties": {"name": "Acme", "domain": "acme.example", "phone": "+14155552671"},
                    "associations": [{"toId": "500", "associationTypeId": 2}]}],
     "calls": [{"id": "700", "properties": {"hs_timestamp": "2026-01-01T09:00:00Z", "hs_call_status": "COMPLETED",
                "hs_call_duration": "95000", "hs_call_direction": "INBOUND"},
                "associations": [{"toId": "500", "associationTypeId": 194}]}]},
    {"portalId": 4242}
  ]
}"#;

async fn crm_page(app: &TestApp, query: &str) -> (u16, Value) {
    json_of(
        app.control(
            Method::GET,
            &format!("/_emulator/portals/62515/crm{query}"),
            None,
        )
        .await,
    )
    .await
}

/// The codes of an entry's findings, in order.
fn codes(entry: &Value) -> Vec<&str> {
    entry["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_crm_shows_seeded_objects_and_the_calls_an_app_writes_judged() {
    let app = spawn_with(FIXTURE).await;
    // A call logged as an app should not: its duration in seconds, its recording over http,
    // and without what HubSpot needs to fetch the recording of an app with recording settings.
    let call = json!({
        "properties": {"hs_timestamp": "2026-01-01T10:00:00Z", "hs_call_status": "COMPLETED",
                       "hs_call_duration": "95", "hs_call_direction": "OUTBOUND",
                       "hs_call_from_number": "+14155550100", "hs_call_to_number": "+442071838750",
                       "hs_call_recording_url": "http://dialer.example/r/1.mp3", "hubspot_owner_id": "101"},
        "associations": [
            {"to": {"id": "500"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}]},
            {"to": {"id": "9001"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 182}]}
        ]
    });
    let (status, created) = json_of(
        app.send(
            Method::POST,
            "/crm/v3/objects/calls",
            Some(&call),
            Auth::Bearer("tok"),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let call_id = created["id"].as_str().unwrap();

    let (status, page) = crm_page(&app, "").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["portalId"], 62515);
    assert_eq!(page["limit"], 100);
    assert_eq!(page["objectLimit"], 10_000);
    assert_eq!(
        page["counts"],
        json!({"contacts": 1, "companies": 1, "calls": 2})
    );
    assert_eq!(
        page["next"],
        json!({"contacts": null, "companies": null, "calls": null})
    );

    let contact = &page["contacts"][0];
    assert_eq!(contact["id"], "500");
    for (name, value) in [
        ("firstname", "Ada"),
        ("email", "ada@example.com"),
        ("phone", "+442071838750"),
        ("mobilephone", "+447700900123"),
        ("hubspot_owner_id", "101"),
    ] {
        assert_eq!(contact["properties"][name], value, "{contact}");
    }
    assert_eq!(
        contact["associations"]["companies"],
        json!([{"id": "9001", "name": "Acme"}])
    );
    assert_eq!(contact["associationCounts"]["calls"], 2);
    assert!(contact.get("findings").is_none(), "{contact}");
    let company = &page["companies"][0];
    assert_eq!(
        (
            &company["properties"]["name"],
            &company["properties"]["domain"]
        ),
        (&json!("Acme"), &json!("acme.example"))
    );

    // Oldest first: the seeded call, then the app's.
    let calls = page["calls"].as_array().unwrap();
    assert_eq!(calls.len(), 2);
    let seeded = &calls[0];
    assert_eq!(seeded["id"], "700");
    // Seeded: no app created it, so nothing is asked of it for recordings; a clean call.
    assert!(seeded.get("createdByAppId").is_none(), "{seeded}");
    assert_eq!(seeded["findings"], json!([]));
    assert_eq!(
        seeded["associations"],
        json!({"contacts": [{"id": "500", "name": "Ada Lovelace"}], "companies": []})
    );

    let written = &calls[1];
    assert_eq!(written["id"], call_id);
    assert_eq!(written["createdByAppId"], 7);
    assert_eq!(written["properties"]["hs_call_duration"], "95");
    assert_eq!(
        written["associations"],
        json!({"contacts": [{"id": "500", "name": "Ada Lovelace"}],
               "companies": [{"id": "9001", "name": "Acme"}]})
    );
    assert_eq!(
        written["associationCounts"],
        json!({"contacts": 1, "companies": 1})
    );
    assert_eq!(
        codes(written),
        [
            "duration-looks-like-seconds",
            "recording-url-not-https",
            "recording-property-missing",
            "recording-property-missing",
            "recording-property-missing",
            "recording-property-missing"
        ]
    );
    let duration = &written["findings"][0];
    assert_eq!(duration["severity"], "warning");
    assert_eq!(duration["pointer"], "/properties/hs_call_duration");
    assert!(
        duration["message"].as_str().unwrap().contains("send 95000"),
        "{duration}"
    );

    // The same judge as the call-write journal's.
    let (_, writes) = json_of(
        app.control(Method::GET, "/_emulator/call-writes", None)
            .await,
    )
    .await;
    assert_eq!(writes["entries"][0]["findings"], written["findings"]);

    // Fixed by the app, the call is judged again as it now stands.
    let fix = json!({"properties": {"hs_call_duration": "95000", "hs_call_recording_url": "https://dialer.example/r/1.mp3",
        "hs_call_external_id": "c-1", "hs_call_external_account_id": "acct-1", "hs_call_app_id": "7",
        "hs_call_source": "INTEGRATIONS_PLATFORM"}});
    let patched = app
        .send(
            Method::PATCH,
            &format!("/crm/v3/objects/calls/{call_id}"),
            Some(&fix),
            Auth::Bearer("tok"),
        )
        .await;
    assert_eq!(patched.status(), 200);
    let (_, page) = crm_page(&app, "?type=calls").await;
    assert_eq!(page["calls"][1]["findings"], json!([]), "{page}");
}

#[tokio::test]
async fn unknown_portals_and_bad_queries_get_the_control_apis_errors() {
    let app = spawn_with(FIXTURE).await;
    let get = |path: String| {
        let app = &app;
        async move { json_of(app.control(Method::GET, &path, None).await).await }
    };
    let (status, body) = get("/_emulator/portals/999/crm".into()).await;
    assert_eq!(status, 404, "{body}");
    let message = body["error"].as_str().unwrap();
    for part in [
        "no portal 999",
        "portals 4242, 62515",
        "GET /_emulator/state",
    ] {
        assert!(message.contains(part), "{message}");
    }
    // A portal without a CRM of its own yet is known, and empty.
    let (status, body) = get("/_emulator/portals/4242/crm".into()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["counts"],
        json!({"contacts": 0, "companies": 0, "calls": 0})
    );
    for (query, expected) in [
        ("?type=deals", "contacts, companies or calls"),
        ("?limit=0", "not 1 to 1000"),
        ("?limit=1001", "?after=NEXT"),
        ("?limit=ten", "whole numbers"),
        ("?page=2", "?type=contacts, companies or calls"),
    ] {
        let (status, body) = get(format!("/_emulator/portals/62515/crm{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        let message = body["error"].as_str().unwrap();
        assert!(message.contains(expected), "{query}: {message}");
    }
    let (status, body) = get("/_emulator/portals/acme/crm".into()).await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn pages_hold_the_newest_by_default_and_after_reads_every_object() {
    // 150 contacts: more than a default page.
    let contacts: Vec<Value> = (1..=150)
        .map(|n| json!({"id": (1000 + n).to_string(), "properties": {"email": format!("c{n}@example.com")}}))
        .collect();
    let fixture = json!({
        "apps": [{"name": "dialer", "appId": 7, "accessToken": "tok"}],
        "portals": [{"portalId": 62515, "contacts": contacts}]
    });
    let app = spawn_with(&fixture.to_string()).await;
    let ids = |page: &Value| -> Vec<u64> {
        page["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().parse().unwrap())
            .collect()
    };

    let (_, page) = crm_page(&app, "").await;
    assert_eq!(page["counts"]["contacts"], 150);
    assert_eq!(ids(&page), (1051..=1150).collect::<Vec<u64>>());
    assert_eq!(page["next"]["contacts"], Value::Null);

    let (_, page) = crm_page(&app, "?limit=7").await;
    assert_eq!(ids(&page), (1144..=1150).collect::<Vec<u64>>());

    // After: oldest first, every one once, `next` until the last page.
    let mut seen = Vec::new();
    let mut after = "0".to_string();
    let mut pages = 0;
    loop {
        let (status, page) =
            crm_page(&app, &format!("?type=contacts&after={after}&limit=60")).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(
            page.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["contacts", "companies", "calls"].contains(&k.as_str()))
                .count(),
            1,
            "only the type asked for: {page}"
        );
        seen.extend(ids(&page));
        pages += 1;
        match page["next"]["contacts"].as_str() {
            Some(next) => after = next.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, (1001..=1150).collect::<Vec<u64>>());
}
