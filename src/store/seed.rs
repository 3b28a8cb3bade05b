//! What the store is seeded with, and what a snapshot of it gives back: apps with their
//! registrations, portals with their users, and the options that shape the API (provisioning of
//! unknown app ids, an enforced rate limit). Plain data: the fixture format converts to and from
//! it (`fixture::convert`), so the store knows nothing of files or JSON paths.

use super::app::AppRecord;
use super::rate_limit::RateLimits;
use crate::domain::{PortalId, UserId};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Seed {
    pub apps: Vec<AppRecord>,
    pub portals: Vec<PortalSeed>,
    /// Provision any unknown `appId` on first use with the first app's credentials.
    pub accept_any_app_id: bool,
    /// Enforced when set; otherwise the headers advertise HubSpot's published limits.
    pub rate_limit: Option<RateLimits>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PortalSeed {
    pub portal_id: PortalId,
    pub users: Vec<User>,
}

/// A help-desk user and their browser flag `LocalSettings:Calling:supportsChannelConnection`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct User {
    pub user_id: UserId,
    pub supports_channel_connection: bool,
}
