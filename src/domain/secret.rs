//! A credential that never shows itself in `Debug` or logs: developer API keys, access tokens and
//! client secrets pass through many structs, and one stray `{:?}` must not leak them.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
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
}
