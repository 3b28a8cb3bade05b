//! A credential that never shows itself in `Debug` or logs: developer API keys, access tokens and
//! client secrets pass through many structs, and one stray `{:?}` must not leak them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// Shared text: an app provisioned under `acceptAnyAppId` copies the template's credentials on
/// every new app id, and a copy is then a count, not three allocations.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    /// The value itself, for comparing, signing, or writing into a state export.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A hint that identifies the secret without revealing it: `demo…(18 chars)`.
    pub fn masked(&self) -> String {
        let shown: String = self.0.chars().take(4).collect();
        format!("{shown}…({} chars)", self.0.chars().count())
    }

    /// Compares in constant time, so the emulator's own auth check is not a timing oracle.
    pub fn matches(&self, candidate: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), candidate.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

/// In the fixture's schema, a secret is a string, written in place.
impl schemars::JsonSchema for Secret {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        String::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(REDACTED)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("demo-client-secret");
        assert!(!format!("{secret:?}").contains("demo-client"));
        assert_eq!(secret.masked(), "demo…(18 chars)");
        assert!(secret.matches("demo-client-secret"));
        assert!(!secret.matches("demo-client-secreT"));
    }

    #[test]
    fn serializes_as_its_text() {
        let secret: Secret = serde_json::from_str(r#""demo-key""#).unwrap();
        assert!(secret.matches("demo-key"));
        assert_eq!(serde_json::to_string(&secret).unwrap(), r#""demo-key""#);
        assert!(serde_json::from_str::<Secret>("5").is_err());
    }
}
