//! The CRM record a host page shows beside the widget (a contact or a company): how the page names
//! it and which numbers it lists, read from the portal's CRM.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::crm::{CrmObject, ObjectType, PortalCrm};

/// A record named by the SDK's `objectTypeId` (`0-1` contacts, `0-2` companies) and its id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecordRef {
    /// `0-1` (a contact) or `0-2` (a company).
    pub object_type_id: String,
    /// The record's id, as a number or a string.
    #[serde(deserialize_with = "crate::crm::input::id_text")]
    #[schemars(with = "Value")]
    pub object_id: String,
}

impl RecordRef {
    /// The CRM type and numeric id, when both are ones the widget can show.
    pub fn resolve(&self) -> Option<(ObjectType, u64)> {
        let object_type = object_type(&self.object_type_id)?;
        let id = self.object_id.trim().parse().ok()?;
        Some((object_type, id))
    }
}

/// `0-1` → contacts, `0-2` → companies (the two types the SDK's `ObjectCoordinates` allow).
pub fn object_type(type_id: &str) -> Option<ObjectType> {
    match type_id {
        "0-1" => Some(ObjectType::Contacts),
        "0-2" => Some(ObjectType::Companies),
        _ => None,
    }
}

/// The CRM type and id of a record as `describe` shows it (`Null`: none).
pub fn shown(record: &Value) -> Option<(ObjectType, u64)> {
    let object_type = object_type(record["objectTypeId"].as_str()?)?;
    let id = record["objectId"].as_str()?.parse().ok()?;
    Some((object_type, id))
}

/// The live record `(object_type, id)`, as the page shows it:
/// `{"objectTypeId", "objectId", "name", "phones": [{"property", "value"}]}`.
pub fn describe(crm: &PortalCrm, object_type: ObjectType, id: u64) -> Option<Value> {
    let object = crm.object(object_type, id).filter(|o| !o.is_archived())?;
    Some(view(object_type, object))
}

/// The portal's first live contact, described.
pub fn first_contact(crm: &PortalCrm) -> Option<Value> {
    crm.objects(ObjectType::Contacts)
        .find(|o| !o.is_archived())
        .map(|o| view(ObjectType::Contacts, o))
}

fn view(object_type: ObjectType, object: &CrmObject) -> Value {
    let text = |name: &str| object.get(name).map(str::trim).filter(|v| !v.is_empty());
    let name = match object_type {
        ObjectType::Companies => text("name").or(text("domain")).map(str::to_string),
        _ => {
            let full = [text("firstname"), text("lastname")]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            Some(full)
                .filter(|n| !n.is_empty())
                .or(text("email").map(str::to_string))
        }
    }
    .unwrap_or_else(|| format!("{} {}", object_type.singular(), object.id));
    let phones: Vec<Value> = object_type
        .number_properties()
        .iter()
        .filter_map(|property| {
            text(property).map(|value| json!({"property": property, "value": value}))
        })
        .collect();
    json!({
        "objectTypeId": object_type.type_id(),
        "objectId": object.id.to_string(),
        "name": name,
        "phones": phones,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::{ObjectInput, WriteSource};

    #[test]
    fn records_are_named_and_list_their_numbers() {
        let mut crm = PortalCrm::default();
        let input =
            |p: Value| -> ObjectInput { serde_json::from_value(json!({"properties": p})).unwrap() };
        let source = WriteSource::import();
        let ada = crm
            .create(
                ObjectType::Contacts,
                &input(
                    json!({"firstname": "Ada", "lastname": "Lovelace", "phone": "+1 617 555 0100"}),
                ),
                &source,
            )
            .unwrap();
        let acme = crm
            .create(
                ObjectType::Companies,
                &input(json!({"domain": "acme.example"})),
                &source,
            )
            .unwrap();
        assert_eq!(
            describe(&crm, ObjectType::Contacts, ada).unwrap(),
            json!({"objectTypeId": "0-1", "objectId": ada.to_string(), "name": "Ada Lovelace", "phones": [{"property": "phone", "value": "+1 617 555 0100"}]})
        );
        assert_eq!(
            describe(&crm, ObjectType::Companies, acme).unwrap()["name"],
            "acme.example"
        );
        assert_eq!(first_contact(&crm).unwrap()["objectId"], ada.to_string());
        assert_eq!(
            shown(&first_contact(&crm).unwrap()),
            Some((ObjectType::Contacts, ada))
        );
        assert_eq!(shown(&Value::Null), None);
        assert!(describe(&crm, ObjectType::Contacts, 1).is_none());
        let wanted = RecordRef {
            object_type_id: "0-2".into(),
            object_id: " 7 ".into(),
        };
        assert_eq!(wanted.resolve(), Some((ObjectType::Companies, 7)));
    }
}
