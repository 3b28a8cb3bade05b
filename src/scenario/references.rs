//! What a scenario refers to, checked when the files are loaded rather than when the step runs:
//! app names (in steps and in `${apps.NAME…}`), every `${apps…}`/`${portals…}` path (the seed is
//! known before anything starts), `${steps.NAME…}` naming a step earlier in the file, templates
//! that close, `waitFor` having exactly one condition and its `urlMatches` compiling as a regular
//! expression, `probe` apps having the client secret that signs deliveries, the object types,
//! portals and association types of CRM steps, `http` steps' methods and (when written out)
//! URLs, and the calling widget's steps (their apps, a `waitFor.sdkMessage` naming a message of
//! the SDK that goes the way it says). A mistake is a fixture error (exit 2) with the file and JSON path, before the app under
//! test is started.

use std::collections::HashSet;

use serde_json::Value;

use super::runner::{resolve_url, ONE_CONDITION};
use super::template::{lookup, pieces, seed_context, strings, Piece};
use crate::crm::associations::AssociationType;
use crate::crm::ObjectType;
use crate::domain::PortalId;
use crate::fixture::steps::{
    HttpStep, MessageDirection, ObjectRef, Scenario, SdkMessageCondition, SeedCrmStep, Step,
    WaitForStep,
};
use crate::fixture::suite::Suite;
use crate::fixture::{Fixture, FixtureError};
use crate::sdk::catalogue;

/// Every reference of every file of the suite; the first mistake.
pub fn check_references(suite: &Suite) -> Result<(), FixtureError> {
    let seed = seed_context(&suite.seed);
    for file in &suite.files {
        let mut checker = Checker {
            source: &file.name,
            fixture: &suite.seed,
            seed: &seed,
            named_steps: HashSet::new(),
        };
        for (index, scenario) in file.scenarios.iter().enumerate() {
            checker.scenario(&format!("$.scenarios[{index}]"), scenario)?;
        }
    }
    Ok(())
}

struct Checker<'a> {
    source: &'a str,
    fixture: &'a Fixture,
    seed: &'a Value,
    /// Named steps seen so far in the file: `${steps.NAME}` reads an earlier one.
    named_steps: HashSet<&'a str>,
}

impl<'a> Checker<'a> {
    fn error(&self, path: String, message: String) -> FixtureError {
        FixtureError::new(self.source, path, message)
    }

    fn scenario(&mut self, at: &str, scenario: &'a Scenario) -> Result<(), FixtureError> {
        for (index, step) in scenario.steps.iter().enumerate() {
            let at = format!("{at}.steps[{index}].{}", step.kind());
            self.step(&at, step)?;
            if let Some(name) = step.name() {
                self.named_steps.insert(name);
            }
        }
        Ok(())
    }

    fn step(&self, at: &str, step: &Step) -> Result<(), FixtureError> {
        match step {
            Step::Api(api) => {
                self.app(&format!("{at}.app"), api.app.as_deref())?;
                self.templates(&format!("{at}.path"), &api.path)?;
                if let Some(body) = &api.body {
                    self.templates_in(&format!("{at}.body"), body)?;
                }
                if let Some(body) = api.expect.as_ref().and_then(|e| e.body.as_ref()) {
                    self.templates_in(&format!("{at}.expect.body"), body)?;
                }
                Ok(())
            }
            Step::Http(http) => self.http(at, http),
            Step::SeedCrm(seed) => self.seed_crm(at, seed),
            Step::WaitFor(wait) => self.wait_for(at, wait),
            // A fire step needs a client secret only if the gate lets it send (the app
            // registered, the user may see it): that is the step's outcome, not a mistake.
            Step::Fire(fire) => self
                .app(&format!("{at}.app"), fire.app.as_deref())
                .map(drop),
            Step::Probe(probe) => {
                self.signing_app(&format!("{at}.app"), probe.app.as_deref())?;
                match &probe.url {
                    Some(url) => self.templates(&format!("{at}.url"), url),
                    None => Ok(()),
                }
            }
            Step::Reset(reset) => match &reset.app {
                Some(name) => self.app(&format!("{at}.app"), Some(name)).map(drop),
                None => Ok(()),
            },
            Step::SetUserFlag(_) => Ok(()),
            Step::OpenWidget(open) => {
                self.app(&format!("{at}.app"), open.app.as_deref())?;
                match &open.widget_url {
                    Some(url) => self.templates(&format!("{at}.widgetUrl"), url),
                    None => Ok(()),
                }
            }
            Step::Dial(dial) => {
                self.app(&format!("{at}.app"), dial.app.as_deref())?;
                self.templates(&format!("{at}.toNumber"), &dial.to_number)?;
                match &dial.contact_id {
                    Some(id) => self.templates(&format!("{at}.contactId"), id),
                    None => Ok(()),
                }
            }
            Step::Hangup(hangup) => self
                .app(&format!("{at}.app"), hangup.app.as_deref())
                .map(drop),
            Step::Visibility(visibility) => self
                .app(&format!("{at}.app"), visibility.app.as_deref())
                .map(drop),
        }
    }

