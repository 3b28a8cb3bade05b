//! One declared app as the store keeps it: who it is and how it authenticates (`AppProfile`),
//! and what it has registered (`CallingExtension`). The auth rules live here because they are
//! rules about an app's credentials.

use std::sync::Arc;

use super::error::StoreError;
use crate::domain::scope::{SCOPE_READ, SCOPE_WRITE};
use crate::domain::LegacyVersion;
use crate::domain::{AppId, CallingExtension, PortalId, Secret, UserId};

/// The credential a request carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credential {
    /// `?hapikey=` — a developer API key, what the official clients send.
    ApiKey(String),
    /// `Authorization: Bearer` — an OAuth access token.
    Bearer(String),
    None,
}

impl Credential {
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::ApiKey(_) => "hapikey",
            Credential::Bearer(_) => "bearer",
            Credential::None => "none",
        }
    }
}

/// What a call needs of an OAuth token: one of these scopes.
pub type Scopes = &'static [&'static str];

/// Whether a calling-settings call reads or changes state: OAuth tokens need a different scope
/// for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    pub fn scopes(self) -> Scopes {
        match self {
            Access::Read => &[SCOPE_READ],
            Access::Write => &[SCOPE_WRITE],
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppProfile {
    pub name: String,
    pub app_id: AppId,
    pub developer_api_key: Option<Secret>,
    pub access_token: Option<Secret>,
    pub client_secret: Option<Secret>,
    pub auth_required: bool,
    /// Shared, not copied: every app `acceptAnyAppId` provisions from a template holds the
    /// template's list (by default every scope the emulator knows).
    pub access_token_scopes: Arc<[String]>,
    pub signature_version: LegacyVersion,
    pub webhook_timeout_ms: Option<u64>,
    /// The portal and user the app's access token acts for, as an installed app's token does
    /// (`None`: the seed's first portal and its first user).
    pub installed_portal_id: Option<PortalId>,
    pub installed_user_id: Option<UserId>,
}

impl AppProfile {
    /// Does `credential` let its bearer act on this app with `access`?
    pub fn authorize(&self, credential: &Credential, access: Access) -> Result<(), StoreError> {
        self.authorize_scopes(credential, access.scopes())
    }

    /// Does `credential` let its bearer make a call that needs one of `scopes`? A developer API
    /// key is not scoped.
    pub fn authorize_scopes(
        &self,
        credential: &Credential,
        scopes: Scopes,
    ) -> Result<(), StoreError> {
        if !self.auth_required {
            return Ok(());
        }
        match credential {
            Credential::ApiKey(key) if matches(&self.developer_api_key, key) => Ok(()),
            Credential::Bearer(token) if matches(&self.access_token, token) => {
                if self.has_any_scope(scopes) {
                    Ok(())
                } else {
                    Err(StoreError::MissingScope { required: scopes })
                }
            }
            _ => Err(StoreError::Unauthenticated),
        }
    }

    /// Does the access token carry one of `scopes`?
    pub fn has_any_scope(&self, scopes: Scopes) -> bool {
        self.access_token_scopes
            .iter()
            .any(|granted| scopes.contains(&granted.as_str()))
    }

    /// Is `credential` valid for this app at all (whatever the scope)?
    pub fn recognizes(&self, credential: &Credential) -> bool {
        !self.auth_required
            || match credential {
                Credential::ApiKey(key) => matches(&self.developer_api_key, key),
                Credential::Bearer(token) => matches(&self.access_token, token),
                Credential::None => false,
            }
    }

    /// The same credentials under another id: how `acceptAnyAppId` provisions an app (its
    /// secrets are shared, not copied: `Secret`).
    pub fn provisioned_as(&self, app_id: AppId) -> AppProfile {
        AppProfile {
            name: format!("auto-{app_id}"),
            app_id,
            ..self.clone()
        }
    }
}

fn matches(secret: &Option<Secret>, candidate: &str) -> bool {
    secret.as_ref().is_some_and(|s| s.matches(candidate))
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppRecord {
    pub profile: AppProfile,
    pub extension: CallingExtension,
}
