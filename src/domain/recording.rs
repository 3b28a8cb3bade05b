//! The recording settings: the URL template HubSpot uses to fetch authenticated call recordings.
//! HubSpot's response carries no timestamps and the resource has no DELETE.

use serde::{Deserialize, Serialize};

use super::fields::{FieldKind, FieldSpec, Schema};
use super::{CallingExtension, CallingResource};
use crate::clock::Timestamp;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recording {
    pub url_to_retrieve_authed_recording: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordingFields {
    pub url_to_retrieve_authed_recording: Option<String>,
}

const FIELDS: &[FieldSpec] = &[FieldSpec::required(
    "urlToRetrieveAuthedRecording",
    FieldKind::String,
)];

const EXAMPLE: &str = r#"{"urlToRetrieveAuthedRecording": "https://example.com/recordings/%s"}"#;

pub struct RecordingResource;

impl CallingResource for RecordingResource {
    type Record = Recording;
    type Fields = RecordingFields;

    const LABEL: &'static str = "recording settings";
    const PATH: &'static str = "/settings/recording";
    const DELETABLE: bool = false;
    const CREATE_SCHEMA: Schema = Schema {
        name: "RecordingSettingsRequest",
        fields: FIELDS,
        example: EXAMPLE,
    };
    const PATCH_SCHEMA: Schema = Schema {
        name: "RecordingSettingsPatchRequest",
        fields: FIELDS,
        example: EXAMPLE,
    };

    fn slot(extension: &mut CallingExtension) -> &mut Option<Recording> {
        &mut extension.recording
    }

    fn view(extension: &CallingExtension) -> Option<&Recording> {
        extension.recording.as_ref()
    }

    fn create(fields: RecordingFields, _now: Timestamp) -> Recording {
        Recording {
            url_to_retrieve_authed_recording: fields
                .url_to_retrieve_authed_recording
                .unwrap_or_default(),
        }
    }

    fn patch(record: &mut Recording, fields: RecordingFields, _now: Timestamp) {
        if let Some(url) = fields.url_to_retrieve_authed_recording {
            record.url_to_retrieve_authed_recording = url;
        }
    }
}
