//! Fires the webhook for one app, portal and user as HubSpot would: look the app up, apply the
//! isReady gate, sign and send, judge, and journal the verdict. Also replays a journaled delivery
//! re-signed with a fresh timestamp.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::delivery::{send_and_judge, signed_request_at, DEFAULT_TIMEOUT_MS};
use super::gating::{decide, Gate};
use super::sender::TlsConfig;
use super::target::DeliveryTarget;
use super::verdict::Verdict;
use crate::domain::{AppId, PortalId, UserId};
use crate::journal::Journal;
use crate::store::Store;

/// The longest timeout a caller may ask for.
pub const MAX_TIMEOUT_MS: u64 = 600_000;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FireRequest {
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub user_id: UserId,
    /// Send even when the gate would grey the app out.
    #[serde(default)]
    pub force: bool,
    /// Overrides the app's (or the default 10000 ms) timeout for this call.
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum FireError {
    #[error("app {0} is not declared; GET /_emulator/state lists the apps")]
    UnknownApp(AppId),
    #[error("app {0} has no clientSecret, so its deliveries cannot be signed; add \"clientSecret\" to the app in the fixture")]
    NoClientSecret(AppId),
    #[error("timeoutMs must be between 1 and {MAX_TIMEOUT_MS}, got {0}")]
    BadTimeout(u64),
    #[error("delivery {0} is not in the journal (it may have been dropped: the journal keeps the newest entries only)")]
    UnknownDelivery(u64),
    #[error("delivery {0} sent nothing (the app was {1}), so there is nothing to replay")]
    NothingToReplay(u64, &'static str),
}

/// What firing needs from the server.
pub struct Webhooks<'a> {
    pub store: &'a Store,
    pub journal: &'a Journal<Arc<Verdict>>,
    pub tls: &'a TlsConfig,
}

impl Webhooks<'_> {
    pub async fn fire(&self, request: FireRequest) -> Result<Arc<Verdict>, FireError> {
        let app = self
            .store
            .app(request.app_id)
            .ok_or(FireError::UnknownApp(request.app_id))?;
        let timeout = resolve_timeout(request.timeout_ms, app.profile.webhook_timeout_ms)?;
        let flag = self.store.user_flag(request.portal_id, request.user_id);
        let connection = app.extension.channel_connection.as_ref();
        let mut verdict = Verdict::new(request.app_id, request.portal_id, request.user_id);
        let settings = app.extension.settings.as_ref();
        match decide(connection, settings, flag, request.force) {
            Gate::Stop { outcome, findings } => {
                verdict.outcome = outcome;
                verdict.findings = findings;
            }
            Gate::Send { notes } => {
                let url = connection.map(|c| c.url.as_str()).unwrap_or_default();
                let target = DeliveryTarget::for_app(
                    &app,
                    url,
                    request.portal_id,
                    request.user_id,
                    timeout,
                )?;
                let sent = target.signed_now();
                let judged = send_and_judge(sent, timeout, self.tls).await;
                verdict.outcome = judged.outcome;
                verdict.findings = notes;
                verdict.delivery = Some(judged.delivery);
                verdict.take_judgement(judged.judgement);
            }
        }
        Ok(self.record(verdict))
    }

    /// Sends journaled delivery `id` again to the same URL with the same body, re-signed now.
    pub async fn replay(
        &self,
        id: u64,
        timeout_ms: Option<u64>,
    ) -> Result<Arc<Verdict>, FireError> {
        let original = self.journal.get(id).ok_or(FireError::UnknownDelivery(id))?;
        let Some(delivery) = &original.delivery else {
            return Err(FireError::NothingToReplay(id, original.outcome.as_str()));
        };
        let app = self
            .store
            .app(original.app_id)
            .ok_or(FireError::UnknownApp(original.app_id))?;
        let timeout = match timeout_ms {
            Some(ms) => resolve_timeout(Some(ms), None)?,
            None => Duration::from_millis(delivery.timeout_ms),
        };
        let target = DeliveryTarget::for_app(
            &app,
            &delivery.request.url,
            original.portal_id,
            original.user_id,
            timeout,
        )?;
        // The journaled body, byte for byte; only the signatures are new.
        let body = delivery.request.body.as_bytes();
        // Signed by the real clock, like every delivery (see `DeliveryTarget::signed_now`).
        let sent = signed_request_at(&target, body, crate::clock::wall_millis());
        let judged = send_and_judge(sent, timeout, self.tls).await;
        // Built as `fire` builds one: all but the ids comes from the new exchange.
        let mut verdict = Verdict::new(original.app_id, original.portal_id, original.user_id);
        verdict.outcome = judged.outcome;
        verdict.delivery = Some(judged.delivery);
        verdict.replay_of = Some(id);
        verdict.take_judgement(judged.judgement);
        Ok(self.record(verdict))
    }

    /// Journals the verdict and hands it back, shared with the journal rather than copied (a
    /// verdict holds the whole exchange: copying it was a fair part of a delivery's own cost).
    fn record(&self, mut verdict: Verdict) -> Arc<Verdict> {
        let mut kept = None;
        self.journal.push(|id| {
            verdict.id = id;
            let verdict = Arc::new(verdict);
            kept = Some(verdict.clone());
            verdict
        });
        let verdict = kept.expect("the journal makes every entry it is given");
        tracing::info!(
            id = verdict.id,
            app_id = %verdict.app_id,
            portal_id = verdict.portal_id,
            user_id = verdict.user_id,
            outcome = verdict.outcome.as_str(),
            findings = verdict.findings.len(),
            "webhook fired"
        );
        verdict
    }
}

/// The call's timeout, else the app's, else HubSpot's default.
pub fn resolve_timeout(call: Option<u64>, app: Option<u64>) -> Result<Duration, FireError> {
    let ms = call.or(app).unwrap_or(DEFAULT_TIMEOUT_MS);
    if ms == 0 || ms > MAX_TIMEOUT_MS {
        return Err(FireError::BadTimeout(ms));
    }
    Ok(Duration::from_millis(ms))
}
