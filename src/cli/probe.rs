//! `hubspot-emulator probe`: the forged-delivery suite and the burst against a URL, no server.
//! Exit 0 when every forgery that must be rejected was rejected and the burst kept within the
//! timeout; 1 otherwise (under `--strict`, also when a warning probe was accepted).

use std::path::PathBuf;

use clap::Args;

use super::check::SignatureVersionArg;
use super::render::{use_colour, Format, FormatArg};
use super::render_probe;
use super::serve::read_ca;
use super::CliError;
use crate::domain::{AppId, Secret};
use crate::probe::declared::{DEFAULT_PORTAL_ID, DEFAULT_USER_ID};
use crate::probe::{Target, DEFAULT_BURST, MAX_BURST};
use crate::webhook::fire::resolve_timeout;
use crate::webhook::sender::tls_config;

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The app's phone-number endpoint (its channel connection url).
    #[arg(long, env = "HUBSPOT_EMULATOR_PROBE_URL")]
    pub url: String,
    /// The app's client secret (prefer the env var: it stays out of shell history).
    #[arg(long, env = "HUBSPOT_EMULATOR_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
    /// Concurrent deliveries in the burst, each for another user; 0 skips the burst.
    #[arg(long, env = "HUBSPOT_EMULATOR_BURST", default_value_t = DEFAULT_BURST)]
    pub burst: usize,
    #[arg(long, default_value_t = 1234567)]
    pub app_id: i64,
    #[arg(long, default_value_t = DEFAULT_PORTAL_ID)]
    pub portal_id: u64,
    /// The user of the probes; the burst's users are this one and the ids after it.
    #[arg(long, default_value_t = DEFAULT_USER_ID)]
    pub user_id: u64,
    /// The legacy signature sent beside v3.
    #[arg(long, value_enum, default_value = "v1")]
    pub signature_version: SignatureVersionArg,
    /// HubSpot's timeout for each delivery (default 10000).
    #[arg(long, env = "HUBSPOT_EMULATOR_TIMEOUT_MS")]
    pub timeout_ms: Option<u64>,
    /// A PEM CA certificate to trust for an https URL with a self-signed certificate.
    #[arg(long, env = "HUBSPOT_EMULATOR_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
    #[command(flatten)]
    pub output: FormatArg,
    /// Warning probes (legacy-only, future-timestamp) fail too.
    #[arg(long, env = "HUBSPOT_EMULATOR_STRICT")]
    pub strict: bool,
}

pub async fn run(args: ProbeArgs) -> Result<(), CliError> {
    let app_id = AppId::new(args.app_id).map_err(CliError::Usage)?;
    let timeout =
        resolve_timeout(args.timeout_ms, None).map_err(|e| CliError::Usage(e.to_string()))?;
    if args.burst > MAX_BURST {
        return Err(CliError::Usage(format!(
            "--burst must be between 0 and {MAX_BURST}, got {}",
            args.burst
        )));
    }
    let pem = read_ca(args.ca_cert.as_deref())?;
    let tls = tls_config(pem.as_deref()).map_err(CliError::Usage)?;
    let secret = Secret::new(args.client_secret);
    let report = crate::probe::run(
        &Target {
            url: &args.url,
            client_secret: &secret,
            legacy: args.signature_version.into(),
            app_id,
            portal_id: args.portal_id,
            user_id: args.user_id,
            timeout,
            burst: args.burst,
        },
        &tls,
    )
    .await;
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
            if report.findings.iter().any(|f| f.pointer == "/burst") {
                ", and the burst had findings"
            } else {
                ""
            }
        )))
    }
}
