//! The command line: one file per subcommand, a shared error type that knows its exit code.
//! Every flag is also an environment variable `HUBSPOT_EMULATOR_*`; nothing ever prompts.

mod check;
mod duration;
mod fire;
mod play_recording;
mod probe;
pub mod render;
mod render_probe;
mod run;
mod serve;
mod sign;
mod size;
mod target;
mod widget;

use std::io::IsTerminal;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::fixture::FixtureError;

/// The fixed default port (documented in docs/cli.md). `--port 0` picks any free port.
pub const DEFAULT_PORT: u16 = 4774;

#[derive(Debug, Parser)]
#[command(
    name = "hubspot-emulator",
    version,
    about = "A local emulator of HubSpot's third-party calling channel connection",
    long_about = "A local emulator of HubSpot's third-party calling channel connection: the calling \
                  settings API in memory, the signed phone-number webhook, and checks of the app's reply."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the emulator (the embedded demo fixture unless --fixture is given).
    Serve(serve::ServeArgs),
    /// Ask a running emulator to fire the webhook for a user; print the verdict.
    Fire(fire::FireArgs),
    /// Fire one signed delivery at a URL (no server) and judge the reply.
    Check(check::CheckArgs),
    /// Ask a running emulator to play a call's recording as HubSpot would; print the verdict.
    PlayRecording(play_recording::PlayRecordingArgs),
    /// Attack the app's webhook with forged deliveries, then a burst of concurrent ones.
    Probe(probe::ProbeArgs),
    /// Print the signature headers HubSpot would send (for the app's own tests).
    Sign(sign::SignArgs),
    /// Run scenario files as a CI test, optionally starting the app under test (after --).
    Run(run::RunArgs),
    /// Drive the calling widget a running emulator hosts (dial, hangup, visibility) and list
    /// the SDK messages it journaled.
    Widget(widget::WidgetArgs),
    /// Print the JSON Schema of the fixture format (fixtures/schema.json), for editors.
    Schema,
}

/// The help of `--format`, which several subcommands share through one flattened struct
/// (`render::FormatArg`); given here so that `--help` describes it in every subcommand.
const FORMAT_HELP: &str =
    "How to print the result: human (default, for people) or json (for scripts)";

/// The command line's definition: the derived one, with `--format` described at every level
/// (`widget dial` too).
pub fn command() -> clap::Command {
    fn describe_format(command: clap::Command) -> clap::Command {
        command
            .mut_args(|arg| match arg.get_id().as_str() {
                "format" if arg.get_help().is_none() => arg.help(FORMAT_HELP),
                _ => arg,
            })
            .mut_subcommands(describe_format)
    }
    describe_format(Cli::command())
}

/// Parses the process's arguments against [`command`], exiting with clap's usage error (2) or
/// help text when they ask for it.
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|error| error.exit())
}

/// Why a command failed; each kind has its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The app broke HubSpot's contract (exit 1).
    #[error("{0}")]
    ContractBroken(String),
    /// Bad usage (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A fixture that cannot be loaded (exit 2).
    #[error("{0}")]
    Fixture(#[from] FixtureError),
    /// The environment failed: a port taken, an app that did not start (exit 3).
    #[error("{0}")]
    Infrastructure(String),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::ContractBroken(_) => 1,
            CliError::Usage(_) | CliError::Fixture(_) => 2,
            CliError::Infrastructure(_) => 3,
        }
    }
}

/// Runs the parsed command.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve(args) => serve::run(args).await,
        Command::Fire(args) => fire::run(args).await,
        Command::Check(args) => check::run(args).await,
        Command::PlayRecording(args) => play_recording::run(args).await,
        Command::Probe(args) => probe::run(args).await,
        Command::Sign(args) => sign::run(args),
        Command::Run(args) => run::run(args).await,
        Command::Widget(args) => widget::run(args).await,
        Command::Schema => {
            print!("{}", crate::fixture::schema::fixture_schema());
            Ok(())
        }
    }
}

/// Logs go to stderr (stdout is for results); `HUBSPOT_EMULATOR_LOG` sets the filter.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HUBSPOT_EMULATOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal())
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subcommand the command-line reference shows is listed by `--help`.
    #[test]
    fn help_lists_every_documented_subcommand() {
        let reference = include_str!("../../docs/cli.md");
        let documented: Vec<&str> = reference
            .lines()
            .filter_map(|line| line.strip_prefix("hubspot-emulator "))
            .filter_map(|rest| rest.split_whitespace().next())
            .collect();
        assert!(documented.len() >= 7, "{documented:?}");
        let mut command = command();
        let help = command.render_long_help().to_string();
        for name in documented {
            let listed = command
                .find_subcommand(name)
                .unwrap_or_else(|| panic!("docs/cli.md shows `{name}`, which does not exist"));
            assert!(!listed.is_hide_set(), "`{name}` is hidden from --help");
            assert!(help.contains(&format!("  {name} ")), "{name}: {help}");
        }
    }

    /// `--help` describes every flag, and every flag can be set from the environment (what CI
    /// configuration does), under a `HUBSPOT_EMULATOR_` name that docs/cli.md lists.
    #[test]
    fn every_flag_has_help_and_an_environment_variable() {
        let reference = include_str!("../../docs/cli.md");
        let command = command();
        let mut problems = Vec::new();
        // Nested subcommands (`widget dial`) too.
        let nested: Vec<&clap::Command> = command
            .get_subcommands()
            .flat_map(|sub| std::iter::once(sub).chain(sub.get_subcommands()))
            .collect();
        for subcommand in nested {
            for arg in subcommand.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                let name = format!("{} {id}", subcommand.get_name());
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    problems.push(format!("{name}: no help text"));
                }
                // Positional arguments (`run`'s files and app) are not flags.
                if arg.is_positional() {
                    continue;
                }
                match arg.get_env() {
                    None => problems.push(format!("{name}: no environment variable")),
                    Some(env) if !env.to_string_lossy().starts_with("HUBSPOT_EMULATOR_") => {
                        problems.push(format!("{name}: env {env:?} lacks the prefix"))
                    }
                    Some(env) if !reference.contains(&format!("`{}`", env.to_string_lossy())) => {
                        problems.push(format!("{name}: env {env:?} is not in docs/cli.md"))
                    }
                    Some(_) => {}
                }
            }
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
