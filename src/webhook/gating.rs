//! isReady gating, as the help desk decides it per user: an app without a channel connection is
//! not offered; with `isReady=false` it is offered only to users whose browser has the flag
//! `LocalSettings:Calling:supportsChannelConnection` and greyed out for everyone else. `force`
//! sends anyway (for testing the app before it is ready).

use super::verdict::{Finding, Outcome};
use crate::domain::ChannelConnection;

/// The gate's decision for one user.
#[derive(Clone, Debug, PartialEq)]
pub enum Gate {
    /// HubSpot would call the app; `notes` explain why (for example "forced").
    Send { notes: Vec<Finding> },
    /// Nothing is sent; the outcome and the findings that explain what the user sees.
    Stop {
        outcome: Outcome,
        findings: Vec<Finding>,
    },
}

/// `user_flag` is `None` when the fixture does not declare the user (treated as flag off).
pub fn decide(
    connection: Option<&ChannelConnection>,
    user_flag: Option<bool>,
    force: bool,
) -> Gate {
    let mut notes = Vec::new();
    if user_flag.is_none() {
        notes.push(Finding::info(
            "user-not-declared",
            "",
            "This portal/user is not declared in the fixture, so it has no supportsChannelConnection flag (treated as off). Declare it under \"portals\" or set the flag with PUT /_emulator/portals/{portalId}/users/{userId}.",
        ));
    }
    // Without a connection there is no URL to send to, so even `force` stops here.
    let Some(connection) = connection else {
        notes.push(Finding::error(
            "not-registered",
            "",
            "The app has no channel connection, so the help desk does not offer it and HubSpot sends nothing. Register one with POST /crm/v3/extensions/calling/{appId}/settings/channel-connection {\"url\": …, \"isReady\": …}.",
        ));
        return Gate::Stop {
            outcome: Outcome::NotRegistered,
            findings: notes,
        };
    };
    let flag = user_flag.unwrap_or(false);
    if connection.is_ready || flag {
        if !connection.is_ready {
            notes.push(Finding::info(
                "not-ready-flag-on",
                "",
                "isReady is false, but this user has the supportsChannelConnection flag, so the app is selectable for them only. Other users see it greyed out until you PATCH isReady to true.",
            ));
        }
        return Gate::Send { notes };
    }
    if force {
        notes.push(Finding::info(
            "forced",
            "",
            "Sent because of force: for this user (isReady false, flag off) HubSpot would grey the app out and send nothing.",
        ));
        return Gate::Send { notes };
    }
    notes.push(Finding::warning(
        "greyed-out",
        "",
        "The user sees the app greyed out and cannot open it, because isReady is false and the user's browser lacks the LocalSettings:Calling:supportsChannelConnection flag; HubSpot sends nothing. Set isReady to true (PATCH …/settings/channel-connection), or give the user the flag (PUT /_emulator/portals/{portalId}/users/{userId} {\"supportsChannelConnection\": true}), or fire with force.",
    ));
    Gate::Stop {
        outcome: Outcome::GreyedOut,
        findings: notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;

    fn connection(is_ready: bool) -> ChannelConnection {
        ChannelConnection {
            url: "http://127.0.0.1:1/x".into(),
            is_ready,
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
        }
    }

    fn outcome(gate: &Gate) -> Option<Outcome> {
        match gate {
            Gate::Send { .. } => None,
            Gate::Stop { outcome, .. } => Some(*outcome),
        }
    }

    #[test]
    fn the_gating_matrix() {
        for force in [false, true] {
            for flag in [Some(false), Some(true), None] {
                assert_eq!(
                    outcome(&decide(None, flag, force)),
                    Some(Outcome::NotRegistered)
                );
                assert_eq!(outcome(&decide(Some(&connection(true)), flag, force)), None);
                let expected = if force || flag == Some(true) {
                    None
                } else {
                    Some(Outcome::GreyedOut)
                };
                assert_eq!(
                    outcome(&decide(Some(&connection(false)), flag, force)),
                    expected
                );
            }
        }
    }
}
