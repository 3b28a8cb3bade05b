//! The OAuth scopes the emulated APIs check, and which each call needs. A call needs **one of**
//! its scopes (HubSpot's `requiredGranularScopes` lists alternatives). An app whose fixture does
//! not list `accessTokenScopes` has every scope here, so a fixture that does not care about
//! scopes never meets a 403; one that lists them gets HubSpot's 403 for what it lacks.

/// Calling settings: reads.
pub const SCOPE_READ: &str = "developers-read";
/// Calling settings: writes.
pub const SCOPE_WRITE: &str = "developers-write";

/// Connection statuses (`/crm/extensions/calling/v3/connection-statuses`): either scope.
pub const CONNECTION_STATUS_SCOPES: &[&str] = &["automation", "crm.objects.owners.read"];

/// Every scope the emulator knows, with what it grants (for the fixture schema and errors).
pub const KNOWN_SCOPES: &[(&str, &str)] = &[
    (SCOPE_READ, "read the calling settings"),
    (SCOPE_WRITE, "change the calling settings"),
    ("crm.objects.contacts.read", "read contacts and calls"),
    (
        "crm.objects.contacts.write",
        "write contacts and calls; submit inbound calls and recordings",
    ),
    (
        "crm.objects.contacts.sensitive.write.v2",
        "submit inbound calls and recordings",
    ),
    (
        "crm.objects.contacts.highly_sensitive.write.v2",
        "submit inbound calls and recordings",
    ),
    (
        "crm.schemas.contacts.write",
        "submit inbound calls and recordings",
    ),
    ("crm.objects.companies.read", "read companies"),
    ("crm.objects.companies.write", "write companies"),
    ("crm.objects.owners.read", "read connection statuses"),
    ("automation", "read connection statuses"),
    (
        "crm.extensions_calling_transcripts.read",
        "read third-party transcripts",
    ),
    (
        "crm.extensions_calling_transcripts.write",
        "write third-party transcripts",
    ),
];

/// The names of `KNOWN_SCOPES`.
pub fn known_scopes() -> impl Iterator<Item = &'static str> {
    KNOWN_SCOPES.iter().map(|(name, _)| *name)
}

/// Is `scope` one the emulator knows?
pub fn is_known(scope: &str) -> bool {
    known_scopes().any(|known| known == scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_scopes_are_unique() {
        let mut names: Vec<&str> = known_scopes().collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KNOWN_SCOPES.len());
        assert!(is_known(SCOPE_READ) && !is_known("developers"));
        assert!(CONNECTION_STATUS_SCOPES.iter().all(|scope| is_known(scope)));
    }
}