    /// A `waitFor.sdkMessage`: a type of the SDK that goes the way the step says.
    fn sdk_message(&self, at: &str, condition: &SdkMessageCondition) -> Result<(), FixtureError> {
        self.app(&format!("{at}.app"), condition.app.as_deref())?;
        if let Some(data) = &condition.data {
            self.templates_in(&format!("{at}.data"), data)?;
        }
        let name = condition.message_type.as_str();
        let (known, other_way) = match condition.direction {
            MessageDirection::FromApp => (catalogue::from_app(name), catalogue::to_app(name)),
            MessageDirection::ToApp => (catalogue::to_app(name), catalogue::from_app(name)),
        };
        if known.is_some() {
            return Ok(());
        }
        let message = if other_way.is_some() {
            format!(
                "{name} goes the other way: set \"direction\": \"{}\"",
                match condition.direction {
                    MessageDirection::FromApp => "toApp",
                    MessageDirection::ToApp => "fromApp",
                }
            )
        } else {
            let hint = catalogue::closest(name)
                .map(|known| format!(" (did you mean {known}?)"))
                .unwrap_or_default();
            format!("{name:?} is not a message of the calling-extensions SDK{hint}; docs/calling-widget.md lists them")
        };
        Err(self.error(format!("{at}.type"), message))
    }

    fn http(&self, at: &str, http: &HttpStep) -> Result<(), FixtureError> {
        if awc::http::Method::from_bytes(http.method.to_ascii_uppercase().as_bytes()).is_err() {
            return Err(self.error(
                format!("{at}.method"),
                format!(
                    "{:?} is not an HTTP method: use GET, POST, PUT, PATCH or DELETE",
                    http.method
                ),
            ));
        }
        self.templates(&format!("{at}.url"), &http.url)?;
        if let Some(base) = &http.base {
            self.templates(&format!("{at}.base"), base)?;
        }
        for (name, value) in &http.headers {
            self.templates(&format!("{at}.headers.{name}"), value)?;
        }
        if let Some(body) = &http.body {
            self.templates_in(&format!("{at}.body"), body)?;
        }
        if let Some(body) = http.expect.as_ref().and_then(|e| e.body.as_ref()) {
            self.templates_in(&format!("{at}.expect.body"), body)?;
        }
        // Written out, the URL is checked now; with `${…}` in it, when the step runs.
        let literal = |text: &str| !text.contains("${");
        if literal(&http.url) && http.base.as_deref().is_none_or(literal) {
            resolve_url(&http.url, http.base.as_deref())
                .map_err(|e| self.error(format!("{at}.url"), e))?;
        }
        Ok(())
    }

    fn seed_crm(&self, at: &str, seed: &SeedCrmStep) -> Result<(), FixtureError> {
        let object_type = self.object_type(&format!("{at}.objectType"), &seed.object_type)?;
        self.portal(at, seed.portal_id)?;
        for (name, value) in &seed.properties {
            self.templates(&format!("{at}.properties.{name}"), value)?;
        }
        for (index, association) in seed.associations.iter().enumerate() {
            let at = format!("{at}.associations[{index}]");
            self.templates(&format!("{at}.toId"), &association.to_id)?;
            if AssociationType::find(object_type, association.association_type_id).is_none() {
                return Err(self.error(
                    format!("{at}.associationTypeId"),
                    format!(
                        "{} is not a HubSpot-defined association from {object_type}: use {}",
                        association.association_type_id,
                        AssociationType::describe_from(object_type)
                    ),
                ));
            }
        }
        Ok(())
    }

