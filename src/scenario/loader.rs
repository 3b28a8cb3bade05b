//! Reads fixture files and checks what serde cannot: unique app ids, names and users, and usable
//! credentials. Every error names the file and the JSON path (`$.apps[1].appId`), and a syntax
//! error its line and column, so a broken fixture is a one-line fix.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use super::{shape, Fixture};

/// The fixture compiled into the binary, loaded when `serve` gets no `--fixture`.
pub const DEFAULT_FIXTURE: &str = include_str!("../../fixtures/default.json");
pub const DEFAULT_FIXTURE_NAME: &str = "<embedded fixtures/default.json>";
/// The largest fixture file (or `PUT /_emulator/state` document) read by default; a flag
/// (`--max-fixture-bytes`) raises it. A state of 100,000 apps is about 9 MiB.
pub const DEFAULT_MAX_FIXTURE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureError {
    /// The file (or other source) the error is in.
    pub source: String,
    /// A JSON path such as `$.apps[0].appId`, or `line 3, column 7` for syntax errors.
    pub location: String,
    pub message: String,
}

impl fmt::Display for FixtureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.source, self.location, self.message)
    }
}

impl std::error::Error for FixtureError {}

impl FixtureError {
    pub(crate) fn new(
        source: &str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            source: source.to_string(),
            location: location.into(),
            message: message.into(),
        }
    }
}

/// Parses one fixture document; `source` names it in errors.
pub fn parse_fixture(source: &str, text: &str) -> Result<Fixture, FixtureError> {
    // First as plain JSON: only then is an error truly one of syntax, with a line and column.
    let document: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        FixtureError::new(
            source,
            format!("line {}, column {}", e.line(), e.column()),
            strip_position(&e.to_string()),
        )
    })?;
    if let Some(path) = shape::misplaced_array(&document) {
        return Err(FixtureError::new(
            source,
            path,
            "expected an object here, got an array",
        ));
    }
    // Then typed, from the text (which also refuses a key given twice). serde_json calls some
    // type errors "syntax" (an enum given a number, a step with two kinds); the text is valid
    // JSON, so each is reported at its path.
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    let fixture: Fixture = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        FixtureError::new(
            source,
            json_path(&error.path().to_string()),
            strip_position(&error.inner().to_string()),
        )
    })?;
    check(source, &fixture)?;
    Ok(fixture)
}

/// Reads and merges fixture files in order; with none, the embedded default fixture.
pub fn load_fixtures(paths: &[impl AsRef<Path>]) -> Result<Fixture, FixtureError> {
    load_fixtures_capped(paths, DEFAULT_MAX_FIXTURE_BYTES)
}

/// As `load_fixtures`, refusing any file larger than `max_bytes` before reading it.
pub fn load_fixtures_capped(
    paths: &[impl AsRef<Path>],
    max_bytes: usize,
) -> Result<Fixture, FixtureError> {
    if paths.is_empty() {
        return parse_fixture(DEFAULT_FIXTURE_NAME, DEFAULT_FIXTURE);
    }
    let mut parts = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let source = path.display().to_string();
        let text = read_fixture_text(path, max_bytes)?;
        parts.push((source.clone(), parse_fixture(&source, &text)?));
    }
    merge(parts)
}

/// The file's text, unless it is larger than `max_bytes`: a regular file is measured before it
/// is read, anything else (a pipe, `/dev/zero`) is read no further than one byte past the cap.
pub fn read_fixture_text(path: &Path, max_bytes: usize) -> Result<String, FixtureError> {
    read_capped(path, max_bytes)
        .map_err(|message| FixtureError::new(&path.display().to_string(), "$", message))
}

