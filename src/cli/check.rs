//! `hubspot-emulator check`: one delivery, no server. Signs and sends the webhook to `--url` as
//! HubSpot would and judges the reply. Exit 0 on pass, 1 on fail.

use std::path::PathBuf;

use clap::Args;

use super::fire::{print_verdict, VerdictOutput};
use super::serve::read_ca;
use super::CliError;
use crate::clock::Timestamp;
use crate::domain::{AppId, Secret};
use crate::webhook::delivery::{send_and_judge, signed_request, webhook_body, Plan};
use crate::webhook::fire::resolve_timeout;
use crate::webhook::sender::tls_config;
use crate::webhook::signer::LegacyVersion;
use crate::webhook::Verdict;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The app's phone-number endpoint (its channel connection url).
    #[arg(long, env = "HUBSPOT_EMULATOR_CHECK_URL")]
    pub url: String,
    /// The app's client secret, to sign with (prefer the env var: it stays out of shell history).
    #[arg(long, env = "HUBSPOT_EMULATOR_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
    #[arg(long, default_value_t = 1234567)]
    pub app_id: i64,
    #[arg(long, default_value_t = 62515)]
    pub portal_id: u64,
    #[arg(long, default_value_t = 101)]
    pub user_id: u64,
    /// The legacy signature sent beside v3.
    #[arg(long, value_enum, default_value = "v1")]
    pub signature_version: SignatureVersionArg,
    #[arg(long, env = "HUBSPOT_EMULATOR_TIMEOUT_MS")]
    pub timeout_ms: Option<u64>,
    /// A PEM CA certificate to trust for an https URL with a self-signed certificate.
    #[arg(long, env = "HUBSPOT_EMULATOR_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
    #[command(flatten)]
    pub output: VerdictOutput,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum SignatureVersionArg {
    V1,
    V2,
}

impl From<SignatureVersionArg> for LegacyVersion {
    fn from(arg: SignatureVersionArg) -> Self {
        match arg {
            SignatureVersionArg::V1 => LegacyVersion::V1,
            SignatureVersionArg::V2 => LegacyVersion::V2,
        }
    }
}

pub async fn run(args: CheckArgs) -> Result<(), CliError> {
    let app_id = AppId::new(args.app_id).map_err(CliError::Usage)?;
    let timeout =
        resolve_timeout(args.timeout_ms, None).map_err(|e| CliError::Usage(e.to_string()))?;
    let pem = read_ca(args.ca_cert.as_deref())?;
    let tls = tls_config(pem.as_deref()).map_err(CliError::Usage)?;
    let secret = Secret::new(args.client_secret);
    let request = signed_request(&Plan {
        url: &args.url,
        client_secret: &secret,
        legacy: args.signature_version.into(),
        timeout,
        body: webhook_body(app_id, args.portal_id, args.user_id),
    });
    let judged = send_and_judge(request, timeout, &tls).await;
    let verdict = Verdict {
        id: 0,
        time: Timestamp::now(),
        app_id,
        portal_id: args.portal_id,
        user_id: args.user_id,
        outcome: judged.outcome,
        findings: judged.findings,
        picker: judged.picker,
        delivery: Some(judged.delivery),
        replay_of: None,
    };
    print_verdict(&verdict, &args.output)
}