    fn wait_for(&self, at: &str, wait: &WaitForStep) -> Result<(), FixtureError> {
        if wait.conditions() != 1 {
            return Err(self.error(at.to_string(), ONE_CONDITION.into()));
        }
        if let Some(condition) = &wait.crm_object {
            let at = format!("{at}.crmObject");
            self.object_type(&format!("{at}.objectType"), &condition.object_type)?;
            self.portal(&at, condition.portal_id)?;
            for (name, value) in &condition.properties {
                self.templates(&format!("{at}.properties.{name}"), value)?;
            }
            for (index, target) in condition.associated_with.iter().enumerate() {
                self.object_ref(&format!("{at}.associatedWith[{index}]"), target)?;
            }
        }
        if let Some(condition) = &wait.inbound_call {
            let at = format!("{at}.inboundCall");
            self.app(&format!("{at}.app"), condition.app.as_deref())?;
            for (field, value) in [
                ("externalCallId", &condition.external_call_id),
                ("fromNumber", &condition.from_number),
                ("toNumber", &condition.to_number),
            ] {
                if let Some(value) = value {
                    self.templates(&format!("{at}.{field}"), value)?;
                }
            }
            for (index, id) in condition.matched_object_ids.iter().flatten().enumerate() {
                self.templates(&format!("{at}.matchedObjectIds[{index}]"), id)?;
            }
        }
        if let Some(condition) = &wait.channel_connection {
            let at = format!("{at}.channelConnection");
            self.app(&format!("{at}.app"), condition.app.as_deref())?;
            condition
                .url_pattern()
                .map_err(|e| self.error(format!("{at}.urlMatches"), e))?;
        }
        if let Some(condition) = &wait.settings {
            self.app(&format!("{at}.settings.app"), condition.app.as_deref())?;
        }
        if let Some(condition) = &wait.sdk_message {
            self.sdk_message(&format!("{at}.sdkMessage"), condition)?;
        }
        Ok(())
    }

    fn object_type(&self, at: &str, name: &str) -> Result<ObjectType, FixtureError> {
        ObjectType::parse(name).ok_or_else(|| {
            self.error(
                at.to_string(),
                format!("{name:?} is not an object type the emulator's CRM keeps: use calls, contacts or companies"),
            )
        })
    }

    fn object_ref(&self, at: &str, target: &ObjectRef) -> Result<(), FixtureError> {
        self.object_type(&format!("{at}.objectType"), &target.object_type)?;
        self.templates(&format!("{at}.id"), &target.id)
    }

    /// The portal a CRM step acts on: one the run's files declare (or an app is installed in),
    /// or, when the step names none, the first portal, which must then exist.
    fn portal(&self, at: &str, portal_id: Option<PortalId>) -> Result<(), FixtureError> {
        let declared: Vec<PortalId> = self.fixture.portals.iter().map(|p| p.portal_id).collect();
        match portal_id {
            None if declared.is_empty() => Err(self.error(
                at.to_string(),
                "this step acts on the first portal, but no file of the run declares a portal: add \"portalId\" to the step or \"portals\": [{\"portalId\": …}] to a file".into(),
            )),
            None => Ok(()),
            Some(id)
                if declared.contains(&id)
                    || self.fixture.apps.iter().any(|a| a.installed_portal_id == Some(id)) =>
            {
                Ok(())
            }
            Some(id) => Err(self.error(
                format!("{at}.portalId"),
                format!("no portal {id}: the run's files declare portals {declared:?} (an app's installedPortalId counts too)"),
            )),
        }
    }

