//! A portal's CRM as the emulator's own readers show it (the control API's
//! `GET /_emulator/portals/{portalId}/crm` and the dashboard's CRM view): a bounded page of each
//! type's live objects with every property set, the objects each is associated with (by id and
//! name), and each call judged whole as HubSpot would keep it (`judge`), as the call-write
//! journal judges it: needing what a recording needs when the app that created the call has
//! recording settings. Seeded calls have no such app, so nothing is asked of them for recordings.
//! A call shows its third-party transcripts too, bounded like its associations.

use std::collections::BTreeMap;

use serde::Serialize;

use super::judge::judge_call;
use crate::clock::Timestamp;
use crate::crm::page::display_name;
use crate::crm::{CrmObject, ObjectType, PortalCrm, Utterance};
use crate::domain::{AppId, PortalId};
use crate::journal::PAGE_BYTES;
use crate::webhook::Finding;

/// Objects of each type a page holds when the reader names no `limit`.
pub const DEFAULT_LIMIT: usize = 100;
/// The most objects of each type one page holds.
pub const MAX_LIMIT: usize = 1_000;
/// Associated objects of each type listed with an object (`associationCounts` has them all).
pub const ASSOCIATIONS_SHOWN: usize = 20;
/// Transcripts listed with a call (`transcriptCount` has them all).
pub const TRANSCRIPTS_SHOWN: usize = 3;
/// Utterances listed with a transcript (`utteranceCount` has them all).
pub const UTTERANCES_SHOWN: usize = 20;
/// Characters of an utterance's text shown (the rest is cut with `…`), so that a page of calls
/// with long transcripts stays within a few megabytes.
pub const TEXT_SHOWN: usize = 500;

/// Which page to show, read from the reader's query (`CrmPageRequest::parse`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrmPageRequest {
    pub types: Vec<ObjectType>,
    /// Objects with ids after this one, oldest first; without it, the newest.
    pub after: Option<u64>,
    pub limit: usize,
}

impl CrmPageRequest {
    /// The page `?type=…&after=…&limit=…` asks for; the error says how to ask instead.
    pub fn parse(
        object_type: Option<&str>,
        after: Option<u64>,
        limit: Option<usize>,
    ) -> Result<Self, String> {
        let types = match object_type {
            None => ObjectType::ALL.to_vec(),
            Some(name) => vec![ObjectType::parse(name).ok_or_else(|| {
                format!("type {name:?} is not an object type of the CRM; use contacts, companies or calls, or leave type out for all three")
            })?],
        };
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(format!(
                "limit {limit} is not 1 to {MAX_LIMIT}: a page holds at most {MAX_LIMIT} objects of each type; read more with ?type=TYPE&after=0 and then ?after=NEXT"
            ));
        }
        Ok(CrmPageRequest {
            types,
            after,
            limit,
        })
    }
}

/// One page of a portal's CRM.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalCrmView {
    pub portal_id: PortalId,
    /// Objects of each type the portal may keep (`objectLimit` in the fixture).
    pub object_limit: usize,
    /// The most objects of each type this page holds.
    pub limit: usize,
    /// Live objects of each type in the portal (more than the page holds when it is cut).
    pub counts: BTreeMap<&'static str, usize>,
    /// `contacts`, `companies`, `calls`: the types asked for, each oldest first.
    #[serde(flatten)]
    pub objects: BTreeMap<&'static str, Vec<ObjectEntry>>,
    /// For each type asked for, the `after` of its following page; null when none follows.
    pub next: BTreeMap<&'static str, Option<String>>,
}

/// One object: its properties and associations, and for a call the findings.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectEntry {
    pub id: String,
    /// Every property set on it (an unset one is absent).
    pub properties: BTreeMap<String, String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The app that created it through the API; absent when the fixture seeded it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by_app_id: Option<AppId>,
    /// The live objects of the two other types it is associated with, the first
    /// `ASSOCIATIONS_SHOWN` of each by id.
    pub associations: BTreeMap<&'static str, Vec<Associated>>,
    /// How many of each there are.
    pub association_counts: BTreeMap<&'static str, usize>,
    /// Calls only: what HubSpot would make of the call as it stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<Finding>>,
    /// Calls only: the call's third-party transcripts, the first `TRANSCRIPTS_SHOWN` by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcripts: Option<Vec<TranscriptEntry>>,
    /// Calls only: how many transcripts the call has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript_count: Option<usize>,
}

