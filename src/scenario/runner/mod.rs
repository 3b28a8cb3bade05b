//! Runs scenarios against a live emulator: `api` steps go over HTTP like an app's calls, `http`
//! steps over HTTP to the app under test; `seedCrm`, `fire`, `probe`, `setUserFlag`, `reset` and
//! `waitFor` act on the state directly, through the narrow `ScenarioContext` (the store, the
//! webhook machinery, the prober, the journals a `waitFor` reads) rather than the whole server. A
//! failed step ends its scenario (the rest are reported as skipped); the next scenario runs on.
//! Each kind of step is in a file of its own (`api_step`, `http_step`, `seed_step`, `wait_step`
//! with `crm_wait`, `inbound_wait` and `sdk_wait`, `fire_step`, `probe_step`, `widget_step` with
//! the `browser` it opens); this one runs scenarios and dispatches their steps. What the run
//! opened (browsers) closes with the runner.

mod api_step;
mod browser;
mod crm_wait;
mod fire_step;
mod http_step;
mod inbound_wait;
mod probe_step;
mod sdk_wait;
mod seed_step;
mod wait_step;
mod widget_step;

pub(crate) use http_step::resolve_url;
pub(crate) use wait_step::ONE_CONDITION;

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::expect::{check_findings, check_probe_report, check_reply, check_verdict, subset};
use super::references::{unknown_app, NO_APP};
use super::report::{ScenarioReport, StepReport, StepStatus};
use super::template::{render, render_text, seed_context};
use crate::domain::AppId;
use crate::fixture::steps::{
    ApiAuth, ApiExpect, ApiStep, FireExpect, FireStep, PassOrFail, ProbeExpect, ProbeStep,
    Scenario, Step, WaitForStep,
};
use crate::fixture::suite::ScenarioFile;
use crate::fixture::{AppFixture, Fixture};
use crate::inbound_call::CallReport;
use crate::journal::{ApiRequestEntry, Journal};
use crate::probe::forgery::{self, Expected};
use crate::probe::report::ProbeReport;
use crate::probe::{probe_app, ProbeRequest, Prober};
use crate::sdk::SdkHost;
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
    /// The inbound calls the apps posted (`waitFor.inboundCall` looks for one).
    pub inbound_calls: &'a Journal<CallReport>,
    /// The API calls, where a refused inbound call shows (what a `waitFor.inboundCall` that
    /// timed out points at).
    pub api_journal: &'a Journal<ApiRequestEntry>,
    /// HubSpot's side of the calling widget: its sessions, commands and message journal.
    pub sdk: SdkHost<'a>,
}