    /// The app a step names, or the first app when it names none.
    fn app(
        &self,
        at: &str,
        name: Option<&str>,
    ) -> Result<&'a crate::fixture::AppFixture, FixtureError> {
        let apps = &self.fixture.apps;
        match name {
            None => apps
                .first()
                .ok_or_else(|| self.error(at.to_string(), NO_APP.into())),
            Some(name) => apps
                .iter()
                .find(|a| a.name == name)
                .ok_or_else(|| self.error(at.to_string(), unknown_app(name, self.fixture))),
        }
    }

    /// An app that probes sign deliveries for: it needs a client secret.
    fn signing_app(&self, at: &str, name: Option<&str>) -> Result<(), FixtureError> {
        let app = self.app(at, name)?;
        match app.client_secret {
            Some(_) => Ok(()),
            None => Err(self.error(
                at.to_string(),
                format!(
                    "app {:?} has no clientSecret, so its deliveries cannot be signed: add \"clientSecret\" to its declaration",
                    app.name
                ),
            )),
        }
    }

    fn templates_in(&self, at: &str, value: &Value) -> Result<(), FixtureError> {
        strings(value)
            .into_iter()
            .try_for_each(|text| self.templates(at, text))
    }

    /// Every `${…}` in `text`: the seed's paths resolve now, steps' names are earlier steps.
    fn templates(&self, at: &str, text: &str) -> Result<(), FixtureError> {
        let pieces = pieces(text).map_err(|e| self.error(at.to_string(), e))?;
        for piece in pieces {
            let Piece::Path(path) = piece else { continue };
            let mut segments = path.split('.');
            let message = match (segments.next(), segments.next()) {
                (Some("apps"), Some(name)) if !self.fixture.apps.iter().any(|a| a.name == name) => {
                    Some(format!("${{{path}}}: {}", unknown_app(name, self.fixture)))
                }
                (Some("apps" | "portals"), _) => lookup(path, self.seed).err(),
                (Some("steps"), None) => None,
                (Some("steps"), Some(name)) if self.named_steps.contains(name) => None,
                (Some("steps"), Some(name)) => Some(format!(
                    "${{{path}}} reads the step named {name:?}, but no earlier step of this file has that name: name a step with \"name\": {name:?} before this one"
                )),
                _ => Some(format!(
                    "${{{path}}} does not resolve: use apps.NAME.FIELD, portals.INDEX.FIELD or steps.STEP_NAME.FIELD"
                )),
            };
            if let Some(message) = message {
                return Err(self.error(at.to_string(), message));
            }
        }
        Ok(())
    }
}

/// A step acts on the first app, and there is none.
pub(super) const NO_APP: &str = "this step acts on the first app, but no file of the run declares an app: add \"apps\": [{\"name\": …, \"appId\": …}] to one of them";

