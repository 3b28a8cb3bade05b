//! The main calling extension settings: name, iframe URL and size, and the capability flags.
//!
//! HubSpot's current spec requires all nine request fields; the spec the official clients were
//! generated from required only `name` and `url`. The emulator accepts `{name, url}` and fills the
//! rest with the defaults below (an assumption, documented in docs/fidelity.md).

use serde::{Deserialize, Serialize};

use super::fields::{FieldKind, FieldSpec, Schema};
use super::{CallingExtension, CallingResource};
use crate::clock::Timestamp;

pub const DEFAULT_HEIGHT: i32 = 600;
pub const DEFAULT_WIDTH: i32 = 400;
/// HubSpot's docs describe the calling window as opt-out, so it defaults to on.
pub const DEFAULT_USES_CALLING_WINDOW: bool = true;

/// The stored record, HubSpot's `SettingsResponse`, and a fixture section (where everything but
/// `name` and `url` may be omitted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    pub name: String,
    pub url: String,
    #[serde(default = "default_height")]
    pub height: i32,
    #[serde(default = "default_width")]
    pub width: i32,
    #[serde(default)]
    pub is_ready: bool,
    #[serde(default)]
    pub supports_custom_objects: bool,
    #[serde(default)]
    pub supports_inbound_calling: bool,
    #[serde(default = "default_uses_calling_window")]
    pub uses_calling_window: bool,
    #[serde(default)]
    pub uses_remote: bool,
    #[serde(default = "Timestamp::now")]
    pub created_at: Timestamp,
    #[serde(default = "Timestamp::now")]
    pub updated_at: Timestamp,
}

fn default_height() -> i32 {
    DEFAULT_HEIGHT
}
fn default_width() -> i32 {
    DEFAULT_WIDTH
}
fn default_uses_calling_window() -> bool {
    DEFAULT_USES_CALLING_WINDOW
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsFields {
    pub name: Option<String>,
    pub url: Option<String>,
    pub height: Option<i32>,
    pub width: Option<i32>,
    pub is_ready: Option<bool>,
    pub supports_custom_objects: Option<bool>,
    pub supports_inbound_calling: Option<bool>,
    pub uses_calling_window: Option<bool>,
    pub uses_remote: Option<bool>,
}

const CREATE_FIELDS: [FieldSpec; 9] = [
    FieldSpec::required("name", FieldKind::String),
    FieldSpec::required("url", FieldKind::String),
    FieldSpec::optional("height", FieldKind::Pixels),
    FieldSpec::optional("width", FieldKind::Pixels),
    FieldSpec::optional("isReady", FieldKind::Boolean),
    FieldSpec::optional("supportsCustomObjects", FieldKind::Boolean),
    FieldSpec::optional("supportsInboundCalling", FieldKind::Boolean),
    FieldSpec::optional("usesCallingWindow", FieldKind::Boolean),
    FieldSpec::optional("usesRemote", FieldKind::Boolean),
];
const EXAMPLE: &str = r#"{"name": "My Calling App", "url": "https://example.com/calling"}"#;

pub struct SettingsResource;

impl CallingResource for SettingsResource {
    type Record = Settings;
    type Fields = SettingsFields;

    const LABEL: &'static str = "calling extension settings";
    const PATH: &'static str = "/settings";
    const DELETABLE: bool = true;
    const CREATE_SCHEMA: Schema = Schema {
        name: "SettingsRequest",
        fields: &CREATE_FIELDS,
        example: EXAMPLE,
    };
    const PATCH_SCHEMA: Schema = Schema {
        name: "SettingsPatchRequest",
        fields: &CREATE_FIELDS,
        example: EXAMPLE,
    };

    fn slot(extension: &mut CallingExtension) -> &mut Option<Settings> {
        &mut extension.settings
    }

    fn view(extension: &CallingExtension) -> Option<&Settings> {
        extension.settings.as_ref()
    }

    fn create(fields: SettingsFields, now: Timestamp) -> Settings {
        let mut settings = Settings {
            name: String::new(),
            url: String::new(),
            height: DEFAULT_HEIGHT,
            width: DEFAULT_WIDTH,
            is_ready: false,
            supports_custom_objects: false,
            supports_inbound_calling: false,
            uses_calling_window: DEFAULT_USES_CALLING_WINDOW,
            uses_remote: false,
            created_at: now,
            updated_at: now,
        };
        apply(&mut settings, fields);
        settings
    }

    fn patch(record: &mut Settings, fields: SettingsFields, now: Timestamp) {
        apply(record, fields);
        record.updated_at = now.after(record.updated_at);
    }
}

fn apply(settings: &mut Settings, fields: SettingsFields) {
    fn set<T>(target: &mut T, value: Option<T>) {
        if let Some(value) = value {
            *target = value;
        }
    }
    set(&mut settings.name, fields.name);
    set(&mut settings.url, fields.url);
    set(&mut settings.height, fields.height);
    set(&mut settings.width, fields.width);
    set(&mut settings.is_ready, fields.is_ready);
    set(
        &mut settings.supports_custom_objects,
        fields.supports_custom_objects,
    );
    set(
        &mut settings.supports_inbound_calling,
        fields.supports_inbound_calling,
    );
    set(
        &mut settings.uses_calling_window,
        fields.uses_calling_window,
    );
    set(&mut settings.uses_remote, fields.uses_remote);
}
