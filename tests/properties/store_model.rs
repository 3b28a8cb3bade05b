//! The in-memory store (`store::Store`) against a model of it, over generated operation sequences.
//!
//! The API's semantics are a handful of sentences of docs/api.md and docs/fidelity.md: POST creates
//! (409 when already registered), PATCH changes only the given fields (404 when nothing is
//! registered), DELETE removes, `null` means "not given", unknown fields and wrong types are a 400,
//! the three resources are independent, `acceptAnyAppId` provisions unknown apps with the first
//! app's credentials, reset returns to the seed, and an export loads again. Each sentence is easy
//! to test alone; what example tests miss are the interleavings (patch after reset, create after a
//! provisioned app was reset away, a flag set on an undeclared portal …). So a random sequence of
//! operations runs against both the store and a model a few lines long (maps of JSON records), and
//! after every step:
//!
//! - the result agrees: success with the record the model predicts, or the same error kind;
//! - `createdAt` equals `updatedAt` on create and stays on PATCH, and `updatedAt` moves forward
//!   by at least 1 ms on every PATCH (to the current time, or just past its old value);
//! - the store's snapshot equals the model's state, field by field;
//!
//! and at the end the snapshot loads again as a fixture and seeds an equal store.
//!
//! Operations go through the same two calls the HTTP handlers make (`fields::parse_body`, then
//! the store), so the request-body rules are part of what the model checks, without the cost of
//! HTTP in every step.

use std::collections::BTreeMap;

use hubspot_emulator::api::error::ApiError;
use hubspot_emulator::clock::Timestamp;
use hubspot_emulator::domain::channel_connection::ChannelConnectionResource;
use hubspot_emulator::domain::fields::{parse_body, Mode};
use hubspot_emulator::domain::recording::RecordingResource;
use hubspot_emulator::domain::settings::SettingsResource;
use hubspot_emulator::domain::{AppId, CallingResource};
use hubspot_emulator::fixture::loader::parse_fixture;
use hubspot_emulator::fixture::{AppFixture, Fixture, PortalFixture, UserFixture};
use hubspot_emulator::store::{Access, Credential, Store};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::json::{any_number, weird_string};

const REGRESSIONS: &str = "tests/properties/regressions/store_model.txt";

/// Two declared apps and one that is not (provisioned under `acceptAnyAppId`).
const APPS: [i32; 3] = [1001, 1002, 1003];
const PORTALS: [u64; 3] = [7001, 7002, 7003];
const USERS: [u64; 3] = [1, 2, 3];
const FIRST_KEY: &str = "key-1";
const SECOND_KEY: &str = "key-2";

// ---------------------------------------------------------------------------------------------
// The request schemas, as docs/api.md states them.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Str,
    Bool,
    /// An int32 of 0 or more: the window's `height` and `width` (docs/fidelity.md, "Assumed").
    Pixels,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Resource {
    Settings,
    ChannelConnection,
    Recording,
}