/// One transcript of a call, its first `UTTERANCES_SHOWN` utterances.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TranscriptEntry {
    pub id: String,
    pub created_at: Timestamp,
    pub utterance_count: usize,
    pub utterances: Vec<Utterance>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Associated {
    pub id: String,
    /// A contact's name (else its email or a number), a company's name (else its domain).
    pub name: String,
}

/// The page `request` asks for of `crm`; `recording_apps`: the apps with recording settings.
pub fn view(
    crm: &PortalCrm,
    portal_id: PortalId,
    request: &CrmPageRequest,
    recording_apps: &[AppId],
) -> PortalCrmView {
    // The page's bytes are shared among the types asked for, as a journal page is bounded.
    let max_bytes = PAGE_BYTES / request.types.len().max(1);
    let mut objects = BTreeMap::new();
    let mut next = BTreeMap::new();
    for &object_type in &request.types {
        let page = crm.page(object_type, request.after, request.limit, max_bytes);
        let entries = page
            .results
            .iter()
            .map(|object| entry(crm, object_type, object, recording_apps))
            .collect();
        objects.insert(object_type.plural(), entries);
        next.insert(
            object_type.plural(),
            page.next_after.map(|id| id.to_string()),
        );
    }
    PortalCrmView {
        portal_id,
        object_limit: crm.object_limit(),
        limit: request.limit,
        counts: ObjectType::ALL
            .into_iter()
            .map(|t| (t.plural(), crm.live_count(t)))
            .collect(),
        objects,
        next,
    }
}

fn entry(
    crm: &PortalCrm,
    object_type: ObjectType,
    object: &CrmObject,
    recording_apps: &[AppId],
) -> ObjectEntry {
    let created_by_app_id = object.creator_app();
    let mut associations = BTreeMap::new();
    let mut association_counts = BTreeMap::new();
    for to in ObjectType::ALL.into_iter().filter(|t| *t != object_type) {
        let ids = crm.associated(object, to);
        association_counts.insert(to.plural(), ids.len());
        let shown = ids
            .iter()
            .take(ASSOCIATIONS_SHOWN)
            .map(|id| Associated {
                id: id.to_string(),
                name: crm
                    .object(to, *id)
                    .map(|other| display_name(to, other))
                    .unwrap_or_default(),
            })
            .collect();
        associations.insert(to.plural(), shown);
    }
    let is_call = object_type == ObjectType::Calls;
    let findings = is_call.then(|| {
        let needs_recording = created_by_app_id.is_some_and(|app| recording_apps.contains(&app));
        judge_call(object, needs_recording)
    });
    ObjectEntry {
        id: object.id.to_string(),
        properties: object.property_map(),
        created_at: object.created_at,
        updated_at: object.updated_at,
        created_by_app_id,
        associations,
        association_counts,
        findings,
        transcripts: is_call.then(|| {
            crm.transcripts_of(object.id)
                .take(TRANSCRIPTS_SHOWN)
                .map(|t| TranscriptEntry {
                    id: t.id.to_string(),
                    created_at: t.created_at,
                    utterance_count: t.utterances.len(),
                    utterances: t
                        .utterances
                        .iter()
                        .take(UTTERANCES_SHOWN)
                        .map(|u| Utterance {
                            text: cut(&u.text, TEXT_SHOWN),
                            ..u.clone()
                        })
                        .collect(),
                })
                .collect()
        }),
        transcript_count: is_call.then(|| crm.transcripts_of(object.id).count()),
    }
}

