//! The `probe` step: probes the app through the prober and checks the report.

use super::*;

impl Runner<'_> {
    pub(super) async fn probe(
        &self,
        step: &ProbeStep,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        let app_id = app_id(fixture, step.app.as_deref())?;
        let expect = step.expect.clone().unwrap_or_default();
        if let Some(unknown) = expect
            .accepted
            .iter()
            .find(|name| !forgery::names().any(|n| n == name.as_str()))
        {
            let names: Vec<&str> = forgery::names().collect();
            return Err(format!(
                "expect.accepted names no probe {unknown:?}; the probes are {}",
                names.join(", ")
            ));
        }
        let url = match &step.url {
            Some(url) => Some(render_text(url, context)?),
            None => None,
        };
        let report = probe_app(
            &self.context.prober,
            ProbeRequest {
                app_id,
                portal_id: step.portal_id,
                user_id: step.user_id,
                url,
                burst: step.burst,
                timeout_ms: step.timeout_ms,
            },
        )
        .await
        .map_err(|e| e.to_string())?;
        let problems = check_probe_report(&report, &expect, self.strict);
        let accepted: Vec<&str> = report
            .probes
            .iter()
            .filter(|p| p.accepted && p.expected == Expected::Reject)
            .map(|p| p.probe)
            .collect();
        let got = json!({
            "outcome": report.outcome,
            "accepted": accepted,
            "codes": report.findings.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
            "p99Ms": report.burst.as_ref().map(|b| b.latency_ms.p99),
        });
        let passed = Outcomes {
            findings: report.findings.clone(),
            result: serde_json::to_value(&report).unwrap_or_default(),
            probe: Some(report),
            ..Outcomes::passed(Value::Null)
        };
        if problems.is_empty() {
            return Ok(passed);
        }
        Ok(Outcomes {
            status: StepStatus::Failed,
            message: Some(problems.join("; ")),
            expected: Some(json!(ProbeExpect {
                outcome: Some(expect.outcome.unwrap_or(PassOrFail::Pass)),
                ..expect
            })),
            got: Some(got),
            ..passed
        })
    }
}
