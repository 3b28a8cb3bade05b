//! The `fire` step: fires the webhook through the webhook machinery and checks the verdict.

use super::*;

impl Runner<'_> {
    pub(super) async fn fire(
        &self,
        step: &FireStep,
        fixture: &Fixture,
    ) -> Result<Outcomes, String> {
        let app_id = app_id(fixture, step.app.as_deref())?;
        let verdict = self
            .context
            .webhooks
            .fire(FireRequest {
                app_id,
                portal_id: step.portal_id,
                user_id: step.user_id,
                force: step.force,
                timeout_ms: step.timeout_ms,
            })
            .await
            .map_err(|e| e.to_string())?;
        let expect = step.expect.clone().unwrap_or_default();
        let problems = check_verdict(&verdict, &expect, self.strict);
        let got = json!({
            "outcome": verdict.outcome,
            "codes": verdict.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
            "selectableCount": verdict.picker_selectable,
            "displayedNames": verdict.picker.iter().map(|p| p.displayed_name.as_str()).collect::<Vec<_>>(),
        });
        let result = serde_json::to_value(&verdict).unwrap_or_default();
        let passed = Outcomes {
            findings: verdict.findings.clone(),
            delivery: verdict.delivery.clone(),
            ..Outcomes::passed(result)
        };
        let expected = json!(FireExpect {
            outcome: Some(expect.outcome.unwrap_or(Outcome::Pass)),
            ..expect
        });
        Ok(passed.checked(problems, expected, got))
    }
}
