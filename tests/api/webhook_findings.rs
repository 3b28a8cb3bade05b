//! Every finding code, produced through a real receiver over TCP: contract breaches in the reply
//! (E.164, names, extensions, duplicates …) and what the help-desk picker then shows.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver};

/// Fires once against a receiver answering `behaviour`; returns the verdict.
async fn verdict_for(behaviour: Behaviour, timeout_ms: u64) -> Value {
    let app = spawn_app().await;
    let receiver = Receiver::start(behaviour).await;
    app.register(&receiver.url, true).await;
    let verdict = app.fire_demo(timeout_ms).await;
    app.assert_healthy().await;
    verdict
}

async fn verdict_for_json(body: Value) -> Value {
    verdict_for(Behaviour::json(&body.to_string()), 5000).await
}

fn numbers(entries: Value) -> Value {
    json!({ "phoneNumbers": entries })
}

#[tokio::test]
async fn e164_syntax_errors_fail_and_name_the_entry() {
    for bad in [
        "415-555-2671",
        "14155552671",
        "+1 415 555 2671",
        "+0412345678",
        "+1234567890123456",
    ] {
        let verdict = verdict_for_json(numbers(
            json!([{"e164PhoneNumber": bad, "friendlyName": "x"}]),
        ))
        .await;
        assert_eq!(verdict["outcome"], "fail", "{bad}");
        let f = finding(&verdict, "e164-syntax");
        assert_eq!(f["severity"], "error");
        assert_eq!(f["pointer"], "/phoneNumbers/0/e164PhoneNumber");
        assert_eq!(verdict["picker"][0]["selectable"], false);
    }
}

#[tokio::test]
async fn well_formed_but_undialable_numbers_are_a_warning() {
    let verdict = verdict_for_json(numbers(
        json!([{"e164PhoneNumber": "+19999999999", "friendlyName": "Fake"}]),
    ))
    .await;
    assert_eq!(verdict["outcome"], "pass", "a warning does not fail");
    assert_eq!(
        finding(&verdict, "e164-not-dialable")["severity"],
        "warning"
    );
}

#[tokio::test]
async fn the_legacy_field_name_is_named_as_such() {
    let verdict = verdict_for_json(numbers(
        json!([{"e164Number": "+14155552671", "friendlyName": "Old"}]),
    ))
    .await;
    assert_eq!(verdict["outcome"], "fail");
    let f = finding(&verdict, "legacy-field-name");
    assert_eq!(f["pointer"], "/phoneNumbers/0/e164Number");
    assert!(f["message"].as_str().unwrap().contains("e164PhoneNumber"));
    assert!(
        !codes(&verdict).contains(&"e164-missing".to_string()),
        "one finding, not two"
    );
}

#[tokio::test]
async fn names_over_24_characters_show_what_hubspot_displays() {
    let cases = [
        (
            "Customer support hotline number",
            "Customer support hotline",
        ),
        (
            "Téléphone du siège à Genève-Cointrin",
            "Téléphone du siège à Gen",
        ),
        // 30 emoji of one code point (4 UTF-8 bytes) each: a byte count would cut after 6.
        (
            "😀😃😄😁😆😅😂🤣🥲😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛😜🤪😝🤑🤗🤭🤫",
            "😀😃😄😁😆😅😂🤣🥲😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛😜",
        ),
        (
            "東京本社カスタマーサポートセンター代表電話番号受付窓口",
            "東京本社カスタマーサポートセンター代表電話番号受",
        ),
    ];
    for (name, shown) in cases {
        assert_eq!(shown.chars().count(), 24, "{shown}");
        let verdict = verdict_for_json(numbers(
            json!([{"e164PhoneNumber": "+14155552671", "friendlyName": name}]),
        ))
        .await;
        assert_eq!(verdict["outcome"], "pass");
        let f = finding(&verdict, "friendly-name-truncated");
        assert_eq!(f["severity"], "warning");
        assert!(f["message"].as_str().unwrap().contains(shown), "{f}");
        assert_eq!(verdict["picker"][0]["displayedName"], shown);
    }
    // Exactly 24 characters (multi-byte) is not cut.
    let verdict = verdict_for_json(numbers(
        json!([{"e164PhoneNumber": "+14155552671", "friendlyName": "é".repeat(24)}]),
    ))
    .await;
    assert!(codes(&verdict).is_empty(), "{verdict:#}");
}

#[tokio::test]
async fn missing_names_and_numbers() {
    let verdict = verdict_for_json(numbers(
        json!([{"e164PhoneNumber": "+14155552671"}, {"friendlyName": "No number"}]),
    ))
    .await;
    assert_eq!(
        finding(&verdict, "friendly-name-missing")["pointer"],
        "/phoneNumbers/0/friendlyName"
    );
    assert_eq!(verdict["picker"][0]["displayedName"], "+14155552671");
    assert_eq!(
        finding(&verdict, "e164-missing")["pointer"],
        "/phoneNumbers/1/e164PhoneNumber"
    );
    assert_eq!(verdict["outcome"], "fail");
}

