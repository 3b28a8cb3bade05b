//! Words and pointers for findings: JSON pointers, how a value is described, previews.

use serde_json::Value;

/// The longest text copied from a reply into a verdict (a number, an extension, a key in a
/// pointer): past it the text is cut with "…", so that a verdict's size stays bounded however
/// long the app's strings are.
pub(super) const CLIP_CHARS: usize = 200;

/// A JSON pointer (RFC 6901) from path segments (each cut at `CLIP_CHARS`: a pointer to a key
/// longer than that names its start).
pub(super) fn pointer(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| {
            format!(
                "/{}",
                clip(s, CLIP_CHARS).replace('~', "~0").replace('/', "~1")
            )
        })
        .collect()
}

/// `text` cut at `max` characters, with "…" when it was longer.
pub(super) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut shown: String = text.chars().take(max).collect();
    shown.push('…');
    shown
}

pub(super) fn kind_of(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {:?}", preview(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

pub(super) fn looks_like_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(256)]).to_ascii_lowercase();
    let start = start.trim_start();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.starts_with("<head")
}

pub(super) fn preview(text: &str) -> String {
    let mut shown: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        shown.push('…');
    }
    shown
}
