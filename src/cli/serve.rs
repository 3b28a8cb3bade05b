//! `hubspot-emulator serve`: load the fixtures, bind, print the ready banner (its first line
//! carries the base URL, for scripts), serve until Ctrl-C or SIGTERM.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{CliError, DEFAULT_PORT};
use crate::app::{Emulator, EmulatorConfig};
use crate::domain::Secret;
use crate::fixture::loader::{load_fixtures_capped, DEFAULT_MAX_FIXTURE_BYTES};
use crate::journal::{DEFAULT_BUDGET_BYTES, DEFAULT_CAPACITY, DEFAULT_DELIVERY_CAPACITY};
use crate::sandbox::{SandboxLimits, DEFAULT_MAX_SANDBOXES, DEFAULT_SANDBOX_JOURNAL_BYTES};
use crate::store::AppProfile;
use crate::webhook::sender::tls_config;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to bind. Anything but loopback exposes the control API to the network.
    #[arg(long, env = "HUBSPOT_EMULATOR_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Port to bind; 0 picks any free port.
    #[arg(long, env = "HUBSPOT_EMULATOR_PORT", default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Fixture file with the seed state (repeatable; files are merged in order).
    #[arg(
        long = "fixture",
        env = "HUBSPOT_EMULATOR_FIXTURE",
        value_delimiter = ','
    )]
    pub fixtures: Vec<PathBuf>,
    /// API request journal entries to keep (oldest dropped first).
    #[arg(long, env = "HUBSPOT_EMULATOR_JOURNAL_CAPACITY", default_value_t = DEFAULT_CAPACITY)]
    pub journal_capacity: usize,
    /// Delivery verdicts to keep in the journal (oldest dropped first).
    #[arg(long, env = "HUBSPOT_EMULATOR_DELIVERY_CAPACITY", default_value_t = DEFAULT_DELIVERY_CAPACITY)]
    pub delivery_capacity: usize,
    /// Fixture files (and `PUT /_emulator/state` documents) larger than this are refused before
    /// they are read. Bytes, or with KiB, MiB, GiB.
    #[arg(long, env = "HUBSPOT_EMULATOR_MAX_FIXTURE_BYTES", value_parser = super::size::parse_size, default_value_t = DEFAULT_MAX_FIXTURE_BYTES)]
    pub max_fixture_bytes: usize,
    /// Another `Host` the control API answers to (repeatable), besides loopback names and
    /// addresses and the --host bound: for a name the emulator is reached under, such as a
    /// container's. Requests under any other Host are refused (DNS-rebinding protection).
    #[arg(
        long = "allow-host",
        env = "HUBSPOT_EMULATOR_ALLOW_HOST",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,
    /// Bytes all journals together keep (API requests, deliveries, probes); past it the largest
    /// drops its oldest entries. Bytes, or with KiB, MiB, GiB.
    #[arg(long, env = "HUBSPOT_EMULATOR_JOURNAL_BYTES", value_parser = super::size::parse_size, default_value_t = DEFAULT_BUDGET_BYTES)]
    pub journal_bytes: usize,
    /// A PEM CA certificate to trust when the app's URL is https with a self-signed certificate.
    #[arg(long, env = "HUBSPOT_EMULATOR_CA_CERT")]
    pub ca_cert: Option<PathBuf>,
    /// Worker threads (default: one per CPU core).
    #[arg(long, env = "HUBSPOT_EMULATOR_WORKERS")]
    pub workers: Option<usize>,
    /// Require this token on the control API (`/_emulator/`, health excepted), as
    /// `Authorization: Bearer TOKEN` or `X-Emulator-Token: TOKEN`. Set it whenever the emulator
    /// listens beyond loopback.
    #[arg(long, env = "HUBSPOT_EMULATOR_CONTROL_TOKEN", hide_env_values = true)]
    pub control_token: Option<String>,
    /// Sandboxes (`POST /_emulator/sandboxes`) that may exist at once; creating one more is
    /// refused with 409 until one is deleted or expires.
    #[arg(long, env = "HUBSPOT_EMULATOR_MAX_SANDBOXES", default_value_t = DEFAULT_MAX_SANDBOXES as u64, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub max_sandboxes: u64,
    /// A sandbox unused for this long is deleted: seconds, or with ms, s, m, h.
    #[arg(long, env = "HUBSPOT_EMULATOR_SANDBOX_IDLE_TIMEOUT", value_parser = super::duration::parse_duration, default_value = "15m")]
    pub sandbox_idle_timeout: Duration,
    /// Bytes each sandbox's journals keep together (the emulator's own have --journal-bytes).
    /// Bytes, or with KiB, MiB, GiB.
    #[arg(long, env = "HUBSPOT_EMULATOR_SANDBOX_JOURNAL_BYTES", value_parser = super::size::parse_size, default_value_t = DEFAULT_SANDBOX_JOURNAL_BYTES)]
    pub sandbox_journal_bytes: usize,
}

