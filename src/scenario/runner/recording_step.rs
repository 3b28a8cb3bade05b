//! The `playRecording` step: plays a call's recording as HubSpot would, through the playback
//! machinery (the app's recording URL, then the audio with `Range`), and checks the verdict.

use super::*;
use crate::fixture::steps::{EngagementId, PlayRecordingStep};
use crate::playback::PlayRequest;
use crate::recording::Trigger;

impl Runner<'_> {
    pub(super) async fn play_recording(
        &self,
        step: &PlayRecordingStep,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        let engagement_id = match &step.engagement_id {
            EngagementId::Id(id) => *id,
            EngagementId::Text(text) => {
                let text = render_text(text, context)?;
                text.trim().parse::<u64>().map_err(|_| {
                    format!("engagementId {text:?} is not a call's id (a whole number)")
                })?
            }
        };
        let app_id = match &step.app {
            Some(name) => Some(app_id(fixture, Some(name))?),
            None => None,
        };
        let verdict = self
            .context
            .playbacks
            .play(
                PlayRequest {
                    app_id,
                    engagement_id,
                    portal_id: step.portal_id,
                },
                Trigger::Scenario,
            )
            .await
            .map_err(|e| e.to_string())?;
        let expect = step.expect.clone().unwrap_or_default();
        let problems = check_playback(&verdict, &expect, self.strict);
        let got = json!({
            "outcome": verdict.outcome,
            "codes": verdict.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        });
        let result = serde_json::to_value(&verdict).unwrap_or_default();
        let passed = Outcomes {
            findings: verdict.findings,
            ..Outcomes::passed(result)
        };
        let expected = json!(PlayRecordingExpect {
            outcome: Some(expect.outcome.unwrap_or(Outcome::Pass)),
            ..expect
        });
        Ok(passed.checked(problems, expected, got))
    }
}
