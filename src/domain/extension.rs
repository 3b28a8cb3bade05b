//! An app's calling extension: the three settings resources HubSpot keeps per app, each absent
//! until the app registers it.

use serde::{Deserialize, Serialize};

use super::{ChannelConnection, Recording, Settings};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallingExtension {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<Settings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_connection: Option<ChannelConnection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<Recording>,
}

impl CallingExtension {
    /// Nothing registered: no settings, channel connection or recording settings.
    pub fn is_empty(&self) -> bool {
        self.settings.is_none() && self.channel_connection.is_none() && self.recording.is_none()
    }
}
