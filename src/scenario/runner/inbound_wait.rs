//! `waitFor.inboundCall`: polls the inbound-call journal until the app has posted a call
//! (`POST …/inbound-call`) with the given external id and numbers, then checks it: HubSpot's
//! answer (200 unless the step says otherwise), what became of the call engagement, the records
//! caller-ID matching found, and the findings the emulator judged on it (errors fail the step,
//! under `--strict` warnings too, unless the step lists their codes). The newest such call
//! counts, one posted before the step included: an app that posts while it answers the `http`
//! step that made it act has already done so when the `waitFor` starts.

use super::*;
use crate::fixture::steps::{EngagementExpect, InboundCallCondition};
use crate::inbound_call::EngagementOutcome;

/// The fields that pick the call, with their `${…}` filled in.
struct Filters {
    app_id: AppId,
    external_call_id: Option<String>,
    from_number: Option<String>,
    to_number: Option<String>,
}

impl Filters {
    fn admit(&self, report: &CallReport) -> bool {
        let request = &report.request;
        report.app_id == self.app_id
            && self
                .external_call_id
                .as_ref()
                .is_none_or(|id| *id == request.external_call_id)
            && self.from_number.as_ref().is_none_or(|number| {
                *number == request.from_number.e164_number
                    || report.caller_e164.as_ref() == Some(number)
            })
            && self
                .to_number
                .as_ref()
                .is_none_or(|number| *number == request.to_number.e164_number)
    }
}

/// Refused inbound-call requests named when nothing matching arrived (the newest ones).
const REFUSALS_SHOWN: usize = 3;

