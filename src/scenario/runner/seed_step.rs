//! The `seedCrm` step: creates a record in a portal's CRM directly, as a HubSpot user (or an
//! import) would, not through the app under test: the contact an inbound call should match, the
//! company a call should be logged on. The CRM checks it as it checks any create (known
//! properties, valid values, unique values, associations to live records), so a mistake in the
//! step fails it with the CRM's own words. Its result `{id, properties}` is what later steps read
//! (`${steps.ada.id}`).

use super::crm_wait::object_type;
use super::*;
use crate::crm::associations::AssociationCategory;
use crate::crm::input::{AssociationInput, AssociationSpec, ObjectRef};
use crate::crm::{ObjectInput, WriteSource};
use crate::fixture::steps::SeedCrmStep;

impl Runner<'_> {
    pub(super) fn seed_crm(&self, step: &SeedCrmStep, context: &Value) -> Result<Outcomes, String> {
        let object_type = object_type("seedCrm.objectType", &step.object_type)?;
        let portal_id = step
            .portal_id
            .or_else(|| self.context.store.first_recipient(None, None).0)
            .ok_or("the run's seed declares no portal: give seedCrm a portalId")?;
        let properties = step
            .properties
            .iter()
            .map(|(name, value)| Ok((name.clone(), Value::String(render_text(value, context)?))))
            .collect::<Result<_, String>>()?;
        let associations = step
            .associations
            .iter()
            .map(|association| {
                Ok(AssociationInput {
                    to: ObjectRef {
                        id: render_text(&association.to_id, context)?,
                    },
                    types: vec![AssociationSpec {
                        association_category: AssociationCategory::HubspotDefined,
                        association_type_id: i32::try_from(association.association_type_id)
                            .unwrap_or(i32::MAX),
                    }],
                })
            })
            .collect::<Result<_, String>>()?;
        let input = ObjectInput {
            properties,
            associations,
            object_write_trace_id: None,
        };
        let created = self.context.store.crm().write(portal_id, |crm| {
            let id = crm.create(object_type, &input, &WriteSource::import())?;
            let properties = crm
                .object(object_type, id)
                .map(|object| object.property_map())
                .unwrap_or_default();
            Ok::<_, crate::crm::CrmError>((id, properties))
        });
        match created {
            Ok((id, properties)) => Ok(Outcomes::passed(
                json!({ "id": id.to_string(), "properties": properties }),
            )),
            // The CRM's message names the property or association to fix.
            Err(error) => Ok(Outcomes {
                got: Some(json!({ "portalId": portal_id })),
                ..Outcomes::failed(format!(
                    "portal {portal_id}'s CRM refused the {}: {error}",
                    object_type.singular()
                ))
            }),
        }
    }
}
