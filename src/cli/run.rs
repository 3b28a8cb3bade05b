//! `hubspot-emulator run`: the CI harness. Loads scenario files, starts an emulator in-process on
//! a free port, optionally starts the app under test with the emulator's coordinates, runs the
//! scenarios, stops the app, writes the reports. Exit 0 all passed · 1 a scenario failed ·
//! 2 usage or fixture error · 3 infrastructure (the app exited early or never became ready, a
//! port could not be bound).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;

use super::app_process::AppProcess;
use super::render::{Format, FormatArg};
use super::CliError;
use crate::app::{Emulator, EmulatorConfig};
use crate::clock::{make_deterministic, Timestamp};
use crate::fixture::loader::{parse_fixture, read_fixture_text, DEFAULT_MAX_FIXTURE_BYTES};
use crate::fixture::Fixture;
use crate::scenario::report::{RunReport, StepStatus};
use crate::scenario::runner::Runner;
use crate::scenario::{human, junit};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files, or directories of them (every *.json but schema.json).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Write a JUnit XML report here.
    #[arg(long, env = "HUBSPOT_EMULATOR_JUNIT")]
    pub junit: Option<PathBuf>,
    /// Write the JSON report here.
    #[arg(long, env = "HUBSPOT_EMULATOR_JSON")]
    pub json: Option<PathBuf>,
    /// Warnings fail steps too (unless the step lists them in expect.codes).
    #[arg(long, env = "HUBSPOT_EMULATOR_STRICT")]
    pub strict: bool,
    /// Deterministic mode: the clock starts here (ISO-8601) and ticks 1 ms per reading.
    #[arg(long, env = "HUBSPOT_EMULATOR_CLOCK")]
    pub clock: Option<String>,
    /// Deterministic mode: the seed of correlation ids.
    #[arg(long, env = "HUBSPOT_EMULATOR_SEED")]
    pub seed: Option<u64>,
    /// Poll this URL until it answers 2xx before running (else the first waitFor is the gate).
    #[arg(long, env = "HUBSPOT_EMULATOR_APP_READY")]
    pub app_ready: Option<String>,
    /// How long the app may take to become ready.
    #[arg(
        long,
        env = "HUBSPOT_EMULATOR_APP_TIMEOUT_MS",
        default_value_t = 60_000
    )]
    pub app_timeout_ms: u64,
    /// How long the app gets after SIGTERM before SIGKILL.
    #[arg(long, env = "HUBSPOT_EMULATOR_GRACE_MS", default_value_t = 5_000)]
    pub grace_ms: u64,
    /// Scenario files larger than this are refused before they are read (bytes, or KiB, MiB).
    #[arg(long, env = "HUBSPOT_EMULATOR_MAX_FIXTURE_BYTES", value_parser = super::size::parse_size, default_value_t = DEFAULT_MAX_FIXTURE_BYTES)]
    pub max_fixture_bytes: usize,
    /// Stdout format of the summary.
    #[command(flatten)]
    pub output: FormatArg,
    /// The app under test and its arguments (after `--`).
    #[arg(last = true)]
    pub app: Vec<String>,
}

