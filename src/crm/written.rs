//! An object as a write left it, copied out of its portal while the write still holds the
//! portal's lock. The write's answer and the call judge are made from the copy after the lock is
//! released: every write to a portal takes the same lock, so two apps (or two workers) writing
//! one portal wait for each other only while one of them stores its object, not while it is
//! rendered and judged as well.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::clock::Timestamp;

use super::object::CrmObject;
use super::object_type::ObjectType;
use super::view::ObjectView;

#[derive(Clone, Debug, PartialEq)]
pub struct WrittenObject {
    pub id: u64,
    /// Its set properties after the write, by name (a cleared one is absent).
    pub properties: BTreeMap<String, String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub archived_at: Option<Timestamp>,
    /// As `CrmObject::observed_duration`: what the call judge needs besides the properties.
    pub observed_duration: Option<Duration>,
}

impl WrittenObject {
    /// A copy with every set property: what the call judge and its journal read.
    pub fn of(object: &CrmObject) -> Self {
        Self::with_properties(object, object.property_map())
    }

    /// A copy with only the properties the answer to a write of `set` shows (`view`): the
    /// type's defaults and the set ones. A contact may hold many more.
    pub fn answered<'a>(
        object: &CrmObject,
        object_type: ObjectType,
        set: impl IntoIterator<Item = &'a String>,
    ) -> Self {
        let properties = answer_names(object_type, set)
            .filter_map(|name| Some((name.to_string(), object.get(name)?.to_string())))
            .collect();
        Self::with_properties(object, properties)
    }

    fn with_properties(object: &CrmObject, properties: BTreeMap<String, String>) -> Self {
        WrittenObject {
            id: object.id,
            properties,
            created_at: object.created_at,
            updated_at: object.updated_at,
            archived_at: object.archived_at,
            observed_duration: object.observed_duration,
        }
    }

    /// The object as HubSpot answers a write of the properties `set`: the type's default
    /// properties and the ones the write set (a cleared one as `null`), no history and no
    /// associations, as a read asking for just those properties would show it.
    pub fn view<'a>(
        &self,
        object_type: ObjectType,
        set: impl IntoIterator<Item = &'a String>,
    ) -> ObjectView {
        let names = answer_names(object_type, set);
        ObjectView {
            id: self.id.to_string(),
            properties: names
                .map(|name| (name.to_string(), self.properties.get(name).cloned()))
                .collect(),
            properties_with_history: None,
            created_at: self.created_at,
            updated_at: self.updated_at,
            archived: self.archived_at.is_some(),
            archived_at: self.archived_at,
            associations: None,
            new: None,
        }
    }
}

/// The names a write's answer shows: the type's default properties, then the ones it set
/// (a name may come twice: the answer is a map).
fn answer_names<'a>(
    object_type: ObjectType,
    set: impl IntoIterator<Item = &'a String>,
) -> impl Iterator<Item = &'a str> {
    let defaults = object_type.default_properties().iter().copied();
    defaults.chain(set.into_iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::input::ReadOptions;
    use crate::crm::view::render;

    /// The copy answers a write exactly as rendering the stored object with the write's
    /// properties asked for does (what the write answered before the copy).
    #[test]
    fn its_view_is_the_stored_objects_render_of_the_defaults_and_the_set_properties() {
        let mut object = CrmObject::with_properties(
            7,
            &[
                ("hs_object_id", "7"),
                ("hs_createdate", "2026-12-01T10:00:00.000Z"),
                ("hs_call_title", "Support"),
                ("hs_call_body", "kept, not asked for"),
            ],
        );
        object.archived_at = Some(Timestamp::now());
        let set: Vec<String> = ["hs_call_title", "hs_call_status", "hs_object_id"]
            .map(String::from)
            .to_vec();
        let mut names: Vec<String> = ObjectType::Calls
            .default_properties()
            .iter()
            .map(|name| name.to_string())
            .collect();
        let more: Vec<String> = set.iter().filter(|n| !names.contains(n)).cloned().collect();
        names.extend(more);
        let options = ReadOptions {
            properties: names,
            ..ReadOptions::default()
        };
        let rendered = render(ObjectType::Calls, &object, &options, |_, _| true);
        let whole = WrittenObject::of(&object);
        assert_eq!(whole.view(ObjectType::Calls, &set), rendered);
        let answered = WrittenObject::answered(&object, ObjectType::Calls, &set);
        assert_eq!(answered.view(ObjectType::Calls, &set), rendered);
        assert!(!answered.properties.contains_key("hs_call_body"));
        assert!(whole.properties.contains_key("hs_call_body"));
        let shown = &rendered.properties;
        assert_eq!(shown["hs_call_status"], None, "unset reads as null");
        assert!(!shown.contains_key("hs_call_body"));
        assert!(rendered.archived);
    }
}
