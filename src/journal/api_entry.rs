//! One call of the emulated HubSpot API as the request journal keeps it, credentials redacted.

use serde::Serialize;

use super::Weigh;
use crate::clock::Timestamp;
use crate::domain::{AppId, Finding};

/// One call of the emulated HubSpot API, with credentials redacted from the path.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiRequestEntry {
    pub sequence: u64,
    pub time: Timestamp,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub latency_ms: f64,
    pub correlation_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<AppId>,
    /// `hapikey`, `bearer` or `none`: which credential the request carried.
    pub auth: &'static str,
    /// What the emulator noticed about a call HubSpot answered anyway (a recording URL it
    /// cannot use); HubSpot's own answer is unchanged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
}

impl Weigh for ApiRequestEntry {
    fn weight(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.method.capacity()
            + self.path.capacity()
            + self.correlation_id.capacity()
            + self
                .findings
                .iter()
                .map(|f| 64 + f.code.len() + f.pointer.len() + f.message.len())
                .sum::<usize>()
    }
}

/// Replaces the value of `hapikey` (and any other credential-like parameter) with `REDACTED`.
pub fn redact_query(path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return path_and_query.to_string();
    };
    let mut out = String::with_capacity(path_and_query.len());
    out.push_str(path);
    for (index, pair) in query.split('&').enumerate() {
        out.push(if index == 0 { '?' } else { '&' });
        match pair.split_once('=') {
            Some((key, _)) if is_secret_parameter(key) => {
                out.push_str(key);
                out.push_str("=REDACTED");
            }
            _ => out.push_str(pair),
        }
    }
    out
}

fn is_secret_parameter(key: &str) -> bool {
    ["hapikey", "token", "secret", "key"].iter().any(|word| {
        key.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_credentials_in_queries() {
        assert_eq!(
            redact_query("/crm/v3/x?a=1&hapikey=secret&access_token=t"),
            "/crm/v3/x?a=1&hapikey=REDACTED&access_token=REDACTED"
        );
        assert_eq!(redact_query("/plain"), "/plain");
    }
}
