//! The in-memory state of the emulated HubSpot: apps (with their calling extension), portals,
//! their users (with their connection statuses, `connection_status`) and their CRM
//! (`crate::crm`), options from the fixture, and the seed to reset to.
//!
//! Every method takes what it needs and returns owned values; a map guard never outlives the
//! call, so no handler can hold one across an `.await`. Each change to one app happens under that
//! app's entry lock, so concurrent PATCHes never tear a record.

pub mod app;
pub mod connection_status;
pub mod error;
pub mod rate_limit;
pub mod seed;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use dashmap::mapref::one::RefMut;
use dashmap::DashMap;
use parking_lot::RwLock;

use crate::clock::Timestamp;
use crate::crm::Crm;
use crate::domain::{AppId, CallingResource, PortalId, UserId};
pub use app::{Access, AppProfile, AppRecord, Credential, Scopes};
pub use error::StoreError;
use rate_limit::RateLimiter;
pub use rate_limit::RateLimits;
pub use seed::{PortalSeed, Seed, User};

/// How many apps `acceptAnyAppId` provisions at most: each is kept (with its rate-limit
/// counters) until a reset, so an app that names ever new app ids must not grow the emulator
/// without bound. Past it, provisioned apps that hold nothing are forgotten first.
pub const MAX_PROVISIONED_APPS: usize = 10_000;

pub struct Store {
    apps: DashMap<AppId, AppRecord>,
    portals: DashMap<PortalId, BTreeMap<UserId, User>>,
    /// Each portal's CRM objects (calls, contacts, companies).
    crm: Crm,
    /// Fixture-wide options and the seed; replaced together by `PUT /_emulator/state`.
    config: RwLock<StoreConfig>,
    rate_limiter: RwLock<RateLimiter>,
}

struct StoreConfig {
    seed: Seed,
    accept_any_app_id: bool,
    /// Whose credentials a provisioned app gets: the first declared app.
    /// Shared: every provisioning reads it, and copying it out each time cost as much again.
    template: Option<Arc<AppProfile>>,
}

impl Store {
    pub fn new(seed: Seed) -> Self {
        let store = Store {
            apps: DashMap::new(),
            portals: DashMap::new(),
            crm: Crm::default(),
            config: RwLock::new(StoreConfig::from_seed(Seed::default())),
            rate_limiter: RwLock::new(RateLimiter::new(None)),
        };
        store.replace(seed);
        store
    }

    /// Makes `seed` the whole state and the seed that `reset` returns to.
    pub fn replace(&self, seed: Seed) {
        *self.rate_limiter.write() = RateLimiter::new(seed.rate_limit);
        *self.config.write() = StoreConfig::from_seed(seed);
        self.reset_all();
    }

    /// Back to the seed: every app, portal, user and CRM object as the fixture declared them.
    pub fn reset_all(&self) {
        let config = self.config.read();
        self.apps.clear();
        self.portals.clear();
        self.crm.load(
            config
                .seed
                .portals
                .iter()
                .map(|portal| (portal.portal_id, &portal.crm)),
        );
        for app in &config.seed.apps {
            self.apps.insert(app.profile.app_id, app.clone());
        }
        for portal in &config.seed.portals {
            let users = portal.users.iter().map(|u| (u.user_id, *u)).collect();
            self.portals.insert(portal.portal_id, users);
        }
        self.rate_limiter.read().clear();
    }

    /// One app back to its seed (a provisioned app disappears). False if the app is unknown.
    pub fn reset_app(&self, app_id: AppId) -> bool {
        let seeded = self
            .config
            .read()
            .seed
            .apps
            .iter()
            .find(|a| a.profile.app_id == app_id)
            .cloned();
        match seeded {
            Some(record) => {
                self.apps.insert(app_id, record);
                true
            }
            None => self.apps.remove(&app_id).is_some(),
        }
    }

