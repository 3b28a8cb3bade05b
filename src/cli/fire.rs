//! `hubspot-emulator fire`: asks a running emulator (its control API) to fire the webhook for an
//! app, portal and user, and prints the verdict. Exit 0 on pass, 1 otherwise, 3 when the
//! emulator cannot be reached.

use clap::Args;
use serde_json::json;

use super::render::{self, Format, FormatArg};
use super::CliError;
use crate::webhook::Verdict;

#[derive(Debug, Args)]
pub struct FireArgs {
    /// Base URL of the running emulator.
    #[arg(
        long,
        env = "HUBSPOT_EMULATOR_URL",
        default_value = "http://127.0.0.1:4774"
    )]
    pub emulator: String,
    #[arg(long, env = "HUBSPOT_EMULATOR_APP_ID")]
    pub app_id: i64,
    #[arg(long, env = "HUBSPOT_EMULATOR_PORTAL_ID")]
    pub portal_id: u64,
    #[arg(long, env = "HUBSPOT_EMULATOR_USER_ID")]
    pub user_id: u64,
    /// Send even when the gate would grey the app out for this user.
    #[arg(long)]
    pub force: bool,
    /// Timeout of this delivery in milliseconds (default: the app's, else 10000).
    #[arg(long, env = "HUBSPOT_EMULATOR_TIMEOUT_MS")]
    pub timeout_ms: Option<u64>,
    /// The emulator's control token, if it was started with one.
    #[arg(long, env = "HUBSPOT_EMULATOR_CONTROL_TOKEN", hide_env_values = true)]
    pub control_token: Option<String>,
    #[command(flatten)]
    pub output: VerdictOutput,
}

pub async fn run(args: FireArgs) -> Result<(), CliError> {
    let url = format!("{}/_emulator/fire", args.emulator.trim_end_matches('/'));
    let mut body = json!({
        "appId": args.app_id,
        "portalId": args.portal_id,
        "userId": args.user_id,
        "force": args.force,
    });
    if let Some(ms) = args.timeout_ms {
        body["timeoutMs"] = json!(ms);
    }
    let client = awc::Client::builder().disable_timeout().finish();
    let mut request = client.post(&url);
    if let Some(token) = &args.control_token {
        request = request.insert_header(("Authorization", format!("Bearer {token}")));
    }
    let mut response = request.send_json(&body).await.map_err(|e| {
        CliError::Infrastructure(format!(
            "cannot reach the emulator at {url}: {e} (is `hubspot-emulator serve` running? set --emulator or HUBSPOT_EMULATOR_URL)"
        ))
    })?;
    let bytes = response
        .body()
        .limit(64 * 1024 * 1024)
        .await
        .map_err(|e| CliError::Infrastructure(format!("reading the emulator's answer: {e}")))?;
    if !response.status().is_success() {
        let text = String::from_utf8_lossy(&bytes);
        return Err(CliError::Usage(format!(
            "the emulator refused to fire ({}): {text}",
            response.status()
        )));
    }
    let verdict: Verdict = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::Infrastructure(format!("unexpected answer from {url}: {e}")))?;
    print_verdict(&verdict, &args.output)
}

/// How a verdict is printed and judged, shared by `fire` and `check`.
#[derive(Debug, Args)]
pub struct VerdictOutput {
    #[command(flatten)]
    pub output: FormatArg,
    /// Warnings fail too.
    #[arg(long, env = "HUBSPOT_EMULATOR_STRICT")]
    pub strict: bool,
}

/// Prints the verdict in the chosen format; an error (exit 1) unless it passed.
pub fn print_verdict(verdict: &Verdict, output: &VerdictOutput) -> Result<(), CliError> {
    let strict = output.strict;
    match output.output.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(verdict).unwrap_or_default()
        ),
        Format::Human => print!("{}", render::verdict(verdict, render::use_colour())),
    }
    if verdict.passed(strict) {
        Ok(())
    } else {
        let why = if verdict.outcome.as_str() == "pass" {
            "warnings under --strict".to_string()
        } else {
            verdict.outcome.as_str().to_string()
        };
        Err(CliError::ContractBroken(format!(
            "the delivery did not pass: {why}"
        )))
    }
}
