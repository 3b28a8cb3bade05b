//! The fixture loader (`scenario::loader::parse_fixture`) against generated documents.
//!
//! A fixture is hand-written JSON, so most documents the loader sees are slightly wrong, and its
//! promise is that every error names where: a JSON path such as `$.apps[0].appId`, or a line and
//! column for a syntax error, so that a broken fixture is a one-line fix. A location that does
//! not exist in the document sends the user looking in the wrong place, so for every document:
//!
//! - `parse_fixture` returns (no panic), and a document that loads loads again from its own
//!   serialization (exports are re-loadable fixtures);
//! - an error names the source it was given, has a message, and a location that is either
//!   `line L, column C` inside the text or a path that exists in the document, or whose parent
//!   is an object lacking the named key (a missing required field, a missing credential);
//! - on near misses (a valid fixture with one member removed, one value replaced, or one unknown
//!   key added) the location is the exact spot: the added key itself, the object that lost a
//!   required member, or a place inside the replaced value.

use hubspot_emulator::fixture::loader::{parse_fixture, FixtureError};
use hubspot_emulator::fixture::Fixture;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::json::{any_json, json_leaf, json_with_keys, to_text, weird_string};

const REGRESSIONS: &str = "tests/properties/regressions/fixtures.txt";
const SOURCE: &str = "generated.json";

/// Every key of the fixture format, so that generated documents get past the first level.
const FIXTURE_KEYS: &[&str] = &[
    "$schema",
    "acceptAnyAppId",
    "rateLimit",
    "maxPerInterval",
    "intervalMs",
    "dailyMax",
    "apps",
    "name",
    "appId",
    "developerApiKey",
    "accessToken",
    "clientSecret",
    "signatureVersion",
    "webhookTimeoutMs",
    "authRequired",
    "accessTokenScopes",
    "settings",
    "url",
    "height",
    "width",
    "isReady",
    "createdAt",
    "updatedAt",
    "channelConnection",
    "recording",
    "urlToRetrieveAuthedRecording",
    "portals",
    "portalId",
    "users",
    "userId",
    "supportsChannelConnection",
    "scenarios",
    "steps",
];

// ---------------------------------------------------------------------------------------------
// Paths

#[derive(Clone, Debug, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

fn render(path: &[Segment]) -> String {
    let mut text = "$".to_string();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Segment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// Does the loader's path `rest` (what follows `$`) name a value inside `value`?
///
/// The loader writes keys unescaped (`$.a.b` for the key `"a.b"`), so a path can be read in
/// more than one way; it exists if any reading reaches a value.
fn path_exists(value: &Value, rest: &str) -> bool {
    if rest.is_empty() {
        return true;
    }
    if let Some(after) = rest.strip_prefix('[') {
        let Some((digits, tail)) = after.split_once(']') else {
            return false;
        };
        return match (value, digits.parse::<usize>()) {
            (Value::Array(items), Ok(index)) => {
                items.get(index).is_some_and(|item| path_exists(item, tail))
            }
            _ => false,
        };
    }
    let (Some(after), Value::Object(object)) = (rest.strip_prefix('.'), value) else {
        return false;
    };
    object.iter().any(|(key, child)| {
        after.strip_prefix(key.as_str()).is_some_and(|tail| {
            (tail.is_empty() || tail.starts_with('.') || tail.starts_with('['))
                && path_exists(child, tail)
        })
    })
}

/// The path exists, or it is `parent.key` where `parent` is an object without `key`.
fn path_exists_or_names_absent_key(document: &Value, location: &str) -> bool {
    let Some(rest) = location.strip_prefix('$') else {
        return false;
    };
    if path_exists(document, rest) {
        return true;
    }
    let Some((parent, key)) = rest.rsplit_once('.') else {
        return false;
    };
    // The parent itself may be written ambiguously; find a reading that is an object without key.
    fn objects_at<'a>(value: &'a Value, rest: &str, out: &mut Vec<&'a Map<String, Value>>) {
        if rest.is_empty() {
            if let Value::Object(object) = value {
                out.push(object);
            }
            return;
        }
        if let Some(after) = rest.strip_prefix('[') {
            if let (Some((digits, tail)), Value::Array(items)) = (after.split_once(']'), value) {
                if let Some(item) = digits.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    objects_at(item, tail, out);
                }
            }
            return;
        }
        if let (Some(after), Value::Object(object)) = (rest.strip_prefix('.'), value) {
            for (key, child) in object {
                if let Some(tail) = after.strip_prefix(key.as_str()) {
                    if tail.is_empty() || tail.starts_with('.') || tail.starts_with('[') {
                        objects_at(child, tail, out);
                    }
                }
            }
        }
    }
    let mut parents = Vec::new();
    objects_at(document, parent, &mut parents);
    parents.iter().any(|object| !object.contains_key(key))
}

