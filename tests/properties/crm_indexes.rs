//! The CRM's indexes (`crm::number_index`, `crm::unique_index`) against reading every record,
//! over generated portals and write sequences.
//!
//! The indexes are kept in step by every write (the number index from the first lookup on), so
//! the bugs they could have are in the interleavings: a number or an email changed or cleared
//! after it was indexed, a record archived, a value too long to be a number, letters read as
//! keypad digits, an email in another case. After every step of a random sequence of creates,
//! updates, archives and lookups:
//!
//! - `holding_digits` equals the plain filter of every record by `holds_digits` (the index's
//!   answer is exactly the scan's, for seven digits and for fewer);
//! - `match_caller` equals the brute force: every live contact, then company, one of whose
//!   numbers libphonenumber reads as the caller's E.164 (so the digit test never rules out a
//!   record that matches, in countries with long and short national numbers);
//! - a create or update is refused as a conflict exactly when another live contact has its
//!   email (without ASCII case), and `find` by `?idProperty=email` finds what a scan finds, for
//!   live and archived contacts.

use hubspot_emulator::crm::number_index::holds_digits;
use hubspot_emulator::crm::{ObjectInput, ObjectType, PortalCrm, WriteSource};
use hubspot_emulator::inbound_call::caller_id::{match_caller, CallerIdMatch};
use hubspot_emulator::inbound_call::phone::to_e164;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const REGRESSIONS: &str = "tests/properties/regressions/crm_indexes.txt";

/// Numbers written as people write them, in the countries the portals are in: the same few
/// subscriber numbers recur so that lookups find several records.
fn written_number() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+1 415 555 2671".to_string()),
        Just("(415) 555-2671".to_string()),
        Just("415.555.2671 ext. 9".to_string()),
        Just("1-800-FLOWERS".to_string()),
        Just("(800) 356-9377".to_string()),
        Just("+49 30 1234567".to_string()),
        Just("030 1234567".to_string()),
        Just("21234".to_string()),
        Just("+500 21234".to_string()),
        // Local forms libphonenumber completes (an area code put back in front, a 15 turned
        // into a 9): Guernsey, San Marino, Norfolk Island, Argentina.
        Just("256789".to_string()),
        Just("+44 1481 256789".to_string()),
        Just("812345".to_string()),
        Just("12345".to_string()),
        Just("+672 3 12345".to_string()),
        Just("02983 15-123456".to_string()),
        Just("06 1234 5678".to_string()),
        Just("+44 20 7946 0018".to_string()),
        Just(String::new()),
        Just("9".repeat(70)),
        "[0-9]{7,11}",
        "\\+?[0-9 ().A-Z-]{4,18}",
        "[0-9]{3} [0-9]{4}",
    ]
}

/// A few emails, in several cases, so that creates clash and lookups find.
fn email() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("ada@x.io".to_string()),
        Just("ADA@x.io".to_string()),
        Just("bob@x.io".to_string()),
        Just("Bob@X.IO".to_string()),
        Just("cy@x.io".to_string()),
        Just(String::new()),
    ]
}

#[derive(Clone, Debug)]
enum Step {
    Create {
        company: bool,
        phone: String,
        mobile: String,
        email: String,
    },
    Update {
        pick: usize,
        company: bool,
        mobile: bool,
        value: String,
    },
    UpdateEmail {
        pick: usize,
        email: String,
    },
    Archive {
        pick: usize,
        company: bool,
    },
    Lookup {
        caller: String,
        digits: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (any::<bool>(), written_number(), written_number(), email())
            .prop_map(|(company, phone, mobile, email)| Step::Create { company, phone, mobile, email }),
        1 => (any::<usize>(), email()).prop_map(|(pick, email)| Step::UpdateEmail { pick, email }),
        2 => (any::<usize>(), any::<bool>(), any::<bool>(), written_number()).prop_map(
            |(pick, company, mobile, value)| Step::Update { pick, company, mobile, value }
        ),
        1 => (any::<usize>(), any::<bool>())
            .prop_map(|(pick, company)| Step::Archive { pick, company }),
        3 => (written_number(), 1..=7usize)
            .prop_map(|(caller, digits)| Step::Lookup { caller, digits }),
    ]
}

fn kind(company: bool) -> ObjectType {
    if company {
        ObjectType::Companies
    } else {
        ObjectType::Contacts
    }
}

fn properties(value: Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap()
}

/// The id of the `pick`-th record of a type (any, archived included), if there is one.
fn picked(crm: &PortalCrm, object_type: ObjectType, pick: usize) -> Option<u64> {
    let count = crm.count(object_type);
    (count > 0).then(|| crm.objects(object_type).nth(pick % count).unwrap().id)
}

/// Every live record, contacts then companies, with a number that is `caller`: no index, no
/// digit test, libphonenumber on every value.
fn brute_force(crm: &PortalCrm, caller: &str) -> Vec<(ObjectType, u64)> {
    [ObjectType::Contacts, ObjectType::Companies]
        .into_iter()
        .flat_map(|object_type| {
            crm.objects(object_type)
                .filter(move |o| {
                    !o.is_archived()
                        && object_type.number_properties().iter().any(|name| {
                            o.get(name).is_some_and(|written| {
                                to_e164(written, crm.default_country()).as_deref() == Some(caller)
                            })
                        })
                })
                .map(move |o| (object_type, o.id))
        })
        .collect()
}

