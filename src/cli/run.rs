//! `hubspot-emulator run`: the command line of the CI harness (`harness`). Loads the scenario
//! files, runs them through the harness (an emulator in-process, the app under test if given),
//! writes the reports and maps the outcome to an exit code. Exit 0 all passed · 1 a scenario failed ·
//! 2 usage or fixture error (found before the app starts) · 3 infrastructure (the app exited
//! early or never became ready, a port could not be bound; the reports are written all the same).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::render::{Format, FormatArg};
use super::CliError;
use crate::clock::{make_deterministic, Timestamp};
use crate::fixture::loader::{parse_fixture, read_fixture_text, DEFAULT_MAX_FIXTURE_BYTES};
use crate::fixture::suite::Suite;
use crate::fixture::Fixture;
use crate::harness::Harness;
use crate::scenario::references::check_references;
use crate::scenario::report::RunReport;
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
    #[arg(long, env = "HUBSPOT_EMULATOR_STRICT", value_parser = clap::builder::BoolishValueParser::new())]
    pub strict: bool,
    /// Deterministic mode: the emulator's clock starts here (ISO-8601) and ticks 1 ms per
    /// reading; deliveries are still signed by the real clock (reports show placeholders).
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
    let suite = Suite::from_files(load_files(&args.paths, args.max_fixture_bytes)?)?;
    if suite.is_empty() {
        return Err(CliError::Usage(
            "no scenarios: add \"scenarios\": [{\"name\": …, \"steps\": […]}] to a fixture file"
                .into(),
        ));
    }
    // Before anything starts: a misspelt app name or a broken regex is the fixture's mistake.
    check_references(&suite)?;
    let deterministic = args.clock.is_some() || args.seed.is_some();
    if deterministic {
        make_deterministic(clock_start(args.clock.as_deref())?, args.seed.unwrap_or(0));
    }
    let harness = Harness {
        suite,
        strict: args.strict,
        deterministic,
        app: args.app.clone(),
        app_ready: args.app_ready.clone(),
        app_timeout: Duration::from_millis(args.app_timeout_ms),
        grace: Duration::from_millis(args.grace_ms),
    };
    let report = harness.run().await;
    write_reports(&report, &args)?;
    if let Some(error) = &report.error {
        return Err(CliError::Infrastructure(error.clone()));
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

/// Where the deterministic clock starts: `--clock`, else 2026-01-01.
fn clock_start(clock: Option<&str>) -> Result<Timestamp, CliError> {
    match clock {
        Some(text) => Timestamp::parse(text)
            .map_err(|e| CliError::Usage(format!("--clock {text:?} is not an ISO-8601 time: {e}"))),
        None => Ok(Timestamp::parse("2026-01-01T00:00:00Z").expect("a valid constant")),
    }
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