/// `$` alone or followed by `.key` and `[index]` segments (`$.apps[0].appId`). Keys are written
/// unescaped, so `$.[` is the key `[`: whether a path exists is `path_exists`'s question.
fn is_path_syntax(location: &str) -> bool {
    location == "$" || location.starts_with("$.")
}

/// `line L, column C` with L and C inside `text`.
fn is_text_position(text: &str, location: &str) -> bool {
    let parse = || -> Option<(usize, usize)> {
        let rest = location.strip_prefix("line ")?;
        let (line, column) = rest.split_once(", column ")?;
        Some((line.parse().ok()?, column.parse().ok()?))
    };
    let Some((line, column)) = parse() else {
        return false;
    };
    let lines: Vec<&str> = text.split('\n').collect();
    // serde_json counts columns in bytes and puts an error at the end of input one past the end.
    line >= 1 && line <= lines.len() && column <= lines[line - 1].len() + 1
}

/// The general promise, for any text and (when it is JSON) its value.
fn check_error(text: &str, error: &FixtureError) -> Result<(), TestCaseError> {
    prop_assert_eq!(error.source.as_str(), SOURCE);
    prop_assert!(!error.message.trim().is_empty(), "no message: {:?}", error);
    match serde_json::from_str::<Value>(text) {
        Ok(document) => {
            prop_assert!(
                is_path_syntax(&error.location),
                "location {:?} is not a path",
                error.location
            );
            prop_assert!(
                path_exists_or_names_absent_key(&document, &error.location),
                "location {:?} is not in the document ({}) {}",
                error.location,
                error.message,
                text
            )
        }
        // Not JSON: a syntax error at a position in the text, or a wrong value met before the
        // syntax error (`"apps": []` is the string "apps" where an object belongs), at a path.
        Err(_) => prop_assert!(
            is_text_position(text, &error.location) || is_path_syntax(&error.location),
            "location {:?} is neither a position in the text nor a path ({}) {:?}",
            error.location,
            error.message,
            text
        ),
    }
    Ok(())
}

fn check_any(text: &str) -> Result<(), TestCaseError> {
    match parse_fixture(SOURCE, text) {
        Ok(fixture) => check_reloads(&fixture),
        Err(error) => check_error(text, &error),
    }
}