impl Resource {
    /// Field name, type, required on create.
    fn fields(self) -> &'static [(&'static str, Kind, bool)] {
        match self {
            Resource::Settings => &[
                ("name", Kind::Str, true),
                ("url", Kind::Str, true),
                ("height", Kind::Pixels, false),
                ("width", Kind::Pixels, false),
                ("isReady", Kind::Bool, false),
                ("supportsCustomObjects", Kind::Bool, false),
                ("supportsInboundCalling", Kind::Bool, false),
                ("usesCallingWindow", Kind::Bool, false),
                ("usesRemote", Kind::Bool, false),
            ],
            Resource::ChannelConnection => {
                &[("url", Kind::Str, true), ("isReady", Kind::Bool, true)]
            }
            Resource::Recording => &[("urlToRetrieveAuthedRecording", Kind::Str, true)],
        }
    }

    /// The member of the app's fixture that holds the record.
    fn member(self) -> &'static str {
        match self {
            Resource::Settings => "settings",
            Resource::ChannelConnection => "channelConnection",
            Resource::Recording => "recording",
        }
    }

    fn timestamped(self) -> bool {
        self != Resource::Recording
    }

    /// What a create fills in before applying the request (docs/fidelity.md: "Settings created
    /// with only `name` and `url` get `height` 600, `width` 400, `usesCallingWindow` true and
    /// every other flag false").
    fn defaults(self) -> Map<String, Value> {
        let defaults = match self {
            Resource::Settings => json!({
                "height": 600, "width": 400, "isReady": false, "supportsCustomObjects": false,
                "supportsInboundCalling": false, "usesCallingWindow": true, "usesRemote": false,
            }),
            _ => json!({}),
        };
        defaults.as_object().cloned().unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// Operations and their generators

#[derive(Clone, Debug)]
enum Op {
    Authorize {
        app: i32,
        key: &'static str,
    },
    Get {
        app: i32,
        resource: Resource,
    },
    Create {
        app: i32,
        resource: Resource,
        body: Vec<u8>,
    },
    Patch {
        app: i32,
        resource: Resource,
        body: Vec<u8>,
    },
    Delete {
        app: i32,
        resource: Resource,
    },
    ResetApp {
        app: i32,
    },
    ResetAll,
    SetFlag {
        portal: u64,
        user: u64,
        flag: bool,
    },
    GetFlag {
        portal: u64,
        user: u64,
    },
}

fn valid_value(kind: Kind) -> BoxedStrategy<Value> {
    match kind {
        Kind::Str => weird_string().prop_map(Value::from).boxed(),
        Kind::Bool => any::<bool>().prop_map(Value::from).boxed(),
        Kind::Pixels => prop_oneof![
            (0..=i32::MAX).prop_map(Value::from),
            Just(Value::from(0)),
            Just(Value::from(i32::MAX)),
        ]
        .boxed(),
    }
}

fn wrong_value(kind: Kind) -> BoxedStrategy<Value> {
    let other = prop_oneof![
        Just(json!([])),
        Just(json!({})),
        any::<bool>().prop_map(Value::from),
        any_number(),
        weird_string().prop_map(Value::from),
    ];
    match kind {
        Kind::Str => other
            .prop_filter("not a string", |v| !v.is_string())
            .boxed(),
        Kind::Bool => other
            .prop_filter("not a boolean", |v| !v.is_boolean())
            .boxed(),
        // Negative sizes, numbers that are not an int32 (1.5, 2^31, u64::MAX) and non-numbers.
        Kind::Pixels => prop_oneof![(i32::MIN..0).prop_map(Value::from), other]
            .prop_filter("not a pixel count", |v| {
                v.as_i64()
                    .is_none_or(|n| !(0..=i64::from(i32::MAX)).contains(&n))
            })
            .boxed(),
    }
}

#[derive(Clone, Copy)]
enum BodyMode {
    /// Required fields valid, the rest valid, null or absent: mostly a successful create.
    Create,
    /// Any field valid, null or absent: mostly a successful patch.
    Patch,
    /// Anything per field, and unknown keys.
    Anything,
}

/// A JSON object body for `resource`.
fn object_body(resource: Resource, mode: BodyMode) -> BoxedStrategy<Value> {
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = resource
        .fields()
        .iter()
        .map(|&(name, kind, required)| {
            let value = match (mode, required) {
                (BodyMode::Create, true) => valid_value(kind).prop_map(Some).boxed(),
                (BodyMode::Create | BodyMode::Patch, _) => prop_oneof![
                    3 => Just(None),
                    3 => valid_value(kind).prop_map(Some),
                    1 => Just(Some(Value::Null)),
                ]
                .boxed(),
                (BodyMode::Anything, _) => prop_oneof![
                    2 => Just(None),
                    2 => valid_value(kind).prop_map(Some),
                    1 => Just(Some(Value::Null)),
                    1 => wrong_value(kind).prop_map(Some),
                ]
                .boxed(),
            };
            value
                .prop_map(move |v| v.map(|v| (name.to_string(), v)))
                .boxed()
        })
        .collect();
    let unknown = match mode {
        BodyMode::Anything => prop::collection::vec(
            (
                // Names a client plausibly sends by mistake; none is in any request schema.
                prop::sample::select(&["isready", "Url", "colour", "createdAt", "appId", ""][..]),
                prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::from)],
            ),
            0..2,
        )
        .boxed(),
        _ => Just(Vec::new()).boxed(),
    };
    (fields, unknown)
        .prop_map(|(fields, unknown)| {
            let mut body: Map<String, Value> = fields.into_iter().flatten().collect();
            for (key, value) in unknown {
                body.insert(key.to_string(), value);
            }
            Value::Object(body)
        })
        .boxed()
}