pub async fn run(args: RunArgs) -> Result<(), CliError> {
    let files = load_files(&args.paths, args.max_fixture_bytes)?;
    if files.iter().all(|(_, f)| f.scenarios.is_empty()) {
        return Err(CliError::Usage(
            "no scenarios: add \"scenarios\": [{\"name\": …, \"steps\": […]}] to a fixture file"
                .into(),
        ));
    }
    let deterministic = args.clock.is_some() || args.seed.is_some();
    if deterministic {
        let start = match &args.clock {
            Some(text) => Timestamp::parse(text).map_err(|e| {
                CliError::Usage(format!("--clock {text:?} is not an ISO-8601 time: {e}"))
            })?,
            None => Timestamp::parse("2026-01-01T00:00:00Z").expect("a valid constant"),
        };
        make_deterministic(start, args.seed.unwrap_or(0));
    }

    let started = Instant::now();
    // libphonenumber loads its metadata on first use (~0.1 s in release, ~1 s in debug builds);
    // load it while the app starts rather than inside the first fire step.
    std::thread::spawn(|| crate::webhook::validator::is_dialable("+14155552671"));
    let first = files[0].1.clone();
    let mut config = EmulatorConfig::ephemeral(first.clone());
    config.workers = Some(1);
    let emulator = Emulator::bind(config)
        .map_err(|e| CliError::Infrastructure(format!("cannot start the emulator: {e}")))?;
    let base_url = emulator.base_url();
    let shared = emulator.state();
    let handle = emulator.handle();
    tokio::spawn(emulator.run());
    eprintln!("hubspot-emulator run: emulator at {base_url}");

    let mut app = match args.app.is_empty() {
        true => None,
        false => Some(start_app(&args.app, &first, &base_url)?),
    };
    if let (Some(process), Some(url)) = (app.as_mut(), &args.app_ready) {
        if let Err(reason) = process
            .wait_ready(url, Duration::from_millis(args.app_timeout_ms))
            .await
        {
            process.stop(Duration::from_millis(args.grace_ms)).await;
            handle.stop(false).await;
            return Err(CliError::Infrastructure(reason));
        }
    }

    let runner = Runner::new(shared.scenario_context(), base_url, args.strict);
    let scenarios = async {
        let mut reports = Vec::new();
        for (index, (name, fixture)) in files.iter().enumerate() {
            // Each later file that declares its own state starts from it.
            if index > 0 && !(fixture.apps.is_empty() && fixture.portals.is_empty()) {
                shared.store.replace(fixture.to_seed());
            }
            reports.extend(runner.run_file(name, fixture).await);
        }
        reports
    };
    let outcome = match app.as_mut() {
        None => Ok(scenarios.await),
        Some(process) => tokio::select! {
            reports = scenarios => Ok(reports),
            status = process.exited() => Err(format!("the app exited early ({status}) while the scenarios ran")),
        },
    };
    if let Some(process) = app.as_mut() {
        process.stop(Duration::from_millis(args.grace_ms)).await;
    }
    handle.stop(true).await;
    let reports = outcome.map_err(CliError::Infrastructure)?;

    let mut report = RunReport::new(
        reports,
        args.strict,
        started.elapsed().as_secs_f64() * 1000.0,
    );
    if deterministic {
        report = report.without_durations();
    }
    write_reports(&report, &args)?;
    if !args.app.is_empty() && args.app_ready.is_none() && first_wait_failed(&report) {
        return Err(CliError::Infrastructure(
            "the app never became ready: the first waitFor timed out (see the report)".into(),
        ));
    }
    if report.passed {
        Ok(())
    } else {
        Err(CliError::ContractBroken(format!(
            "{} of {} scenarios failed",
            report.scenarios.failed,
            report.scenarios.failed + report.scenarios.passed
        )))
    }
}

fn start_app(
    command: &[String],
    fixture: &Fixture,
    base_url: &str,
) -> Result<AppProcess, CliError> {
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
    AppProcess::start(command, &env).map_err(|e| {
        CliError::Infrastructure(format!("cannot start the app {:?}: {e}", command.join(" ")))
    })
}

/// Did the run's first `waitFor` (the readiness gate without `--app-ready`) fail?
fn first_wait_failed(report: &RunReport) -> bool {
    report
        .reports
        .iter()
        .flat_map(|r| &r.steps)
        .find(|s| s.kind == "waitFor")
        .is_some_and(|s| s.status == StepStatus::Failed)
}

fn write_reports(report: &RunReport, args: &RunArgs) -> Result<(), CliError> {
    let json = serde_json::to_string_pretty(report).unwrap_or_default();
    match args.output.format {
        Format::Human => print!("{}", human::render(report)),
        Format::Json => println!("{json}"),
    }
    let write = |path: &Path, text: &str| {
        std::fs::write(path, text)
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", path.display())))
    };
    if let Some(path) = &args.junit {
        write(path, &junit::render(report))?;
    }
    if let Some(path) = &args.json {
        write(path, &format!("{json}\n"))?;
    }
    Ok(())
}

/// Files in the order given; a directory contributes its *.json files (but schema.json), sorted.
fn load_files(paths: &[PathBuf], max_bytes: usize) -> Result<Vec<(String, Fixture)>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "json")
                        && p.file_name().is_some_and(|n| n != "schema.json")
                })
                .collect();
            entries.sort();
            files.extend(entries);
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(CliError::Usage("no scenario files found".into()));
    }
    files
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            let text = read_fixture_text(&path, max_bytes)?;
            Ok((name.clone(), parse_fixture(&name, &text)?))
        })
        .collect()
}