    /// The live state, as a seed that would recreate it (ordered by ids).
    pub fn snapshot(&self) -> Seed {
        let config = self.config.read();
        let mut crm: BTreeMap<PortalId, crate::crm::CrmSeed> =
            self.crm.snapshot().into_iter().collect();
        let mut portals: Vec<PortalSeed> = self
            .portals
            .iter()
            .map(|e| PortalSeed {
                portal_id: *e.key(),
                users: e.value().values().copied().collect(),
                crm: Arc::new(crm.remove(e.key()).unwrap_or_default()),
            })
            .collect();
        // Portals that only have a CRM: an app installed in a portal the fixture does not list.
        portals.extend(crm.into_iter().map(|(portal_id, crm)| PortalSeed {
            portal_id,
            users: Vec::new(),
            crm: Arc::new(crm),
        }));
        portals.sort_by_key(|p| p.portal_id);
        Seed {
            apps: self.apps(),
            portals,
            accept_any_app_id: config.accept_any_app_id,
            rate_limit: config.seed.rate_limit,
        }
    }

    pub fn app_count(&self) -> usize {
        self.apps.len()
    }

    /// Every app with its registrations, ordered by id (the help-desk view).
    pub fn apps(&self) -> Vec<AppRecord> {
        let mut apps: Vec<AppRecord> = self.apps.iter().map(|e| e.value().clone()).collect();
        apps.sort_by_key(|a| a.profile.app_id);
        apps
    }

    /// The profiles of all apps, ordered by id (for the start-up banner).
    pub fn profiles(&self) -> Vec<AppProfile> {
        self.apps().into_iter().map(|a| a.profile).collect()
    }

    /// Checks that `credential` may act on `app_id`, provisioning the app first when the fixture
    /// accepts any app id. Unknown apps are a 404 that says how to declare them, but only to a
    /// caller whose credential is valid somewhere; anyone else gets HubSpot's 401.
    pub fn authorize(
        &self,
        app_id: AppId,
        credential: &Credential,
        access: Access,
    ) -> Result<(), StoreError> {
        if let Some(app) = self.apps.get(&app_id) {
            return app.profile.authorize(credential, access);
        }
        if let Some(template) = self.provisioning_template() {
            template.authorize(credential, access)?;
            self.make_room_for_a_provisioned_app(app_id)?;
            self.provision(app_id, &template);
            return Ok(());
        }
        if self
            .apps
            .iter()
            .any(|e| e.value().profile.recognizes(credential))
        {
            Err(StoreError::NotFound(format!(
                "App {app_id} is not declared in this emulator. Declare it in a fixture file \
                 (\"apps\": [{{\"name\": \"my-app\", \"appId\": {app_id}, \"developerApiKey\": \"…\"}}]) \
                 and start with --fixture FILE, PUT it into /_emulator/state, or set \
                 \"acceptAnyAppId\": true in the fixture."
            )))
        } else {
            Err(StoreError::Unauthenticated)
        }
    }

    /// The profile provisioned apps copy, when the fixture accepts any app id.
    fn provisioning_template(&self) -> Option<Arc<AppProfile>> {
        let config = self.config.read();
        config
            .accept_any_app_id
            .then(|| config.template.clone())
            .flatten()
    }