fn read_capped(path: &Path, max_bytes: usize) -> Result<String, String> {
    use std::io::Read;
    let too_large = |size: String| {
        format!("the file is {size}, over the fixture size cap of {max_bytes} bytes; a fixture is usually a few KiB (raise the cap with --max-fixture-bytes)")
    };
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read the file: {e}"))?;
    let metadata = file
        .metadata()
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if metadata.is_dir() {
        return Err("this is a directory, not a fixture file".into());
    }
    if metadata.is_file() && metadata.len() > max_bytes as u64 {
        return Err(too_large(format!("{} bytes", metadata.len())));
    }
    let mut bytes = Vec::new();
    file.take(max_bytes as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    if bytes.len() > max_bytes {
        return Err(too_large("larger than that".into()));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not UTF-8 text (bad byte at offset {}); save it as UTF-8 JSON",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Several files make one state: apps and portals add up, options of later files win.
fn merge(parts: Vec<(String, Fixture)>) -> Result<Fixture, FixtureError> {
    let mut merged = Fixture::default();
    let mut app_sources: HashMap<i32, String> = HashMap::new();
    for (source, fixture) in parts {
        for (index, app) in fixture.apps.into_iter().enumerate() {
            if let Some(first) = app_sources.get(&app.app_id.get()) {
                return Err(FixtureError::new(
                    &source,
                    format!("$.apps[{index}].appId"),
                    format!("appId {} is already declared in {first}", app.app_id),
                ));
            }
            app_sources.insert(app.app_id.get(), source.clone());
            merged.apps.push(app);
        }
        for portal in fixture.portals {
            match merged
                .portals
                .iter_mut()
                .find(|p| p.portal_id == portal.portal_id)
            {
                Some(existing) => existing.users.extend(portal.users),
                None => merged.portals.push(portal),
            }
        }
        merged.scenarios.extend(fixture.scenarios);
        merged.accept_any_app_id |= fixture.accept_any_app_id;
        merged.rate_limit = fixture.rate_limit.or(merged.rate_limit);
    }
    check("the merged fixtures", &merged)?;
    Ok(merged)
}

/// The rules a fixture must follow beyond its shape.
pub fn check(source: &str, fixture: &Fixture) -> Result<(), FixtureError> {
    let mut app_ids = HashMap::new();
    let mut names = HashMap::new();
    for (index, app) in fixture.apps.iter().enumerate() {
        let at = |field: &str| format!("$.apps[{index}].{field}");
        if let Some(first) = app_ids.insert(app.app_id, index) {
            return Err(FixtureError::new(
                source,
                at("appId"),
                format!(
                    "appId {} is already declared at $.apps[{first}]",
                    app.app_id
                ),
            ));
        }
        if app.name.trim().is_empty() {
            return Err(FixtureError::new(
                source,
                at("name"),
                "name must not be empty",
            ));
        }
        if let Some(first) = names.insert(app.name.as_str(), index) {
            return Err(FixtureError::new(
                source,
                at("name"),
                format!("name {:?} is already used at $.apps[{first}]", app.name),
            ));
        }
        if app.auth_required && app.developer_api_key.is_none() && app.access_token.is_none() {
            return Err(FixtureError::new(
                source,
                at("developerApiKey"),
                "an app with authRequired needs a developerApiKey or an accessToken (or set \"authRequired\": false)",
            ));
        }
        for (field, secret) in [
            ("developerApiKey", &app.developer_api_key),
            ("accessToken", &app.access_token),
            ("clientSecret", &app.client_secret),
        ] {
            if secret.as_ref().is_some_and(|s| s.expose().is_empty()) {
                return Err(FixtureError::new(
                    source,
                    at(field),
                    format!("{field} must not be empty (omit it instead)"),
                ));
            }
        }
    }
    for (index, portal) in fixture.portals.iter().enumerate() {
        let mut users = HashMap::new();
        for (user_index, user) in portal.users.iter().enumerate() {
            if let Some(first) = users.insert(user.user_id, user_index) {
                return Err(FixtureError::new(
                    source,
                    format!("$.portals[{index}].users[{user_index}].userId"),
                    format!(
                        "userId {} is already declared at $.portals[{index}].users[{first}]",
                        user.user_id
                    ),
                ));
            }
        }
        if let Some(first) = fixture.portals[..index]
            .iter()
            .position(|p| p.portal_id == portal.portal_id)
        {
            return Err(FixtureError::new(
                source,
                format!("$.portals[{index}].portalId"),
                format!(
                    "portalId {} is already declared at $.portals[{first}]",
                    portal.portal_id
                ),
            ));
        }
    }
    super::ranges::check_ranges(source, fixture)
}

fn json_path(serde_path: &str) -> String {
    if serde_path == "." || serde_path.is_empty() {
        "$".to_string()
    } else {
        format!("$.{serde_path}")
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_fixture_loads() {
        let fixture = load_fixtures(&[] as &[&str]).unwrap();
        assert_eq!(fixture.apps[0].app_id.get(), 1234567);
        assert_eq!(fixture.portals[0].users.len(), 2);
    }

    #[test]
    fn unknown_keys_name_the_path() {
        let error = parse_fixture(
            "f.json",
            r#"{"apps": [{"name": "a", "appId": 1, "authRequired": false, "colour": 1}]}"#,
        )
        .unwrap_err();
        assert_eq!(error.location, "$.apps[0].colour");
        assert!(error.message.contains("unknown field `colour`"), "{error}");
        assert!(error.to_string().starts_with("f.json: $.apps[0].colour: "));
    }

    #[test]
    fn wrong_types_name_the_field() {
        let error =
            parse_fixture("f.json", r#"{"apps": [{"name": "a", "appId": "x"}]}"#).unwrap_err();
        assert_eq!(error.location, "$.apps[0].appId");
    }

    #[test]
    fn syntax_errors_give_line_and_column() {
        let error = parse_fixture("f.json", "{\n  \"apps\": [,]\n}").unwrap_err();
        assert_eq!(error.location, "line 2, column 12");
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let text = r#"{"apps": [{"name": "a", "appId": 1, "authRequired": false},
                                {"name": "b", "appId": 1, "authRequired": false}]}"#;
        let error = parse_fixture("f.json", text).unwrap_err();
        assert_eq!(error.location, "$.apps[1].appId");
    }

    #[test]
    fn apps_need_credentials_unless_auth_is_off() {
        let error =
            parse_fixture("f.json", r#"{"apps": [{"name": "a", "appId": 1}]}"#).unwrap_err();
        assert!(error.message.contains("authRequired"), "{error}");
    }
}
