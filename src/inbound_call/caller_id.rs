//! Caller-ID matching: which of a portal's records the caller is. The caller's number
//! (`fromNumber.e164Number`) and every live contact's `phone` and `mobilephone` and every live
//! company's `phone` are normalised to E.164 in the portal's default country (`phone`); a record
//! matches when one of its numbers equals the caller's. HubSpot publishes neither the properties
//! nor the order (docs/fidelity.md): contacts come first, then companies, each by id.
//!
//! Normalising is libphonenumber's parse, the costly part; only the records whose digits could
//! spell the caller's national number are parsed, and the CRM finds those through an index
//! (`crm::number_index`), so a portal at its object limit answers as fast as an empty one.

use serde::Serialize;

use super::phone::{national_number, to_e164};
use crate::crm::number_index::RUN;
use crate::crm::{CrmObject, ObjectType, PortalCrm};
use crate::domain::PortalId;

/// `objectCoordinates`: the record, as HubSpot's SDK and API name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectCoordinates {
    pub portal_id: PortalId,
    pub object_type_id: String,
    pub object_id: u64,
}

/// One entry of `callerIdMatches` (HubSpot's `oneOf`, discriminated by `callerIdType`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "callerIdType", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CallerIdMatch {
    #[serde(rename_all = "camelCase")]
    Contact {
        object_coordinates: ObjectCoordinates,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        first_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        last_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        email: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    Company {
        object_coordinates: ObjectCoordinates,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        name: Option<String>,
    },
}

impl CallerIdMatch {
    /// The CRM type and id of the matched record.
    pub fn record(&self) -> (ObjectType, u64) {
        match self {
            CallerIdMatch::Contact {
                object_coordinates, ..
            } => (ObjectType::Contacts, object_coordinates.object_id),
            CallerIdMatch::Company {
                object_coordinates, ..
            } => (ObjectType::Companies, object_coordinates.object_id),
        }
    }
}

/// The caller's number in E.164 as matching reads it (`None`: not a number in the portal's
/// country, so nothing matches).
pub fn caller_e164(from_number: &str, crm: &PortalCrm) -> Option<String> {
    to_e164(from_number, crm.default_country())
}

/// The portal's live contacts, then companies, whose numbers are `caller` (E.164).
pub fn match_caller(crm: &PortalCrm, portal_id: PortalId, caller: &str) -> Vec<CallerIdMatch> {
    let tail = national_tail(caller);
    let country = crm.default_country();
    let matching = |object_type: ObjectType| {
        crm.holding_digits(object_type, &tail)
            .into_iter()
            .filter(move |object| {
                !object.is_archived()
                    && object_type.number_properties().iter().any(|name| {
                        object.get(name).is_some_and(|written| {
                            to_e164(written, country).as_deref() == Some(caller)
                        })
                    })
            })
    };
    let coordinates = |object_type: ObjectType, object: &CrmObject| ObjectCoordinates {
        portal_id,
        object_type_id: object_type.type_id().to_string(),
        object_id: object.id,
    };
    let text = |object: &CrmObject, name: &str| {
        object
            .get(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string)
    };
    let contacts = matching(ObjectType::Contacts).map(|o| CallerIdMatch::Contact {
        object_coordinates: coordinates(ObjectType::Contacts, o),
        first_name: text(o, "firstname"),
        last_name: text(o, "lastname"),
        email: text(o, "email"),
    });
    let companies = matching(ObjectType::Companies).map(|o| CallerIdMatch::Company {
        object_coordinates: coordinates(ObjectType::Companies, o),
        name: text(o, "name"),
    });
    contacts.chain(companies).collect()
}

