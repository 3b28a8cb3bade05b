//! Runs scenarios against a live emulator: `api` steps go over HTTP like an app's calls;
//! `fire`, `probe`, `setUserFlag`, `reset` and `waitFor` act on the state directly, through the
//! narrow `ScenarioContext` (the store, the webhook machinery, the prober) rather than the whole
//! server. A failed step ends its scenario (the rest are reported as skipped); the next
//! scenario runs on.

use std::time::{Duration, Instant};

use regex::Regex;
use serde_json::{json, Map, Value};

use super::expect::{check_probe_report, check_verdict, subset};
use super::report::{ScenarioReport, StepReport, StepStatus};
use super::template::{render, render_text};
use crate::domain::AppId;
use crate::fixture::steps::{
    ApiAuth, ApiStep, FireExpect, FireStep, PassOrFail, ProbeExpect, ProbeStep, Scenario, Step,
    WaitForStep,
};
use crate::fixture::{AppFixture, Fixture};
use crate::probe::forgery::{self, Expected};
use crate::probe::report::ProbeReport;
use crate::probe::{probe_app, ProbeRequest, Prober};
use crate::store::Store;
use crate::webhook::fire::FireRequest;
use crate::webhook::fire::Webhooks;
use crate::webhook::verdict::Delivery;
use crate::webhook::{Finding, Outcome};

/// How often `waitFor` looks at the state.
const POLL: Duration = Duration::from_millis(10);

/// What scenario steps act on.
pub struct ScenarioContext<'a> {
    pub store: &'a Store,
    pub webhooks: Webhooks<'a>,
    pub prober: Prober<'a>,
}

pub struct Runner<'a> {
    pub context: ScenarioContext<'a>,
    pub base_url: String,
    pub strict: bool,
    http: awc::Client,
}

/// A step's result: passed with a value for later steps, or failed with the evidence.
struct Outcomes {
    status: StepStatus,
    message: Option<String>,
    expected: Option<Value>,
    got: Option<Value>,
    result: Value,
    findings: Vec<Finding>,
    delivery: Option<Delivery>,
    probe: Option<ProbeReport>,
}

impl Outcomes {
    fn passed(result: Value) -> Self {
        Outcomes {
            status: StepStatus::Passed,
            message: None,
            expected: None,
            got: None,
            result,
            findings: Vec::new(),
            delivery: None,
            probe: None,
        }
    }

    fn failed(message: impl Into<String>) -> Self {
        Outcomes {
            status: StepStatus::Failed,
            message: Some(message.into()),
            ..Outcomes::passed(Value::Null)
        }
    }
}

impl<'a> Runner<'a> {
    pub fn new(context: ScenarioContext<'a>, base_url: String, strict: bool) -> Self {
        Runner {
            context,
            base_url,
            strict,
            // `api` steps call the emulator run beside them, which answers in milliseconds; the
            // deadline only keeps a run from hanging on a wedged server.
            http: awc::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
        }
    }

    /// Runs every scenario of one file, whose seed is already loaded. Named steps' results are
    /// readable by every later step of the file (`${steps.NAME…}`).
    pub async fn run_file(&self, file: &str, fixture: &Fixture) -> Vec<ScenarioReport> {
        let apps: Map<String, Value> = fixture
            .apps
            .iter()
            .map(|a| (a.name.clone(), serde_json::to_value(a).unwrap_or_default()))
            .collect();
        let mut context = json!({"apps": apps, "portals": fixture.portals, "steps": {}});
        let mut reports = Vec::new();
        for scenario in &fixture.scenarios {
            reports.push(
                self.run_scenario(file, fixture, scenario, &mut context)
                    .await,
            );
        }
        reports
    }

