//! Identifiers. `appId` is an int32 path parameter in HubSpot's spec; parsing it here gives every
//! handler a valid id and every caller one clear message when it is not.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A HubSpot app id: a positive int32.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct AppId(i32);

impl AppId {
    pub fn new(value: i64) -> Result<Self, String> {
        match i32::try_from(value) {
            Ok(id) if id > 0 => Ok(AppId(id)),
            _ => Err(format!(
                "appId must be a positive 32-bit integer (1 to {}), got {value}",
                i32::MAX
            )),
        }
    }

    /// Parses the `{appId}` path segment, explaining what is wrong with it.
    pub fn parse_path(segment: &str) -> Result<Self, String> {
        if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Err(format!(
                "appId must be the numeric id of your app (find it in your developer account's app settings), got {segment:?}"
            ));
        }
        match segment.parse::<i64>() {
            Ok(value) => AppId::new(value),
            Err(_) => Err(format!(
                "appId must be a positive 32-bit integer (1 to {}), got {segment}",
                i32::MAX
            )),
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl TryFrom<i64> for AppId {
    type Error = String;
    fn try_from(value: i64) -> Result<Self, String> {
        AppId::new(value)
    }
}

impl From<AppId> for i64 {
    fn from(id: AppId) -> i64 {
        i64::from(id.0)
    }
}

impl schemars::JsonSchema for AppId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AppId".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A HubSpot app id: a positive 32-bit integer.",
            "type": "integer",
            "minimum": 1,
            "maximum": i32::MAX,
        })
    }
}

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A HubSpot account (portal, hub) id.
pub type PortalId = u64;
/// A HubSpot user id within a portal.
pub type UserId = u64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_path_segments() {
        assert_eq!(AppId::parse_path("1234567").unwrap().get(), 1234567);
        assert!(AppId::parse_path("abc").unwrap_err().contains("numeric"));
        assert!(AppId::parse_path("0").unwrap_err().contains("positive"));
        assert!(AppId::parse_path("-5").unwrap_err().contains("positive"));
        assert!(AppId::parse_path("2147483648")
            .unwrap_err()
            .contains("32-bit"));
        assert!(AppId::parse_path("99999999999999999999999").is_err());
    }
}
