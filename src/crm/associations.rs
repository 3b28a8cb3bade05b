//! HubSpot's defined association types between the emulated object types, by id, and the
//! association an object keeps. Each association is stored on both objects (the forward type on
//! one, its reverse on the other), as HubSpot answers it from either side.

use serde::{Deserialize, Serialize};

use super::object_type::ObjectType;

/// `associationCategory`: HubSpot's four; only `HUBSPOT_DEFINED` types exist in the emulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssociationCategory {
    HubspotDefined,
    IntegratorDefined,
    UserDefined,
    Work,
}

/// One HubSpot-defined association type: from, to, id, name, and the id of its reverse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssociationType {
    pub from: ObjectType,
    pub to: ObjectType,
    pub id: u32,
    pub name: &'static str,
    pub reverse: u32,
}

use ObjectType::{Calls, Companies, Contacts};

/// HubSpot's ids (associations guide, facts §4); contact↔company are the primary (1, 2) and
/// unlabeled (279, 280) types.
pub const ASSOCIATION_TYPES: &[AssociationType] = &[
    AssociationType {
        from: Calls,
        to: Contacts,
        id: 194,
        name: "call_to_contact",
        reverse: 193,
    },
    AssociationType {
        from: Contacts,
        to: Calls,
        id: 193,
        name: "contact_to_call",
        reverse: 194,
    },
    AssociationType {
        from: Calls,
        to: Companies,
        id: 182,
        name: "call_to_company",
        reverse: 181,
    },
    AssociationType {
        from: Companies,
        to: Calls,
        id: 181,
        name: "company_to_call",
        reverse: 182,
    },
    AssociationType {
        from: Contacts,
        to: Companies,
        id: 1,
        name: "contact_to_company",
        reverse: 2,
    },
    AssociationType {
        from: Companies,
        to: Contacts,
        id: 2,
        name: "company_to_contact",
        reverse: 1,
    },
    AssociationType {
        from: Contacts,
        to: Companies,
        id: 279,
        name: "contact_to_company_unlabeled",
        reverse: 280,
    },
    AssociationType {
        from: Companies,
        to: Contacts,
        id: 280,
        name: "company_to_contact_unlabeled",
        reverse: 279,
    },
];

impl AssociationType {
    /// The HubSpot-defined type `id` from `from`, if there is one.
    pub fn find(from: ObjectType, id: u32) -> Option<&'static AssociationType> {
        ASSOCIATION_TYPES
            .iter()
            .find(|t| t.from == from && t.id == id)
    }

    pub fn by_id(id: u32) -> Option<&'static AssociationType> {
        ASSOCIATION_TYPES.iter().find(|t| t.id == id)
    }

    /// The types that start at `from`, for messages ("use 194 (to contacts) or …").
    pub fn describe_from(from: ObjectType) -> String {
        let list: Vec<String> = ASSOCIATION_TYPES
            .iter()
            .filter(|t| t.from == from)
            .map(|t| format!("{} ({})", t.id, t.name))
            .collect();
        list.join(", ")
    }
}

/// An association as one object keeps it: the type (which names the other side's object type)
/// and the other object's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Association {
    pub type_id: u32,
    pub to_id: u64,
}

impl Association {
    pub fn kind(&self) -> Option<&'static AssociationType> {
        AssociationType::by_id(self.type_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_its_reverse() {
        for t in ASSOCIATION_TYPES {
            let reverse = AssociationType::by_id(t.reverse).expect("a reverse");
            assert_eq!(
                (reverse.from, reverse.to, reverse.reverse),
                (t.to, t.from, t.id)
            );
        }
        assert_eq!(AssociationType::find(Calls, 194).unwrap().to, Contacts);
        assert!(AssociationType::find(Contacts, 194).is_none());
    }
}
