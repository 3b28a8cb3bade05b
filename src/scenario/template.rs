//! `${…}` in scenario strings: `${apps.demo.appId}` reads the seed, `${steps.create.body.url}`
//! the result of an earlier named step. A string that is exactly one `${…}` takes the value's
//! JSON type (so `"${apps.demo.appId}"` is a number); inside longer text the value is printed.

use serde_json::Value;

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
    if let Some(path) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}')) {
        if !path.contains("${") && !path.contains('}') {
            return lookup(path, context).cloned();
        }
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("unclosed ${{ in {text:?}"))?;
        match lookup(&after[..end], context)? {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&other.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

fn lookup<'a>(path: &str, context: &'a Value) -> Result<&'a Value, String> {
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
    use serde_json::json;

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