pub async fn run(args: ServeArgs) -> Result<(), CliError> {
    let fixture = load_fixtures_capped(&args.fixtures, args.max_fixture_bytes)?;
    let config = EmulatorConfig {
        host: args.host.clone(),
        port: args.port,
        fixture,
        journal_capacity: args.journal_capacity,
        delivery_capacity: args.delivery_capacity,
        journal_bytes: args.journal_bytes,
        allowed_hosts: args.allowed_hosts.clone(),
        max_fixture_bytes: args.max_fixture_bytes,
        extra_ca_pem: read_ca(args.ca_cert.as_deref())?,
        workers: args.workers,
        shutdown_timeout: Duration::from_secs(5),
        control_token: args
            .control_token
            .filter(|t| !t.trim().is_empty())
            .map(Secret::new),
        sandboxes: SandboxLimits {
            max: args.max_sandboxes as usize,
            idle_timeout: args.sandbox_idle_timeout,
        },
        sandbox_journal_bytes: args.sandbox_journal_bytes,
        sdk_limits: Default::default(),
    };
    let emulator = Emulator::bind(config).map_err(|e| {
        CliError::Infrastructure(format!(
            "cannot bind {}:{}: {e} (another process may use the port; try --port 0 for any free port)",
            args.host, args.port
        ))
    })?;
    let protected = emulator.control_protected();
    if let Some(warning) = exposure_warning(emulator.address(), protected) {
        tracing::warn!(address = %emulator.address(), "{warning}");
    }
    // The embedded fixture's credentials are the documented demo values; a user's own are
    // masked like secrets, so that CI logs never carry them.
    print_banner(&emulator, args.fixtures.is_empty());
    emulator
        .run()
        .await
        .map_err(|e| CliError::Infrastructure(format!("the server failed: {e}")))?;
    tracing::info!("stopped");
    Ok(())
}

/// Reads `--ca-cert`, a usage error when unreadable.
pub fn read_ca(path: Option<&std::path::Path>) -> Result<Option<Vec<u8>>, CliError> {
    let Some(path) = path else { return Ok(None) };
    let pem = std::fs::read(path)
        .map_err(|e| CliError::Usage(format!("cannot read --ca-cert {}: {e}", path.display())))?;
    tls_config(Some(&pem))
        .map_err(|e| CliError::Usage(format!("--ca-cert {}: {e}", path.display())))?;
    Ok(Some(pem))
}

/// The ready banner on stdout. Client secrets are always masked, and so are API keys and tokens
/// unless they are the embedded demo fixture's (`reveal`): they are the user's to know, and CI
/// logs are no place for them.
fn print_banner(emulator: &Emulator, reveal: bool) {
    let base = emulator.base_url();
    say(format!(
        "hubspot-emulator {} listening on {base}",
        env!("CARGO_PKG_VERSION")
    ));
    let shared = emulator.state();
    for profile in shared.store.profiles() {
        say(describe_app(&profile, reveal));
    }
    for (portal_id, users) in shared.store.portal_users() {
        let users: Vec<String> = users
            .iter()
            .map(|u| {
                let flag = if u.supports_channel_connection {
                    " (supportsChannelConnection)"
                } else {
                    ""
                };
                format!("{}{flag}", u.user_id)
            })
            .collect();
        say(format!("  portal {portal_id}: users {}", users.join(", ")));
    }
    say(format!(
        "  API base URL: {base}  (instead of https://api.hubapi.com)"
    ));
    say(format!(
        "  dashboard:    {base}{}",
        crate::dashboard::DASHBOARD_PATH
    ));
    say(format!(
        "  calling page: {base}{}",
        crate::dashboard::CALLING_PATH
    ));
    say(format!(
        "  control API:  {base}/_emulator/health{}",
        if emulator.control_protected() {
            "  (other control calls need the --control-token)"
        } else {
            ""
        }
    ));
}

/// What to warn about the address bound: anything but loopback lets the network reach the
/// control API, which can replace the state, read the journals and fire at any URL.
fn exposure_warning(address: std::net::SocketAddr, protected: bool) -> Option<&'static str> {
    match (address.ip().is_loopback(), protected) {
        (true, _) => None,
        (false, true) => Some(
            "bound to a non-loopback address: the HubSpot API and the control API are reachable from the network (the control API requires the token)",
        ),
        (false, false) => Some(
            "bound to a non-loopback address: the control API (/_emulator/) is open to the network; anyone who can reach it can read the journals, replace the state and make the emulator POST to any URL. Set --control-token, or bind 127.0.0.1",
        ),
    }
}

/// Writes a banner line, ignoring a closed stdout: a script that read the first line and closed
/// the pipe (`| head -1`) must not bring the server down.
fn say(line: String) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|_| out.flush());
}

fn describe_app(profile: &AppProfile, reveal: bool) -> String {
    let show = |secret: &Secret| {
        if reveal {
            secret.expose().to_string()
        } else {
            secret.masked()
        }
    };
    let mut parts = vec![format!(
        "  app {:?} appId {}:",
        profile.name, profile.app_id
    )];
    if let Some(key) = &profile.developer_api_key {
        parts.push(format!("hapikey={}", show(key)));
    }
    if let Some(token) = &profile.access_token {
        parts.push(format!("bearer={}", show(token)));
    }
    if let Some(secret) = &profile.client_secret {
        parts.push(format!("clientSecret={}", secret.masked()));
    }
    if !profile.auth_required {
        parts.push("(auth off)".into());
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_is_quiet_and_an_open_control_api_says_how_to_close_it() {
        let at = |text: &str| text.parse::<std::net::SocketAddr>().unwrap();
        assert_eq!(exposure_warning(at("127.0.0.1:4774"), false), None);
        assert_eq!(exposure_warning(at("[::1]:4774"), false), None);
        let open = exposure_warning(at("0.0.0.0:4774"), false).unwrap();
        assert!(open.contains("control API (/_emulator/) is open"), "{open}");
        assert!(open.contains("--control-token"), "{open}");
        let guarded = exposure_warning(at("[::]:4774"), true).unwrap();
        assert!(guarded.contains("requires the token"), "{guarded}");
    }
}
