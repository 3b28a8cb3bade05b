//! Associating two objects that already exist, after the fact (what HubSpot's associations API
//! does; the inbound-call API uses it to associate a call it updates with the records its caller
//! now matches). Both sides are stored, as a create's associations are.

use super::associations::{Association, AssociationType};
use super::error::CrmError;
use super::object_type::ObjectType;
use super::portal::PortalCrm;

impl PortalCrm {
    /// Associates the live `from_id` with the live `to_id` by the HubSpot-defined type
    /// `type_id` (from `from`); `false` when they already were.
    pub fn associate_existing(
        &mut self,
        from: ObjectType,
        from_id: u64,
        type_id: u32,
        to_id: u64,
    ) -> Result<bool, CrmError> {
        let kind = AssociationType::find(from, type_id).ok_or_else(|| {
            CrmError::invalid(
                "associationTypeId",
                "INVALID_ASSOCIATION_TYPE",
                format!(
                    "associationTypeId {type_id} is not a HubSpot-defined association from {from}; the emulator knows {}",
                    AssociationType::describe_from(from)
                ),
            )
        })?;
        for (object_type, id) in [(from, from_id), (kind.to, to_id)] {
            if self.object(object_type, id).is_none_or(|o| o.is_archived()) {
                return Err(CrmError::NotFound {
                    message: format!(
                        "No {} has id {id} in this portal to associate (it may have been archived).",
                        object_type.singular()
                    ),
                });
            }
        }
        let link = Association {
            type_id: kind.id,
            to_id,
        };
        if self
            .object(from, from_id)
            .is_some_and(|o| o.associations.contains(&link))
        {
            return Ok(false);
        }
        self.reserve(48)?;
        self.associate(from, from_id, kind, to_id);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::crm::{ObjectInput, WriteSource};

    fn input(properties: serde_json::Value) -> ObjectInput {
        serde_json::from_value(json!({ "properties": properties })).unwrap()
    }

    #[test]
    fn links_both_sides_once_and_only_live_objects() {
        let mut crm = PortalCrm::default();
        let source = WriteSource::import();
        let call = crm
            .create(
                ObjectType::Calls,
                &input(json!({"hs_timestamp": "1700000000000"})),
                &source,
            )
            .unwrap();
        let contact = crm
            .create(ObjectType::Contacts, &input(json!({})), &source)
            .unwrap();
        assert_eq!(
            crm.associate_existing(ObjectType::Calls, call, 194, contact),
            Ok(true)
        );
        assert_eq!(
            crm.associate_existing(ObjectType::Calls, call, 194, contact),
            Ok(false)
        );
        let back = crm.object(ObjectType::Contacts, contact).unwrap();
        assert!(back.associations.contains(&Association {
            type_id: 193,
            to_id: call
        }));
        assert!(crm
            .associate_existing(ObjectType::Calls, call, 1, contact)
            .is_err());
        crm.archive(ObjectType::Contacts, &contact.to_string())
            .unwrap();
        assert!(matches!(
            crm.associate_existing(ObjectType::Calls, call, 194, contact),
            Err(CrmError::NotFound { .. })
        ));
    }
}