pub struct Runner<'a> {
    pub context: ScenarioContext<'a>,
    pub base_url: String,
    pub strict: bool,
    http: awc::Client,
    /// The browsers `openWidget` opened: killed when the runner is dropped.
    browsers: parking_lot::Mutex<Vec<browser::Browser>>,
    /// Why the environment failed a step (no browser): the run cannot be judged.
    broken: parking_lot::Mutex<Option<String>>,
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

    /// The outcome for something a step judged (a call the app logged): passed with `result`
    /// and the findings, or, with `problems`, failed against `expected`.
    fn judged(
        result: Value,
        findings: Vec<Finding>,
        problems: Vec<String>,
        expected: Value,
    ) -> Self {
        let outcome = Outcomes {
            findings,
            ..Outcomes::passed(result)
        };
        if problems.is_empty() {
            return outcome;
        }
        Outcomes {
            status: StepStatus::Failed,
            message: Some(problems.join("; ")),
            expected: Some(expected),
            got: Some(outcome.result.clone()),
            ..outcome
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
            browsers: parking_lot::Mutex::new(Vec::new()),
            broken: parking_lot::Mutex::new(None),
        }
    }

    /// Why the environment failed the run (a step found no browser), if it did: the run cannot
    /// be judged (exit 3).
    pub fn broken(&self) -> Option<String> {
        self.broken.lock().clone()
    }

    /// Closes every browser the run opened (dropping the runner does too).
    pub fn close_widgets(&self) {
        self.browsers.lock().clear();
    }

    /// Runs every scenario of one file against the run's seed (already loaded; `seed` names its
    /// apps) into `done`. Named steps' results are readable by every later step of the file
    /// (`${steps.NAME…}`). Each scenario is listed before it runs and its steps are filled in
    /// as they end, so a run cut short (the app exited) still shows how far it got.
    pub async fn run_file(
        &self,
        file: &ScenarioFile,
        seed: &Fixture,
        done: &mut Vec<ScenarioReport>,
    ) {
        let mut context = seed_context(seed);
        for scenario in &file.scenarios {
            done.push(not_run(&file.name, scenario));
            let report = done.last_mut().expect("the report was just pushed");
            self.run_scenario(seed, scenario, &mut context, report)
                .await;
        }
    }

    async fn run_scenario(
        &self,
        fixture: &Fixture,
        scenario: &Scenario,
        context: &mut Value,
        report: &mut ScenarioReport,
    ) {
        let started = Instant::now();
        let mut failed = false;
        for (index, step) in scenario.steps.iter().enumerate() {
            let title = title(step);
            if failed {
                report.steps[index] =
                    StepReport::bare(index + 1, step.kind(), title, StepStatus::Skipped);
                continue;
            }
            let step_started = Instant::now();
            let outcome = self.run_step(step, fixture, context).await;
            if let (Some(name), StepStatus::Passed) = (step.name(), outcome.status) {
                context["steps"][name] = outcome.result.clone();
            }
            failed = outcome.status == StepStatus::Failed;
            report.steps[index] = StepReport {
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
            };
        }
        report.passed = !failed;
        report.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    }

    async fn run_step(&self, step: &Step, fixture: &Fixture, context: &Value) -> Outcomes {
        let result = match step {
            Step::Api(api) => self.api(api, fixture, context).await,
            Step::Http(http) => self.http(http, context).await,
            Step::SeedCrm(seed) => self.seed_crm(seed, context),
            Step::WaitFor(wait) => self.wait_for(wait, fixture, context).await,
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
            Step::OpenWidget(open) => self.open_widget(open, fixture, context).await,
            Step::Dial(dial) => self.dial(dial, fixture, context),
            Step::Hangup(hangup) => self.hangup(hangup, fixture),
            Step::Visibility(visibility) => self.visibility(visibility, fixture),
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
}

/// A scenario before it runs: not passed, every step skipped because the run ended before it
/// (what stays if the app exits while the scenario runs).
fn not_run(file: &str, scenario: &Scenario) -> ScenarioReport {
    let steps = scenario
        .steps
        .iter()
        .enumerate()
        .map(|(index, step)| StepReport {
            message: Some(RUN_ENDED.into()),
            ..StepReport::bare(index + 1, step.kind(), title(step), StepStatus::Skipped)
        })
        .collect();
    ScenarioReport {
        file: file.to_string(),
        name: scenario.name.clone(),
        passed: false,
        duration_ms: 0.0,
        steps,
    }
}

/// Why a step of a run cut short was not run.
const RUN_ENDED: &str = "not run: the run ended before this step (see the run's error)";

/// The step's name, or a description of it.
fn title(step: &Step) -> String {
    step.name()
        .map(str::to_string)
        .unwrap_or_else(|| describe(step))
}

/// The app a step names, or the first app (`references` has already checked both exist when
/// the files were loaded by `run`; a library caller may not have).
fn find_app<'f>(fixture: &'f Fixture, name: Option<&str>) -> Result<&'f AppFixture, String> {
    match name {
        None => fixture.apps.first().ok_or_else(|| NO_APP.to_string()),
        Some(name) => fixture
            .apps
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| unknown_app(name, fixture)),
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
        Step::Http(s) => format!("http {} {}", s.method.to_ascii_uppercase(), s.url),
        Step::SeedCrm(s) => format!(
            "seedCrm {} with {}",
            s.object_type,
            serde_json::to_string(&s.properties).unwrap_or_default()
        ),
        Step::WaitFor(s) => {
            if let Some(c) = &s.channel_connection {
                format!("waitFor channel connection of {}", app(&c.app))
            } else if let Some(c) = &s.settings {
                format!("waitFor calling settings of {}", app(&c.app))
            } else if let Some(c) = &s.crm_object {
                format!(
                    "waitFor {} with {}",
                    c.object_type,
                    serde_json::to_string(&c.properties).unwrap_or_default()
                )
            } else if let Some(c) = &s.sdk_message {
                format!(
                    "waitFor {} message {} {}",
                    match c.direction {
                        crate::fixture::steps::MessageDirection::FromApp => "the app's",
                        crate::fixture::steps::MessageDirection::ToApp => "HubSpot's",
                    },
                    c.message_type,
                    c.data.as_ref().map(|d| d.to_string()).unwrap_or_default()
                )
                .trim_end()
                .to_string()
            } else if let Some(c) = &s.inbound_call {
                let mut text = format!("waitFor inbound call of {}", app(&c.app));
                for (label, value) in [
                    ("externalCallId", &c.external_call_id),
                    ("from", &c.from_number),
                    ("to", &c.to_number),
                ] {
                    if let Some(value) = value {
                        text.push_str(&format!(" {label} {value}"));
                    }
                }
                text
            } else {
                "waitFor".into()
            }
        }
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
        Step::OpenWidget(s) => format!("openWidget of {}", app(&s.app)),
        Step::Dial(s) => format!("dial {} on {}'s widget", s.to_number, app(&s.app)),
        Step::Hangup(s) => format!("hangup on {}'s widget", app(&s.app)),
        Step::Visibility(s) => format!(
            "visibility of {}'s widget: minimized {}, hidden {}",
            app(&s.app),
            s.is_minimized,
            s.is_hidden
        ),
    }
}
