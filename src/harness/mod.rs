//! The CI harness: what `hubspot-emulator run` does, as a library any program can call. It
//! starts an emulator in-process on a free port, optionally starts the app under test with the
//! emulator's coordinates in its environment (`app_process`), gates on the app being ready, runs
//! every scenario file against the emulator, stops the app and the emulator, and returns the run
//! report. Rendering the report and mapping outcomes to exit codes stay with the caller.
//!
//! ```text
//! files ─ start emulator ─ start app? ─ ready? ─ each file: seed, scenarios ─ stop ─ RunReport
//! ```

pub mod app_process;

use std::time::{Duration, Instant};

use app_process::AppProcess;

use crate::app::{Emulator, EmulatorConfig};
use crate::fixture::Fixture;
use crate::scenario::report::{RunReport, ScenarioReport, StepStatus};
use crate::scenario::runner::Runner;
use crate::state::EmulatorState;

/// One run: the scenario files (already loaded) and how to treat the app under test.
pub struct Harness {
    /// (name, fixture) in order; the first one's apps and portals seed the emulator.
    pub files: Vec<(String, Fixture)>,
    /// Warnings fail steps too.
    pub strict: bool,
    /// Zero the durations in the report (deterministic mode).
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

/// Why a run could not be judged: the environment failed, not the app's contract.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Infrastructure(pub String);

impl Harness {
    /// Runs every file's scenarios; the report, or what kept the run from being judged.
    pub async fn run(&self) -> Result<RunReport, Infrastructure> {
        let Some((_, first)) = self.files.first() else {
            return Err(Infrastructure("no scenario files to run".into()));
        };
        let first = first.clone();
        let started = Instant::now();
        // libphonenumber loads its metadata on first use (~0.1 s in release, ~1 s in debug
        // builds); load it while the app starts rather than inside the first fire step.
        std::thread::spawn(|| crate::webhook::validator::is_dialable("+14155552671"));
        let (emulator, base_url) = start_emulator(&first)?;
        let state = emulator.state();
        let handle = emulator.handle();
        tokio::spawn(emulator.run());
        eprintln!("hubspot-emulator run: emulator at {base_url}");

        let mut app = match self.app.is_empty() {
            true => None,
            false => Some(start_app(&self.app, &first, &base_url)?),
        };
        if let (Some(process), Some(url)) = (app.as_mut(), &self.app_ready) {
            if let Err(reason) = process.wait_ready(url, self.app_timeout).await {
                process.stop(self.grace).await;
                handle.stop(false).await;
                return Err(Infrastructure(reason));
            }
        }
        let scenarios = self.run_files(&state, base_url);
        let outcome = match app.as_mut() {
            None => Ok(scenarios.await),
            Some(process) => tokio::select! {
                reports = scenarios => Ok(reports),
                status = process.exited() => Err(format!("the app exited early ({status}) while the scenarios ran")),
            },
        };
        if let Some(process) = app.as_mut() {
            process.stop(self.grace).await;
        }
        handle.stop(true).await;
        let reports = outcome.map_err(Infrastructure)?;

        let mut report = RunReport::new(
            reports,
            self.strict,
            started.elapsed().as_secs_f64() * 1000.0,
        );
        if self.deterministic {
            report = report.without_durations();
        }
        Ok(report)
    }

    /// Every file in order; a later file that declares its own state starts from it.
    async fn run_files(&self, state: &EmulatorState, base_url: String) -> Vec<ScenarioReport> {
        let runner = Runner::new(state.scenario_context(), base_url, self.strict);
        let mut reports = Vec::new();
        for (index, (name, fixture)) in self.files.iter().enumerate() {
            if index > 0 && !(fixture.apps.is_empty() && fixture.portals.is_empty()) {
                state.store.replace(fixture.to_seed());
            }
            reports.extend(runner.run_file(name, fixture).await);
        }
        reports
    }

    /// Was the app started without `app_ready` and did the first `waitFor` (the readiness
    /// gate then) fail? Then the app never became ready.
    pub fn app_never_ready(&self, report: &RunReport) -> bool {
        !self.app.is_empty()
            && self.app_ready.is_none()
            && report
                .reports
                .iter()
                .flat_map(|r| &r.steps)
                .find(|s| s.kind == "waitFor")
                .is_some_and(|s| s.status == StepStatus::Failed)
    }
}

fn start_emulator(seed: &Fixture) -> Result<(Emulator, String), Infrastructure> {
    let mut config = EmulatorConfig::ephemeral(seed.clone());
    config.workers = Some(1);
    let emulator = Emulator::bind(config)
        .map_err(|e| Infrastructure(format!("cannot start the emulator: {e}")))?;
    let base_url = emulator.base_url();
    Ok((emulator, base_url))
}

/// Starts the app with the emulator's base URL and the first app's credentials in its
/// environment (`HUBSPOT_API_BASE_URL`, `HUBSPOT_APP_ID`, …).
fn start_app(
    command: &[String],
    fixture: &Fixture,
    base_url: &str,
) -> Result<AppProcess, Infrastructure> {
    let mut env = vec![("HUBSPOT_API_BASE_URL", base_url.to_string())];
    if let Some(app) = fixture.apps.first() {
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
        .map_err(|e| Infrastructure(format!("cannot start the app {:?}: {e}", command.join(" "))))
}