impl Runner<'_> {
    pub(super) async fn wait_for_inbound_call(
        &self,
        timeout_ms: u64,
        condition: &InboundCallCondition,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        let text = |value: &Option<String>| {
            value
                .as_deref()
                .map(|value| render_text(value, context))
                .transpose()
        };
        let filters = Filters {
            app_id: app_id(fixture, condition.app.as_deref())?,
            external_call_id: text(&condition.external_call_id)?,
            from_number: text(&condition.from_number)?,
            to_number: text(&condition.to_number)?,
        };
        let matched_ids = condition
            .matched_object_ids
            .as_ref()
            .map(|ids| {
                ids.iter()
                    .map(|id| {
                        let id = render_text(id, context)?;
                        id.trim().parse::<u64>().map_err(|_| {
                            format!("inboundCall.matchedObjectIds: {id:?} is not a record id (digits, such as \"100001\")")
                        })
                    })
                    .collect::<Result<Vec<u64>, String>>()
            })
            .transpose()?;
        // What the report shows as expected: the condition as it ran, `${…}` filled in.
        let rendered = InboundCallCondition {
            external_call_id: filters.external_call_id.clone(),
            from_number: filters.from_number.clone(),
            to_number: filters.to_number.clone(),
            matched_object_ids: matched_ids
                .as_ref()
                .map(|ids| ids.iter().map(u64::to_string).collect()),
            ..condition.clone()
        };
        let condition = &rendered;
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        loop {
            let found = self
                .context
                .inbound_calls
                .newest_matching(1, |report| filters.admit(report))
                .pop();
            if let Some(report) = found {
                return Ok(self.judged_inbound_call(report, condition, matched_ids.as_deref()));
            }
            if Instant::now() >= deadline {
                return Ok(self.no_inbound_call(timeout_ms, &filters, condition));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The step's outcome for the call found.
    fn judged_inbound_call(
        &self,
        report: CallReport,
        condition: &InboundCallCondition,
        matched_ids: Option<&[u64]>,
    ) -> Outcomes {
        let mut problems = Vec::new();
        let status = condition.status.unwrap_or(200);
        if report.status != status {
            problems.push(format!(
                "HubSpot answered the inbound call with {}{}, expected {status}",
                report.status,
                report
                    .error
                    .as_deref()
                    .map(|error| format!(" ({error})"))
                    .unwrap_or_default()
            ));
        }
        if let Some(expected) = condition.engagement {
            let got = match report.engagement {
                EngagementOutcome::Created => EngagementExpect::Created,
                EngagementOutcome::Updated => EngagementExpect::Updated,
                EngagementOutcome::None => EngagementExpect::None,
            };
            if got != expected {
                problems.push(format!(
                    "expected the call engagement to be {}, it was {}{}",
                    engagement_word(expected),
                    engagement_word(got),
                    if got == EngagementExpect::None && !report.request.create_engagement {
                        " (the app sent createEngagement: false)"
                    } else {
                        ""
                    }
                ));
            }
        }
        if let Some(expected) = matched_ids {
            let mut found: Vec<u64> = report
                .caller_id_matches
                .iter()
                .map(|m| m.record().1)
                .collect();
            let mut wanted = expected.to_vec();
            found.sort_unstable();
            wanted.sort_unstable();
            if found != wanted {
                problems.push(format!(
                    "caller-ID matching found {found:?} for {:?}, expected {wanted:?}",
                    report.request.from_number.e164_number
                ));
            }
        }
        problems.extend(check_findings(
            &report.findings,
            &condition.codes,
            self.strict,
            "the inbound call was posted, but HubSpot would not treat it as the app meant",
        ));
        Outcomes::judged(
            serde_json::to_value(&report).unwrap_or_default(),
            report.findings,
            problems,
            serde_json::to_value(condition).unwrap_or_default(),
        )
    }

    /// The step's outcome when no matching call arrived in time: what the app did post, and
    /// which of its inbound-call requests HubSpot refused before reading them (those never
    /// reach the inbound-call journal).
    fn no_inbound_call(
        &self,
        timeout_ms: u64,
        filters: &Filters,
        condition: &InboundCallCondition,
    ) -> Outcomes {
        let app_id = filters.app_id;
        let posted = self
            .context
            .inbound_calls
            .newest_matching(REFUSALS_SHOWN, |report| report.app_id == app_id);
        let refused = self
            .context
            .api_journal
            .newest_matching(REFUSALS_SHOWN, |entry| {
                let path = entry.path.split('?').next().unwrap_or_default();
                path.ends_with("/inbound-call")
                    && entry.status >= 400
                    && entry.app_id.is_none_or(|id| id == app_id)
            });
        let mut message = format!("waited {timeout_ms} ms for an inbound call of app {app_id}");
        let wanted: Vec<String> = [
            ("externalCallId", &filters.external_call_id),
            ("fromNumber", &filters.from_number),
            ("toNumber", &filters.to_number),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v:?}")))
        .collect();
        if !wanted.is_empty() {
            message.push_str(&format!(" with {}", wanted.join(", ")));
        }
        if posted.is_empty() {
            message.push_str("; the app posted none");
        } else {
            let seen: Vec<String> = posted
                .iter()
                .map(|r| {
                    format!(
                        "externalCallId {:?} from {:?} to {:?}",
                        r.request.external_call_id,
                        r.request.from_number.e164_number,
                        r.request.to_number.e164_number
                    )
                })
                .collect();
            message.push_str(&format!(
                "; the app's newest are {}, none of them matching",
                seen.join("; ")
            ));
        }
        if refused.is_empty() {
            message.push_str(" (did it post to HUBSPOT_API_BASE_URL with its access token?)");
        } else {
            let statuses: Vec<String> = refused
                .iter()
                .map(|e| format!("{} {} → {}", e.method, e.path, e.status))
                .collect();
            message.push_str(&format!(
                "; HubSpot refused inbound-call requests before reading them: {} (the app should log HubSpot's error body: it names each field to fix)",
                statuses.join(", ")
            ));
        }
        Outcomes {
            expected: Some(serde_json::to_value(condition).unwrap_or_default()),
            got: Some(json!({
                "inboundCalls": posted,
                "refusedRequests": refused,
            })),
            ..Outcomes::failed(message)
        }
    }
}

fn engagement_word(outcome: EngagementExpect) -> &'static str {
    match outcome {
        EngagementExpect::Created => "created",
        EngagementExpect::Updated => "updated",
        EngagementExpect::None => "not written",
    }
}
