//! The fixture format. The same types serialize the live state (`GET /_emulator/state`), so an
//! export can be loaded again with `--fixture` or `PUT /_emulator/state`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::steps::Scenario;

use crate::domain::{AppId, ChannelConnection, PortalId, Recording, Secret, Settings, UserId};
use crate::webhook::signer::LegacyVersion;

pub const SCOPE_READ: &str = "developers-read";
pub const SCOPE_WRITE: &str = "developers-write";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fixture {
    /// Lets editors find `fixtures/schema.json`; ignored by the emulator.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// Provision any unknown `appId` on first use with the first app's credentials.
    #[serde(default, skip_serializing_if = "is_false")]
    pub accept_any_app_id: bool,
    /// When set, the API enforces this burst limit and answers HubSpot's 429 past it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitConfig>,
    #[serde(default)]
    pub apps: Vec<AppFixture>,
    #[serde(default)]
    pub portals: Vec<PortalFixture>,
    /// Scripted scenarios that `hubspot-emulator run` executes against this state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppFixture {
    /// How scenarios and output refer to the app.
    pub name: String,
    pub app_id: AppId,
    /// Accepted as `?hapikey=` (what the official clients send).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer_api_key: Option<Secret>,
    /// Accepted as `Authorization: Bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<Secret>,
    /// Signs webhook deliveries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<Secret>,
    /// The legacy signature sent beside v3: `v1` (default) or `v2`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub signature_version: LegacyVersion,
    /// How long a delivery to this app may take (default 10000 ms, HubSpot's assumed timeout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_timeout_ms: Option<u64>,
    /// `false` lets any request (with or without credentials) act on this app.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub auth_required: bool,
    /// The OAuth scopes the access token carries; reads need `developers-read`, writes
    /// `developers-write`.
    #[serde(
        default = "all_scopes",
        skip_serializing_if = "has_all_scopes",
        deserialize_with = "scopes::deserialize"
    )]
    #[schemars(with = "Vec<TokenScope>")]
    pub access_token_scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_connection: Option<ChannelConnection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<Recording>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PortalFixture {
    pub portal_id: PortalId,
    #[serde(default)]
    pub users: Vec<UserFixture>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserFixture {
    pub user_id: UserId,
    /// The browser flag `LocalSettings:Calling:supportsChannelConnection`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub supports_channel_connection: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Requests allowed per interval and app; the next one gets a 429.
    pub max_per_interval: u32,
    #[serde(default = "default_interval_ms")]
    pub interval_ms: u64,
    /// Shown in the `-Daily` headers of API-key calls; enforced too.
    #[serde(default = "default_daily_max")]
    pub daily_max: u32,
}

/// What the headers advertise when no limit is configured (and none is enforced): HubSpot's
/// published per-app burst limit.
pub const ADVERTISED_RATE_LIMIT: RateLimitConfig = RateLimitConfig {
    max_per_interval: 110,
    interval_ms: 10_000,
    daily_max: 500_000,
};

/// The scopes an access token may carry (for the schema; stored as strings).
#[derive(JsonSchema)]
#[allow(dead_code)]
enum TokenScope {
    #[serde(rename = "developers-read")]
    Read,
    #[serde(rename = "developers-write")]
    Write,
}

fn default_interval_ms() -> u64 {
    ADVERTISED_RATE_LIMIT.interval_ms
}
fn default_daily_max() -> u32 {
    ADVERTISED_RATE_LIMIT.daily_max
}
fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
fn yes() -> bool {
    true
}
fn is_true(value: &bool) -> bool {
    *value
}
fn is_false(value: &bool) -> bool {
    !*value
}
fn all_scopes() -> Vec<String> {
    vec![SCOPE_READ.to_string(), SCOPE_WRITE.to_string()]
}
fn has_all_scopes(scopes: &[String]) -> bool {
    scopes.iter().any(|s| s == SCOPE_READ) && scopes.iter().any(|s| s == SCOPE_WRITE)
}

mod scopes {
    use super::{SCOPE_READ, SCOPE_WRITE};
    use serde::{de::Error, Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<String>, D::Error> {
        let scopes = Vec::<String>::deserialize(deserializer)?;
        for scope in &scopes {
            if scope != SCOPE_READ && scope != SCOPE_WRITE {
                return Err(D::Error::custom(format!(
                    "unknown scope {scope:?}: the calling settings API uses {SCOPE_READ:?} and {SCOPE_WRITE:?}"
                )));
            }
        }
        Ok(scopes)
    }
}