/// The live contact other than `except` whose email is `email` (without ASCII case), first by
/// id: what a write clashes with.
fn email_owner(crm: &PortalCrm, email: &str, except: Option<u64>) -> Option<u64> {
    crm.objects(ObjectType::Contacts)
        .find(|o| {
            !o.is_archived()
                && Some(o.id) != except
                && o.get("email")
                    .is_some_and(|v| v.eq_ignore_ascii_case(email))
        })
        .map(|o| o.id)
}

fn check_email_lookups(crm: &PortalCrm, email: &str) -> Result<(), TestCaseError> {
    for archived in [false, true] {
        let found = crm
            .find(ObjectType::Contacts, email, Some("email"), archived)
            .ok()
            .map(|o| o.id);
        let scanned = crm
            .objects(ObjectType::Contacts)
            .find(|o| {
                o.is_archived() == archived
                    && o.get("email")
                        .is_some_and(|v| v.eq_ignore_ascii_case(email.trim()))
            })
            .map(|o| o.id);
        prop_assert_eq!(found, scanned, "email {:?}, archived {}", email, archived);
    }
    Ok(())
}

/// A write's outcome against what the scan says: a conflict exactly when `clash` is `Some`.
fn check_write(
    result: Result<u64, hubspot_emulator::crm::CrmError>,
    clash: Option<u64>,
) -> Result<(), TestCaseError> {
    match (result, clash) {
        (Err(hubspot_emulator::crm::CrmError::Conflict { message }), Some(owner)) => {
            prop_assert!(message.contains(&owner.to_string()), "{}", message)
        }
        (Ok(_), None) => {}
        (result, clash) => prop_assert!(false, "write {:?}, scan's clash {:?}", result, clash),
    }
    Ok(())
}

fn check_lookups(crm: &PortalCrm, written: &str, digits: usize) -> Result<(), TestCaseError> {
    let keypad: String = hubspot_emulator::crm::number_index::keypad_digits(written)
        .map(char::from)
        .collect();
    let run = &keypad[keypad.len().saturating_sub(digits)..];
    if !run.is_empty() {
        for object_type in [ObjectType::Contacts, ObjectType::Companies] {
            let indexed: Vec<u64> = crm
                .holding_digits(object_type, run)
                .iter()
                .map(|o| o.id)
                .collect();
            let scanned: Vec<u64> = crm
                .objects(object_type)
                .filter(|o| holds_digits(object_type, o, run))
                .map(|o| o.id)
                .collect();
            prop_assert_eq!(indexed, scanned, "{} holding {:?}", object_type, run);
        }
    }
    if let Some(caller) = to_e164(written, crm.default_country()) {
        let matched: Vec<(ObjectType, u64)> = match_caller(crm, 1, &caller)
            .iter()
            .map(CallerIdMatch::record)
            .collect();
        prop_assert_eq!(matched, brute_force(crm, &caller), "caller {}", caller);
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::config(64, REGRESSIONS))]

    #[test]
    fn index_lookups_equal_reading_every_record(
        country in prop_oneof![
            Just("US"), Just("DE"), Just("FK"), Just("GG"), Just("SM"), Just("NF"), Just("AR"),
            Just("IT"),
        ],
        steps in prop::collection::vec(step(), 1..40),
    ) {
        let mut crm = PortalCrm::new(&Default::default(), 1_000, country);
        let source = WriteSource::import();
        for step in steps {
            match step {
                Step::Create { company, phone, mobile, email } => {
                    let numbers = if company {
                        json!({"phone": phone})
                    } else {
                        json!({"phone": phone, "mobilephone": mobile, "email": email})
                    };
                    let input: ObjectInput =
                        serde_json::from_value(json!({ "properties": numbers })).unwrap();
                    let clash = (!company && !email.is_empty())
                        .then(|| email_owner(&crm, &email, None))
                        .flatten();
                    check_write(crm.create(kind(company), &input, &source), clash)?;
                }
                Step::UpdateEmail { pick, email } => {
                    let Some(id) = picked(&crm, ObjectType::Contacts, pick) else { continue };
                    if crm.object(ObjectType::Contacts, id).unwrap().is_archived() {
                        continue;
                    }
                    let clash = (!email.is_empty())
                        .then(|| email_owner(&crm, &email, Some(id)))
                        .flatten();
                    let result = crm.update(
                        ObjectType::Contacts,
                        &id.to_string(),
                        None,
                        &properties(json!({ "email": email })),
                        &source,
                    );
                    check_write(result, clash)?;
                    check_email_lookups(&crm, &email)?;
                }
                Step::Update { pick, company, mobile, value } => {
                    let object_type = kind(company);
                    let name = if mobile && !company { "mobilephone" } else { "phone" };
                    if let Some(id) = picked(&crm, object_type, pick) {
                        // Archived records refuse updates (404); either way the index must agree.
                        let _ = crm.update(
                            object_type,
                            &id.to_string(),
                            None,
                            &properties(json!({ name: value })),
                            &source,
                        );
                    }
                }
                Step::Archive { pick, company } => {
                    if let Some(id) = picked(&crm, kind(company), pick) {
                        crm.archive(kind(company), &id.to_string()).unwrap();
                    }
                }
                Step::Lookup { caller, digits } => check_lookups(&crm, &caller, digits)?,
            }
            for email in ["ada@x.io", "BOB@x.io", " cy@x.io "] {
                check_email_lookups(&crm, email)?;
            }
        }
        // And after the last write, for every number the portal holds.
        let held: Vec<String> = [ObjectType::Contacts, ObjectType::Companies]
            .into_iter()
            .flat_map(|t| {
                crm.objects(t)
                    .flat_map(|o| t.number_properties().iter().filter_map(|n| o.get(n)))
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        for written in held {
            check_lookups(&crm, &written, 5)?;
        }
    }
}
