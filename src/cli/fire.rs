//! `hubspot-emulator fire`: asks a running emulator (its control API) to fire the webhook for an
//! app, portal and user, and prints the verdict. Exit 0 on pass, 1 otherwise, 3 when the
//! emulator cannot be reached or does not answer in time: every call has a deadline that fits
//! it (a look-up: 10 s; the fire: the delivery's timeout plus a margin).

use std::time::Duration;

use clap::Args;
use serde_json::{json, Value};

use super::render::{self, Format, FormatArg};
use super::CliError;
use crate::webhook::delivery::DEFAULT_TIMEOUT_MS;
use crate::webhook::Verdict;

/// How long a quick control call (the state look-up) may take.
const LOOKUP_DEADLINE: Duration = Duration::from_secs(10);
/// What a fire may take beyond its delivery's timeout: signing, judging, journaling.
const FIRE_MARGIN: Duration = Duration::from_secs(5);
/// The largest answer read from the emulator (a verdict is capped far below this).
const ANSWER_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Debug, Args)]
pub struct FireArgs {
    /// Base URL of the running emulator.
    #[arg(
        long,
        env = "HUBSPOT_EMULATOR_URL",
        default_value = "http://127.0.0.1:4774"
    )]
    pub emulator: String,
    /// The app whose registered URL gets the delivery.
    #[arg(long, env = "HUBSPOT_EMULATOR_APP_ID")]
    pub app_id: i64,
    /// The portal (HubSpot account) the delivery is for.
    #[arg(long, env = "HUBSPOT_EMULATOR_PORTAL_ID")]
    pub portal_id: u64,
    /// The help-desk user the delivery is for (their flag decides the gating).
    #[arg(long, env = "HUBSPOT_EMULATOR_USER_ID")]
    pub user_id: u64,
    /// Send even when the gate would grey the app out for this user.
    #[arg(long, env = "HUBSPOT_EMULATOR_FORCE", value_parser = clap::builder::BoolishValueParser::new())]
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
    let base = args.emulator.trim_end_matches('/');
    let url = format!("{base}/_emulator/fire");
    let client = awc::Client::builder().disable_timeout().finish();
    let token = args.control_token.as_deref();
    let delivery_ms = match args.timeout_ms {
        Some(ms) => ms,
        None => app_timeout_ms(&client, base, token, args.app_id).await?,
    };
    let mut body = json!({
        "appId": args.app_id,
        "portalId": args.portal_id,
        "userId": args.user_id,
        "force": args.force,
    });
    if let Some(ms) = args.timeout_ms {
        body["timeoutMs"] = json!(ms);
    }
    let deadline = Duration::from_millis(delivery_ms) + FIRE_MARGIN;
    let (status, bytes) = call(&client, "POST", &url, token, Some(&body), deadline).await?;
    if !(200..300).contains(&status) {
        let text = String::from_utf8_lossy(&bytes);
        return Err(CliError::Usage(format!(
            "the emulator refused to fire ({status}): {text}"
        )));
    }
    let verdict: Verdict = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::Infrastructure(format!("unexpected answer from {url}: {e}")))?;
    print_verdict(&verdict, &args.output)
}

/// The app's own delivery timeout from the emulator's state, else HubSpot's default. An app the
/// state does not know gets the default here; the fire itself then says that it is unknown.
async fn app_timeout_ms(
    client: &awc::Client,
    base: &str,
    token: Option<&str>,
    app_id: i64,
) -> Result<u64, CliError> {
    let url = format!("{base}/_emulator/state");
    let (status, bytes) = call(client, "GET", &url, token, None, LOOKUP_DEADLINE).await?;
    if !(200..300).contains(&status) {
        return Ok(DEFAULT_TIMEOUT_MS);
    }
    let state: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let timeout = state["apps"]
        .as_array()
        .and_then(|apps| {
            apps.iter()
                .find(|app| app["appId"].as_i64() == Some(app_id))
        })
        .and_then(|app| app["webhookTimeoutMs"].as_u64());
    Ok(timeout.unwrap_or(DEFAULT_TIMEOUT_MS))
}

/// One control call under a deadline: its status and body, or exit 3 naming the URL.
pub(super) async fn call(
    client: &awc::Client,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<&Value>,
    deadline: Duration,
) -> Result<(u16, Vec<u8>), CliError> {
    let unreachable = |why: String| {
        CliError::Infrastructure(format!(
            "cannot reach the emulator at {url}: {why} (is `hubspot-emulator serve` running? set --emulator or HUBSPOT_EMULATOR_URL)"
        ))
    };
    let exchange = async {
        let method = awc::http::Method::from_bytes(method.as_bytes()).expect("a known method");
        let mut request = client.request(method, url);
        if let Some(token) = token {
            request = request.insert_header(("Authorization", format!("Bearer {token}")));
        }
        let mut response = match body {
            Some(body) => request.send_json(body).await,
            None => request.send().await,
        }
        .map_err(|e| unreachable(e.to_string()))?;
        let bytes =
            response.body().limit(ANSWER_LIMIT).await.map_err(|e| {
                CliError::Infrastructure(format!("reading the answer of {url}: {e}"))
            })?;
        Ok((response.status().as_u16(), bytes.to_vec()))
    };
    tokio::time::timeout(deadline, exchange).await.map_err(|_| {
        CliError::Infrastructure(format!(
            "the emulator at {url} did not answer within {} ms: it is up but stuck, or something else listens there",
            deadline.as_millis()
        ))
    })?
}

/// How a verdict is printed and judged, shared by `fire` and `check`.
#[derive(Debug, Args)]
pub struct VerdictOutput {
    #[command(flatten)]
    pub output: FormatArg,
    /// Warnings fail too.
    #[arg(long, env = "HUBSPOT_EMULATOR_STRICT", value_parser = clap::builder::BoolishValueParser::new())]
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
