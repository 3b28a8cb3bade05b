//! One declared app as the store keeps it: who it is and how it authenticates (`AppProfile`),
//! and what it has registered (`CallingExtension`). The auth rules live here because they are
//! rules about an app's credentials.

use super::error::StoreError;
use crate::domain::scope::{SCOPE_READ, SCOPE_WRITE};
use crate::domain::LegacyVersion;
use crate::domain::{AppId, CallingExtension, Secret};

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

/// Whether the call reads or changes state: OAuth tokens need a different scope for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Access {
    fn scope(self) -> &'static str {
        match self {
            Access::Read => SCOPE_READ,
            Access::Write => SCOPE_WRITE,
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
    pub access_token_scopes: Vec<String>,
    pub signature_version: LegacyVersion,
    pub webhook_timeout_ms: Option<u64>,
}

impl AppProfile {
    /// Does `credential` let its bearer act on this app with `access`?
    pub fn authorize(&self, credential: &Credential, access: Access) -> Result<(), StoreError> {
        if !self.auth_required {
            return Ok(());
        }
        match credential {
            Credential::ApiKey(key) if matches(&self.developer_api_key, key) => Ok(()),
            Credential::Bearer(token) if matches(&self.access_token, token) => {
                if self.access_token_scopes.iter().any(|s| s == access.scope()) {
                    Ok(())
                } else {
                    Err(StoreError::MissingScope {
                        required: access.scope(),
                    })
                }
            }
            _ => Err(StoreError::Unauthenticated),
        }
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

    /// The same credentials under another id: how `acceptAnyAppId` provisions an app.
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
