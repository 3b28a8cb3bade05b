//! A small CRM per portal, in memory: the calls, contacts and companies that calling apps log,
//! look up and associate through HubSpot's CRM object APIs (`/crm/v3/objects/{type}`).
//!
//! Pure: no HTTP and no fixture format. The object types and their scopes (`object_type`),
//! HubSpot's association types (`associations`), property catalogs with HubSpot's defaults as
//! vendored data and the fixture's custom properties (`properties`), objects with their history
//! (`object`), what writes send (`input`) and reads show (`view`), search (`search`), one
//! portal's store and its limits (`portal`), bounded pages of it for the emulator's own readers
//! (`page`), third-party transcripts kept with their calls (`transcript`), its seed and snapshot
//! (`seed`), and `Crm`, every
//! portal's CRM behind one lock per portal. Errors are `CrmError`; the HubSpot API adapter maps
//! them to HubSpot's envelope.

pub mod associations;
pub mod error;
pub mod input;
pub mod link;
pub mod object;
pub mod object_type;
pub mod page;
pub mod portal;
pub mod properties;
pub mod search;
pub mod seed;
pub mod transcript;
pub mod view;

use dashmap::DashMap;

use crate::domain::PortalId;

pub use error::{CrmError, PropertyError};
pub use input::{ObjectInput, ReadOptions};
pub use object::{CrmObject, WriteSource};
pub use object_type::ObjectType;
pub use portal::PortalCrm;
pub use seed::{CrmSeed, SeedAssociation, SeedObject, SeedProblem, SeedTranscript};
pub use transcript::{Speaker, Transcript, Utterance};
pub use view::ObjectView;

/// Every portal's CRM. A portal the seed does not declare (an app installed in a portal the
/// fixture does not list) gets an empty CRM with the defaults on its first write.
#[derive(Default)]
pub struct Crm {
    portals: DashMap<PortalId, PortalCrm>,
}

impl Crm {
    /// Replaces every portal's CRM with the seeded ones.
    pub fn load<'a>(&self, seeds: impl IntoIterator<Item = (PortalId, &'a CrmSeed)>) {
        self.portals.clear();
        for (portal_id, seed) in seeds {
            self.portals.insert(portal_id, PortalCrm::from_seed(seed).0);
        }
    }

    /// Reads a portal's CRM (an empty one if it has none yet) under its lock.
    pub fn read<R>(&self, portal_id: PortalId, f: impl FnOnce(&PortalCrm) -> R) -> R {
        match self.portals.get(&portal_id) {
            Some(crm) => f(&crm),
            None => f(&PortalCrm::default()),
        }
    }

    /// Changes a portal's CRM under its lock, creating it if needed.
    pub fn write<R>(&self, portal_id: PortalId, f: impl FnOnce(&mut PortalCrm) -> R) -> R {
        let mut crm = self.portals.entry(portal_id).or_default();
        f(&mut crm)
    }

    /// Every portal that has a CRM (seeded, or written to since), by id.
    pub fn portal_ids(&self) -> Vec<PortalId> {
        let mut ids: Vec<PortalId> = self.portals.iter().map(|entry| *entry.key()).collect();
        ids.sort_unstable();
        ids
    }

    /// Every portal that has a CRM, with its snapshot, by portal id.
    pub fn snapshot(&self) -> Vec<(PortalId, CrmSeed)> {
        let mut all: Vec<(PortalId, CrmSeed)> = self
            .portals
            .iter()
            .map(|entry| (*entry.key(), entry.value().snapshot()))
            .collect();
        all.sort_by_key(|(portal_id, _)| *portal_id);
        all
    }
}
