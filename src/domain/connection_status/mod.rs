//! Connection statuses (`/crm/extensions/calling/v3/connection-statuses`): whether a user of a
//! portal has a calling provider connected, and which one — HubSpot's own calling or a
//! third-party app. The stored value (`ConnectionStatus`, also the fixture's and the control
//! API's shape), the answer HubSpot gives (`UserConnectionStatus`), and how the user ids of a
//! request are read (`request`).
//!
//! What `connected` means is not published by HubSpot; the emulator stores what the fixture,
//! the control API (and later the SDK host) set, and a user nobody set is not connected and has
//! no provider (docs/connection-statuses.md).

pub mod request;

use serde::{Deserialize, Serialize};

use super::{AppId, UserId};

/// A user's calling connection status, e.g. `{"connected": true, "provider": "THIRD_PARTY",
/// "appId": 1234567}`; a user without one is not connected and has no provider.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(try_from = "StatusFields", into = "StatusFields")]
#[schemars(with = "StatusFields")]
pub struct ConnectionStatus {
    pub connected: bool,
    pub provider: Option<Provider>,
}

impl ConnectionStatus {
    pub fn is_default(&self) -> bool {
        *self == ConnectionStatus::default()
    }
}

/// The calling provider a user has chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    /// HubSpot's own calling.
    HubSpot,
    /// A third-party calling app (its name, when HubSpot answers, is the app's calling settings
    /// `name`).
    ThirdParty { app_id: AppId },
}

/// The flat shape fixtures and the control API write:
/// `{"connected": true, "provider": "THIRD_PARTY", "appId": 1234567}` or
/// `{"connected": true, "provider": "HUBSPOT"}` or `{"connected": false}`.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "ConnectionStatus")]
pub struct StatusFields {
    /// Whether the user's calling provider is connected (HubSpot does not publish what this means
    /// exactly; the emulator answers what is set here).
    pub connected: bool,
    /// The provider the user chose: `HUBSPOT` or `THIRD_PARTY` (then `appId` names the app).
    /// Absent: no provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderKind>,
    /// The third-party app, with `"provider": "THIRD_PARTY"` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<AppId>,
}

/// The user's calling provider: HubSpot's own calling, or a third-party app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProviderKind {
    #[serde(rename = "HUBSPOT")]
    HubSpot,
    ThirdParty,
}

impl TryFrom<StatusFields> for ConnectionStatus {
    type Error = String;

    fn try_from(fields: StatusFields) -> Result<Self, String> {
        let provider = match (fields.provider, fields.app_id) {
            (None, None) => None,
            (Some(ProviderKind::HubSpot), None) => Some(Provider::HubSpot),
            (Some(ProviderKind::ThirdParty), Some(app_id)) => Some(Provider::ThirdParty { app_id }),
            (Some(ProviderKind::ThirdParty), None) => {
                return Err(
                    "a THIRD_PARTY provider needs the app's \"appId\", e.g. {\"connected\": true, \"provider\": \"THIRD_PARTY\", \"appId\": 1234567}"
                        .into(),
                )
            }
            (Some(ProviderKind::HubSpot), Some(_)) => {
                return Err(
                    "\"appId\" belongs to a THIRD_PARTY provider; HubSpot's own calling (\"provider\": \"HUBSPOT\") has none: remove \"appId\" or set \"provider\": \"THIRD_PARTY\""
                        .into(),
                )
            }
            (None, Some(app_id)) => {
                return Err(format!(
                    "\"appId\" needs \"provider\": \"THIRD_PARTY\" beside it (app {app_id} is then the user's calling provider)"
                ))
            }
        };
        Ok(ConnectionStatus {
            connected: fields.connected,
            provider,
        })
    }
}

impl From<ConnectionStatus> for StatusFields {
    fn from(status: ConnectionStatus) -> Self {
        let (provider, app_id) = match status.provider {
            None => (None, None),
            Some(Provider::HubSpot) => (Some(ProviderKind::HubSpot), None),
            Some(Provider::ThirdParty { app_id }) => (Some(ProviderKind::ThirdParty), Some(app_id)),
        };
        StatusFields {
            connected: status.connected,
            provider,
            app_id,
        }
    }
}