#[tokio::test]
async fn numbers_with_an_extension_are_listed_but_not_selectable() {
    let verdict = verdict_for_json(numbers(json!([
        {"e164PhoneNumber": "+14155552671", "friendlyName": "Main"},
        {"e164PhoneNumber": "+14155552672", "extension": "204", "friendlyName": "Desk"},
    ])))
    .await;
    assert_eq!(verdict["outcome"], "pass");
    assert_eq!(
        finding(&verdict, "extension-not-selectable")["pointer"],
        "/phoneNumbers/1/extension"
    );
    assert_eq!(verdict["picker"][0]["selectable"], true);
    assert_eq!(verdict["picker"][1]["selectable"], false);
    assert_eq!(verdict["picker"][1]["extension"], "204");
    assert!(verdict["picker"][1]["reason"]
        .as_str()
        .unwrap()
        .contains("extension"));

    let only = verdict_for_json(numbers(
        json!([{"e164PhoneNumber": "+14155552672", "extension": "1", "friendlyName": "Desk"}]),
    ))
    .await;
    assert_eq!(
        finding(&only, "no-selectable-numbers")["severity"],
        "warning"
    );
}

#[tokio::test]
async fn duplicates_empty_lists_unknown_fields_and_wrong_types() {
    let verdict = verdict_for_json(numbers(json!([
        {"e164PhoneNumber": "+14155552671", "friendlyName": "A"},
        {"e164PhoneNumber": "+14155552671", "friendlyName": "B"},
    ])))
    .await;
    assert_eq!(
        finding(&verdict, "duplicate-number")["pointer"],
        "/phoneNumbers/1"
    );

    let verdict = verdict_for_json(numbers(json!([]))).await;
    assert_eq!(finding(&verdict, "empty-list")["severity"], "warning");
    assert_eq!(verdict["outcome"], "pass");

    let verdict = verdict_for_json(json!({"phoneNumbers": [{"e164PhoneNumber": "+14155552671", "friendlyName": "A", "label": "x"}], "next": 2})).await;
    let pointers: Vec<&str> = verdict["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "unknown-field")
        .map(|f| f["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(pointers, ["/next", "/phoneNumbers/0/label"]);

    let verdict = verdict_for_json(json!({"phoneNumbers": "+14155552671"})).await;
    assert_eq!(
        finding(&verdict, "invalid-type")["pointer"],
        "/phoneNumbers"
    );
    let verdict = verdict_for_json(numbers(
        json!([{"e164PhoneNumber": 14155552671u64, "friendlyName": 5, "extension": 12}]),
    ))
    .await;
    let pointers: Vec<&str> = verdict["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "invalid-type")
        .map(|f| f["pointer"].as_str().unwrap())
        .collect();
    assert_eq!(
        pointers,
        [
            "/phoneNumbers/0/e164PhoneNumber",
            "/phoneNumbers/0/extension",
            "/phoneNumbers/0/friendlyName"
        ]
    );

    let verdict = verdict_for_json(json!({"numbers": []})).await;
    assert_eq!(
        finding(&verdict, "missing-phone-numbers")["pointer"],
        "/phoneNumbers"
    );
    let verdict = verdict_for_json(json!([1, 2])).await;
    assert_eq!(
        finding(&verdict, "missing-phone-numbers")["severity"],
        "error"
    );
}

#[tokio::test]
async fn a_non_json_content_type_is_a_warning() {
    let body =
        numbers(json!([{"e164PhoneNumber": "+14155552671", "friendlyName": "A"}])).to_string();
    let verdict = verdict_for(
        Behaviour::status(200, Some("text/plain"), body.as_bytes()),
        5000,
    )
    .await;
    assert_eq!(verdict["outcome"], "pass");
    assert_eq!(finding(&verdict, "content-type")["severity"], "warning");
}

#[tokio::test]
async fn a_slow_reply_is_a_warning() {
    let body =
        numbers(json!([{"e164PhoneNumber": "+14155552671", "friendlyName": "A"}])).to_string();
    let slow = Behaviour::Delayed(
        std::time::Duration::from_millis(700),
        Box::new(Behaviour::json(&body)),
    );
    // Slow means over 3 s or half the timeout, whichever is less.
    let verdict = verdict_for(slow, 1200).await;
    assert_eq!(verdict["outcome"], "pass", "{verdict:#}");
    assert!(finding(&verdict, "slow-reply")["message"]
        .as_str()
        .unwrap()
        .contains("600 ms"));
}
