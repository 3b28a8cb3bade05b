//! `hubspot-emulator sign`: prints the signature headers HubSpot would send for a request, so an
//! app's own unit tests can build signed requests without the emulator running.

use clap::Args;

use super::render::{Format, FormatArg};
use super::target::SignatureVersionArg;
use super::CliError;
use crate::clock::Timestamp;
use crate::domain::Secret;
use crate::webhook::signer::signature_headers;

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The app's client secret (prefer the env var: it stays out of shell history).
    #[arg(long, env = "HUBSPOT_EMULATOR_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
    /// The URI exactly as HubSpot calls it (scheme, host, path and query).
    #[arg(long, env = "HUBSPOT_EMULATOR_SIGN_URL")]
    pub url: String,
    /// The exact body bytes.
    #[arg(long, env = "HUBSPOT_EMULATOR_SIGN_BODY", default_value = "")]
    pub body: String,
    /// The HTTP method signed (HubSpot's webhook is a POST).
    #[arg(long, env = "HUBSPOT_EMULATOR_SIGN_METHOD", default_value = "POST")]
    pub method: String,
    /// Milliseconds since the epoch (default: now).
    #[arg(long, env = "HUBSPOT_EMULATOR_SIGN_TIMESTAMP")]
    pub timestamp: Option<i64>,
    /// The legacy signature to print beside v3.
    #[arg(
        long,
        value_enum,
        env = "HUBSPOT_EMULATOR_SIGNATURE_VERSION",
        default_value = "v1"
    )]
    pub signature_version: SignatureVersionArg,
    #[command(flatten)]
    pub output: FormatArg,
}

pub fn run(args: SignArgs) -> Result<(), CliError> {
    let timestamp = args.timestamp.unwrap_or_else(|| Timestamp::now().millis());
    let headers = signature_headers(
        &Secret::new(args.client_secret),
        args.signature_version.into(),
        &args.method.to_ascii_uppercase(),
        &args.url,
        args.body.as_bytes(),
        timestamp,
    );
    match args.output.format {
        Format::Human => {
            for (name, value) in headers {
                println!("{name}: {value}");
            }
        }
        Format::Json => {
            let object: serde_json::Map<String, serde_json::Value> = headers
                .into_iter()
                .map(|(name, value)| (name.to_string(), value.into()))
                .collect();
            println!("{}", serde_json::Value::Object(object));
        }
    }
    Ok(())
}