/// One user's status as HubSpot answers it (`UserCallingConnectionStatusResponse`): the user id
/// as a **string**, `connected`, and the provider when there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserConnectionStatus {
    #[serde(serialize_with = "as_string")]
    pub user_id: UserId,
    pub connected: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<ProviderView>,
}

/// `{"type": "HUBSPOT"}` or `{"type": "THIRD_PARTY", "appId": 456, "appName": "Acme Dialer"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum ProviderView {
    #[serde(rename = "HUBSPOT")]
    HubSpot,
    #[serde(rename = "THIRD_PARTY", rename_all = "camelCase")]
    ThirdParty {
        app_id: AppId,
        #[serde(skip_serializing_if = "Option::is_none")]
        app_name: Option<String>,
    },
}

impl UserConnectionStatus {
    /// `user_id`'s `status`; `app_name` names a third-party provider (ignored otherwise).
    pub fn new(user_id: UserId, status: ConnectionStatus, app_name: Option<String>) -> Self {
        let provider = status.provider.map(|provider| match provider {
            Provider::HubSpot => ProviderView::HubSpot,
            Provider::ThirdParty { app_id } => ProviderView::ThirdParty { app_id, app_name },
        });
        UserConnectionStatus {
            user_id,
            connected: status.connected,
            provider,
        }
    }
}

fn as_string<S: serde::Serializer>(id: &UserId, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: serde_json::Value) -> Result<ConnectionStatus, String> {
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    #[test]
    fn the_flat_shape_round_trips() {
        for value in [
            json!({"connected": false}),
            json!({"connected": true, "provider": "HUBSPOT"}),
            json!({"connected": true, "provider": "THIRD_PARTY", "appId": 42}),
        ] {
            let status = parse(value.clone()).unwrap();
            assert_eq!(serde_json::to_value(status).unwrap(), value);
        }
        assert!(parse(json!({"connected": false})).unwrap().is_default());
    }

    #[test]
    fn inconsistent_providers_say_how_to_fix_them() {
        let third = parse(json!({"connected": true, "provider": "THIRD_PARTY"})).unwrap_err();
        assert!(third.contains("needs the app's \"appId\""), "{third}");
        let hubspot =
            parse(json!({"connected": true, "provider": "HUBSPOT", "appId": 1})).unwrap_err();
        assert!(hubspot.contains("remove \"appId\""), "{hubspot}");
        let bare = parse(json!({"connected": true, "appId": 1})).unwrap_err();
        assert!(bare.contains("THIRD_PARTY"), "{bare}");
        assert!(parse(json!({"connected": true, "provider": "OTHER"})).is_err());
        assert!(
            parse(json!({"provider": "HUBSPOT"})).is_err(),
            "connected is required"
        );
    }

    #[test]
    fn hubspot_answers_the_user_id_as_a_string() {
        let third = ConnectionStatus {
            connected: true,
            provider: Some(Provider::ThirdParty {
                app_id: AppId::new(456).unwrap(),
            }),
        };
        let view = UserConnectionStatus::new(123, third, Some("Acme Dialer".into()));
        assert_eq!(
            serde_json::to_value(view).unwrap(),
            json!({"userId": "123", "connected": true,
                   "provider": {"type": "THIRD_PARTY", "appId": 456, "appName": "Acme Dialer"}})
        );
        let nameless = UserConnectionStatus::new(1, third, None);
        assert_eq!(
            serde_json::to_value(nameless).unwrap()["provider"],
            json!({"type": "THIRD_PARTY", "appId": 456})
        );
        let hubspot = ConnectionStatus {
            connected: true,
            provider: Some(Provider::HubSpot),
        };
        assert_eq!(
            serde_json::to_value(UserConnectionStatus::new(124, hubspot, Some("x".into())))
                .unwrap(),
            json!({"userId": "124", "connected": true, "provider": {"type": "HUBSPOT"}})
        );
        assert_eq!(
            serde_json::to_value(UserConnectionStatus::new(
                7,
                ConnectionStatus::default(),
                None
            ))
            .unwrap(),
            json!({"userId": "7", "connected": false})
        );
    }
}
