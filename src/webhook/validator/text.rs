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

/// `text` on one line for a person: trimmed, control characters escaped (`\n`, `\u{1b}`: a
/// reply can hold terminal escapes) and cut at `CLIP_CHARS`.
pub fn one_line(text: &str) -> String {
    // Only the start can be shown, so only the start is escaped (a reply may be 64 KiB).
    let mut escaped = String::new();
    for c in text.trim().chars().take(CLIP_CHARS + 1) {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    clip(&escaped, CLIP_CHARS)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_control_characters_and_cuts_long_text() {
        assert_eq!(
            one_line("  {\"error\":\n\t\"bad\"}\u{1b}[31m \r\n"),
            "{\"error\":\\n\\t\"bad\"}\\u{1b}[31m"
        );
        let long = "é".repeat(500);
        let shown = one_line(&long);
        assert_eq!(shown.chars().count(), CLIP_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(one_line("short"), "short");
    }
}