    async fn run_scenario(
        &self,
        file: &str,
        fixture: &Fixture,
        scenario: &Scenario,
        context: &mut Value,
    ) -> ScenarioReport {
        let started = Instant::now();
        let mut steps = Vec::new();
        let mut failed = false;
        for (index, step) in scenario.steps.iter().enumerate() {
            let title = step
                .name()
                .map(str::to_string)
                .unwrap_or_else(|| describe(step));
            if failed {
                steps.push(StepReport {
                    index: index + 1,
                    kind: step.kind(),
                    title,
                    status: StepStatus::Skipped,
                    duration_ms: 0.0,
                    message: None,
                    expected: None,
                    got: None,
                    findings: Vec::new(),
                    delivery: None,
                    probe: None,
                });
                continue;
            }
            let step_started = Instant::now();
            let outcome = self.run_step(step, fixture, context).await;
            if let (Some(name), StepStatus::Passed) = (step.name(), outcome.status) {
                context["steps"][name] = outcome.result.clone();
            }
            failed = outcome.status == StepStatus::Failed;
            steps.push(StepReport {
                index: index + 1,
                kind: step.kind(),
                title,
                status: outcome.status,
                duration_ms: step_started.elapsed().as_secs_f64() * 1000.0,
                message: outcome.message,
                expected: outcome.expected,
                got: outcome.got,
                findings: outcome.findings,
                delivery: outcome.delivery,
                probe: outcome.probe,
            });
        }
        ScenarioReport {
            file: file.to_string(),
            name: scenario.name.clone(),
            passed: !failed,
            duration_ms: started.elapsed().as_secs_f64() * 1000.0,
            steps,
        }
    }

    async fn run_step(&self, step: &Step, fixture: &Fixture, context: &Value) -> Outcomes {
        let result = match step {
            Step::Api(api) => self.api(api, fixture, context).await,
            Step::WaitFor(wait) => self.wait_for(wait, fixture).await,
            Step::Fire(fire) => self.fire(fire, fixture).await,
            Step::Probe(probe) => self.probe(probe, fixture, context).await,
            Step::SetUserFlag(flag) => {
                self.context.store.set_user_flag(
                    flag.portal_id,
                    flag.user_id,
                    flag.supports_channel_connection,
                );
                Ok(Outcomes::passed(Value::Null))
            }
            Step::Reset(reset) => match &reset.app {
                None => {
                    self.context.store.reset_all();
                    Ok(Outcomes::passed(Value::Null))
                }
                Some(name) => app_id(fixture, Some(name)).map(|id| {
                    self.context.store.reset_app(id);
                    Outcomes::passed(Value::Null)
                }),
            },
        };
        result.unwrap_or_else(Outcomes::failed)
    }

