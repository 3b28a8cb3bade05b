//! The CI harness: what `hubspot-emulator run` does, as a library any program can call. It
//! starts an emulator in-process on a free port, seeded with the suite's one seed state (every
//! file's apps and portals merged), optionally starts the app under test with the emulator's
//! coordinates in its environment (`app_process`), gates on the app being ready, runs every
//! file's scenarios against that one state, stops the app and the emulator, and returns the run
//! report. Rendering the report and mapping outcomes to exit codes stay with the caller.
//!
//! Every run ends in a report, even one that could not be judged (the app exited early, never
//! became ready, or the emulator could not start): the report then carries `error` and an error
//! test case, so CI's always-upload step has something to show.
//!
//! ```text
//! suite ─ start emulator ─ start app? ─ ready? ─ each file's scenarios ─ stop ─ RunReport
//! ```

pub mod app_process;

use std::time::{Duration, Instant};

use app_process::AppProcess;

use crate::app::{Emulator, EmulatorConfig};
use crate::fixture::steps::Step;
use crate::fixture::suite::Suite;
use crate::fixture::Fixture;
use crate::scenario::report::{RunReport, ScenarioReport, StepStatus};
use crate::scenario::runner::Runner;
use crate::state::EmulatorState;

/// One run: the scenario files (already loaded and checked) and how to treat the app under test.
pub struct Harness {
    pub suite: Suite,
    /// Warnings fail steps too.
    pub strict: bool,
    /// Zero the durations and mask what the real clock signed (deterministic mode).
    pub deterministic: bool,
    /// The app's command and arguments; empty when the app runs elsewhere.
    pub app: Vec<String>,
    /// Poll this URL until it answers 2xx before running (else the first waitFor gates).
    pub app_ready: Option<String>,
    /// How long the app may take to become ready.
    pub app_timeout: Duration,
    /// How long the app gets after SIGTERM before SIGKILL.
    pub grace: Duration,
}

impl Harness {
    /// Runs every file's scenarios. The report says why when the run could not be judged
    /// (`RunReport::error`): the environment failed, not the app's contract.
    pub async fn run(&self) -> RunReport {
        let started = Instant::now();
        let mut done = Vec::new();
        let error = match self.suite.is_empty() {
            true => Some("no scenarios to run".to_string()),
            false => self.run_suite(&mut done).await.err(),
        };
        let mut report =
            RunReport::new(done, self.strict, started.elapsed().as_secs_f64() * 1000.0);
        let error = error.or_else(|| self.app_never_ready(&report));
        if let Some(error) = error {
            report = report.with_error(error);
        }
        if self.deterministic {
            report = report.make_repeatable();
        }
        report
    }

    /// Starts the emulator (and the app), runs the scenarios into `done`, stops everything. An
    /// error is why the run could not be judged; `done` keeps the scenarios that started before
    /// it, with their steps that ended.
    async fn run_suite(&self, done: &mut Vec<ScenarioReport>) -> Result<(), String> {
        let seed = &self.suite.seed;
        // libphonenumber loads its metadata on first use (~0.1 s in release, ~1 s in debug
        // builds); load it while the app starts rather than inside the first fire step.
        std::thread::spawn(|| crate::webhook::validator::is_dialable("+14155552671"));
        let (emulator, base_url) = start_emulator(seed)?;
        let state = emulator.state();
        let handle = emulator.handle();
        tokio::spawn(emulator.run());
        eprintln!("hubspot-emulator run: emulator at {base_url}");

        let mut app = match self.app.is_empty() {
            true => None,
            false => match start_app(&self.app, seed, &base_url) {
                Ok(app) => Some(app),
                Err(error) => {
                    handle.stop(false).await;
                    return Err(error);
                }
            },
        };
        if let (Some(process), Some(url)) = (app.as_mut(), &self.app_ready) {
            if let Err(reason) = process.wait_ready(url, self.app_timeout).await {
                process.stop(self.grace).await;
                handle.stop(false).await;
                return Err(reason);
            }
        }
        let scenarios = self.run_files(&state, base_url, done);
        let outcome = match app.as_mut() {
            None => scenarios.await.map_or(Ok(()), Err),
            // Dropping the scenarios' future when the app exits ends the run there (and closes
            // the browsers it opened); `done` keeps every scenario that started, with the steps
            // that ended.
            Some(process) => tokio::select! {
                broken = scenarios => broken.map_or(Ok(()), Err),
                status = process.exited() => Err(format!("the app exited early ({status}) while the scenarios ran")),
            },
        };
        if let Some(process) = app.as_mut() {
            process.stop(self.grace).await;
        }
        handle.stop(true).await;
        outcome
    }

    /// Every file in order, all on the one seed state: a file's scenarios see what the app did
    /// in earlier files (above all, the channel connection it registered at start-up). The
    /// browsers the steps opened are closed at the end; why the environment failed a step (no
    /// browser), if it did.
    async fn run_files(
        &self,
        state: &EmulatorState,
        base_url: String,
        done: &mut Vec<ScenarioReport>,
    ) -> Option<String> {
        let runner = Runner::new(state.scenario_context(), base_url, self.strict);
        for file in &self.suite.files {
            runner.run_file(file, &self.suite.seed, done).await;
        }
        runner.close_widgets();
        runner.broken()
    }

    /// Was the app started without `app_ready` and did the first `waitFor` for a registration
    /// (the readiness gate then; a `crmObject` or `inboundCall` one waits for the app's work,
    /// not its start)
    /// fail? Then the app never became ready.
    fn app_never_ready(&self, report: &RunReport) -> Option<String> {
        // The reports follow the suite's scenarios and steps in order.
        let scenarios = self.suite.files.iter().flat_map(|file| &file.scenarios);
        let gate_failed = !self.app.is_empty()
            && self.app_ready.is_none()
            && scenarios
                .zip(&report.reports)
                .flat_map(|(scenario, report)| scenario.steps.iter().zip(&report.steps))
                .find(|(step, _)| matches!(step, Step::WaitFor(wait) if wait.waits_for_registration()))
                .is_some_and(|(_, step)| step.status == StepStatus::Failed);
        gate_failed.then(|| {
            "the app never became ready: the first waitFor timed out (see its step)".to_string()
        })
    }
}

fn start_emulator(seed: &Fixture) -> Result<(Emulator, String), String> {
    let mut config = EmulatorConfig::ephemeral(seed.clone());
    config.workers = Some(1);
    let emulator = Emulator::bind(config).map_err(|e| format!("cannot start the emulator: {e}"))?;
    let base_url = emulator.base_url();
    Ok((emulator, base_url))
}

/// Starts the app with the emulator's base URL and the first app's credentials in its
/// environment (`HUBSPOT_API_BASE_URL`, `HUBSPOT_APP_ID`, …).
fn start_app(command: &[String], seed: &Fixture, base_url: &str) -> Result<AppProcess, String> {
    let mut env = vec![("HUBSPOT_API_BASE_URL", base_url.to_string())];
    if let Some(app) = seed.apps.first() {
        env.push(("HUBSPOT_APP_ID", app.app_id.to_string()));
        for (name, secret) in [
            ("HUBSPOT_DEVELOPER_API_KEY", &app.developer_api_key),
            ("HUBSPOT_ACCESS_TOKEN", &app.access_token),
            ("HUBSPOT_CLIENT_SECRET", &app.client_secret),
        ] {
            if let Some(secret) = secret {
                env.push((name, secret.expose().to_string()));
            }
        }
    }
    AppProcess::start(command, &env)
        .map_err(|e| format!("cannot start the app {:?}: {e}", command.join(" ")))
}
