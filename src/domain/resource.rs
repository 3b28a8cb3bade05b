//! What the three calling settings resources (main settings, channel connection, recording) have
//! in common: a slot in the app's calling extension, a request schema, and how a validated
//! request creates or changes the stored record. The API serves all three through one set of
//! generic handlers built on this trait.

use serde::{de::DeserializeOwned, Serialize};

use super::fields::Schema;
use super::CallingExtension;
use crate::clock::Timestamp;

pub trait CallingResource: Send + Sync + 'static {
    /// The stored value; its JSON form is the HubSpot response and the fixture section.
    type Record: Clone + Serialize + Send + Sync + 'static;
    /// A request body, every field optional (validation enforces what create requires).
    type Fields: DeserializeOwned;

    /// How messages name the resource, e.g. "channel connection settings".
    const LABEL: &'static str;
    /// The path after `{appId}`, e.g. `/settings/channel-connection`.
    const PATH: &'static str;
    /// HubSpot accepts DELETE on all but the recording settings.
    const DELETABLE: bool;
    const CREATE_SCHEMA: Schema;
    const PATCH_SCHEMA: Schema;

    fn slot(extension: &mut CallingExtension) -> &mut Option<Self::Record>;
    fn view(extension: &CallingExtension) -> Option<&Self::Record>;
    /// Builds a record from a create request that passed `CREATE_SCHEMA`.
    fn create(fields: Self::Fields, now: Timestamp) -> Self::Record;
    /// Applies only the given fields; `createdAt` stays, `updatedAt` moves.
    fn patch(record: &mut Self::Record, fields: Self::Fields, now: Timestamp);
}