/// `text` cut to `max` characters, with `…` where it was cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::crm::input::ObjectInput;
    use crate::crm::WriteSource;

    fn create(crm: &mut PortalCrm, t: ObjectType, body: Value, source: &WriteSource) -> u64 {
        let input: ObjectInput = serde_json::from_value(body).unwrap();
        crm.create(t, &input, source).unwrap()
    }

    fn app() -> AppId {
        AppId::new(7).unwrap()
    }

    /// A contact, a company, and a call by app 7 associated with both, its duration in seconds.
    fn crm() -> (PortalCrm, [u64; 3]) {
        let mut crm = PortalCrm::default();
        let seeded = WriteSource::import();
        let contact = create(
            &mut crm,
            ObjectType::Contacts,
            json!({"properties": {"firstname": "Ada", "lastname": "Lovelace", "phone": "+442071838750"}}),
            &seeded,
        );
        let company = create(
            &mut crm,
            ObjectType::Companies,
            json!({"properties": {"name": "Acme"}}),
            &seeded,
        );
        let to = |id: u64, type_id: u32| json!({"to": {"id": id.to_string()}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]});
        let call = create(
            &mut crm,
            ObjectType::Calls,
            json!({
                "properties": {"hs_timestamp": "2026-01-01T10:00:00Z", "hs_call_status": "COMPLETED", "hs_call_duration": "95"},
                "associations": [to(contact, 194), to(company, 182)]
            }),
            &WriteSource::integration(7),
        );
        (crm, [contact, company, call])
    }

    fn request(query: (Option<&str>, Option<u64>, Option<usize>)) -> CrmPageRequest {
        CrmPageRequest::parse(query.0, query.1, query.2).unwrap()
    }

    #[test]
    fn every_type_with_its_associations_by_name_and_the_calls_judged() {
        let (crm, [contact, company, call]) = crm();
        let page = view(&crm, 62515, &request((None, None, None)), &[]);
        let json = serde_json::to_value(&page).unwrap();
        assert_eq!(
            json["counts"],
            json!({"calls": 1, "contacts": 1, "companies": 1})
        );
        assert_eq!(
            json["next"],
            json!({"calls": null, "contacts": null, "companies": null})
        );
        let entry = &json["calls"][0];
        assert_eq!(entry["id"], call.to_string());
        assert_eq!(entry["createdByAppId"], 7);
        assert_eq!(
            entry["associations"],
            json!({"contacts": [{"id": contact.to_string(), "name": "Ada Lovelace"}],
                   "companies": [{"id": company.to_string(), "name": "Acme"}]})
        );
        assert_eq!(entry["findings"][0]["code"], "duration-looks-like-seconds");
        assert_eq!(
            json["contacts"][0]["associations"]["calls"][0]["id"],
            call.to_string()
        );
        assert!(json["contacts"][0].get("findings").is_none());
        assert!(json["contacts"][0].get("createdByAppId").is_none());
    }

    #[test]
    fn recording_properties_are_asked_only_of_calls_by_an_app_with_recording_settings() {
        let (crm, _) = crm();
        let codes = |apps: &[AppId]| -> Vec<String> {
            view(&crm, 1, &request((Some("calls"), None, None)), apps).objects["calls"][0]
                .findings
                .as_ref()
                .unwrap()
                .iter()
                .map(|f| f.code.clone())
                .collect()
        };
        assert_eq!(codes(&[]), ["duration-looks-like-seconds"]);
        assert_eq!(
            codes(&[app()])
                .iter()
                .filter(|c| *c == "recording-property-missing")
                .count(),
            4
        );
    }

    #[test]
    fn a_type_limits_the_page_and_bad_queries_say_what_to_ask() {
        let (crm, _) = crm();
        let page = view(&crm, 1, &request((Some("contact"), Some(0), Some(1))), &[]);
        assert_eq!(
            page.objects.keys().copied().collect::<Vec<_>>(),
            ["contacts"]
        );
        assert_eq!(page.next.len(), 1);
        for (query, expected) in [
            ((Some("deals"), None, None), "contacts, companies or calls"),
            ((None, None, Some(0)), "not 1 to 1000"),
            ((None, None, Some(5000)), "?after=NEXT"),
        ] {
            let error = CrmPageRequest::parse(query.0, query.1, query.2).unwrap_err();
            assert!(error.contains(expected), "{error}");
        }
    }
}