/// The digits any way of writing `caller` keeps: the last `RUN` of its national number, or all
/// of a shorter one (see `number_index::RUN`). A record whose digits do not hold them cannot be
/// the caller. A caller that is not E.164 (never, from `caller_e164`) gives its last digits.
fn national_tail(caller: &str) -> String {
    let digits: String = match national_number(caller) {
        Some(national) => national.to_string(),
        None => caller.chars().filter(char::is_ascii_digit).collect(),
    };
    digits[digits.len().saturating_sub(RUN)..].to_string()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::crm::{ObjectInput, WriteSource};

    fn crm_with(country: &str, records: &[(ObjectType, serde_json::Value)]) -> PortalCrm {
        let mut crm = PortalCrm::new(&Default::default(), 100, country);
        for (object_type, properties) in records {
            let input: ObjectInput =
                serde_json::from_value(json!({ "properties": properties })).unwrap();
            crm.create(*object_type, &input, &WriteSource::import())
                .unwrap();
        }
        crm
    }

    fn ids(matches: &[CallerIdMatch]) -> Vec<(ObjectType, u64)> {
        matches.iter().map(CallerIdMatch::record).collect()
    }

    #[test]
    fn one_number_written_three_ways_matches_contacts_then_companies() {
        let crm = crm_with(
            "US",
            &[
                (
                    ObjectType::Companies,
                    json!({"name": "Acme", "phone": "415.555.2671"}),
                ),
                (
                    ObjectType::Contacts,
                    json!({"firstname": "Ada", "phone": "(415) 555-2671"}),
                ),
                (
                    ObjectType::Contacts,
                    json!({"mobilephone": "+1 415 555 2671", "email": "b@x.io"}),
                ),
                (ObjectType::Contacts, json!({"phone": "+1 415 555 2672"})),
            ],
        );
        let caller = caller_e164("+14155552671", &crm).unwrap();
        let found = match_caller(&crm, 62515, &caller);
        assert_eq!(
            ids(&found),
            [
                (ObjectType::Contacts, 100_002),
                (ObjectType::Contacts, 100_003),
                (ObjectType::Companies, 100_001)
            ]
        );
        let body = serde_json::to_value(&found).unwrap();
        assert_eq!(
            body[0],
            json!({"callerIdType": "CONTACT", "objectCoordinates": {"portalId": 62515, "objectTypeId": "0-1", "objectId": 100002}, "firstName": "Ada"})
        );
        assert_eq!(
            body[2],
            json!({"callerIdType": "COMPANY", "objectCoordinates": {"portalId": 62515, "objectTypeId": "0-2", "objectId": 100001}, "name": "Acme"})
        );
    }

    #[test]
    fn national_numbers_are_read_in_the_portals_country_and_archived_records_never_match() {
        let mut crm = crm_with(
            "DE",
            &[
                (ObjectType::Contacts, json!({"phone": "030 1234567"})),
                (ObjectType::Contacts, json!({"phone": "+49 30 1234567"})),
                (ObjectType::Contacts, json!({"phone": "1-800-FLOWERS"})),
            ],
        );
        crm.archive(ObjectType::Contacts, "100002").unwrap();
        let caller = caller_e164("+49301234567", &crm).unwrap();
        assert_eq!(
            ids(&match_caller(&crm, 1, &caller)),
            [(ObjectType::Contacts, 100_001)]
        );
        assert!(match_caller(&crm, 1, "+14155550000").is_empty());
    }

    #[test]
    fn the_tail_is_the_last_five_digits_of_the_national_number_or_all_of_a_short_one() {
        assert_eq!(national_tail("+18003569377"), "69377");
        assert_eq!(national_tail("+50021234"), "21234");
        assert_eq!(national_tail("+6834002"), "4002");
        assert_eq!(
            national_tail("+1 415 ５５５ 2671"),
            "52671",
            "not E.164: its ASCII digits"
        );
    }

    #[test]
    fn short_national_numbers_written_nationally_match() {
        // Countries whose national numbers are short: the Falklands (five digits), Niue (four),
        // Andorra (six). The last seven E.164 digits, the tail before, included the country
        // code, which a number written nationally does not.
        for (country, written, caller) in [
            ("FK", "21234", "+50021234"),
            ("NU", "4002", "+6834002"),
            ("AD", "712 345", "+376712345"),
        ] {
            let crm = crm_with(
                country,
                &[(ObjectType::Contacts, json!({"phone": written}))],
            );
            assert_eq!(caller_e164(caller, &crm).as_deref(), Some(caller));
            assert_eq!(
                ids(&match_caller(&crm, 1, caller)),
                [(ObjectType::Contacts, 100_001)],
                "{country} {written}"
            );
        }
    }

    #[test]
    fn numbers_whose_region_puts_digits_back_match_as_written() {
        // libphonenumber completes these local forms (`national_prefix_transform_rule`): an
        // area code in front, or an Argentine mobile's 15 turned into a leading 9.
        for (country, written) in [
            ("GG", "256789"),
            ("JE", "789012"),
            ("SM", "812345"),
            ("NF", "12345"),
            ("AR", "02983 15-123456"),
            ("KY", "945 1234"),
        ] {
            let crm = crm_with(
                country,
                &[(ObjectType::Contacts, json!({"phone": written}))],
            );
            let caller = to_e164(written, country).expect("libphonenumber reads it");
            assert_eq!(
                ids(&match_caller(&crm, 1, &caller)),
                [(ObjectType::Contacts, 100_001)],
                "{country} {written:?} is {caller}"
            );
        }
    }

    #[test]
    fn every_example_number_of_every_region_matches_however_it_is_written() {
        use phonenumber::metadata::DATABASE;
        let mut checked = 0;
        for region in DATABASE.iter().filter(|r| r.id() != "001") {
            let examples = crate::webhook::validator::region_examples(region);
            // A rule that puts an area code back in front ("1481$1"): the number as written
            // locally, without it.
            let put_back = region
                .national_prefix_transform_rule()
                .and_then(|rule| rule.strip_suffix("$1"))
                .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()));
            let mut forms = Vec::new();
            for example in examples {
                forms.push(format!("+{} {example}", region.country_code()));
                forms.push(example.to_string());
                if let Some(prefix) = region.national_prefix() {
                    forms.push(format!("{prefix}{example}"));
                }
                if let Some(local) = put_back.and_then(|digits| example.strip_prefix(digits)) {
                    forms.push(local.to_string());
                }
            }
            let records: Vec<_> = forms
                .iter()
                .map(|written| (ObjectType::Contacts, json!({ "phone": written })))
                .collect();
            let crm = crm_with(region.id(), &records);
            for (n, written) in forms.iter().enumerate() {
                let Some(caller) = to_e164(written, region.id()) else {
                    continue;
                };
                let id = 100_001 + n as u64;
                assert!(
                    ids(&match_caller(&crm, 1, &caller)).contains(&(ObjectType::Contacts, id)),
                    "{} {written:?} is {caller}, but does not match it",
                    region.id()
                );
                checked += 1;
            }
        }
        assert!(checked > 2_000, "only {checked} numbers read");
    }

    #[test]
    fn a_portal_at_its_object_limit_is_matched_in_one_pass() {
        let mut crm = PortalCrm::new(&Default::default(), 10_000, "US");
        for n in 0..10_000u32 {
            let input: ObjectInput = serde_json::from_value(json!({"properties": {
                "phone": format!("(415) 55{:01}-{:04}", n / 10_000, n % 10_000),
                "mobilephone": format!("+1 212 {:03} {:04}", n % 1000, n),
            }}))
            .unwrap();
            crm.create(ObjectType::Contacts, &input, &WriteSource::import())
                .unwrap();
        }
        // libphonenumber loads its metadata on first use; time the matching alone.
        let _ = to_e164("+14155504321", "US");
        let started = std::time::Instant::now();
        let found = match_caller(&crm, 1, "+14155504321");
        let elapsed = started.elapsed();
        assert_eq!(ids(&found), [(ObjectType::Contacts, 100_001 + 4321)]);
        eprintln!("matched 10 000 contacts in {elapsed:?}");
    }
}