fn body(resource: Resource, mode: BodyMode) -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        16 => object_body(resource, mode).prop_map(|v| v.to_string().into_bytes()),
        1 => prop::sample::select(&[
            "", "  \n", "null", "[]", "\"x\"", "5", "{", "{\"url\": }", "{} {}", "\u{feff}{}",
        ][..])
        .prop_map(|s| s.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..16),
    ]
    .boxed()
}

fn resource() -> BoxedStrategy<Resource> {
    prop::sample::select(
        &[
            Resource::Settings,
            Resource::ChannelConnection,
            Resource::Recording,
        ][..],
    )
    .boxed()
}

fn op() -> BoxedStrategy<Op> {
    // The undeclared app exists only once provisioned: pick it less often.
    let app = || prop_oneof![3 => Just(APPS[0]), 3 => Just(APPS[1]), 2 => Just(APPS[2])];
    let with_body = |mode: BodyMode| {
        (app(), resource())
            .prop_flat_map(move |(app, resource)| (Just(app), Just(resource), body(resource, mode)))
    };
    prop_oneof![
        2 => (app(), prop::sample::select(&[FIRST_KEY, SECOND_KEY, "wrong-key"][..]))
            .prop_map(|(app, key)| Op::Authorize { app, key }),
        3 => (app(), resource()).prop_map(|(app, resource)| Op::Get { app, resource }),
        4 => with_body(BodyMode::Create)
            .prop_map(|(app, resource, body)| Op::Create { app, resource, body }),
        1 => with_body(BodyMode::Anything)
            .prop_map(|(app, resource, body)| Op::Create { app, resource, body }),
        4 => with_body(BodyMode::Patch)
            .prop_map(|(app, resource, body)| Op::Patch { app, resource, body }),
        1 => with_body(BodyMode::Anything)
            .prop_map(|(app, resource, body)| Op::Patch { app, resource, body }),
        // HubSpot has no DELETE for the recording settings (the API answers 405).
        2 => (app(), prop::sample::select(&[Resource::Settings, Resource::ChannelConnection][..]))
            .prop_map(|(app, resource)| Op::Delete { app, resource }),
        1 => app().prop_map(|app| Op::ResetApp { app }),
        1 => Just(Op::ResetAll),
        2 => (prop::sample::select(&PORTALS[..]), prop::sample::select(&USERS[..]), any::<bool>())
            .prop_map(|(portal, user, flag)| Op::SetFlag { portal, user, flag }),
        1 => (prop::sample::select(&PORTALS[..]), prop::sample::select(&USERS[..]))
            .prop_map(|(portal, user)| Op::GetFlag { portal, user }),
    ]
    .boxed()
}

