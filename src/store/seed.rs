//! What the store is seeded with, and what a snapshot of it gives back: apps with their
//! registrations, portals with their users and CRM, and the options that shape the API (provisioning of
//! unknown app ids, an enforced rate limit). Plain data: the fixture format converts to and from
//! it (`fixture::convert`), so the store knows nothing of files or JSON paths.

use std::sync::Arc;

use super::app::AppRecord;
use super::rate_limit::RateLimits;
use crate::crm::CrmSeed;
use crate::domain::{ConnectionStatus, PortalId, UserId};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seed {
    pub apps: Vec<AppRecord>,
    pub portals: Vec<PortalSeed>,
    /// Provision any unknown `appId` on first use with the first app's credentials.
    pub accept_any_app_id: bool,
    /// Enforced when set; otherwise the headers advertise HubSpot's published limits.
    pub rate_limit: Option<RateLimits>,
}

impl Seed {
    /// Whom a delivery is for when its caller names nobody: the first portal and that portal's
    /// first user (given a portal, its first user), as the fixture declared them. `None` where
    /// the seed has no such portal or user.
    pub fn first_recipient(
        &self,
        portal_id: Option<PortalId>,
        user_id: Option<UserId>,
    ) -> (Option<PortalId>, Option<UserId>) {
        let portal_id = portal_id.or_else(|| self.portals.first().map(|p| p.portal_id));
        let user_id = user_id.or_else(|| {
            let portal = self
                .portals
                .iter()
                .find(|p| Some(p.portal_id) == portal_id)?;
            portal.users.first().map(|u| u.user_id)
        });
        (portal_id, user_id)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PortalSeed {
    pub portal_id: PortalId,
    pub users: Vec<User>,
    /// The portal's CRM: its objects, custom properties and options. Shared, not copied, by
    /// every clone of the seed: the store keeps its seed for `reset`, every sandbox created from
    /// the start-up fixture keeps one, and each reset hands it to the CRM to build from; a
    /// fixture of 10,000 contacts is ~7 MB a copy.
    pub crm: Arc<CrmSeed>,
}

/// A user of a portal: their browser flag `LocalSettings:Calling:supportsChannelConnection` (the
/// help desk) and their calling connection status (`connection-statuses`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct User {
    pub user_id: UserId,
    pub supports_channel_connection: bool,
    pub connection_status: ConnectionStatus,
}

impl User {
    /// A user as declared by id alone: no flag, not connected.
    pub fn new(user_id: UserId) -> Self {
        User {
            user_id,
            supports_channel_connection: false,
            connection_status: ConnectionStatus::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(portals: &[(PortalId, &[UserId])]) -> Seed {
        let portals = portals
            .iter()
            .map(|(portal_id, users)| PortalSeed {
                portal_id: *portal_id,
                users: users.iter().map(|&user_id| User::new(user_id)).collect(),
                crm: Default::default(),
            })
            .collect();
        Seed {
            portals,
            ..Seed::default()
        }
    }

    #[test]
    fn the_first_portal_and_its_first_user_unless_named() {
        let two = seed(&[(777, &[9, 10]), (888, &[5])]);
        assert_eq!(two.first_recipient(None, None), (Some(777), Some(9)));
        assert_eq!(two.first_recipient(Some(888), None), (Some(888), Some(5)));
        assert_eq!(two.first_recipient(None, Some(3)), (Some(777), Some(3)));
        // A portal the seed does not declare has no first user.
        assert_eq!(two.first_recipient(Some(1), None), (Some(1), None));
        assert_eq!(seed(&[]).first_recipient(None, None), (None, None));
        assert_eq!(
            seed(&[(777, &[])]).first_recipient(None, None),
            (Some(777), None)
        );
    }
}
