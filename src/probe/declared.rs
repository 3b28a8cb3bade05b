//! Probing an app the emulator knows: its registered channel connection URL (unless another is
//! given), its client secret, legacy signature version and timeout come from the store, and the
//! report goes to the probe journal. Behind `POST /_emulator/probe` and the scenario step `probe`,
//! each of which hands over just what a probe needs (`Prober`).

use serde::Deserialize;

use super::report::ProbeReport;
use super::{ProbeError, DEFAULT_BURST, MAX_BURST};
use crate::domain::{AppId, PortalId, UserId};
use crate::journal::Journal;
use crate::store::Store;
use crate::webhook::fire::resolve_timeout;
use crate::webhook::sender::TlsConfig;
use crate::webhook::DeliveryTarget;

/// The portal and user of the probes when none is given and the seed has no portal (or that
/// portal no user): the default fixture's.
pub const DEFAULT_PORTAL_ID: PortalId = 62515;
pub const DEFAULT_USER_ID: UserId = 101;

/// What probing a declared app needs: the apps, where reports go, how to reach https apps.
pub struct Prober<'a> {
    pub store: &'a Store,
    pub journal: &'a Journal<ProbeReport>,
    pub tls: &'a TlsConfig,
}

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
    prober: &Prober<'_>,
    request: ProbeRequest,
) -> Result<ProbeReport, ProbeError> {
    let app = prober
        .store
        .app(request.app_id)
        .ok_or(crate::webhook::fire::FireError::UnknownApp(request.app_id))?;
    let timeout = resolve_timeout(request.timeout_ms, app.profile.webhook_timeout_ms)?;
    let burst = request.burst.unwrap_or(DEFAULT_BURST);
    if burst > MAX_BURST {
        return Err(ProbeError::BadBurst(burst));
    }
    let url = match (&request.url, &app.extension.channel_connection) {
        (Some(url), _) => url.clone(),
        (None, Some(connection)) => connection.url.clone(),
        (None, None) => return Err(ProbeError::NoUrl(request.app_id)),
    };
    ProbeError::refuse_control_url(&url)?;
    // Unless named, the seed's first portal and user, so that the probes look like the
    // fixture's own deliveries (an app that checks the portal would reject the genuine one).
    let (portal_id, user_id) = prober
        .store
        .first_recipient(request.portal_id, request.user_id);
    let target = DeliveryTarget::for_app(
        &app,
        &url,
        portal_id.unwrap_or(DEFAULT_PORTAL_ID),
        user_id.unwrap_or(DEFAULT_USER_ID),
        timeout,
    )?;
    let mut report = super::run(&target, burst, prober.tls).await;
    prober.journal.push(|id| {
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
