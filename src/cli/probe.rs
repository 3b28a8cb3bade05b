//! `hubspot-emulator probe`: the forged-delivery suite and the burst against a URL, no server.
//! Exit 0 when every forgery that must be rejected was rejected and the burst kept within the
//! timeout; 1 otherwise (under `--strict`, also when a warning probe was accepted).

use clap::Args;

use super::render::{use_colour, Format, FormatArg};
use super::render_probe;
use super::target::TargetArgs;
use super::CliError;
use crate::probe::{ProbeError, DEFAULT_BURST, MAX_BURST};

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The app's phone-number endpoint (its channel connection url).
    #[arg(long, env = "HUBSPOT_EMULATOR_PROBE_URL")]
    pub url: String,
    /// Concurrent deliveries in the burst, each for another user (`--user-id` and the ids after
    /// it); 0 skips the burst.
    #[arg(long, env = "HUBSPOT_EMULATOR_BURST", default_value_t = DEFAULT_BURST)]
    pub burst: usize,
    #[command(flatten)]
    pub target: TargetArgs,
    #[command(flatten)]
    pub output: FormatArg,
    /// Warning probes (legacy-only, future-timestamp) fail too.
    #[arg(long, env = "HUBSPOT_EMULATOR_STRICT", value_parser = clap::builder::BoolishValueParser::new())]
    pub strict: bool,
}

pub async fn run(args: ProbeArgs) -> Result<(), CliError> {
    if args.burst > MAX_BURST {
        return Err(CliError::Usage(format!(
            "--burst must be between 0 and {MAX_BURST}, got {}",
            args.burst
        )));
    }
    ProbeError::refuse_control_url(&args.url).map_err(|e| CliError::Usage(e.to_string()))?;
    let resolved = args.target.resolve(&args.url)?;
    let report = crate::probe::run(&resolved.target, args.burst, &resolved.tls).await;
    match args.output.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        Format::Human => print!("{}", render_probe::report(&report, use_colour())),
    }
    if report.passed(args.strict) {
        Ok(())
    } else {
        Err(CliError::ContractBroken(format!(
            "the probes did not pass: {} failed, {} warnings{}",
            report.summary.failed,
            report.summary.warnings,
            if report.failing(args.strict).any(|f| f.pointer == "/burst") {
                ", and the burst had findings"
            } else {
                ""
            }
        )))
    }
}
