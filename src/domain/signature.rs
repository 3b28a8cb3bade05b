//! The legacy signature HubSpot sends beside v3 (`X-HubSpot-Signature-Version: v1|v2`), a
//! property of each app.

use serde::{Deserialize, Serialize};

/// The legacy signature an app gets beside v3.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum LegacyVersion {
    #[default]
    V1,
    V2,
}

impl LegacyVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            LegacyVersion::V1 => "v1",
            LegacyVersion::V2 => "v2",
        }
    }
}