/// What loads can be exported and loaded again, unchanged (`GET /_emulator/state` relies on it).
fn check_reloads(fixture: &Fixture) -> Result<(), TestCaseError> {
    let text = serde_json::to_string(fixture).expect("a fixture serializes");
    match parse_fixture(SOURCE, &text) {
        Ok(again) => prop_assert_eq!(&again, fixture, "reloaded from {}", text),
        Err(error) => prop_assert!(
            false,
            "its own serialization does not load: {error} in {text}"
        ),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Valid fixtures and near misses

fn secret() -> BoxedStrategy<Value> {
    "[a-zA-Z0-9-]{1,24}".prop_map(Value::from).boxed()
}

fn timestamp() -> BoxedStrategy<Value> {
    (2000i32..2100, 1u32..13, 1u32..29, 0u32..24, 0u32..1000)
        .prop_map(|(y, mo, d, h, ms)| {
            Value::from(format!("{y:04}-{mo:02}-{d:02}T{h:02}:30:00.{ms:03}Z"))
        })
        .boxed()
}

/// Inserts each `(key, value)` whose value is present.
fn object(members: Vec<(&str, Option<Value>)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect(),
    )
}

fn settings() -> BoxedStrategy<Value> {
    (
        "\\PC{0,20}",
        "https://[a-z]{1,8}\\.example/[a-z]{0,8}",
        // The window's size in pixels: 0 or more (docs/fidelity.md, "Assumed").
        prop::option::of(0..=i32::MAX),
        prop::option::of(0..=i32::MAX),
        prop::collection::vec(prop::option::of(any::<bool>()), 5),
        prop::option::of(timestamp()),
        prop::option::of(timestamp()),
    )
        .prop_map(|(name, url, height, width, flags, created, updated)| {
            let flag = |i: usize| flags[i].map(Value::from);
            object(vec![
                ("name", Some(name.into())),
                ("url", Some(url.into())),
                ("height", height.map(Value::from)),
                ("width", width.map(Value::from)),
                ("isReady", flag(0)),
                ("supportsCustomObjects", flag(1)),
                ("supportsInboundCalling", flag(2)),
                ("usesCallingWindow", flag(3)),
                ("usesRemote", flag(4)),
                ("createdAt", created),
                ("updatedAt", updated),
            ])
        })
        .boxed()
}

fn channel_connection() -> BoxedStrategy<Value> {
    (
        "https?://[a-z0-9.]{1,12}(:[0-9]{2,5})?/[a-z/?=&%]{0,12}",
        any::<bool>(),
        prop::option::of(timestamp()),
    )
        .prop_map(|(url, ready, created)| {
            object(vec![
                ("url", Some(url.into())),
                ("isReady", Some(ready.into())),
                ("createdAt", created),
            ])
        })
        .boxed()
}

/// App `index` of a fixture whose app ids start at `base`: ids and names unique by construction.
fn app(index: usize, base: i32) -> BoxedStrategy<Value> {
    let auth = (
        prop::option::of(secret()),
        prop::option::of(secret()),
        prop::option::of(any::<bool>()),
    )
        // authRequired (the default) needs a key or a token.
        .prop_filter(
            "an app with auth needs a credential",
            |(key, token, required)| *required == Some(false) || key.is_some() || token.is_some(),
        );
    (
        auth,
        prop::option::of(secret()),
        prop::option::of(prop::sample::select(&["v1", "v2"][..])),
        // A delivery timeout between 1 ms and 600,000 ms (0 is refused at load).
        prop::option::of(1u64..60_000),
        prop::option::of(prop::sample::subsequence(
            &["developers-read", "developers-write"][..],
            0..=2,
        )),
        prop::option::of(settings()),
        prop::option::of(channel_connection()),
        prop::option::of("https://[a-z]{1,8}\\.example/%s"),
        "[a-z]{0,6}",
    )
        .prop_map(
            move |(
                (key, token, required),
                client,
                version,
                timeout,
                scopes,
                settings,
                connection,
                recording,
                suffix,
            )| {
                object(vec![
                    ("name", Some(format!("app{index}{suffix}").into())),
                    ("appId", Some(base.saturating_add(index as i32).into())),
                    ("developerApiKey", key),
                    ("accessToken", token),
                    ("clientSecret", client),
                    ("signatureVersion", version.map(Value::from)),
                    ("webhookTimeoutMs", timeout.map(Value::from)),
                    ("authRequired", required.map(Value::from)),
                    ("accessTokenScopes", scopes.map(Value::from)),
                    ("settings", settings),
                    ("channelConnection", connection),
                    (
                        "recording",
                        recording.map(|url| json!({"urlToRetrieveAuthedRecording": url})),
                    ),
                ])
            },
        )
        .boxed()
}

fn portal(index: usize) -> BoxedStrategy<Value> {
    prop::collection::vec(prop::option::of(any::<bool>()), 0..4)
        .prop_map(move |flags| {
            let users: Vec<Value> = flags
                .into_iter()
                .enumerate()
                .map(|(i, flag)| {
                    object(vec![
                        ("userId", Some((100 + i).into())),
                        ("supportsChannelConnection", flag.map(Value::from)),
                    ])
                })
                .collect();
            json!({"portalId": 60_000 + index, "users": users})
        })
        .boxed()
}

/// A fixture the loader must accept.
fn valid_fixture() -> BoxedStrategy<Value> {
    let apps = (0usize..4, 1i32..i32::MAX - 4)
        .prop_flat_map(|(count, base)| (0..count).map(|i| app(i, base)).collect::<Vec<_>>());
    let portals = (0usize..3).prop_flat_map(|count| (0..count).map(portal).collect::<Vec<_>>());
    let rate_limit = (
        1u32..1000,
        prop::option::of(1u64..100_000),
        prop::option::of(any::<u32>()),
    )
        .prop_map(|(max, interval, daily)| {
            object(vec![
                ("maxPerInterval", Some(max.into())),
                ("intervalMs", interval.map(Value::from)),
                ("dailyMax", daily.map(Value::from)),
            ])
        });
    (
        apps,
        portals,
        prop::option::of(any::<bool>()),
        prop::option::of(rate_limit),
        prop::option::of(Just(Value::from("./schema.json"))),
    )
        .prop_map(|(apps, portals, any_app, rate_limit, schema)| {
            object(vec![
                ("$schema", schema),
                ("acceptAnyAppId", any_app.map(Value::from)),
                ("rateLimit", rate_limit),
                ("apps", Some(Value::Array(apps))),
                ("portals", Some(Value::Array(portals))),
            ])
        })
        .boxed()
}

/// Every node of `value` with its path, the root first.
fn nodes(value: &Value) -> Vec<Vec<Segment>> {
    fn walk(value: &Value, path: &mut Vec<Segment>, out: &mut Vec<Vec<Segment>>) {
        out.push(path.clone());
        match value {
            Value::Object(object) => {
                for (key, child) in object {
                    path.push(Segment::Key(key.clone()));
                    walk(child, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    path.push(Segment::Index(index));
                    walk(child, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn node_mut<'a>(value: &'a mut Value, path: &[Segment]) -> &'a mut Value {
    path.iter().fold(value, |node, segment| match segment {
        Segment::Key(key) => &mut node[key.as_str()],
        Segment::Index(index) => &mut node[*index],
    })
}

#[derive(Clone, Debug)]
enum Mutation {
    /// Remove the member at the chosen node (if it is an object member).
    Remove,
    /// Put this value at the chosen node.
    Replace(Value),
    /// Add `x-<suffix>` to the chosen node (if it is an object): no fixture type has such a field.
    AddKey(String, Value),
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        Just(Mutation::Remove),
        json_with_keys(FIXTURE_KEYS).prop_map(Mutation::Replace),
        (weird_string(), json_leaf()).prop_map(|(k, v)| Mutation::AddKey(format!("x-{k}"), v)),
    ]
    .boxed()
}

/// Where a location may fall when the document is otherwise valid and changed only at `path`.
fn check_near_miss(
    mutated: &Value,
    path: &[Segment],
    mutation: &Mutation,
) -> Result<(), TestCaseError> {
    let text = mutated.to_string();
    let error = match parse_fixture(SOURCE, &text) {
        Ok(fixture) => return check_reloads(&fixture),
        Err(error) => error,
    };
    check_error(&text, &error)?;
    // Errors of shape (serde) are about what changed; errors of the later checks (duplicate
    // ids, empty names, missing credentials) may name another place, covered by `check_error`.
    if serde_json::from_str::<Fixture>(&text).is_ok() {
        return Ok(());
    }
    let at = render(path);
    match mutation {
        Mutation::AddKey(key, _) => prop_assert_eq!(
            &error.location,
            &format!("{at}.{key}"),
            "an added unknown key: {}",
            error.message
        ),
        Mutation::Remove => prop_assert_eq!(
            &error.location,
            &render(&path[..path.len() - 1]),
            "a removed required member: {}",
            error.message
        ),
        Mutation::Replace(_) => {
            // A list checked as a whole (`accessTokenScopes`: "unknown scope") names the list.
            let list = match path.split_last() {
                Some((Segment::Index(_), parent)) => Some(render(parent)),
                _ => None,
            };
            prop_assert!(
                error.location == at
                    || error.location.starts_with(&format!("{at}."))
                    || error.location.starts_with(&format!("{at}["))
                    || list.as_ref() == Some(&error.location),
                "an error at {:?} after replacing {:?}: {}",
                error.location,
                at,
                error.message
            )
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::config(512, REGRESSIONS))]

    /// Generated valid fixtures load, and reload from their own serialization.
    #[test]
    fn valid_fixtures_load(document in valid_fixture(), pretty in any::<bool>()) {
        let text = to_text(&document, pretty);
        match parse_fixture(SOURCE, &text) {
            Ok(fixture) => check_reloads(&fixture)?,
            Err(error) => prop_assert!(false, "a valid fixture is refused: {error}\n{text}"),
        }
    }

    /// One change to a valid fixture: it loads, or the error names the changed place.
    #[test]
    fn near_misses_name_the_changed_place(
        document in valid_fixture(),
        at in any::<prop::sample::Index>(),
        mutation in mutation(),
    ) {
        let paths = nodes(&document);
        let path = paths[at.index(paths.len())].clone();
        let mut mutated = document;
        match &mutation {
            Mutation::Remove => {
                let Some((Segment::Key(key), parent)) = path.split_last() else {
                    return Ok(());
                };
                node_mut(&mut mutated, parent)
                    .as_object_mut()
                    .expect("a key's parent is an object")
                    .shift_remove(key);
            }
            Mutation::Replace(value) => *node_mut(&mut mutated, &path) = value.clone(),
            Mutation::AddKey(key, value) => match node_mut(&mut mutated, &path) {
                Value::Object(object) => {
                    object.insert(key.clone(), value.clone());
                }
                _ => return Ok(()),
            },
        }
        check_near_miss(&mutated, &path, &mutation)?;
    }

    /// Documents built from the fixture vocabulary, most of them wrong somewhere.
    #[test]
    fn any_document_loads_or_names_a_place(document in json_with_keys(FIXTURE_KEYS)) {
        check_any(&document.to_string())?;
    }

    /// Any JSON at all, including non-objects at the top.
    #[test]
    fn any_json_loads_or_names_a_place(document in any_json()) {
        check_any(&document.to_string())?;
    }

    /// Text that is mostly not JSON: a valid fixture cut short, or with one byte changed, and
    /// arbitrary text. Syntax errors must give a line and column inside the text.
    #[test]
    fn broken_text_gives_a_position(
        document in valid_fixture(),
        pretty in any::<bool>(),
        cut in any::<prop::sample::Index>(),
        replacement in prop::sample::select(&["", ",", "}", "]", "\"", ":", "\n", "tru", "é", "\u{0}"][..]),
        arbitrary in "(?s).{0,64}",
    ) {
        let text = to_text(&document, pretty);
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        check_any(&text[..at])?;
        let next = text[at..].chars().next().map_or(0, char::len_utf8);
        check_any(&format!("{}{replacement}{}", &text[..at], &text[at + next..]))?;
        check_any(&arbitrary)?;
    }
}

#[test]
fn arrays_are_refused_where_objects_belong() {
    for text in [
        "[]",
        "[null, true, null, [], []]",
        r#"{"apps": [["a", 1, null, null, null, "v1", null, false]]}"#,
        r#"{"portals": [{"portalId": 1, "users": [[2, true]]}]}"#,
    ] {
        assert!(parse_fixture(SOURCE, text).is_err(), "{text} loads");
    }
    // Not "$.[0]": the array itself is wrong, at the root.
    let error = parse_fixture(SOURCE, "[false]").unwrap_err();
    assert_eq!(error.location, "$", "{error}");
    let error = parse_fixture(SOURCE, r#"{"apps": [["a", 1]]}"#).unwrap_err();
    assert!(error.location.starts_with("$.apps[0]"), "{error}");
}

#[test]
fn enum_errors_name_the_field() {
    for (text, location) in [
        (
            r#"{"apps": [{"name": "a", "appId": 1, "authRequired": false, "signatureVersion": null}]}"#,
            "$.apps[0].signatureVersion",
        ),
        (
            r#"{"apps": [{"name": "a", "appId": 1, "authRequired": false, "signatureVersion": 2}]}"#,
            "$.apps[0].signatureVersion",
        ),
        (
            r#"{"scenarios": [{"name": "s", "steps": [{}]}]}"#,
            "$.scenarios[0].steps[0]",
        ),
        (
            r#"{"scenarios": [{"name": "s", "steps": [{"reset": {}, "fire": {}}]}]}"#,
            "$.scenarios[0].steps[0]",
        ),
    ] {
        let error = parse_fixture(SOURCE, text).unwrap_err();
        assert!(error.location.starts_with(location), "{text}: {error}");
    }
}

#[test]
fn the_path_reader_follows_the_loader_format() {
    // The properties above depend on this reader; pin it on hand-made cases.
    let doc = json!({"apps": [{"appId": 1, "a.b": {"c": 2}}], "x": {}});
    assert!(path_exists(&doc, ""));
    assert!(path_exists(&doc, ".apps[0].appId"));
    assert!(path_exists(&doc, ".apps[0].a.b.c"));
    assert!(!path_exists(&doc, ".apps[1]"));
    assert!(!path_exists(&doc, ".apps[0].name"));
    assert!(path_exists_or_names_absent_key(&doc, "$.apps[0].name"));
    assert!(path_exists_or_names_absent_key(&doc, "$.x.y"));
    assert!(!path_exists_or_names_absent_key(&doc, "$.x.y.z"));
    assert!(!path_exists_or_names_absent_key(&doc, "$.apps[0].appId.z"));
    assert!(is_path_syntax("$") && is_path_syntax("$.apps[0].appId"));
    assert!(!is_path_syntax("line 1, column 2") && !is_path_syntax("apps"));
    assert!(is_text_position("{\n  [\n}", "line 2, column 3"));
    assert!(!is_text_position("{\n  [\n}", "line 4, column 1"));
}
