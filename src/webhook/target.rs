//! Where and how one delivery goes: the URL, the client secret that signs it, the legacy
//! signature beside v3, the ids in its body and HubSpot's timeout. The one type every sender of
//! deliveries shares: `fire` and `replay`, `check`, the probes (each forgery starts from it) and
//! the burst (one per user).

use std::time::Duration;

use super::delivery::{signed_request_at, webhook_body};
use super::fire::FireError;
use super::verdict::SentRequest;
use crate::clock;
use crate::domain::{AppId, LegacyVersion, PortalId, Secret, UserId};
use crate::store::AppRecord;

#[derive(Clone, Debug)]
pub struct DeliveryTarget {
    pub url: String,
    pub client_secret: Secret,
    pub legacy: LegacyVersion,
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub user_id: UserId,
    /// HubSpot's timeout for the delivery (also sent as `X-HubSpot-Timeout-Millis`).
    pub timeout: Duration,
}

impl DeliveryTarget {
    /// A delivery to `url` for a declared app, signed with its secret and legacy version.
    pub fn for_app(
        app: &AppRecord,
        url: &str,
        portal_id: PortalId,
        user_id: UserId,
        timeout: Duration,
    ) -> Result<Self, FireError> {
        let profile = &app.profile;
        let client_secret = profile
            .client_secret
            .clone()
            .ok_or(FireError::NoClientSecret(profile.app_id))?;
        Ok(DeliveryTarget {
            url: url.to_string(),
            client_secret,
            legacy: profile.signature_version,
            app_id: profile.app_id,
            portal_id,
            user_id,
            timeout,
        })
    }

    /// The body HubSpot sends: exactly `{"appId":N,"portalId":N,"userId":N}`.
    pub fn body(&self) -> Vec<u8> {
        webhook_body(self.app_id, self.portal_id, self.user_id)
    }

    /// The same delivery for another user (the burst's users).
    pub fn for_user(&self, user_id: UserId) -> Self {
        DeliveryTarget {
            user_id,
            ..self.clone()
        }
    }

    /// The request HubSpot would send, signed now by the real clock, even in deterministic mode:
    /// the app judges the timestamp's age against its own clock, as HubSpot tells it to.
    pub fn signed_now(&self) -> SentRequest {
        signed_request_at(self, &self.body(), clock::wall_millis())
    }
}
