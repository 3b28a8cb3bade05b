//! The `probe` step: probes the app through the prober and checks the report.

use super::*;
use crate::domain::{PortalId, UserId};

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
        let (portal_id, user_id) = whom(fixture, step.portal_id, step.user_id);
        let report = probe_app(
            &self.context.prober,
            ProbeRequest {
                app_id,
                portal_id,
                user_id,
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

/// The portal and user the deliveries are for when the step names none: the fixture's first
/// portal and that portal's first user, so that the probes look like the fixture's own
/// deliveries (an app that checks the portal would otherwise reject the genuine one). Without
/// portals in the fixture, the prober's defaults apply.
fn whom(
    fixture: &Fixture,
    portal_id: Option<PortalId>,
    user_id: Option<UserId>,
) -> (Option<PortalId>, Option<UserId>) {
    let portal_id = portal_id.or_else(|| fixture.portals.first().map(|p| p.portal_id));
    let user_id = user_id.or_else(|| {
        let portal = fixture
            .portals
            .iter()
            .find(|p| Some(p.portal_id) == portal_id)?;
        portal.users.first().map(|u| u.user_id)
    });
    (portal_id, user_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(portals: serde_json::Value) -> Fixture {
        serde_json::from_value(json!({"portals": portals})).unwrap()
    }

    #[test]
    fn the_first_portal_and_its_first_user_unless_named() {
        let two = fixture(json!([
            {"portalId": 777, "users": [{"userId": 9}, {"userId": 10}]},
            {"portalId": 888, "users": [{"userId": 5}]}
        ]));
        assert_eq!(whom(&two, None, None), (Some(777), Some(9)));
        assert_eq!(whom(&two, Some(888), None), (Some(888), Some(5)));
        assert_eq!(whom(&two, None, Some(3)), (Some(777), Some(3)));
        // A portal the fixture does not declare has no first user: the prober's default.
        assert_eq!(whom(&two, Some(1), None), (Some(1), None));
        assert_eq!(whom(&fixture(json!([])), None, None), (None, None));
        let no_users = fixture(json!([{"portalId": 777}]));
        assert_eq!(whom(&no_users, None, None), (Some(777), None));
    }
}
