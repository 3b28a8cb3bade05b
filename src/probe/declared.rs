//! Probing an app the emulator knows: its registered channel connection URL (unless another is
//! given), its client secret, legacy signature version and timeout come from the store, and the
//! report goes to the probe journal. Behind `POST /_emulator/probe` and the scenario step `probe`.

use serde::Deserialize;

use super::{Target, DEFAULT_BURST, MAX_BURST};
use crate::app::SharedState;
use crate::domain::{AppId, PortalId, UserId};
use crate::probe::report::ProbeReport;
use crate::webhook::fire::{resolve_timeout, FireError};
use crate::webhook::sender::url_targets_control_api;

/// The portal and user of the probes when none is given (the default fixture's).
pub const DEFAULT_PORTAL_ID: PortalId = 62515;
pub const DEFAULT_USER_ID: UserId = 101;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProbeRequest {
    pub app_id: AppId,
    pub portal_id: Option<PortalId>,
    pub user_id: Option<UserId>,
    /// Probe this URL instead of the registered one.
    pub url: Option<String>,
    /// Deliveries in the burst (default 50; 0 skips it).
    pub burst: Option<usize>,
    /// HubSpot's timeout (default: the app's, else 10000 ms).
    pub timeout_ms: Option<u64>,
}

/// Probes the app of `request` and journals the report. The isReady gate does not apply: an
/// attacker calls the URL directly, whatever HubSpot would show.
pub async fn probe_app(
    shared: &SharedState,
    request: ProbeRequest,
) -> Result<ProbeReport, FireError> {
    let app = shared
        .store
        .app(request.app_id)
        .ok_or(FireError::UnknownApp(request.app_id))?;
    let timeout = resolve_timeout(request.timeout_ms, app.profile.webhook_timeout_ms)?;
    let burst = request.burst.unwrap_or(DEFAULT_BURST);
    if burst > MAX_BURST {
        return Err(FireError::BadBurst(burst));
    }
    let secret = app
        .profile
        .client_secret
        .as_ref()
        .ok_or(FireError::NoClientSecret(request.app_id))?;
    let url = match (&request.url, &app.extension.channel_connection) {
        (Some(url), _) => url.clone(),
        (None, Some(connection)) => connection.url.clone(),
        (None, None) => return Err(FireError::NoUrl(request.app_id)),
    };
    if url_targets_control_api(&url) {
        return Err(FireError::ControlUrl(url));
    }
    let mut report = super::run(
        &Target {
            url: &url,
            client_secret: secret,
            legacy: app.profile.signature_version,
            app_id: request.app_id,
            portal_id: request.portal_id.unwrap_or(DEFAULT_PORTAL_ID),
            user_id: request.user_id.unwrap_or(DEFAULT_USER_ID),
            timeout,
            burst,
        },
        shared.tls(),
    )
    .await;
    shared.probes.push(|id| {
        report.id = id;
        report.clone()
    });
    tracing::info!(
        id = report.id,
        app_id = %report.app_id,
        outcome = report.outcome,
        failed = report.summary.failed,
        warnings = report.summary.warnings,
        "app probed"
    );
    Ok(report)
}