/// A step names an app no file of the run declares.
pub(super) fn unknown_app(name: &str, fixture: &Fixture) -> String {
    let names: Vec<&str> = fixture.apps.iter().map(|a| a.name.as_str()).collect();
    format!("no app named {name:?}; the run's files declare {names:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::loader::parse_fixture;

    const SEED: &str = r#"{"apps": [{"name": "demo", "appId": 7, "authRequired": false, "clientSecret": "s"},
                                    {"name": "unsigned", "appId": 8, "authRequired": false, "installedPortalId": 3}],
                           "portals": [{"portalId": 1}]}"#;

    /// The location and message of the first mistake in a run of the seed and `steps`.
    fn mistake(steps: &str) -> Option<(String, String)> {
        let scenarios = format!(r#"{{"scenarios": [{{"name": "s", "steps": {steps}}}]}}"#);
        let suite = Suite::from_files(vec![
            (
                "seed.json".into(),
                parse_fixture("seed.json", SEED).unwrap(),
            ),
            (
                "s.json".into(),
                parse_fixture("s.json", &scenarios).unwrap(),
            ),
        ])
        .unwrap();
        check_references(&suite)
            .err()
            .map(|e| (format!("{}: {}", e.source, e.location), e.message))
    }

    #[test]
    fn correct_references_pass() {
        let steps = r#"[
            {"api": {"name": "get", "method": "GET", "path": "/x/${apps.demo.appId}/${apps.unsigned.appId}"}},
            {"waitFor": {"channelConnection": {"app": "demo", "urlMatches": "^http://127\\.0\\.0\\.1:\\d+/"}}},
            {"fire": {"portalId": 1, "userId": 2}},
            {"fire": {"app": "unsigned", "portalId": 1, "userId": 2, "expect": {"outcome": "not-registered"}}},
            {"api": {"method": "GET", "path": "/", "body": {"all": "${steps}"}}},
            {"probe": {"app": "demo", "url": "${steps.get.body.url}"}},
            {"reset": {"app": "unsigned"}},
            {"seedCrm": {"name": "ada", "objectType": "contacts", "properties": {"phone": "${apps.demo.appId}"}}},
            {"seedCrm": {"portalId": 3, "objectType": "calls", "properties": {"hs_timestamp": "0"},
                         "associations": [{"toId": "${steps.ada.id}", "associationTypeId": 194}]}},
            {"http": {"name": "rang", "method": "post", "base": "${steps.get.body.url}", "url": "/telephony/incoming-call",
                      "headers": {"X-Id": "${steps.ada.id}"}, "body": {"id": "${steps.ada.id}"}}},
            {"http": {"method": "GET", "url": "https://app.test/health", "expect": {"body": {"id": "${steps.rang.body.id}"}}}},
            {"waitFor": {"inboundCall": {"app": "demo", "externalCallId": "${steps.rang.body.id}", "matchedObjectIds": ["${steps.ada.id}"]}}},
            {"waitFor": {"crmObject": {"properties": {"hs_call_external_id": "${steps.rang.body.id}"},
                                       "associatedWith": [{"objectType": "contacts", "id": "${steps.ada.id}"}]}}},
            {"openWidget": {"app": "demo", "widgetUrl": "${steps.get.body.url}", "timeoutMs": 5000}},
            {"dial": {"toNumber": "${steps.ada.properties.phone}", "contactId": "${steps.ada.id}"}},
            {"hangup": {"app": "unsigned", "portalId": 1, "userId": 2}},
            {"visibility": {"isMinimized": true, "isHidden": false}},
            {"waitFor": {"sdkMessage": {"type": "DIAL_NUMBER", "direction": "toApp", "data": {"objectId": "${steps.ada.id}"}}}},
            {"waitFor": {"sdkMessage": {"type": "CALL_ENDED", "codes": ["call-ended-without-engagement-id"]}}}
        ]"#;
        assert_eq!(mistake(steps), None);
    }

    #[test]
    fn mistakes_are_found_at_their_path() {
        let cases = [
            (
                r#"[{"waitFor": {"channelConnection": {"urlMatches": "(unclosed"}}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor.channelConnection.urlMatches",
                "is not a usable regular expression: unclosed group",
            ),
            (
                r#"[{"waitFor": {}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor",
                "exactly one condition",
            ),
            (
                r#"[{"fire": {"app": "demi", "portalId": 1, "userId": 2}}]"#,
                "s.json: $.scenarios[0].steps[0].fire.app",
                r#"no app named "demi"; the run's files declare ["demo", "unsigned"]"#,
            ),
            (
                r#"[{"api": {"method": "GET", "path": "/${apps.demi.appId}"}}]"#,
                "s.json: $.scenarios[0].steps[0].api.path",
                r#"no app named "demi""#,
            ),
            (
                r#"[{"api": {"method": "GET", "path": "/", "body": {"a": ["${apps.demo.appid}"]}}}]"#,
                "s.json: $.scenarios[0].steps[0].api.body",
                r#"no "appid""#,
            ),
            (
                r#"[{"api": {"method": "GET", "path": "/${steps.later.body}"}}, {"reset": {"name": "later"}}]"#,
                "s.json: $.scenarios[0].steps[0].api.path",
                "no earlier step of this file",
            ),
            (
                r#"[{"api": {"method": "GET", "path": "/${apps.demo.appId"}}]"#,
                "s.json: $.scenarios[0].steps[0].api.path",
                "unclosed ${",
            ),
            (
                r#"[{"probe": {"app": "unsigned"}}]"#,
                "s.json: $.scenarios[0].steps[0].probe.app",
                "has no clientSecret",
            ),
            (
                r#"[{"reset": {"app": "nobody"}}]"#,
                "s.json: $.scenarios[0].steps[0].reset.app",
                "no app named",
            ),
            (
                r#"[{"seedCrm": {"objectType": "deals"}}]"#,
                "s.json: $.scenarios[0].steps[0].seedCrm.objectType",
                r#""deals" is not an object type"#,
            ),
            (
                r#"[{"seedCrm": {"portalId": 2, "objectType": "contacts"}}]"#,
                "s.json: $.scenarios[0].steps[0].seedCrm.portalId",
                "no portal 2: the run's files declare portals [1]",
            ),
            (
                r#"[{"seedCrm": {"objectType": "contacts", "associations": [{"toId": "1", "associationTypeId": 194}]}}]"#,
                "s.json: $.scenarios[0].steps[0].seedCrm.associations[0].associationTypeId",
                "194 is not a HubSpot-defined association from contacts: use 193",
            ),
            (
                r#"[{"seedCrm": {"objectType": "contacts", "properties": {"phone": "${steps.nope.id}"}}}]"#,
                "s.json: $.scenarios[0].steps[0].seedCrm.properties.phone",
                "no earlier step of this file",
            ),
            (
                r#"[{"http": {"method": "GET", "url": "/health"}}]"#,
                "s.json: $.scenarios[0].steps[0].http.url",
                "is a path: give \"base\"",
            ),
            (
                r#"[{"http": {"method": "GET", "url": "file:///etc/passwd"}}]"#,
                "s.json: $.scenarios[0].steps[0].http.url",
                "not http or https",
            ),
            (
                r#"[{"http": {"method": "GET /x", "url": "http://a.test/"}}]"#,
                "s.json: $.scenarios[0].steps[0].http.method",
                "is not an HTTP method",
            ),
            (
                r#"[{"http": {"method": "GET", "url": "http://a.test/", "headers": {"X": "${apps.demo.nope}"}}}]"#,
                "s.json: $.scenarios[0].steps[0].http.headers.X",
                r#"no "nope""#,
            ),
            (
                r#"[{"waitFor": {"sdkMessage": {"type": "OUTGOING_CALL_START"}}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor.sdkMessage.type",
                "did you mean OUTGOING_CALL_STARTED?",
            ),
            (
                r#"[{"waitFor": {"sdkMessage": {"type": "DIAL_NUMBER"}}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor.sdkMessage.type",
                r#"DIAL_NUMBER goes the other way: set "direction": "toApp""#,
            ),
            (
                r#"[{"waitFor": {"sdkMessage": {"type": "CALL_ENDED", "app": "demi"}}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor.sdkMessage.app",
                r#"no app named "demi""#,
            ),
            (
                r#"[{"openWidget": {"app": "demi"}}]"#,
                "s.json: $.scenarios[0].steps[0].openWidget.app",
                r#"no app named "demi""#,
            ),
            (
                r#"[{"dial": {"toNumber": "1", "contactId": "${steps.nobody.id}"}}]"#,
                "s.json: $.scenarios[0].steps[0].dial.contactId",
                "no earlier step of this file",
            ),
            (
                r#"[{"waitFor": {"inboundCall": {"app": "demi"}}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor.inboundCall.app",
                r#"no app named "demi""#,
            ),
            (
                r#"[{"waitFor": {"inboundCall": {"matchedObjectIds": ["${steps.x.id}"]}}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor.inboundCall.matchedObjectIds[0]",
                "no earlier step of this file",
            ),
            (
                r#"[{"waitFor": {"inboundCall": {}, "settings": {}}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor",
                "\"inboundCall\" or \"sdkMessage\"",
            ),
            (
                r#"[{"waitFor": {"crmObject": {"portalId": 9}}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor.crmObject.portalId",
                "no portal 9",
            ),
            (
                r#"[{"waitFor": {"crmObject": {"associatedWith": [{"objectType": "deals", "id": "1"}]}}}]"#,
                "s.json: $.scenarios[0].steps[0].waitFor.crmObject.associatedWith[0].objectType",
                r#""deals" is not an object type"#,
            ),
            (
                r#"[{"api": {"method": "GET", "path": "/${secrets.x}"}}]"#,
                "s.json: $.scenarios[0].steps[0].api.path",
                "use apps.NAME.FIELD",
            ),
        ];
        for (steps, location, message) in cases {
            let (at, text) =
                mistake(steps).unwrap_or_else(|| panic!("no mistake found in {steps}"));
            assert_eq!(at, location, "{steps}");
            assert!(text.contains(message), "{text:?} lacks {message:?}");
        }
    }

    #[test]
    fn a_crm_step_on_the_first_portal_needs_one() {
        let suite = Suite::from_files(vec![(
            "s.json".into(),
            parse_fixture(
                "s.json",
                r#"{"apps": [{"name": "demo", "appId": 7, "authRequired": false}],
                    "scenarios": [{"name": "s", "steps": [{"seedCrm": {"objectType": "contacts"}}]}]}"#,
            )
            .unwrap(),
        )])
        .unwrap();
        let error = check_references(&suite).unwrap_err();
        assert_eq!(error.location, "$.scenarios[0].steps[0].seedCrm");
        assert!(
            error
                .message
                .contains("no file of the run declares a portal"),
            "{}",
            error.message
        );
    }

    #[test]
    fn steps_of_an_earlier_file_are_not_visible() {
        let first = r#"{"scenarios": [{"name": "a", "steps": [{"reset": {"name": "r"}}]}]}"#;
        let second = r#"{"scenarios": [{"name": "b", "steps": [{"api": {"method": "GET", "path": "/${steps.r}"}}]}]}"#;
        let suite = Suite::from_files(vec![
            (
                "seed.json".into(),
                parse_fixture("seed.json", SEED).unwrap(),
            ),
            ("a.json".into(), parse_fixture("a.json", first).unwrap()),
            ("b.json".into(), parse_fixture("b.json", second).unwrap()),
        ])
        .unwrap();
        let error = check_references(&suite).unwrap_err();
        assert_eq!(error.source, "b.json");
    }
}
