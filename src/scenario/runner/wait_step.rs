//! The `waitFor` step: polls the state until the app registered what the step names (what an
//! app does at start-up), or the step's timeout passes. A `crmObject` (`crm_wait`), an
//! `inboundCall` (`inbound_wait`) or an `sdkMessage` (`sdk_wait`) waits for the app's work
//! instead.

use super::*;

/// What a `waitFor` without exactly one condition is told (at load and, for library callers, at
/// run time).
pub(crate) const ONE_CONDITION: &str =
    "waitFor needs exactly one condition: \"channelConnection\", \"settings\", \"crmObject\", \"inboundCall\" or \"sdkMessage\"";

impl Runner<'_> {
    pub(super) async fn wait_for(
        &self,
        step: &WaitForStep,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        if step.conditions() != 1 {
            return Err(ONE_CONDITION.into());
        }
        if let Some(condition) = &step.crm_object {
            return self
                .wait_for_crm(step.timeout_ms, condition, fixture, context)
                .await;
        }
        if let Some(condition) = &step.sdk_message {
            return self
                .wait_for_sdk_message(step.timeout_ms, condition, fixture, context)
                .await;
        }
        if let Some(condition) = &step.inbound_call {
            return self
                .wait_for_inbound_call(step.timeout_ms, condition, fixture, context)
                .await;
        }
        let deadline = Instant::now() + Duration::from_millis(step.timeout_ms);
        let (app_name, what) = match (&step.channel_connection, &step.settings) {
            (Some(c), None) => (c.app.as_deref(), "channel connection"),
            (None, Some(s)) => (s.app.as_deref(), "calling settings"),
            _ => return Err(ONE_CONDITION.into()),
        };
        let id = app_id(fixture, app_name)?;
        let pattern = match &step.channel_connection {
            Some(condition) => condition.url_pattern()?,
            None => None,
        };
        loop {
            let current = self.context.store.app(id).map(|app| app.extension);
            let (holds, seen) = match (&step.channel_connection, current) {
                (Some(condition), Some(extension)) => match &extension.channel_connection {
                    Some(connection) => (
                        condition.is_ready.is_none_or(|r| r == connection.is_ready)
                            && pattern.as_ref().is_none_or(|p| p.is_match(&connection.url)),
                        serde_json::to_value(connection).unwrap_or_default(),
                    ),
                    None => (false, Value::Null),
                },
                (None, Some(extension)) => (
                    extension.settings.is_some(),
                    serde_json::to_value(&extension.settings).unwrap_or_default(),
                ),
                (_, None) => (false, Value::Null),
            };
            if holds {
                return Ok(Outcomes::passed(seen));
            }
            if Instant::now() >= deadline {
                let expected = match &step.channel_connection {
                    Some(c) => serde_json::to_value(c).unwrap_or_default(),
                    None => json!({"settings": "registered"}),
                };
                return Ok(Outcomes {
                    expected: Some(expected),
                    got: Some(seen.clone()),
                    ..Outcomes::failed(format!(
                        "waited {} ms for app {id}'s {what}; {}",
                        step.timeout_ms,
                        if seen.is_null() {
                            "nothing was registered (did the app start and call the API with HUBSPOT_API_BASE_URL?)".to_string()
                        } else {
                            "it was registered but did not match".to_string()
                        }
                    ))
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }
}
