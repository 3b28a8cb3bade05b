//! Which properties an object type has — HubSpot's defaults (vendored as data beside this file,
//! see its README) and the fixture's custom ones — and how a written value becomes the string
//! HubSpot stores (`values`).

pub mod catalog;
pub mod values;

pub use catalog::{Catalog, CustomProperty, PropertyDef, PropertyKind};
