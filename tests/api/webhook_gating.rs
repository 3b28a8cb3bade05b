//! The gating matrix through the control API: registered or not × isReady × the user's flag ×
//! force, checking the outcome and whether the app was called at all.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::receiver::{Behaviour, Receiver};

const OK: &str = r#"{"phoneNumbers":[{"e164PhoneNumber":"+14155552671","friendlyName":"Office"}]}"#;
const CONNECTION: &str = "/crm/v3/extensions/calling/1234567/settings/channel-connection";
const USER: &str = "/_emulator/portals/62515/users/102";

#[tokio::test]
async fn the_gating_matrix() {
    for registered in [false, true] {
        for is_ready in [false, true] {
            for flag in [false, true] {
                for force in [false, true] {
                    let app = spawn_app().await;
                    let receiver = Receiver::start(Behaviour::json(OK)).await;
                    if registered {
                        app.register(&receiver.url, is_ready).await;
                    }
                    let (status, _) = json_of(
                        app.control(
                            Method::PUT,
                            USER,
                            Some(&json!({"supportsChannelConnection": flag})),
                        )
                        .await,
                    )
                    .await;
                    assert_eq!(status, 200);
                    let verdict = app
                        .fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 102, "force": force}))
                        .await;
                    let case = format!(
                        "registered={registered} isReady={is_ready} flag={flag} force={force}"
                    );
                    let (outcome, sent) = match (registered, is_ready || flag || force) {
                        (false, _) => ("not-registered", false),
                        (true, false) => ("greyed-out", false),
                        (true, true) => ("pass", true),
                    };
                    assert_eq!(verdict["outcome"], outcome, "{case}: {verdict:#}");
                    assert_eq!(receiver.requests().len(), usize::from(sent), "{case}");
                    assert_eq!(verdict["delivery"].is_null(), !sent, "{case}");
                    let codes = codes(&verdict);
                    match outcome {
                        "not-registered" => {
                            assert!(codes.contains(&"not-registered".into()), "{case}")
                        }
                        "greyed-out" => {
                            let message = finding(&verdict, "greyed-out")["message"]
                                .as_str()
                                .unwrap()
                                .to_string();
                            assert!(
                                message.contains("isReady")
                                    && message.contains("supportsChannelConnection"),
                                "{message}"
                            );
                        }
                        _ => {
                            let forced = registered && !is_ready && !flag && force;
                            assert_eq!(
                                codes.contains(&"forced".into()),
                                forced,
                                "{case}: {codes:?}"
                            );
                            let flag_only = !is_ready && flag;
                            assert_eq!(
                                codes.contains(&"not-ready-flag-on".into()),
                                flag_only,
                                "{case}: {codes:?}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn flags_are_set_and_read_through_the_control_api() {
    let app = spawn_app().await;
    let (status, user) = json_of(app.control(Method::GET, USER, None).await).await;
    assert_eq!(
        (status, user["supportsChannelConnection"].as_bool()),
        (200, Some(false))
    );
    app.control(
        Method::PUT,
        USER,
        Some(&json!({"supportsChannelConnection": true})),
    )
    .await;
    let (_, user) = json_of(app.control(Method::GET, USER, None).await).await;
    assert_eq!(user["supportsChannelConnection"], true);
    let (_, state) = json_of(app.control(Method::GET, "/_emulator/state", None).await).await;
    assert_eq!(
        state["portals"][0]["users"][1],
        json!({"userId": 102, "supportsChannelConnection": true})
    );

    // An undeclared user: 404 to read, declared by PUT.
    let (status, _) = json_of(
        app.control(Method::GET, "/_emulator/portals/9/users/9", None)
            .await,
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = json_of(
        app.control(
            Method::PUT,
            "/_emulator/portals/9/users/9",
            Some(&json!({"flag": true})),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn an_undeclared_user_is_treated_as_without_the_flag() {
    let app = spawn_app().await;
    let receiver = Receiver::start(Behaviour::json(OK)).await;
    app.register(&receiver.url, false).await;
    let verdict = app
        .fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 555}))
        .await;
    assert_eq!(verdict["outcome"], "greyed-out");
    assert_eq!(finding(&verdict, "user-not-declared")["severity"], "info");
    // Once ready, everyone can use it.
    let response = app
        .call(Method::PATCH, CONNECTION, Some(&json!({"isReady": true})))
        .await;
    assert_eq!(response.status(), 200);
    let verdict = app
        .fire(json!({"appId": APP_ID, "portalId": 62515, "userId": 555}))
        .await;
    assert_eq!(verdict["outcome"], "pass");
}
