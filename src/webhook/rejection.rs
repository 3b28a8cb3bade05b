//! What a person reading a verdict or a probe is told about a reply that was not a 2xx: the
//! start of the body the app sent (its own words on why, often "invalid signature"), and for a
//! 401 or 403 where to look. Shared by every human output (`fire`, `check`, `probe`, `run`), so
//! they say it the same way.

use super::validator::one_line;

/// Said under a 401 or 403: the app refused the delivery's credentials, and the usual reason is
/// that it verifies with another secret than the one the deliveries are signed with.
pub const AUTH_HINT: &str = "hint: the app rejected the delivery's signature or auth: is its \
     signature check failing? Compare the client secret it verifies with and the one the \
     deliveries are signed with (the app's clientSecret in the emulator, given to the app as \
     HUBSPOT_CLIENT_SECRET; --client-secret for check and probe). HubSpot sends no other \
     credentials, so the endpoint must need no login or API key.";

/// The hint for `status`, if it has one.
pub fn hint(status: u16) -> Option<&'static str> {
    matches!(status, 401 | 403).then_some(AUTH_HINT)
}

/// The lines about a reply of `status` with `body`: none for a 2xx; otherwise the body's start
/// on one line, then the hint for the status, if any.
pub fn notes(status: u16, body: &str) -> Vec<String> {
    if (200..300).contains(&status) {
        return Vec::new();
    }
    let excerpt = match one_line(body) {
        shown if shown.is_empty() => "(empty)".to_string(),
        shown => shown,
    };
    let mut lines = vec![format!("reply body: {excerpt}")];
    lines.extend(hint(status).map(str::to_string));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_2xx_needs_no_notes() {
        assert!(notes(200, "whatever").is_empty());
    }

    #[test]
    fn a_401_gets_the_body_on_one_line_and_the_hint() {
        let lines = notes(401, "{\"error\":\n\"invalid signature\"}\n");
        assert_eq!(lines[0], "reply body: {\"error\":\\n\"invalid signature\"}");
        assert_eq!(lines[1], AUTH_HINT);
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn other_statuses_get_the_body_only() {
        assert_eq!(notes(500, ""), ["reply body: (empty)"]);
        assert_eq!(notes(302, "moved").len(), 1);
        assert!(hint(403).is_some() && hint(404).is_none());
    }
}
