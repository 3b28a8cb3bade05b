//! Users' calling connection statuses, kept on each portal's user (`User::connection_status`):
//! set by the fixture, the control API and (later) the SDK host through `set_connection_status`,
//! read by the connection-statuses API as HubSpot answers them, the third-party provider named
//! by its app's calling settings `name`.

use super::Store;
use crate::domain::connection_status::{ConnectionStatus, Provider, UserConnectionStatus};
use crate::domain::{AppId, PortalId, UserId};

impl Store {
    /// Sets a user's connection status (their browser flag stays), declaring the portal and user
    /// if needed.
    pub fn set_connection_status(
        &self,
        portal_id: PortalId,
        user_id: UserId,
        status: ConnectionStatus,
    ) {
        self.change_user(portal_id, user_id, |user| user.connection_status = status);
    }

    /// A declared user's status; `None` when the portal or user is not declared.
    pub fn connection_status(
        &self,
        portal_id: PortalId,
        user_id: UserId,
    ) -> Option<ConnectionStatus> {
        self.portals
            .get(&portal_id)
            .and_then(|users| users.get(&user_id).map(|u| u.connection_status))
    }

    /// The statuses of `users` of the portal in the order asked, leaving out users the portal
    /// does not declare; `None`: every declared user, by id.
    pub fn connection_statuses(
        &self,
        portal_id: PortalId,
        users: Option<&[UserId]>,
    ) -> Vec<UserConnectionStatus> {
        // Copied out under the portal's guard, which is dropped before the apps are read.
        let statuses: Vec<(UserId, ConnectionStatus)> = match self.portals.get(&portal_id) {
            None => Vec::new(),
            Some(declared) => match users {
                None => declared
                    .values()
                    .map(|u| (u.user_id, u.connection_status))
                    .collect(),
                Some(users) => users
                    .iter()
                    .filter_map(|id| declared.get(id).map(|u| (u.user_id, u.connection_status)))
                    .collect(),
            },
        };
        statuses
            .into_iter()
            .map(|(user_id, status)| self.answer(user_id, status))
            .collect()
    }

    /// One user's status as HubSpot answers it, whether the portal declares them or not (an
    /// undeclared user has the default status: not connected, no provider).
    pub fn user_connection_status(
        &self,
        portal_id: PortalId,
        user_id: UserId,
    ) -> UserConnectionStatus {
        let status = self
            .connection_status(portal_id, user_id)
            .unwrap_or_default();
        self.answer(user_id, status)
    }

    fn answer(&self, user_id: UserId, status: ConnectionStatus) -> UserConnectionStatus {
        let app_name = match status.provider {
            Some(Provider::ThirdParty { app_id }) => self.calling_name(app_id),
            _ => None,
        };
        UserConnectionStatus::new(user_id, status, app_name)
    }

    /// The name the app registered in its calling settings, if it did.
    fn calling_name(&self, app_id: AppId) -> Option<String> {
        let app = self.apps.get(&app_id)?;
        app.extension.settings.as_ref().map(|s| s.name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::domain::Settings;
    use crate::store::{AppProfile, AppRecord, PortalSeed, Seed, User};

    fn app(app_id: AppId, settings_name: Option<&str>) -> AppRecord {
        AppRecord {
            profile: AppProfile {
                name: "fixture-name".into(),
                app_id,
                developer_api_key: None,
                access_token: None,
                client_secret: None,
                auth_required: false,
                access_token_scopes: Default::default(),
                signature_version: Default::default(),
                webhook_timeout_ms: None,
                installed_portal_id: None,
                installed_user_id: None,
            },
            extension: crate::domain::CallingExtension {
                settings: settings_name.map(|name| Settings {
                    name: name.into(),
                    url: "https://example.com".into(),
                    height: 600,
                    width: 400,
                    is_ready: true,
                    supports_custom_objects: false,
                    supports_inbound_calling: true,
                    uses_calling_window: true,
                    uses_remote: false,
                    created_at: Timestamp::now(),
                    updated_at: Timestamp::now(),
                }),
                ..Default::default()
            },
        }
    }

    fn third_party(app_id: AppId) -> ConnectionStatus {
        ConnectionStatus {
            connected: true,
            provider: Some(Provider::ThirdParty { app_id }),
        }
    }

    #[test]
    fn statuses_are_read_set_and_named_by_the_apps_settings() {
        let named = AppId::new(1).unwrap();
        let unnamed = AppId::new(2).unwrap();
        let store = Store::new(Seed {
            apps: vec![app(named, Some("Acme Dialer")), app(unnamed, None)],
            portals: vec![PortalSeed {
                portal_id: 7,
                users: vec![User::new(101), User::new(102)],
                crm: Default::default(),
            }],
            ..Seed::default()
        });
        store.set_user_flag(7, 101, true);
        store.set_connection_status(7, 101, third_party(named));
        store.set_connection_status(7, 102, third_party(unnamed));
        // Setting the status keeps the flag, setting the flag keeps the status.
        store.set_user_flag(7, 102, true);
        assert_eq!(store.user_flag(7, 101), Some(true));
        assert_eq!(store.connection_status(7, 102), Some(third_party(unnamed)));

        let all = serde_json::to_value(store.connection_statuses(7, None)).unwrap();
        assert_eq!(all[0]["provider"]["appName"], "Acme Dialer");
        assert!(all[1]["provider"].get("appName").is_none());
        // Asked-for order; undeclared users and portals are left out.
        let some: Vec<UserId> = store
            .connection_statuses(7, Some(&[102, 999, 101]))
            .into_iter()
            .map(|s| s.user_id)
            .collect();
        assert_eq!(some, [102, 101]);
        assert!(store.connection_statuses(8, None).is_empty());
        assert!(!store.user_connection_status(8, 5).connected);

        // A new user is declared by its status; reset forgets what was set.
        store.set_connection_status(8, 5, third_party(named));
        assert_eq!(store.user_flag(8, 5), Some(false));
        store.reset_all();
        assert_eq!(
            store.connection_status(7, 101),
            Some(ConnectionStatus::default())
        );
        assert_eq!(store.connection_status(8, 5), None);
    }
}
