//! The channel connection settings: the URL HubSpot calls for a user's phone numbers, and whether
//! the connection is ready for everyone (`isReady`) or only for users with the browser flag.

use serde::{Deserialize, Serialize};

use super::fields::{FieldKind, FieldSpec, Schema};
use super::{CallingExtension, CallingResource};
use crate::clock::Timestamp;

/// The stored record, HubSpot's `ChannelConnectionSettingsResponse`, and a fixture section
/// (where the times may be omitted and default to the load time).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChannelConnection {
    pub url: String,
    pub is_ready: bool,
    #[serde(default = "Timestamp::now")]
    pub created_at: Timestamp,
    #[serde(default = "Timestamp::now")]
    pub updated_at: Timestamp,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelConnectionFields {
    pub url: Option<String>,
    pub is_ready: Option<bool>,
}

const FIELDS: &[FieldSpec] = &[
    FieldSpec::required("url", FieldKind::String),
    FieldSpec::required("isReady", FieldKind::Boolean),
];

const EXAMPLE: &str = r#"{"url": "https://example.com/hubspot/phone-numbers", "isReady": false}"#;

pub const SCHEMA: Schema = Schema {
    name: "ChannelConnectionSettingsRequest",
    fields: FIELDS,
    example: EXAMPLE,
};

pub struct ChannelConnectionResource;

impl CallingResource for ChannelConnectionResource {
    type Record = ChannelConnection;
    type Fields = ChannelConnectionFields;

    const LABEL: &'static str = "channel connection settings";
    const PATH: &'static str = "/settings/channel-connection";
    const DELETABLE: bool = true;
    const CREATE_SCHEMA: Schema = SCHEMA;
    const PATCH_SCHEMA: Schema = Schema {
        name: "ChannelConnectionSettingsPatchRequest",
        fields: FIELDS,
        example: EXAMPLE,
    };

    fn slot(extension: &mut CallingExtension) -> &mut Option<ChannelConnection> {
        &mut extension.channel_connection
    }

    fn view(extension: &CallingExtension) -> Option<&ChannelConnection> {
        extension.channel_connection.as_ref()
    }

    fn create(fields: ChannelConnectionFields, now: Timestamp) -> ChannelConnection {
        ChannelConnection {
            url: fields.url.unwrap_or_default(),
            is_ready: fields.is_ready.unwrap_or(false),
            created_at: now,
            updated_at: now,
        }
    }

    fn patch(record: &mut ChannelConnection, fields: ChannelConnectionFields, now: Timestamp) {
        if let Some(url) = fields.url {
            record.url = url;
        }
        if let Some(is_ready) = fields.is_ready {
            record.is_ready = is_ready;
        }
        record.updated_at = now.after(record.updated_at);
    }
}
