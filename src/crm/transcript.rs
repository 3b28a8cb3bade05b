//! Third-party transcripts, kept with their call in the portal's CRM (so a reset, an export and an
//! import carry them as they carry the call): each an id, the call's id, the utterances as the app
//! sent them and its times. Bounded per portal (`MAX_TRANSCRIPTS`) and counted in the portal's
//! bytes. What a transcript must be to be taken is checked before it gets here
//! (`recording::transcript`); here only what the CRM itself knows: that the call is there.

use serde::{Deserialize, Serialize};

use super::error::CrmError;
use super::object_type::ObjectType;
use super::portal::PortalCrm;
use crate::clock::Timestamp;

/// Transcripts a portal keeps (the emulator's bound; HubSpot publishes none).
pub const MAX_TRANSCRIPTS: usize = 1_000;

/// Who spoke an utterance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Speaker {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// One utterance: who said what, from when to when (milliseconds into the call).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Utterance {
    pub speaker: Speaker,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    pub start_time_millis: i64,
    pub end_time_millis: i64,
}

impl Utterance {
    fn weight(&self) -> usize {
        const OVERHEAD: usize = 96;
        OVERHEAD
            + self.text.len()
            + self.speaker.id.len()
            + self.speaker.name.len()
            + self.speaker.email.as_ref().map_or(0, String::len)
            + self.language_code.as_ref().map_or(0, String::len)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    pub id: u64,
    /// The call (`0-48` object) it transcribes.
    pub engagement_id: u64,
    pub utterances: Vec<Utterance>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Transcript {
    pub fn weight(&self) -> usize {
        64 + self.utterances.iter().map(Utterance::weight).sum::<usize>()
    }
}

impl PortalCrm {
    /// Keeps a transcript of live call `engagement_id`; its id.
    pub fn add_transcript(
        &mut self,
        engagement_id: u64,
        utterances: Vec<Utterance>,
        at: Timestamp,
    ) -> Result<u64, CrmError> {
        self.live_call(engagement_id)?;
        if self.transcripts.len() >= MAX_TRANSCRIPTS {
            return Err(CrmError::invalid(
                "engagementId",
                "TRANSCRIPT_LIMIT",
                format!("This portal already keeps {MAX_TRANSCRIPTS} transcripts, the emulator's limit: DELETE some (/crm/v3/extensions/calling/transcripts/{{transcriptId}}) or reset the state (POST /_emulator/reset)."),
            ));
        }
        let id = self.next_transcript_id;
        let transcript = Transcript {
            id,
            engagement_id,
            utterances,
            created_at: at,
            updated_at: at,
        };
        self.reserve(transcript.weight())?;
        self.next_transcript_id += 1;
        self.transcripts.insert(id, transcript);
        Ok(id)
    }

    /// The live call `engagement_id`, or the CRM's 404 that says where calls are listed.
    pub fn live_call(&self, engagement_id: u64) -> Result<&super::CrmObject, CrmError> {
        self.object(ObjectType::Calls, engagement_id)
            .filter(|call| !call.is_archived())
            .ok_or_else(|| CrmError::NotFound {
                message: format!("No call with id {engagement_id} in this portal: engagementId names a call (GET /crm/v3/objects/calls lists them; the inbound-call API and the calls API create them)."),
            })
    }

    pub fn transcript(&self, id: u64) -> Option<&Transcript> {
        self.transcripts.get(&id)
    }

    /// Every transcript, by id.
    pub fn transcripts(&self) -> impl Iterator<Item = &Transcript> {
        self.transcripts.values()
    }

    /// The transcripts of one call, by id.
    pub fn transcripts_of(&self, engagement_id: u64) -> impl Iterator<Item = &Transcript> {
        self.transcripts
            .values()
            .filter(move |t| t.engagement_id == engagement_id)
    }

    /// Removes a transcript; false when there is none by that id.
    pub fn delete_transcript(&mut self, id: u64) -> bool {
        match self.transcripts.remove(&id) {
            Some(transcript) => {
                self.bytes = self.bytes.saturating_sub(transcript.weight());
                true
            }
            None => false,
        }
    }

    /// A seeded transcript, as the fixture or an import has it: checked as a new one is.
    pub(super) fn seed_transcript(&mut self, transcript: Transcript) -> Result<(), String> {
        if self.transcripts.len() >= MAX_TRANSCRIPTS {
            return Err(format!(
                "more transcripts than the emulator keeps per portal ({MAX_TRANSCRIPTS})"
            ));
        }
        if self
            .object(ObjectType::Calls, transcript.engagement_id)
            .is_none()
        {
            return Err(format!(
                "no call with id {} in this portal",
                transcript.engagement_id
            ));
        }
        if self.transcripts.contains_key(&transcript.id) {
            return Err(format!(
                "id {} is used by another of the portal's transcripts",
                transcript.id
            ));
        }
        self.reserve(transcript.weight()).map_err(|_| {
            "the portal's objects take more memory than the emulator allows".to_string()
        })?;
        self.next_transcript_id = self.next_transcript_id.max(transcript.id + 1);
        self.transcripts.insert(transcript.id, transcript);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::{ObjectInput, WriteSource};

    fn utterance(start: i64) -> Utterance {
        Utterance {
            speaker: Speaker {
                id: "1".into(),
                name: "Ada".into(),
                email: None,
            },
            text: "Hello".into(),
            language_code: Some("en-US".into()),
            start_time_millis: start,
            end_time_millis: start + 500,
        }
    }

    #[test]
    fn transcripts_belong_to_live_calls_and_give_back_their_bytes() {
        let mut crm = PortalCrm::default();
        let input: ObjectInput = serde_json::from_value(serde_json::json!({
            "properties": {"hs_timestamp": "2026-01-01T10:00:00Z"}
        }))
        .unwrap();
        let call = crm
            .create(ObjectType::Calls, &input, &WriteSource::import())
            .unwrap();
        let before = crm.bytes;
        let id = crm
            .add_transcript(call, vec![utterance(0)], Timestamp::now())
            .unwrap();
        assert!(crm.bytes > before);
        assert_eq!(crm.transcripts_of(call).count(), 1);
        assert!(matches!(
            crm.add_transcript(call + 1, vec![utterance(0)], Timestamp::now()),
            Err(CrmError::NotFound { .. })
        ));
        assert!(crm.delete_transcript(id));
        assert!(!crm.delete_transcript(id));
        assert_eq!(crm.bytes, before);
    }
}
