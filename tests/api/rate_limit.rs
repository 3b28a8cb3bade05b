//! HubSpot's rate-limit headers on every API response, and the 429 past a fixture's burst limit.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;

const SETTINGS: &str = "/crm/v3/extensions/calling/1234567/settings";

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
}

#[tokio::test]
async fn every_api_response_carries_the_headers() {
    let app = spawn_app().await;
    let responses = [
        app.send(Method::GET, SETTINGS, None, Auth::Key(API_KEY))
            .await, // 404
        app.send(
            Method::POST,
            SETTINGS,
            Some(&json!({"name": "n", "url": "u"})),
            Auth::Key(API_KEY),
        )
        .await, // 200
        app.send(Method::GET, SETTINGS, None, Auth::Key("bad"))
            .await, // 401
        app.send(
            Method::GET,
            "/crm/v3/extensions/calling/x/settings",
            None,
            Auth::Key(API_KEY),
        )
        .await, // 400
    ];
    for response in &responses {
        assert_eq!(
            header(response, "x-hubspot-ratelimit-interval-milliseconds").as_deref(),
            Some("10000")
        );
        assert_eq!(
            header(response, "x-hubspot-ratelimit-max").as_deref(),
            Some("110")
        );
        assert!(header(response, "x-hubspot-ratelimit-remaining").is_some());
        assert_eq!(
            header(response, "x-hubspot-ratelimit-daily").as_deref(),
            Some("500000"),
            "API-key calls carry the daily headers"
        );
        assert!(header(response, "x-hubspot-ratelimit-daily-remaining").is_some());
    }
    let number = |response: &reqwest::Response, name: &str| -> u32 {
        header(response, name).unwrap().parse().unwrap()
    };
    for (name, max) in [
        ("x-hubspot-ratelimit-remaining", 110),
        ("x-hubspot-ratelimit-daily-remaining", 500_000),
    ] {
        let (first, second) = (number(&responses[0], name), number(&responses[1], name));
        assert!(first < max, "{name} {first} below its maximum {max}");
        assert_eq!(second + 1, first, "{name} counts down per app");
    }

    let bearer = app
        .send(Method::GET, SETTINGS, None, Auth::Bearer(TOKEN))
        .await;
    assert!(header(&bearer, "x-hubspot-ratelimit-max").is_some());
    assert!(
        header(&bearer, "x-hubspot-ratelimit-daily").is_none(),
        "OAuth calls have no daily headers"
    );

    let control = app.control(Method::GET, "/_emulator/health", None).await;
    assert!(
        header(&control, "x-hubspot-ratelimit-max").is_none(),
        "the control API is not HubSpot"
    );
}

#[tokio::test]
async fn past_the_burst_limit_hubspot_answers_429() {
    let app = spawn_with(
        r#"{"rateLimit": {"maxPerInterval": 3, "intervalMs": 60000},
            "apps": [{"name": "a", "appId": 1, "developerApiKey": "k"}, {"name": "b", "appId": 2, "developerApiKey": "k2"}]}"#,
    )
    .await;
    let path = "/crm/v3/extensions/calling/1/settings";
    for expected_remaining in ["2", "1", "0"] {
        let response = app.send(Method::GET, path, None, Auth::Key("k")).await;
        assert_eq!(response.status(), 404);
        assert_eq!(
            header(&response, "x-hubspot-ratelimit-max").as_deref(),
            Some("3")
        );
        assert_eq!(
            header(&response, "x-hubspot-ratelimit-remaining").as_deref(),
            Some(expected_remaining)
        );
    }
    let limited = app.send(Method::GET, path, None, Auth::Key("k")).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(
        header(&limited, "x-hubspot-ratelimit-remaining").as_deref(),
        Some("0")
    );
    let correlation = header(&limited, "x-hubspot-correlation-id").unwrap();
    let (_, body) = json_of(limited).await;
    assert_eq!(
        body,
        json!({"status": "error", "message": "You have reached your secondly limit.", "errorType": "RATE_LIMIT",
               "correlationId": correlation, "policyName": "TEN_SECONDLY_ROLLING"})
    );
    // The limit is per app.
    let other = app
        .send(
            Method::GET,
            "/crm/v3/extensions/calling/2/settings",
            None,
            Auth::Key("k2"),
        )
        .await;
    assert_eq!(other.status(), 404);
    // A reset clears the counters.
    app.control(Method::POST, "/_emulator/reset", None).await;
    assert_eq!(
        app.send(Method::GET, path, None, Auth::Key("k"))
            .await
            .status(),
        404
    );
}
