//! `hubspot-emulator play-recording`: asks a running emulator (its control API) to play a call's
//! recording as HubSpot would, and prints the verdict: each request made and its reply, what the
//! audio is, the findings. Exit 0 on pass, 1 otherwise (`--strict`: warnings too), 2 when the
//! emulator refuses (an unknown call or app), 3 when it cannot be reached or does not answer in
//! time (the deadline allows each of the play's three requests its timeout).

use std::fmt::Write;
use std::time::Duration;

use clap::Args;
use serde_json::json;

use super::fire::{app_timeout_ms, call, VerdictOutput};
use super::render::{self, paint, use_colour, Format};
use super::CliError;
use crate::recording::PlaybackVerdict;
use crate::webhook::Outcome;

/// What a play may take beyond its three requests' timeouts: judging, journaling, waiting for
/// another play to finish.
const PLAY_MARGIN: Duration = Duration::from_secs(15);

#[derive(Debug, Args)]
pub struct PlayRecordingArgs {
    /// Base URL of the running emulator.
    #[arg(
        long,
        env = "HUBSPOT_EMULATOR_URL",
        default_value = "http://127.0.0.1:4774"
    )]
    pub emulator: String,
    /// The call (engagement) whose recording HubSpot would play.
    #[arg(long, env = "HUBSPOT_EMULATOR_ENGAGEMENT_ID")]
    pub engagement_id: u64,
    /// The app asked for the recording (default: the app the call belongs to).
    #[arg(long, env = "HUBSPOT_EMULATOR_APP_ID")]
    pub app_id: Option<i64>,
    /// The call's portal, when several portals have a call with this id.
    #[arg(long, env = "HUBSPOT_EMULATOR_PORTAL_ID")]
    pub portal_id: Option<u64>,
    /// The emulator's control token, if it was started with one.
    #[arg(long, env = "HUBSPOT_EMULATOR_CONTROL_TOKEN", hide_env_values = true)]
    pub control_token: Option<String>,
    #[command(flatten)]
    pub output: VerdictOutput,
}

pub async fn run(args: PlayRecordingArgs) -> Result<(), CliError> {
    let base = args.emulator.trim_end_matches('/');
    let url = format!("{base}/_emulator/recordings/play");
    let client = awc::Client::builder().disable_timeout().finish();
    let token = args.control_token.as_deref();
    let request_ms = match args.app_id {
        Some(app_id) => app_timeout_ms(&client, base, token, app_id).await?,
        None => crate::recording::judge::TIMEOUT_MS,
    };
    let mut body = json!({"engagementId": args.engagement_id});
    if let Some(app_id) = args.app_id {
        body["appId"] = json!(app_id);
    }
    if let Some(portal_id) = args.portal_id {
        body["portalId"] = json!(portal_id);
    }
    let deadline = Duration::from_millis(request_ms) * 3 + PLAY_MARGIN;
    let (status, bytes) = call(&client, "POST", &url, token, Some(&body), deadline).await?;
    if !(200..300).contains(&status) {
        let text = String::from_utf8_lossy(&bytes);
        return Err(CliError::Usage(format!(
            "the emulator refused to play the recording ({status}): {text}"
        )));
    }
    let verdict: PlaybackVerdict = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::Infrastructure(format!("unexpected answer from {url}: {e}")))?;
    match args.output.output.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&verdict).unwrap_or_default()
        ),
        Format::Human => print!("{}", human(&verdict, use_colour())),
    }
    if verdict.passed(args.output.strict) {
        Ok(())
    } else {
        let why = if verdict.outcome == Outcome::Pass {
            "warnings under --strict"
        } else {
            "fail"
        };
        Err(CliError::ContractBroken(format!(
            "the recording did not pass: {why}"
        )))
    }
}

/// The verdict for people: the outcome line, each request and reply, the audio, the findings.
pub fn human(verdict: &PlaybackVerdict, colour: bool) -> String {
    let mut out = String::new();
    let (label, code) = match verdict.outcome {
        Outcome::Pass => ("PASS", "32"),
        _ => ("FAIL", "31"),
    };
    let _ = writeln!(
        out,
        "{}  app {} · portal {} · call {} · recording",
        paint(label, code, colour),
        verdict.app_id,
        verdict.portal_id,
        verdict.engagement_id
    );
    for exchange in verdict.exchanges.iter().map(|e| &e.delivery) {
        let range = exchange
            .request
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("range"))
            .map(|(_, value)| format!(" ({value})"))
            .unwrap_or_default();
        let reply = match &exchange.response {
            Some(response) => format!(
                "{} in {:.1} ms, {} bytes",
                response.status, exchange.latency_ms, response.body_bytes
            ),
            None => "no reply".into(),
        };
        let _ = writeln!(out, "  GET {}{range} → {reply}", exchange.request.url);
    }
    if let Some(audio) = &verdict.audio {
        let mut parts = vec![
            audio.info.container.as_str().to_uppercase(),
            audio.info.codec.clone(),
        ];
        if let Some(channels) = audio.info.channels {
            parts.push(format!("{channels} ch"));
        }
        if let Some(rate) = audio.info.sample_rate {
            parts.push(format!("{rate} Hz"));
        }
        if let Some(ms) = audio.info.duration_ms {
            parts.push(format!("{:.1} s", ms as f64 / 1000.0));
        }
        parts.push(if audio.transcribable {
            "transcribable".into()
        } else {
            "not transcribable".into()
        });
        let _ = writeln!(out, "  audio: {}", parts.join(" · "));
    }
    out.push_str(&render::findings(&verdict.findings, colour));
    out
}
