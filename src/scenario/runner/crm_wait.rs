//! `waitFor.crmObject`: polls a portal's CRM until the app has written a record with the given
//! properties (above all, the call it logged after an inbound call or through the calls API),
//! then judges a call the way HubSpot would keep it (`inbound_call::judge`), so a CI run checks
//! not only that the app logged its call but that it logged it well.

use std::collections::BTreeMap;

use super::*;
use crate::crm::ObjectType;
use crate::domain::PortalId;
use crate::fixture::steps::CrmCondition;
use crate::inbound_call::judge::{judge_call_properties, Written};
use crate::webhook::Severity;

impl Runner<'_> {
    pub(super) async fn wait_for_crm(
        &self,
        timeout_ms: u64,
        condition: &CrmCondition,
        fixture: &Fixture,
    ) -> Result<Outcomes, String> {
        let object_type = ObjectType::parse(&condition.object_type).ok_or_else(|| {
            format!(
                "crmObject.objectType {:?} is not calls, contacts or companies",
                condition.object_type
            )
        })?;
        let portal_id = condition
            .portal_id
            .or_else(|| self.context.store.first_recipient(None, None).0)
            .ok_or("the run's seed declares no portal: give crmObject a portalId")?;
        let deadline = Instant::now() + Duration::from_millis(timeout_ms);
        loop {
            if let Some((id, properties)) = self.find_record(portal_id, object_type, condition) {
                return Ok(self.judged(object_type, id, properties, condition, fixture));
            }
            if Instant::now() >= deadline {
                let count = self
                    .context
                    .store
                    .crm()
                    .read(portal_id, |crm| crm.count(object_type));
                return Ok(Outcomes {
                    expected: Some(serde_json::to_value(condition).unwrap_or_default()),
                    got: Some(json!({ "portalId": portal_id, "records": count })),
                    ..Outcomes::failed(format!(
                        "waited {timeout_ms} ms for one of portal {portal_id}'s {} with {}; none of its {count} has them (did the app log it with the access token of an app installed in portal {portal_id}?)",
                        condition.object_type,
                        serde_json::to_string(&condition.properties).unwrap_or_default(),
                    ))
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first live record whose properties include the condition's, with its properties.
    fn find_record(
        &self,
        portal_id: PortalId,
        object_type: ObjectType,
        condition: &CrmCondition,
    ) -> Option<(u64, BTreeMap<String, String>)> {
        self.context.store.crm().read(portal_id, |crm| {
            crm.objects(object_type)
                .filter(|object| !object.is_archived())
                .find(|object| {
                    condition
                        .properties
                        .iter()
                        .all(|(name, value)| object.get(name) == Some(value.as_str()))
                })
                .map(|object| (object.id, object.properties.clone()))
        })
    }

    /// The step's outcome for a found record: a call is judged whole (needing what a recording
    /// needs when the first app has recording settings); error findings fail the step, and
    /// under `--strict` warnings too, unless the condition lists their codes.
    fn judged(
        &self,
        object_type: ObjectType,
        id: u64,
        properties: BTreeMap<String, String>,
        condition: &CrmCondition,
        fixture: &Fixture,
    ) -> Outcomes {
        let needs_recording = fixture
            .apps
            .first()
            .and_then(|app| self.context.store.app(app.app_id))
            .is_some_and(|app| app.extension.recording.is_some());
        let findings = match object_type {
            ObjectType::Calls => {
                judge_call_properties(&properties, "/properties", Written::Whole, needs_recording)
            }
            _ => Vec::new(),
        };
        let result = json!({ "id": id.to_string(), "properties": properties });
        let worst = if self.strict {
            Severity::Warning
        } else {
            Severity::Error
        };
        let failing: Vec<&str> = findings
            .iter()
            .filter(|f| f.severity >= worst && !condition.codes.contains(&f.code))
            .map(|f| f.code.as_str())
            .collect();
        let missing: Vec<&str> = condition
            .codes
            .iter()
            .filter(|code| !findings.iter().any(|f| &f.code == *code))
            .map(String::as_str)
            .collect();
        let mut problems = Vec::new();
        if !failing.is_empty() {
            problems.push(format!(
                "the {} was logged, but HubSpot would not keep it as the app meant: {}",
                object_type.singular(),
                failing.join(", ")
            ));
        }
        if !missing.is_empty() {
            problems.push(format!("expected codes {} not found", missing.join(", ")));
        }
        let outcome = Outcomes {
            findings,
            ..Outcomes::passed(result.clone())
        };
        if problems.is_empty() {
            return outcome;
        }
        Outcomes {
            status: StepStatus::Failed,
            message: Some(problems.join("; ")),
            expected: Some(json!({ "codes": condition.codes })),
            got: Some(result),
            ..outcome
        }
    }
}
