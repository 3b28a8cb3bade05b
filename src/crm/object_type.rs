//! The CRM object types the emulator keeps — calls, contacts, companies — with HubSpot's names
//! and ids for them, the scopes their APIs need, and what a read returns when it names no
//! properties.

use std::fmt;

/// Alternatives: a call needs one of these OAuth scopes.
pub type Scopes = &'static [&'static str];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectType {
    Calls,
    Contacts,
    Companies,
}

impl ObjectType {
    pub const ALL: [ObjectType; 3] = [
        ObjectType::Calls,
        ObjectType::Contacts,
        ObjectType::Companies,
    ];

    /// HubSpot's objectTypeId.
    pub fn type_id(self) -> &'static str {
        match self {
            ObjectType::Calls => "0-48",
            ObjectType::Contacts => "0-1",
            ObjectType::Companies => "0-2",
        }
    }

    /// The plural name of the path (`/crm/v3/objects/calls`) and of association keys.
    pub fn plural(self) -> &'static str {
        match self {
            ObjectType::Calls => "calls",
            ObjectType::Contacts => "contacts",
            ObjectType::Companies => "companies",
        }
    }

    pub fn singular(self) -> &'static str {
        match self {
            ObjectType::Calls => "call",
            ObjectType::Contacts => "contact",
            ObjectType::Companies => "company",
        }
    }

    /// The position of this type in per-type arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// A path segment or association name: `calls`, `call`, `0-48` (any case).
    pub fn parse(name: &str) -> Option<ObjectType> {
        let name = name.trim().to_ascii_lowercase();
        ObjectType::ALL
            .into_iter()
            .find(|t| name == t.plural() || name == t.singular() || name == t.type_id())
    }

    /// The scopes a read needs (one of them). Calls are read with the contacts scopes, as
    /// HubSpot's calls spec declares.
    pub fn read_scopes(self) -> Scopes {
        match self {
            ObjectType::Calls | ObjectType::Contacts => &["crm.objects.contacts.read"],
            ObjectType::Companies => &["crm.objects.companies.read"],
        }
    }

    pub fn write_scopes(self) -> Scopes {
        match self {
            ObjectType::Calls | ObjectType::Contacts => &["crm.objects.contacts.write"],
            ObjectType::Companies => &["crm.objects.companies.write"],
        }
    }

    /// What a read returns when it asks for no properties (HubSpot's defaults, facts §4).
    pub fn default_properties(self) -> &'static [&'static str] {
        match self {
            ObjectType::Calls => &["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
            ObjectType::Contacts => &[
                "createdate",
                "email",
                "firstname",
                "hs_object_id",
                "lastmodifieddate",
                "lastname",
            ],
            ObjectType::Companies => &[
                "createdate",
                "domain",
                "hs_lastmodifieddate",
                "hs_object_id",
                "name",
            ],
        }
    }

    /// The properties the store keeps on every write: (created, modified) names besides
    /// `hs_createdate`/`hs_lastmodifieddate`, which every type has.
    pub fn date_aliases(self) -> (Option<&'static str>, Option<&'static str>) {
        match self {
            ObjectType::Calls => (None, None),
            ObjectType::Contacts => (Some("createdate"), Some("lastmodifieddate")),
            ObjectType::Companies => (Some("createdate"), None),
        }
    }

    /// The properties that hold the record's phone numbers, which caller-ID matching and a host
    /// page read (HubSpot publishes neither list; docs/fidelity.md).
    pub fn number_properties(self) -> &'static [&'static str] {
        match self {
            ObjectType::Calls => &[],
            ObjectType::Contacts => &["phone", "mobilephone"],
            ObjectType::Companies => &["phone"],
        }
    }

    /// The properties a free-text search (`query`) looks in.
    pub fn searchable(self) -> &'static [&'static str] {
        match self {
            ObjectType::Calls => &["hs_call_title", "hs_call_body"],
            ObjectType::Contacts => &[
                "firstname",
                "lastname",
                "email",
                "phone",
                "mobilephone",
                "company",
            ],
            ObjectType::Companies => &["name", "domain", "website", "phone"],
        }
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.plural())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_ids() {
        assert_eq!(ObjectType::parse("calls"), Some(ObjectType::Calls));
        assert_eq!(ObjectType::parse("0-1"), Some(ObjectType::Contacts));
        assert_eq!(ObjectType::parse("Company"), Some(ObjectType::Companies));
        assert_eq!(ObjectType::parse("deals"), None);
        for t in ObjectType::ALL {
            assert_eq!(ObjectType::ALL[t.index()], t);
        }
    }
}