    async fn api(
        &self,
        step: &ApiStep,
        fixture: &Fixture,
        context: &Value,
    ) -> Result<Outcomes, String> {
        let app = find_app(fixture, step.app.as_deref())?;
        let mut url = format!("{}{}", self.base_url, render_text(&step.path, context)?);
        let method = awc::http::Method::from_bytes(step.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("{:?} is not an HTTP method", step.method))?;
        if step.auth == ApiAuth::Hapikey {
            let key = app.developer_api_key.as_ref().ok_or_else(|| {
                format!(
                    "app {:?} has no developerApiKey for auth \"hapikey\"",
                    app.name
                )
            })?;
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("hapikey={}", key.expose()));
        }
        let mut request = self.http.request(method, &url);
        if step.auth == ApiAuth::Bearer {
            let token = app.access_token.as_ref().ok_or_else(|| {
                format!("app {:?} has no accessToken for auth \"bearer\"", app.name)
            })?;
            request =
                request.insert_header(("Authorization", format!("Bearer {}", token.expose())));
        }
        let sent = match &step.body {
            Some(body) => request.send_json(&render(body, context)?).await,
            None => request.send().await,
        };
        let mut response = sent.map_err(|e| format!("the API call failed: {e}"))?;
        let status = response.status().as_u16();
        let bytes = response
            .body()
            .limit(16 * 1024 * 1024)
            .await
            .map_err(|e| format!("reading the API reply: {e}"))?;
        let body: Value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        let got = json!({"status": status, "body": body});
        let Some(expect) = &step.expect else {
            return Ok(Outcomes::passed(got));
        };
        let mut problems = Vec::new();
        if let Some(expected) = expect.status {
            if expected != status {
                problems.push(format!("expected status {expected}, got {status}"));
            }
        }
        if let Some(expected) = &expect.body {
            let expected = render(expected, context)?;
            if let Err(path) = subset(&expected, &body, "") {
                problems.push(format!("the reply body differs at {path}"));
            }
        }
        if problems.is_empty() {
            return Ok(Outcomes::passed(got));
        }
        Ok(Outcomes {
            expected: Some(serde_json::to_value(expect).unwrap_or_default()),
            got: Some(got),
            ..Outcomes::failed(problems.join("; "))
        })
    }

    async fn wait_for(&self, step: &WaitForStep, fixture: &Fixture) -> Result<Outcomes, String> {
        let deadline = Instant::now() + Duration::from_millis(step.timeout_ms);
        let (app_name, what) =
            match (&step.channel_connection, &step.settings) {
                (Some(c), None) => (c.app.as_deref(), "channel connection"),
                (None, Some(s)) => (s.app.as_deref(), "calling settings"),
                _ => return Err(
                    "waitFor needs exactly one condition: \"channelConnection\" or \"settings\""
                        .into(),
                ),
            };
        let id = app_id(fixture, app_name)?;
        let pattern = match step
            .channel_connection
            .as_ref()
            .and_then(|c| c.url_matches.as_deref())
        {
            Some(p) => Some(
                Regex::new(p)
                    .map_err(|e| format!("urlMatches is not a valid regular expression: {e}"))?,
            ),
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

    async fn fire(&self, step: &FireStep, fixture: &Fixture) -> Result<Outcomes, String> {
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
            "selectableCount": verdict.picker.iter().filter(|p| p.selectable).count(),
            "displayedNames": verdict.picker.iter().map(|p| p.displayed_name.as_str()).collect::<Vec<_>>(),
        });
        let result = serde_json::to_value(&verdict).unwrap_or_default();
        let passed = Outcomes {
            findings: verdict.findings,
            delivery: verdict.delivery,
            ..Outcomes::passed(result)
        };
        if problems.is_empty() {
            return Ok(passed);
        }
        Ok(Outcomes {
            status: StepStatus::Failed,
            message: Some(problems.join("; ")),
            expected: Some(json!(FireExpect {
                outcome: Some(expect.outcome.unwrap_or(Outcome::Pass)),
                ..expect
            })),
            got: Some(got),
            ..passed
        })
    }

    async fn probe(
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

fn find_app<'f>(fixture: &'f Fixture, name: Option<&str>) -> Result<&'f AppFixture, String> {
    match name {
        None => fixture
            .apps
            .first()
            .ok_or_else(|| "the fixture declares no app".to_string()),
        Some(name) => fixture.apps.iter().find(|a| a.name == name).ok_or_else(|| {
            let names: Vec<&str> = fixture.apps.iter().map(|a| a.name.as_str()).collect();
            format!("no app named {name:?}; the fixture has {names:?}")
        }),
    }
}

fn app_id(fixture: &Fixture, name: Option<&str>) -> Result<AppId, String> {
    find_app(fixture, name).map(|a| a.app_id)
}

/// A title for a step without a name.
fn describe(step: &Step) -> String {
    let app = |name: &Option<String>| name.clone().unwrap_or_else(|| "the first app".into());
    match step {
        Step::Api(s) => format!("api {} {}", s.method.to_ascii_uppercase(), s.path),
        Step::WaitFor(s) => match (&s.channel_connection, &s.settings) {
            (Some(c), _) => format!("waitFor channel connection of {}", app(&c.app)),
            (_, Some(c)) => format!("waitFor calling settings of {}", app(&c.app)),
            _ => "waitFor".into(),
        },
        Step::Fire(s) => format!(
            "fire {} → portal {} user {}{}",
            app(&s.app),
            s.portal_id,
            s.user_id,
            if s.force { " (forced)" } else { "" }
        ),
        Step::Probe(s) => format!(
            "probe {}{}",
            app(&s.app),
            match s.burst {
                Some(0) => " (no burst)".to_string(),
                Some(n) => format!(" with a burst of {n}"),
                None => String::new(),
            }
        ),
        Step::SetUserFlag(s) => format!(
            "setUserFlag portal {} user {} = {}",
            s.portal_id, s.user_id, s.supports_channel_connection
        ),
        Step::Reset(s) => match &s.app {
            Some(name) => format!("reset {name}"),
            None => "reset all".into(),
        },
    }
}
