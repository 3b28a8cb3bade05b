//! The flags of the commands that send deliveries themselves, without a server (`check`,
//! `probe`): the client secret to sign with, the ids in the body, the legacy signature, HubSpot's
//! timeout and a CA to trust, checked and resolved in one place.

use std::path::PathBuf;

use clap::Args;

use super::serve::read_ca;
use super::CliError;
use crate::domain::LegacyVersion;
use crate::domain::{AppId, Secret};
use crate::webhook::fire::resolve_timeout;
use crate::webhook::sender::{tls_config, TlsConfig};
use crate::webhook::DeliveryTarget;

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The app's client secret, to sign with (prefer the env var: it stays out of shell history).
    #[arg(long, env = "HUBSPOT_EMULATOR_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: String,
    /// The appId in the delivery's body (the demo app's by default).
    #[arg(long, env = "HUBSPOT_EMULATOR_APP_ID", default_value_t = 1234567)]
    pub app_id: i64,
    /// The portalId in the delivery's body.
    #[arg(long, env = "HUBSPOT_EMULATOR_PORTAL_ID", default_value_t = 62515)]
    pub portal_id: u64,
    /// The userId in the delivery's body (the burst counts up from it).
    #[arg(long, env = "HUBSPOT_EMULATOR_USER_ID", default_value_t = 101)]
    pub user_id: u64,
    /// The legacy signature sent beside v3.
    #[arg(
        long,
        value_enum,
        env = "HUBSPOT_EMULATOR_SIGNATURE_VERSION",
        default_value = "v1"
    )]
    pub signature_version: SignatureVersionArg,
    /// HubSpot's timeout for each delivery (default 10000).
    #[arg(long, env = "HUBSPOT_EMULATOR_TIMEOUT_MS")]
    pub timeout_ms: Option<u64>,
    /// A PEM CA certificate to trust for an https URL with a self-signed certificate.
    #[arg(long, env = "HUBSPOT_EMULATOR_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
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

/// The flags, checked: where deliveries go and how to reach an https app.
pub struct Resolved {
    pub target: DeliveryTarget,
    pub tls: TlsConfig,
}

impl TargetArgs {
    /// The deliveries to `url` these flags describe.
    pub fn resolve(self, url: &str) -> Result<Resolved, CliError> {
        let app_id = AppId::new(self.app_id).map_err(CliError::Usage)?;
        let timeout =
            resolve_timeout(self.timeout_ms, None).map_err(|e| CliError::Usage(e.to_string()))?;
        let pem = read_ca(self.ca_cert.as_deref())?;
        let tls = tls_config(pem.as_deref()).map_err(CliError::Usage)?;
        Ok(Resolved {
            target: DeliveryTarget {
                url: url.to_string(),
                client_secret: Secret::new(self.client_secret),
                legacy: self.signature_version.into(),
                app_id,
                portal_id: self.portal_id,
                user_id: self.user_id,
                timeout,
            },
            tls,
        })
    }
}