    fn provision(&self, app_id: AppId, template: &AppProfile) -> RefMut<'_, AppId, AppRecord> {
        self.apps.entry(app_id).or_insert_with(|| AppRecord {
            profile: template.provisioned_as(app_id),
            extension: Default::default(),
        })
    }

    /// The record of an authorized app, to register a resource on. A provisioned app that held
    /// nothing may have been forgotten by another request making room
    /// (`make_room_for_a_provisioned_app`) between this request's authorization and now: it is
    /// provisioned again, so that an accepted registration is not answered with a 404. (Under
    /// `acceptAnyAppId` any app id is served, so this is what the request would have met a moment
    /// earlier.) Otherwise the app went with a reset or a new state.
    fn app_to_register(&self, app_id: AppId) -> Result<RefMut<'_, AppId, AppRecord>, StoreError> {
        if let Some(app) = self.apps.get_mut(&app_id) {
            return Ok(app);
        }
        match self.provisioning_template() {
            Some(template) => Ok(self.provision(app_id, &template)),
            None => Err(vanished(app_id)),
        }
    }

    /// Why an authorized app has no record: a provisioned app forgotten since (see
    /// `app_to_register`) held nothing, so nothing is registered; otherwise a reset or a new state
    /// removed it.
    fn gone<R: CallingResource>(&self, app_id: AppId) -> StoreError {
        let provisions = {
            let config = self.config.read();
            config.accept_any_app_id && config.template.is_some()
        };
        if provisions {
            not_registered::<R>(app_id)
        } else {
            vanished(app_id)
        }
    }

    /// Below `MAX_PROVISIONED_APPS` provisioned apps, or back below it by forgetting those that
    /// hold nothing (no registration: nothing accepted is lost); else `app_id` is not served.
    fn make_room_for_a_provisioned_app(&self, app_id: AppId) -> Result<(), StoreError> {
        if self.apps.len() < MAX_PROVISIONED_APPS {
            return Ok(());
        }
        // Read once, so no lock of the config is taken while the apps' are held.
        let declared: HashSet<AppId> = (self.config.read().seed.apps.iter())
            .map(|app| app.profile.app_id)
            .collect();
        let provisioned = || {
            self.apps
                .iter()
                .filter(|e| !declared.contains(e.key()))
                .count()
        };
        if provisioned() < MAX_PROVISIONED_APPS {
            return Ok(());
        }
        let mut forgotten = Vec::new();
        self.apps.retain(|id, app| {
            let forget = !declared.contains(id) && app.extension.is_empty();
            if forget {
                forgotten.push(*id);
            }
            !forget
        });
        let limiter = self.rate_limiter.read();
        for id in forgotten {
            limiter.forget(i64::from(id.get()));
        }
        if provisioned() < MAX_PROVISIONED_APPS {
            return Ok(());
        }
        Err(StoreError::NotFound(format!(
            "App {app_id} is not declared in this emulator, and \"acceptAnyAppId\" has already \
             provisioned {MAX_PROVISIONED_APPS} apps that hold registrations (the emulator's bound). \
             Delete the registrations of apps you are done with, reset (POST /_emulator/reset), or \
             declare the app in a fixture file."
        )))
    }

    /// Counts a request against the app's rate limit.
    pub fn hit_rate_limit(&self, key: i64) -> rate_limit::RateLimitStatus {
        self.rate_limiter.read().hit(key)
    }

    pub fn get<R: CallingResource>(&self, app_id: AppId) -> Result<R::Record, StoreError> {
        let Some(app) = self.apps.get(&app_id) else {
            return Err(self.gone::<R>(app_id));
        };
        R::view(&app.extension)
            .cloned()
            .ok_or_else(|| not_registered::<R>(app_id))
    }

    pub fn create<R: CallingResource>(
        &self,
        app_id: AppId,
        fields: R::Fields,
    ) -> Result<R::Record, StoreError> {
        let mut app = self.app_to_register(app_id)?;
        let slot = R::slot(&mut app.extension);
        if slot.is_some() {
            return Err(StoreError::Conflict(format!(
                "The {} of app {app_id} are already registered. Change them with PATCH {path}, \
                 or DELETE {path} first and create them again.",
                R::LABEL,
                path = resource_path::<R>(app_id)
            )));
        }
        let record = R::create(fields, Timestamp::now());
        *slot = Some(record.clone());
        Ok(record)
    }

    pub fn patch<R: CallingResource>(
        &self,
        app_id: AppId,
        fields: R::Fields,
    ) -> Result<R::Record, StoreError> {
        let mut app = self
            .apps
            .get_mut(&app_id)
            .ok_or_else(|| self.gone::<R>(app_id))?;
        let record = R::slot(&mut app.extension)
            .as_mut()
            .ok_or_else(|| not_registered::<R>(app_id))?;
        R::patch(record, fields, Timestamp::now());
        Ok(record.clone())
    }

    pub fn delete<R: CallingResource>(&self, app_id: AppId) -> Result<(), StoreError> {
        let mut app = self
            .apps
            .get_mut(&app_id)
            .ok_or_else(|| self.gone::<R>(app_id))?;
        R::slot(&mut app.extension)
            .take()
            .map(|_| ())
            .ok_or_else(|| not_registered::<R>(app_id))
    }

    /// Every declared portal's users, both by id: what the start-up banner lists. (`snapshot`
    /// says the same and more, but builds every seeded CRM to do it.)
    pub fn portal_users(&self) -> Vec<(PortalId, Vec<User>)> {
        let mut portals: Vec<(PortalId, Vec<User>)> = (self.portals.iter())
            .map(|entry| (*entry.key(), entry.value().values().copied().collect()))
            .collect();
        portals.sort_by_key(|(portal_id, _)| *portal_id);
        portals
    }

    /// The user's `supportsChannelConnection` flag; `None` when the fixture does not declare them.
    pub fn user_flag(&self, portal_id: PortalId, user_id: UserId) -> Option<bool> {
        self.portals
            .get(&portal_id)
            .and_then(|users| users.get(&user_id).map(|u| u.supports_channel_connection))
    }

    /// Sets a user's flag (their connection status stays), declaring the portal and user if
    /// needed.
    pub fn set_user_flag(&self, portal_id: PortalId, user_id: UserId, supports: bool) {
        self.change_user(portal_id, user_id, |user| {
            user.supports_channel_connection = supports
        });
    }

    /// Applies `change` to a user, declaring the portal and user first if needed.
    fn change_user(&self, portal_id: PortalId, user_id: UserId, change: impl FnOnce(&mut User)) {
        let mut users = self.portals.entry(portal_id).or_default();
        change(users.entry(user_id).or_insert_with(|| User::new(user_id)));
    }

    /// The seed's first portal and user where the caller names none (see `Seed::first_recipient`).
    pub fn first_recipient(
        &self,
        portal_id: Option<PortalId>,
        user_id: Option<UserId>,
    ) -> (Option<PortalId>, Option<UserId>) {
        self.config.read().seed.first_recipient(portal_id, user_id)
    }

    /// The seed's first app, where a caller names none (the host page, widget commands).
    pub fn first_app_id(&self) -> Option<AppId> {
        self.config
            .read()
            .seed
            .apps
            .first()
            .map(|app| app.profile.app_id)
    }

    /// Reads the app whose access token is `token`: APIs without an `{appId}` in their path (the
    /// CRM, inbound calls) know the app by its token, and its installation by the app. `read`
    /// takes what the call needs in place: every such call passes here, and copying out the
    /// whole app (its secrets, scopes and calling settings) was a dozen allocations each time.
    pub fn read_app_by_access_token<R>(
        &self,
        token: &str,
        read: impl FnOnce(&AppProfile) -> R,
    ) -> Option<R> {
        self.read_declared_app(
            |profile| (profile.access_token.as_ref()).is_some_and(|secret| secret.matches(token)),
            read,
        )
    }

    /// Reads the app any request acts on when no access token names one: the first (by id)
    /// whose fixture sets `authRequired: false`.
    pub fn read_open_app<R>(&self, read: impl FnOnce(&AppProfile) -> R) -> Option<R> {
        self.read_declared_app(|profile| !profile.auth_required, read)
    }

    /// Reads the first declared app (by id) that `wanted` picks, as it stands now. Only the
    /// fixture's apps are candidates: the apps `acceptAnyAppId` provisions copy the first app's
    /// credentials so that any app id works with its API key, but its access token still acts
    /// for the app it was given to. Searching every app instead would attribute a token's calls
    /// to whichever provisioned copy the map yields first, and walk up to 10,000 of them per call.
    fn read_declared_app<R>(
        &self,
        wanted: impl Fn(&AppProfile) -> bool,
        read: impl FnOnce(&AppProfile) -> R,
    ) -> Option<R> {
        // The config's lock, then the apps' (the order `reset_all` takes them in too); released
        // before `read` runs, which may want the config again.
        let config = self.config.read();
        let app_id = (config.seed.apps.iter())
            .filter_map(|declared| self.apps.get(&declared.profile.app_id))
            .filter(|app| wanted(&app.profile))
            .map(|app| app.profile.app_id)
            .min();
        drop(config);
        self.apps.get(&app_id?).map(|app| read(&app.profile))
    }

    /// The portal and user `app`'s access token acts for: its declared installation, else the
    /// seed's first portal and that portal's first user.
    pub fn installation(&self, app: &AppProfile) -> (Option<PortalId>, Option<UserId>) {
        self.first_recipient(app.installed_portal_id, app.installed_user_id)
    }

    /// Every portal the emulator knows, by id: declared (by the seed or with a user since), or
    /// with a CRM (an app wrote to a portal the fixture does not list).
    pub fn portal_ids(&self) -> Vec<PortalId> {
        let mut ids = self.crm.portal_ids();
        ids.extend(self.portals.iter().map(|entry| *entry.key()));
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Every portal's CRM objects.
    pub fn crm(&self) -> &Crm {
        &self.crm
    }

    pub fn app(&self, app_id: AppId) -> Option<AppRecord> {
        self.apps.get(&app_id).map(|e| e.value().clone())
    }

    /// Reads what `read` needs of an app in place, where a copy of the whole record (`app`)
    /// would be thrown away at once (the per-call questions of the API handlers).
    pub fn read_app<R>(&self, app_id: AppId, read: impl FnOnce(&AppRecord) -> R) -> Option<R> {
        self.apps.get(&app_id).map(|entry| read(entry.value()))
    }
}

