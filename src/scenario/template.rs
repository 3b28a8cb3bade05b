//! `${…}` in scenario strings: `${apps.demo.appId}` reads the seed, `${steps.create.body.url}`
//! the result of an earlier named step. A string that is exactly one `${…}` takes the value's
//! JSON type (so `"${apps.demo.appId}"` is a number); inside longer text the value is printed.

use serde_json::{json, Map, Value};

use crate::fixture::Fixture;

/// What `${…}` can read before any step ran: the seed's apps by name and its portals, and
/// (empty yet) the results of named steps.
pub fn seed_context(fixture: &Fixture) -> Value {
    let apps: Map<String, Value> = fixture
        .apps
        .iter()
        .map(|a| (a.name.clone(), serde_json::to_value(a).unwrap_or_default()))
        .collect();
    json!({"apps": apps, "portals": fixture.portals, "steps": {}})
}

/// Replaces every `${path}` in `value` (recursively) by looking `path` up in `context`.
pub fn render(value: &Value, context: &Value) -> Result<Value, String> {
    Ok(match value {
        Value::String(text) => render_string(text, context)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| render(item, context))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), render(v, context)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => other.clone(),
    })
}

pub fn render_text(text: &str, context: &Value) -> Result<String, String> {
    match render_string(text, context)? {
        Value::String(s) => Ok(s),
        other => Ok(other.to_string()),
    }
}

fn render_string(text: &str, context: &Value) -> Result<Value, String> {
    let pieces = pieces(text)?;
    if let [Piece::Path(path)] = pieces.as_slice() {
        return lookup(path, context).cloned();
    }
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Path(path) => match lookup(path, context)? {
                Value::String(s) => out.push_str(s),
                other => out.push_str(&other.to_string()),
            },
        }
    }
    Ok(Value::String(out))
}

/// A part of a template string: literal text, or the path inside one `${…}`.
#[derive(Debug, PartialEq)]
pub enum Piece<'a> {
    Text(&'a str),
    Path(&'a str),
}

/// `text` cut into literal text and `${…}` paths (what `render` fills and what the load-time
/// check of references reads); an unclosed `${` is an error.
pub fn pieces(text: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            pieces.push(Piece::Text(&rest[..start]));
        }
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed ${{ in {text:?}: close it with }}"))?;
        pieces.push(Piece::Path(after[..end].trim()));
        rest = &after[end + 1..];
    }
    if !rest.is_empty() || pieces.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

/// Every string inside `value`, recursively (where templates may appear).
pub fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text.as_str()],
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        Value::Object(map) => map.values().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// The value at `path` (`apps.demo.appId`, `steps.create.body.url`) in `context`.
pub fn lookup<'a>(path: &str, context: &'a Value) -> Result<&'a Value, String> {
    let mut current = context;
    for segment in path.trim().split('.') {
        current = match current {
            Value::Object(map) => map.get(segment),
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
        .ok_or_else(|| {
            format!("${{{path}}} does not resolve: no {segment:?} (use apps.NAME.FIELD or steps.STEP_NAME.FIELD)")
        })?;
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_strings_keep_their_type_and_embedded_ones_print() {
        let context =
            json!({"apps": {"demo": {"appId": 42}}, "steps": {"s": {"body": {"urls": ["a"]}}}});
        assert_eq!(
            render(&json!("${apps.demo.appId}"), &context).unwrap(),
            json!(42)
        );
        assert_eq!(
            render_text(
                "/crm/v3/extensions/calling/${apps.demo.appId}/settings",
                &context
            )
            .unwrap(),
            "/crm/v3/extensions/calling/42/settings"
        );
        assert_eq!(
            render(&json!({"u": "${steps.s.body.urls.0}"}), &context).unwrap(),
            json!({"u": "a"})
        );
        assert!(render_text("${apps.nope.appId}", &context)
            .unwrap_err()
            .contains("\"nope\""));
    }
}
