//! isReady gating, as the help desk decides it per user: an app without a channel connection is
//! not offered; with `isReady=false` it is offered only to users whose browser has the flag
//! `LocalSettings:Calling:supportsChannelConnection` and greyed out for everyone else. `force`
//! sends anyway (for testing the app before it is ready). An app with a channel connection also
//! gets info notes about the help desk's prerequisites its calling settings lack
//! (`prerequisites`): info only, so they never fail a delivery, not even under `--strict`.

use super::verdict::{Finding, Outcome};
use crate::domain::{ChannelConnection, Settings};

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

/// `user_flag` is `None` when the fixture does not declare the user (treated as flag off);
/// `settings` are the app's main calling settings, if registered.
pub fn decide(
    connection: Option<&ChannelConnection>,
    settings: Option<&Settings>,
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
    notes.extend(prerequisites(settings));
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

/// What HubSpot's help-desk guide requires before a channel connection besides the connection
/// itself: the Calling Extensions SDK set up (the app's main calling settings registered) and
/// inbound calling (`supportsInboundCalling`), since a help-desk channel takes inbound calls.
pub fn prerequisites(settings: Option<&Settings>) -> Vec<Finding> {
    match settings {
        None => vec![Finding::info(
            "no-calling-settings",
            "",
            "The app has a channel connection but no calling settings (POST /crm/v3/extensions/calling/{appId}/settings was never called). HubSpot's help-desk guide lists the Calling Extensions SDK setup and the inbound calling API as prerequisites: a help-desk channel takes inbound calls, which HubSpot rings in the calling widget those settings declare. Register them at start-up, before the channel connection: POST …/settings {\"name\": \"My app\", \"url\": \"https://…\", \"supportsInboundCalling\": true}.",
        )],
        Some(settings) if !settings.supports_inbound_calling => vec![Finding::info(
            "inbound-calling-off",
            "",
            "The app's calling settings have supportsInboundCalling false, so HubSpot rings no inbound call in its widget; a help-desk channel takes inbound calls, and HubSpot's help-desk guide lists the inbound calling API as a prerequisite. Turn it on: PATCH /crm/v3/extensions/calling/{appId}/settings {\"supportsInboundCalling\": true}.",
        )],
        Some(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Timestamp;
    use crate::webhook::Severity;

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
                    outcome(&decide(None, None, flag, force)),
                    Some(Outcome::NotRegistered)
                );
                assert_eq!(
                    outcome(&decide(Some(&connection(true)), None, flag, force)),
                    None
                );
                let expected = if force || flag == Some(true) {
                    None
                } else {
                    Some(Outcome::GreyedOut)
                };
                assert_eq!(
                    outcome(&decide(Some(&connection(false)), None, flag, force)),
                    expected
                );
            }
        }
    }

    fn settings(inbound: bool) -> Settings {
        Settings {
            name: "Demo".into(),
            url: "https://example.com".into(),
            height: 600,
            width: 400,
            is_ready: true,
            supports_custom_objects: false,
            supports_inbound_calling: inbound,
            uses_calling_window: true,
            uses_remote: false,
            created_at: Timestamp::now(),
            updated_at: Timestamp::now(),
        }
    }

    fn codes(gate: &Gate) -> Vec<(&str, Severity)> {
        let findings = match gate {
            Gate::Send { notes } => notes,
            Gate::Stop { findings, .. } => findings,
        };
        findings
            .iter()
            .map(|f| (f.code.as_str(), f.severity))
            .collect()
    }

    #[test]
    fn missing_prerequisites_are_info_beside_any_outcome_with_a_connection() {
        let ready = connection(true);
        assert_eq!(
            codes(&decide(Some(&ready), None, Some(true), false)),
            [("no-calling-settings", Severity::Info)]
        );
        assert_eq!(
            codes(&decide(
                Some(&ready),
                Some(&settings(false)),
                Some(true),
                false
            )),
            [("inbound-calling-off", Severity::Info)]
        );
        assert!(codes(&decide(
            Some(&ready),
            Some(&settings(true)),
            Some(true),
            false
        ))
        .is_empty());
        // Greyed out: the note explains beside the warning.
        let gate = decide(Some(&connection(false)), None, Some(false), false);
        let greyed = codes(&gate);
        assert!(
            greyed.contains(&("no-calling-settings", Severity::Info)),
            "{greyed:?}"
        );
        assert!(
            greyed.contains(&("greyed-out", Severity::Warning)),
            "{greyed:?}"
        );
        // No connection: nothing to say about its prerequisites.
        assert_eq!(
            codes(&decide(None, None, Some(true), false)),
            [("not-registered", Severity::Error)]
        );
    }
}