impl StoreConfig {
    fn from_seed(seed: Seed) -> Self {
        let template = seed.apps.first().map(|app| Arc::new(app.profile.clone()));
        StoreConfig {
            accept_any_app_id: seed.accept_any_app_id,
            template,
            seed,
        }
    }
}

fn resource_path<R: CallingResource>(app_id: AppId) -> String {
    format!("/crm/v3/extensions/calling/{app_id}{}", R::PATH)
}

fn not_registered<R: CallingResource>(app_id: AppId) -> StoreError {
    StoreError::NotFound(format!(
        "No {} are registered for app {app_id}. Create them first with POST {}.",
        R::LABEL,
        resource_path::<R>(app_id)
    ))
}

/// The app was authorized a moment ago but is gone now: a reset or state replace raced the call.
fn vanished(app_id: AppId) -> StoreError {
    StoreError::NotFound(format!(
        "App {app_id} was removed while this request was handled (the emulator's state was reset or replaced). Retry the request."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::channel_connection::{ChannelConnectionFields, ChannelConnectionResource};
    use crate::domain::Secret;

    fn accepting_any_app_id() -> Store {
        let declared = AppRecord {
            profile: AppProfile {
                name: "declared".into(),
                app_id: AppId::new(1).unwrap(),
                developer_api_key: Some(Secret::new("k")),
                access_token: None,
                client_secret: None,
                auth_required: true,
                access_token_scopes: Arc::from([]),
                signature_version: Default::default(),
                webhook_timeout_ms: None,
                installed_portal_id: None,
                installed_user_id: None,
            },
            extension: Default::default(),
        };
        Store::new(Seed {
            apps: vec![declared],
            accept_any_app_id: true,
            ..Seed::default()
        })
    }

    fn fields() -> ChannelConnectionFields {
        ChannelConnectionFields {
            url: Some("https://example.com/numbers".into()),
            is_ready: Some(true),
        }
    }

    /// Another request making room forgets provisioned apps that hold nothing; one that was
    /// authorized just before must still be served, not lost to a 404.
    #[test]
    fn an_authorized_provisioned_app_forgotten_before_its_write_is_served() {
        let store = accepting_any_app_id();
        let app_id = AppId::new(1_000_001).unwrap();
        let key = Credential::ApiKey("k".into());
        store.authorize(app_id, &key, Access::Write).unwrap();
        store.apps.remove(&app_id); // what make_room_for_a_provisioned_app does to it
        assert!(matches!(
            store.get::<ChannelConnectionResource>(app_id),
            Err(StoreError::NotFound(message)) if !message.contains("removed while")
        ));
        let created = store.create::<ChannelConnectionResource>(app_id, fields());
        assert_eq!(created.unwrap().url, "https://example.com/numbers");
        assert!(store.get::<ChannelConnectionResource>(app_id).is_ok());
    }

    /// Without acceptAnyAppId an app can only go with a reset or a new state: say so.
    #[test]
    fn a_declared_app_removed_by_a_new_state_is_reported_as_vanished() {
        let store = Store::new(Seed::default());
        let app_id = AppId::new(1).unwrap();
        let error = store
            .create::<ChannelConnectionResource>(app_id, fields())
            .unwrap_err();
        assert!(error.to_string().contains("removed while"), "{error}");
    }
}
