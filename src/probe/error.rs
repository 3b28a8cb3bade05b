//! Why a probe of a declared app could not start; the control API maps each to a status.

use super::MAX_BURST;
use crate::domain::AppId;
use crate::journal::PROBE_JOURNAL_CAPACITY;
use crate::webhook::fire::FireError;
use crate::webhook::sender::url_targets_control_api;

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// What firing would refuse too: an unknown app, no client secret, a bad timeout.
    #[error("{0}")]
    Fire(#[from] FireError),
    #[error("app {0} has no channel connection, so there is no URL to probe; register one, or pass \"url\"")]
    NoUrl(AppId),
    #[error("{0:?} is an emulator's control API (a path under /_emulator/), not an app's endpoint: probing it would make the emulator fire at itself; give the app's own phone-number URL")]
    ControlUrl(String),
    #[error("burst must be between 0 and {MAX_BURST}, got {0}")]
    BadBurst(usize),
    #[error(
        "probe report {0} is not in the journal (it keeps the newest {PROBE_JOURNAL_CAPACITY})"
    )]
    UnknownProbe(u64),
}

impl ProbeError {
    /// Refuses a URL under `/_emulator/` before anything is sent: the sender would refuse each
    /// delivery anyway, but the report would then blame the app's verifier.
    pub fn refuse_control_url(url: &str) -> Result<(), ProbeError> {
        if url_targets_control_api(url) {
            return Err(ProbeError::ControlUrl(url.to_string()));
        }
        Ok(())
    }
}
