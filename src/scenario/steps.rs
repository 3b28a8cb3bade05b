//! Scenario steps, as written in fixture files under `"scenarios"`. Each step is an object with
//! one key naming its kind (`api`, `waitFor`, `fire`, `probe`, `setUserFlag`, `reset`); apps are named by
//! their fixture `name`, and strings may use `${…}` to read the seed or earlier steps
//! (see `template`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::{PortalId, UserId};
use crate::webhook::Outcome;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Step {
    /// Call the emulator's HubSpot API as an app would.
    Api(ApiStep),
    /// Wait until a state condition holds (above all: the app registered its channel connection).
    WaitFor(WaitForStep),
    /// Fire the phone-number webhook for a user and check the verdict.
    Fire(FireStep),
    /// Attack the app's webhook with forged deliveries and a burst; check the report.
    Probe(ProbeStep),
    /// Set a user's `supportsChannelConnection` browser flag.
    SetUserFlag(SetUserFlagStep),
    /// Reset the state to the seed (one app or all).
    Reset(ResetStep),
}

impl Step {
    pub fn kind(&self) -> &'static str {
        match self {
            Step::Api(_) => "api",
            Step::WaitFor(_) => "waitFor",
            Step::Fire(_) => "fire",
            Step::Probe(_) => "probe",
            Step::SetUserFlag(_) => "setUserFlag",
            Step::Reset(_) => "reset",
        }
    }

    /// The step's own name, if it has one (other steps read its result through it).
    pub fn name(&self) -> Option<&str> {
        match self {
            Step::Api(s) => s.name.as_deref(),
            Step::WaitFor(s) => s.name.as_deref(),
            Step::Fire(s) => s.name.as_deref(),
            Step::Probe(s) => s.name.as_deref(),
            Step::SetUserFlag(s) => s.name.as_deref(),
            Step::Reset(s) => s.name.as_deref(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ApiAuth {
    /// `?hapikey=` with the app's developer API key.
    #[default]
    Hapikey,
    /// `Authorization: Bearer` with the app's access token.
    Bearer,
    /// No credentials.
    None,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiStep {
    pub name: Option<String>,
    /// GET, POST, PATCH, DELETE (or any other, to test a 405).
    pub method: String,
    /// A path such as `/crm/v3/extensions/calling/${apps.demo.appId}/settings`.
    pub path: String,
    /// Whose credentials to send (an app `name`; default: the first app).
    pub app: Option<String>,
    #[serde(default)]
    pub auth: ApiAuth,
    /// A JSON body (sent with `Content-Type: application/json`).
    pub body: Option<Value>,
    pub expect: Option<ApiExpect>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApiExpect {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// A JSON subset: every key given must be in the reply with this value (arrays element-wise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WaitForStep {
    pub name: Option<String>,
    /// How long to wait before the step fails (default 10000).
    #[serde(default = "default_wait_ms")]
    pub timeout_ms: u64,
    /// The app registered a channel connection (optionally with this isReady and a URL matching).
    pub channel_connection: Option<ConnectionCondition>,
    /// The app registered its main calling settings.
    pub settings: Option<AppCondition>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConnectionCondition {
    /// The app's `name` (default: the first app).
    pub app: Option<String>,
    pub is_ready: Option<bool>,
    /// A regular expression the registered URL must match.
    pub url_matches: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppCondition {
    pub app: Option<String>,
}

fn default_wait_ms() -> u64 {
    10_000
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FireStep {
    pub name: Option<String>,
    /// The app's `name` (default: the first app).
    pub app: Option<String>,
    pub portal_id: PortalId,
    pub user_id: UserId,
    #[serde(default)]
    pub force: bool,
    pub timeout_ms: Option<u64>,
    /// What the verdict must show; without it, the outcome must be `pass`.
    pub expect: Option<FireExpect>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FireExpect {
    /// Default `pass`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    /// Finding codes that must be present (listed warnings are also allowed under `--strict`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// Finding codes that must be absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent_codes: Vec<String>,
    /// How many numbers the user can select in the picker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selectable_count: Option<usize>,
    /// The names the picker shows, in order (after HubSpot's 24-character cut).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub displayed_names: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProbeStep {
    pub name: Option<String>,
    /// The app's `name` (default: the first app). Its registered URL and client secret are used.
    pub app: Option<String>,
    /// Probe this URL instead of the registered one (`${…}` allowed).
    pub url: Option<String>,
    /// Default 62515.
    pub portal_id: Option<PortalId>,
    /// Default 101; the burst's users are this one and the ids after it.
    pub user_id: Option<UserId>,
    /// Concurrent deliveries in the burst (default 50; 0 skips it).
    pub burst: Option<usize>,
    /// HubSpot's timeout (default: the app's, else 10000 ms).
    pub timeout_ms: Option<u64>,
    /// What the report must show; without it, it must pass.
    pub expect: Option<ProbeExpect>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PassOrFail {
    Pass,
    Fail,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProbeExpect {
    /// Default `pass`: every forgery rejected and the burst within the timeout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<PassOrFail>,
    /// Probes the app must accept (a known weakness being documented, such as `legacy-only`);
    /// listed warning probes are also allowed under `--strict`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepted: Vec<String>,
    /// Finding codes that must be present.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<String>,
    /// Finding codes that must be absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub absent_codes: Vec<String>,
    /// The burst's p99 latency must be at most this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_p99_ms: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SetUserFlagStep {
    pub name: Option<String>,
    pub portal_id: PortalId,
    pub user_id: UserId,
    pub supports_channel_connection: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResetStep {
    pub name: Option<String>,
    /// Reset only this app (its `name`); default: everything.
    pub app: Option<String>,
}
