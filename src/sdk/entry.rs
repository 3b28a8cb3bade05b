//! One SDK message as the journal keeps it (`GET /_emulator/sdk/messages`): who, which way, the
//! type, the data, and the judge's findings. A message's data may be anything the app posts, so
//! the entry keeps it only up to a size and a depth; past them, a preview of its JSON.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::direction::Direction;
use super::limits::{DATA_PREVIEW_BYTES, MAX_JOURNALED_DATA_BYTES, MAX_JOURNALED_DATA_DEPTH};
use crate::clock::Timestamp;
use crate::domain::{AppId, PortalId, UserId};
use crate::journal::{json_weight, Weigh};
use crate::webhook::Finding;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SdkMessageEntry {
    /// The journal's number for it (from 1).
    pub id: u64,
    pub time: Timestamp,
    pub session_id: String,
    pub app_id: AppId,
    pub portal_id: PortalId,
    pub user_id: UserId,
    pub direction: Direction,
    #[serde(rename = "type")]
    pub message_type: String,
    /// The message's data (null when it had none), bounded by `journaled_data`.
    pub data: Value,
    pub findings: Vec<Finding>,
}

impl Weigh for SdkMessageEntry {
    fn weight(&self) -> usize {
        json_weight(self)
    }
}

/// `data` as the journal keeps it: whole when small and shallow enough, else
/// `{"truncated": {"bytes", "depth", "preview"}}` with the first KiB of its JSON.
pub fn journaled_data(data: Option<&Value>) -> Value {
    let Some(data) = data else {
        return Value::Null;
    };
    let depth = depth(data);
    let bytes = json_weight(data);
    if bytes <= MAX_JOURNALED_DATA_BYTES && depth <= MAX_JOURNALED_DATA_DEPTH {
        return data.clone();
    }
    let text = data.to_string();
    let cut = text
        .char_indices()
        .map(|(at, _)| at)
        .take_while(|at| *at <= DATA_PREVIEW_BYTES)
        .last()
        .unwrap_or(0);
    json!({"truncated": {
        "bytes": text.len(),
        "depth": depth,
        "preview": &text[..cut],
        "why": format!("the journal keeps a message's data up to {MAX_JOURNALED_DATA_BYTES} bytes and {MAX_JOURNALED_DATA_DEPTH} levels deep")
    }})
}

/// How deeply `value` nests (a scalar is 0), without recursion.
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 0usize)];
    while let Some((value, level)) = stack.pop() {
        deepest = deepest.max(level);
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, level + 1))),
            Value::Object(fields) => stack.extend(fields.values().map(|v| (v, level + 1))),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_data_is_kept_and_large_or_deep_data_previewed() {
        let small = json!({"externalCallId": "c-1"});
        assert_eq!(journaled_data(Some(&small)), small);
        assert_eq!(journaled_data(None), Value::Null);

        let large = json!({"blob": "x".repeat(MAX_JOURNALED_DATA_BYTES)});
        let kept = journaled_data(Some(&large));
        let preview = kept["truncated"]["preview"].as_str().unwrap();
        assert!(preview.len() <= DATA_PREVIEW_BYTES && preview.starts_with("{\"blob\""));
        assert!(kept["truncated"]["bytes"].as_u64().unwrap() > MAX_JOURNALED_DATA_BYTES as u64);

        let mut deep = json!(1);
        for _ in 0..(MAX_JOURNALED_DATA_DEPTH + 1) {
            deep = json!([deep]);
        }
        let kept = journaled_data(Some(&deep));
        assert_eq!(kept["truncated"]["depth"], MAX_JOURNALED_DATA_DEPTH + 1);
        assert!(json_weight(&kept) < 2 * DATA_PREVIEW_BYTES);
    }
}
