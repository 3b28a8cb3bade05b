//! `waitFor.sdkMessage`: polls the SDK message journal until a message of the given type went
//! the given way (by default: the app sent it) for the app, with `data` containing the step's
//! subset; then judges it by the findings the protocol judge gave it (errors fail the step, under
//! `--strict` warnings too, unless the step lists their codes). The newest such message counts,
//! one journaled before the step included: a message the app sent in answer to the step before
//! may already be there.

use super::*;
use crate::fixture::steps::{MessageDirection, SdkMessageCondition};
use crate::sdk::{Direction, SdkMessageEntry};

impl Runner<'_> {
    pub(super) async fn wait_for_sdk_message(
        &self,
        timeout_ms: u64,
        condition: &SdkMessageCondition,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        let app = app_id(fixture, condition.app.as_deref())?;
        let direction = match condition.direction {
            MessageDirection::FromApp => Direction::FromApp,
            MessageDirection::ToApp => Direction::ToApp,
        };
        let data = condition
            .data
            .as_ref()
            .map(|data| render(data, context))
            .transpose()?;
        let admit = |entry: &SdkMessageEntry| {
            entry.app_id == app
                && entry.direction == direction
                && entry.message_type == condition.message_type
                && data
                    .as_ref()
                    .is_none_or(|data| subset(data, &entry.data, "").is_ok())
        };
        let rendered = SdkMessageCondition {
            data: data.clone(),
            ..condition.clone()
        };
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        loop {
            if let Some(entry) = self.context.sdk.journal.newest_matching(1, admit).pop() {
                let problems = check_findings(
                    &entry.findings,
                    &condition.codes,
                    self.strict,
                    "the message went, but HubSpot would not treat it as the app meant",
                );
                let result = serde_json::to_value(&entry).unwrap_or_default();
                return Ok(Outcomes::judged(
                    result,
                    entry.findings,
                    problems,
                    serde_json::to_value(&rendered).unwrap_or_default(),
                ));
            }
            if Instant::now() >= deadline {
                let of_type = self.context.sdk.journal.newest_matching(1, |entry| {
                    entry.app_id == app && entry.message_type == condition.message_type
                });
                let seen = of_type
                    .first()
                    .map(|e| serde_json::to_value(e).unwrap_or_default());
                let why = match &seen {
                    Some(_) => "one went, but not this way or without this data (got: the newest of that type)",
                    None => "none went (is a widget open, and does the app send it? GET /_emulator/sdk/messages lists what went)",
                };
                return Ok(Outcomes {
                    expected: Some(serde_json::to_value(&rendered).unwrap_or_default()),
                    got: seen,
                    ..Outcomes::failed(format!(
                        "waited {timeout_ms} ms for a {} message {}; {why}",
                        condition.message_type,
                        match direction {
                            Direction::ToApp => "from HubSpot to the app",
                            _ => "from the app",
                        }
                    ))
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }
}
