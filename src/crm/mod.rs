//! A small CRM per portal, in memory: the calls, contacts and companies that calling apps log,
//! look up and associate through HubSpot's CRM object APIs (`/crm/v3/objects/{type}`).
//!
//! Pure: no HTTP and no fixture format. The object types and their scopes (`object_type`),
//! HubSpot's association types (`associations`), property catalogs with HubSpot's defaults as
//! vendored data and the fixture's custom properties (`properties`), objects with their history
//! (`object`), what writes send (`input`) and reads show (`view`), an object copied out as a
//! write left it (`written`), search (`search`), one portal's store and its limits (`portal`),
//! its objects by type with indexes of their unique values and of their phone numbers' digits
//! (`tables`, `unique_index`, `number_index`), bounded pages of it for the emulator's own
//! readers (`page`), third-party transcripts kept with their calls (`transcript`), its seed and
//! snapshot (`seed`), and `Crm`, every portal's CRM behind one lock per portal. Errors are
//! `CrmError`; the HubSpot API adapter maps them to HubSpot's envelope.

pub mod associations;
pub mod error;
pub mod input;
pub mod link;
pub mod number_index;
pub mod object;
pub mod object_type;
pub mod page;
pub mod portal;
pub mod properties;
pub mod search;
pub mod seed;
pub mod tables;
pub mod transcript;
pub mod unique_index;
pub mod view;
pub mod written;

use std::sync::{Arc, OnceLock};

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
pub use written::WrittenObject;

/// Every portal's CRM. A portal the seed does not declare (an app installed in a portal the
/// fixture does not list) gets an empty CRM with the defaults on its first write.
///
/// A seeded portal's CRM is built from its seed when it is first used, not when the seed is
/// loaded: building checks and stores every seeded object (~15 µs each), and a start-up or a
/// reset should not pay for portals that no call of the run touches. The fixture loader has
/// already checked the seed, so building it later cannot fail in a new way.
#[derive(Default)]
pub struct Crm {
    portals: DashMap<PortalId, PortalCrm>,
    /// Seeds of the portals not built yet (shared with the store's seed).
    unbuilt: DashMap<PortalId, Arc<CrmSeed>>,
}

impl Crm {
    /// Replaces every portal's CRM with the seeded ones.
    pub fn load<'a>(&self, seeds: impl IntoIterator<Item = (PortalId, &'a Arc<CrmSeed>)>) {
        self.unbuilt.clear();
        self.portals.clear();
        let mut seeded = Vec::new();
        for (portal_id, seed) in seeds {
            self.unbuilt.insert(portal_id, Arc::clone(seed));
            seeded.push(portal_id);
        }
        // A call that built one of these portals while the seeds were swapped may have left an
        // empty or old CRM behind: the new seed wins.
        for portal_id in seeded {
            self.portals.remove(&portal_id);
        }
    }

    /// Builds the portal's CRM from its seed if it has one not built yet. The seed is taken
    /// under the portal's entry lock, so a concurrent reader either finds the seed and waits on
    /// that lock, or finds the seed gone and then the built CRM behind the same lock.
    fn build(&self, portal_id: PortalId) {
        if self.unbuilt.contains_key(&portal_id) {
            self.portals.entry(portal_id).or_insert_with(|| {
                match self.unbuilt.remove(&portal_id) {
                    Some((_, seed)) => PortalCrm::from_seed(&seed).0,
                    None => PortalCrm::default(),
                }
            });
        }
    }

    /// Builds every portal not built yet (for the readers of all portals).
    fn build_all(&self) {
        let pending: Vec<PortalId> = self.unbuilt.iter().map(|entry| *entry.key()).collect();
        for portal_id in pending {
            self.build(portal_id);
        }
    }

    /// Reads a portal's CRM (an empty one if it has none yet) under its lock.
    pub fn read<R>(&self, portal_id: PortalId, f: impl FnOnce(&PortalCrm) -> R) -> R {
        // One empty CRM for every portal without one: building its catalogs costs more than
        // most reads of it.
        static EMPTY: OnceLock<PortalCrm> = OnceLock::new();
        self.build(portal_id);
        match self.portals.get(&portal_id) {
            Some(crm) => f(&crm),
            None => f(EMPTY.get_or_init(PortalCrm::default)),
        }
    }

    /// Changes a portal's CRM under its lock, creating it if needed.
    pub fn write<R>(&self, portal_id: PortalId, f: impl FnOnce(&mut PortalCrm) -> R) -> R {
        self.build(portal_id);
        let mut crm = self.portals.entry(portal_id).or_default();
        f(&mut crm)
    }

    /// Every portal that has a CRM (seeded, or written to since), by id.
    pub fn portal_ids(&self) -> Vec<PortalId> {
        let mut ids: Vec<PortalId> = self.portals.iter().map(|entry| *entry.key()).collect();
        ids.extend(self.unbuilt.iter().map(|entry| *entry.key()));
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Every portal that has a CRM, with its snapshot, by portal id.
    pub fn snapshot(&self) -> Vec<(PortalId, CrmSeed)> {
        self.build_all();
        let mut all: Vec<(PortalId, CrmSeed)> = self
            .portals
            .iter()
            .map(|entry| (*entry.key(), entry.value().snapshot()))
            .collect();
        all.sort_by_key(|(portal_id, _)| *portal_id);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_with_contact(id: u64) -> Arc<CrmSeed> {
        let mut seed = CrmSeed::default();
        seed.objects[ObjectType::Contacts.index()] = vec![SeedObject {
            id: Some(id),
            properties: [("firstname".to_string(), "Ada".to_string())]
                .into_iter()
                .collect(),
            ..SeedObject::default()
        }];
        Arc::new(seed)
    }

    fn contact_ids(crm: &Crm, portal: PortalId) -> Vec<u64> {
        crm.read(portal, |c| {
            c.objects(ObjectType::Contacts).map(|o| o.id).collect()
        })
    }

    #[test]
    fn a_seeded_portal_is_built_on_first_use_and_reloading_replaces_what_was_built() {
        let crm = Crm::default();
        let portal: PortalId = 62515;
        let seed = seed_with_contact(500);
        crm.load([(portal, &seed)]);
        assert!(crm.portals.is_empty(), "loading builds nothing");
        assert_eq!(crm.portal_ids(), vec![portal], "listed before it is built");
        assert_eq!(contact_ids(&crm, portal), vec![500]);
        crm.write(portal, |c| c.archive(ObjectType::Contacts, "500"))
            .unwrap();
        let snapshot = crm.snapshot();
        assert_eq!(snapshot.len(), 1);
        assert!(snapshot[0].1.objects[ObjectType::Contacts.index()][0]
            .archived_at
            .is_some());

        crm.load([(portal, &seed_with_contact(700))]);
        assert_eq!(
            contact_ids(&crm, portal),
            vec![700],
            "the new seed, not the old CRM"
        );
        crm.load([]);
        assert!(crm.portal_ids().is_empty());
        assert!(contact_ids(&crm, portal).is_empty());
    }

    #[test]
    fn concurrent_first_uses_build_a_portal_once() {
        let crm = Crm::default();
        let portal: PortalId = 1;
        crm.load([(portal, &seed_with_contact(500))]);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| assert_eq!(contact_ids(&crm, portal), vec![500]));
            }
        });
        assert!(crm.unbuilt.is_empty());
    }
}