/// The seed: app 1001 with some resources registered (timestamps in the past, in the future, or
/// left to default), app 1002 with none, users with and without the flag, a portal without users.
fn seed() -> BoxedStrategy<String> {
    (
        any::<bool>(),
        prop::option::of(Just(json!({
            "name": "Seeded", "url": "https://seed.example/app", "height": 1,
            "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-02T00:00:00.000Z",
        }))),
        prop::option::of(prop_oneof![
            Just(json!({"url": "https://seed.example/numbers", "isReady": false})),
            Just(json!({"url": "https://seed.example/numbers", "isReady": true,
                        "createdAt": "2999-01-01T00:00:00.000Z",
                        "updatedAt": "2999-01-01T00:00:00.000Z"})),
        ]),
        prop::option::of(Just(json!({"urlToRetrieveAuthedRecording": "https://seed.example/%s"}))),
    )
        .prop_map(|(any_app, settings, connection, recording)| {
            let mut first = json!({
                "name": "first", "appId": APPS[0], "developerApiKey": FIRST_KEY,
                "clientSecret": "secret-1", "signatureVersion": "v2",
            });
            for (member, value) in [
                ("settings", settings),
                ("channelConnection", connection),
                ("recording", recording),
            ] {
                if let Some(value) = value {
                    first[member] = value;
                }
            }
            json!({
                "acceptAnyAppId": any_app,
                "apps": [first, {"name": "second", "appId": APPS[1], "developerApiKey": SECOND_KEY}],
                "portals": [
                    {"portalId": PORTALS[0], "users": [{"userId": 1, "supportsChannelConnection": true}, {"userId": 2}]},
                    {"portalId": PORTALS[1]},
                ],
            })
            .to_string()
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// The model

#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Ok,
    Validation,
    NotFound,
    Conflict,
    Unauthenticated,
    Other,
}

fn outcome_of<T>(result: &Result<T, ApiError>) -> Outcome {
    match result {
        Ok(_) => Outcome::Ok,
        Err(ApiError::Validation { .. }) => Outcome::Validation,
        Err(ApiError::NotFound(_)) => Outcome::NotFound,
        Err(ApiError::Conflict(_)) => Outcome::Conflict,
        Err(ApiError::Unauthenticated) => Outcome::Unauthenticated,
        Err(_) => Outcome::Other,
    }
}

struct Model {
    seed: Fixture,
    /// Each app as its fixture document, records included.
    apps: BTreeMap<i32, Map<String, Value>>,
    portals: BTreeMap<u64, BTreeMap<u64, bool>>,
}

impl Model {
    fn new(seed: Fixture) -> Self {
        let mut model = Model {
            seed,
            apps: BTreeMap::new(),
            portals: BTreeMap::new(),
        };
        model.reset_all();
        model
    }

    fn seeded_app(&self, app: i32) -> Option<Map<String, Value>> {
        self.seed
            .apps
            .iter()
            .find(|a| a.app_id.get() == app)
            .map(|a| {
                serde_json::to_value(a)
                    .unwrap()
                    .as_object()
                    .unwrap()
                    .clone()
            })
    }

    fn reset_all(&mut self) {
        self.apps = APPS
            .iter()
            .filter_map(|&id| self.seeded_app(id).map(|a| (id, a)))
            .collect();
        self.portals = self
            .seed
            .portals
            .iter()
            .map(|p| {
                let users = p
                    .users
                    .iter()
                    .map(|u| (u.user_id, u.supports_channel_connection))
                    .collect();
                (p.portal_id, users)
            })
            .collect();
    }

    fn reset_app(&mut self, app: i32) -> bool {
        match self.seeded_app(app) {
            Some(seeded) => {
                self.apps.insert(app, seeded);
                true
            }
            None => self.apps.remove(&app).is_some(),
        }
    }

    fn key_of(&self, app: i32) -> Option<&str> {
        self.apps.get(&app)?.get("developerApiKey")?.as_str()
    }

    /// The credential check with provisioning (docs/fidelity.md: a credential valid for another app
    /// is a 401; an undeclared app is a 404 for a caller known elsewhere, else a 401; under
    /// `acceptAnyAppId` it is provisioned as `auto-{appId}` with the first app's credentials).
    fn authorize(&mut self, app: i32, key: &str) -> Outcome {
        if self.apps.contains_key(&app) {
            return if self.key_of(app) == Some(key) {
                Outcome::Ok
            } else {
                Outcome::Unauthenticated
            };
        }
        if self.provisions() {
            let first = self.seeded_app(self.seed.apps[0].app_id.get()).unwrap();
            if first.get("developerApiKey").and_then(Value::as_str) != Some(key) {
                return Outcome::Unauthenticated;
            }
            self.provision(app);
            return Outcome::Ok;
        }
        let known = self.apps.keys().any(|&id| self.key_of(id) == Some(key));
        if known {
            Outcome::NotFound
        } else {
            Outcome::Unauthenticated
        }
    }

    /// Does the state provision undeclared apps (`acceptAnyAppId`, with an app to copy)?
    fn provisions(&self) -> bool {
        self.seed.accept_any_app_id && !self.seed.apps.is_empty()
    }

    /// `app` provisioned as `auto-{appId}` with the first app's credentials and nothing registered.
    fn provision(&mut self, app: i32) {
        let mut provisioned = self.seeded_app(self.seed.apps[0].app_id.get()).unwrap();
        provisioned.insert("name".into(), format!("auto-{app}").into());
        provisioned.insert("appId".into(), app.into());
        for resource in [
            Resource::Settings,
            Resource::ChannelConnection,
            Resource::Recording,
        ] {
            provisioned.remove(resource.member());
        }
        self.apps.insert(app, provisioned);
    }

    fn record(&self, app: i32, resource: Resource) -> Option<&Map<String, Value>> {
        self.apps.get(&app)?.get(resource.member())?.as_object()
    }

    fn expected(&self) -> Fixture {
        let apps = self
            .apps
            .values()
            .map(|a| serde_json::from_value::<AppFixture>(Value::Object(a.clone())).unwrap())
            .collect();
        let portals = self
            .portals
            .iter()
            .map(|(&portal_id, users)| PortalFixture {
                portal_id,
                users: users
                    .iter()
                    .map(|(&user_id, &flag)| UserFixture {
                        user_id,
                        supports_channel_connection: flag,
                        connection_status: Default::default(),
                    })
                    .collect(),
                ..PortalFixture::new(portal_id)
            })
            .collect();
        Fixture {
            schema: None,
            accept_any_app_id: self.seed.accept_any_app_id,
            rate_limit: self.seed.rate_limit,
            apps,
            portals,
            scenarios: Vec::new(),
        }
    }
}

/// The request-body rules: the body is a JSON object; each key is a field of the schema; `null`
/// is "not given"; a given value has the field's type (an int32 in range); on create every
/// required field is given. Returns the fields given, or `None` for a 400.
fn model_parse(resource: Resource, body: &[u8], create: bool) -> Option<Map<String, Value>> {
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) else {
        return None;
    };
    let mut given = Map::new();
    for (key, value) in object {
        let &(_, kind, _) = resource.fields().iter().find(|(name, _, _)| *name == key)?;
        let fits = match kind {
            _ if value.is_null() => continue,
            Kind::Str => value.is_string(),
            Kind::Bool => value.is_boolean(),
            Kind::Pixels => value
                .as_i64()
                .is_some_and(|n| (0..=i64::from(i32::MAX)).contains(&n)),
        };
        if !fits {
            return None;
        }
        given.insert(key, value);
    }
    let complete = resource
        .fields()
        .iter()
        .all(|(name, _, required)| !(create && *required) || given.contains_key(*name));
    complete.then_some(given)
}

fn millis(record: &Map<String, Value>, field: &str) -> i64 {
    let text = record[field].as_str().expect("a timestamp string");
    Timestamp::parse(text).expect("a valid timestamp").millis()
}

// ---------------------------------------------------------------------------------------------
// Running both

/// One step against the store: the result as JSON (a record, a flag, a reset answer) or the kind
/// of error.
fn apply(store: &Store, op: &Op) -> Result<Value, Outcome> {
    fn json<T: serde::Serialize, E: Into<ApiError>>(
        result: Result<T, E>,
    ) -> Result<Value, Outcome> {
        // As the API adapter answers: the domain's and the store's errors in HubSpot's terms.
        let result = result.map_err(Into::into);
        let outcome = outcome_of(&result);
        result
            .map(|r| serde_json::to_value(r).expect("records serialize"))
            .map_err(|_| outcome)
    }
    fn create<R: CallingResource>(
        store: &Store,
        app: AppId,
        body: &[u8],
    ) -> Result<Value, Outcome> {
        json(
            parse_body::<R::Fields>(body, &R::CREATE_SCHEMA, Mode::Create)
                .map_err(ApiError::from)
                .and_then(|fields| Ok(store.create::<R>(app, fields)?)),
        )
    }
    fn patch<R: CallingResource>(store: &Store, app: AppId, body: &[u8]) -> Result<Value, Outcome> {
        json(
            parse_body::<R::Fields>(body, &R::PATCH_SCHEMA, Mode::Patch)
                .map_err(ApiError::from)
                .and_then(|fields| Ok(store.patch::<R>(app, fields)?)),
        )
    }
    let id = |app: i32| AppId::new(app.into()).expect("test app ids are valid");
    match *op {
        Op::Authorize { app, key } => json(
            store
                .authorize(id(app), &Credential::ApiKey(key.into()), Access::Write)
                .map(|()| Value::Null),
        ),
        Op::Get { app, resource } => match resource {
            Resource::Settings => json(store.get::<SettingsResource>(id(app))),
            Resource::ChannelConnection => json(store.get::<ChannelConnectionResource>(id(app))),
            Resource::Recording => json(store.get::<RecordingResource>(id(app))),
        },
        Op::Create {
            app,
            resource,
            ref body,
        } => match resource {
            Resource::Settings => create::<SettingsResource>(store, id(app), body),
            Resource::ChannelConnection => {
                create::<ChannelConnectionResource>(store, id(app), body)
            }
            Resource::Recording => create::<RecordingResource>(store, id(app), body),
        },
        Op::Patch {
            app,
            resource,
            ref body,
        } => match resource {
            Resource::Settings => patch::<SettingsResource>(store, id(app), body),
            Resource::ChannelConnection => patch::<ChannelConnectionResource>(store, id(app), body),
            Resource::Recording => patch::<RecordingResource>(store, id(app), body),
        },
        Op::Delete { app, resource } => match resource {
            Resource::Settings => json(
                store
                    .delete::<SettingsResource>(id(app))
                    .map(|()| Value::Null),
            ),
            Resource::ChannelConnection => json(
                store
                    .delete::<ChannelConnectionResource>(id(app))
                    .map(|()| Value::Null),
            ),
            Resource::Recording => json(
                store
                    .delete::<RecordingResource>(id(app))
                    .map(|()| Value::Null),
            ),
        },
        Op::ResetApp { app } => Ok(store.reset_app(id(app)).into()),
        Op::ResetAll => {
            store.reset_all();
            Ok(Value::Null)
        }
        Op::SetFlag { portal, user, flag } => {
            store.set_user_flag(portal, user, flag);
            Ok(Value::Null)
        }
        Op::GetFlag { portal, user } => Ok(json!(store.user_flag(portal, user))),
    }
}

/// A successful registration in the model: the record as the store should answer it (its times
/// taken from that answer, checked to lie within the call), kept on the app.
fn create_in_model(
    model: &mut Model,
    app: i32,
    resource: Resource,
    mut record: Map<String, Value>,
    actual: &Result<Value, Outcome>,
    before: i64,
    after: i64,
) -> Result<Result<Value, Outcome>, TestCaseError> {
    if resource.timestamped() {
        let Ok(Value::Object(returned)) = actual else {
            return Err(TestCaseError::fail(format!(
                "the registration should succeed, got {actual:?}"
            )));
        };
        let created = millis(returned, "createdAt");
        prop_assert_eq!(
            created,
            millis(returned, "updatedAt"),
            "createdAt == updatedAt"
        );
        prop_assert!(
            (before..=after).contains(&created),
            "createdAt {} not between {} and {}",
            created,
            before,
            after
        );
        record.insert("createdAt".into(), returned["createdAt"].clone());
        record.insert("updatedAt".into(), returned["updatedAt"].clone());
    }
    Ok(Ok(keep(model, app, resource, record)))
}

/// `record` kept on the model's app as its `resource`; the record as JSON.
fn keep(model: &mut Model, app: i32, resource: Resource, record: Map<String, Value>) -> Value {
    model
        .apps
        .get_mut(&app)
        .unwrap()
        .insert(resource.member().into(), Value::Object(record.clone()));
    Value::Object(record)
}

/// Runs one step on the model, given what the store answered (for the times it chose), and
/// checks that answer. `before` and `after` bracket the store call.
fn step(
    model: &mut Model,
    op: &Op,
    actual: Result<Value, Outcome>,
    before: i64,
    after: i64,
) -> Result<(), TestCaseError> {
    let expected: Result<Value, Outcome> = match *op {
        Op::Authorize { app, key } => match model.authorize(app, key) {
            Outcome::Ok => Ok(Value::Null),
            other => Err(other),
        },
        Op::Get { app, resource } => match model.apps.get(&app) {
            None => Err(Outcome::NotFound),
            Some(_) => model
                .record(app, resource)
                .map(|r| Value::Object(r.clone()))
                .ok_or(Outcome::NotFound),
        },
        Op::Create {
            app,
            resource,
            ref body,
        } => match model_parse(resource, body, true) {
            None => Err(Outcome::Validation),
            // A registration on an app the state would provision provisions it (the store's
            // callers authorize first; one forgotten since is served again, not lost).
            Some(_) if !model.apps.contains_key(&app) && !model.provisions() => {
                Err(Outcome::NotFound)
            }
            Some(_) if model.record(app, resource).is_some() => Err(Outcome::Conflict),
            Some(given) => {
                if !model.apps.contains_key(&app) {
                    model.provision(app);
                }
                let mut record = resource.defaults();
                record.extend(given);
                create_in_model(model, app, resource, record, &actual, before, after)?
            }
        },
        Op::Patch {
            app,
            resource,
            ref body,
        } => match model_parse(resource, body, false) {
            None => Err(Outcome::Validation),
            Some(_) if model.record(app, resource).is_none() => Err(Outcome::NotFound),
            Some(given) => {
                let mut record = model.record(app, resource).unwrap().clone();
                record.extend(given);
                if resource.timestamped() {
                    let Ok(Value::Object(returned)) = &actual else {
                        return Err(TestCaseError::fail(format!(
                            "{op:?} should succeed, got {actual:?}"
                        )));
                    };
                    prop_assert_eq!(
                        &returned["createdAt"],
                        &record["createdAt"],
                        "createdAt kept"
                    );
                    let previous = millis(&record, "updatedAt");
                    let updated = millis(returned, "updatedAt");
                    prop_assert!(
                        updated > previous && (updated <= after || updated == previous + 1),
                        "updatedAt {} after {} (call between {} and {})",
                        updated,
                        previous,
                        before,
                        after
                    );
                    record.insert("updatedAt".into(), returned["updatedAt"].clone());
                }
                Ok(keep(model, app, resource, record))
            }
        },
        Op::Delete { app, resource } => {
            match model
                .apps
                .get_mut(&app)
                .and_then(|a| a.remove(resource.member()))
            {
                Some(_) => Ok(Value::Null),
                None => Err(Outcome::NotFound),
            }
        }
        Op::ResetApp { app } => Ok(model.reset_app(app).into()),
        Op::ResetAll => {
            model.reset_all();
            Ok(Value::Null)
        }
        Op::SetFlag { portal, user, flag } => {
            model.portals.entry(portal).or_default().insert(user, flag);
            Ok(Value::Null)
        }
        Op::GetFlag { portal, user } => {
            Ok(json!(model.portals.get(&portal).and_then(|u| u.get(&user))))
        }
    };
    prop_assert_eq!(actual, expected, "result of {:?}", op);
    Ok(())
}

proptest! {
    #![proptest_config(crate::config(384, REGRESSIONS))]

    #[test]
    fn any_operation_sequence_matches_the_model(
        seed in seed(),
        ops in prop::collection::vec(op(), 1..48),
    ) {
        let fixture = parse_fixture("seed", &seed).expect("the seed loads");
        let store = Store::new(fixture.to_seed());
        // What `GET /_emulator/state` exports: the store's snapshot in the fixture format.
        let export = |store: &Store| Fixture::from(store.snapshot());
        let mut model = Model::new(fixture);
        prop_assert_eq!(export(&store), model.expected(), "the seeded state");
        for (index, op) in ops.iter().enumerate() {
            let before = Timestamp::now().millis();
            let actual = apply(&store, op);
            let after = Timestamp::now().millis();
            step(&mut model, op, actual, before, after)?;
            prop_assert_eq!(export(&store), model.expected(), "state after step {}: {:?}", index, op);
        }

        // An export loads again, and a store seeded with it exports the same state.
        let snapshot = export(&store);
        let text = serde_json::to_string(&snapshot).expect("a snapshot serializes");
        let reloaded = parse_fixture("export", &text);
        prop_assert!(reloaded.is_ok(), "the export does not load: {:?}\n{}", reloaded, text);
        let reloaded = reloaded.unwrap();
        prop_assert_eq!(&reloaded, &snapshot);
        prop_assert_eq!(export(&Store::new(reloaded.to_seed())), snapshot);
    }
}
