//! The byte budget every journal of the process draws on: when it is spent, the journal holding
//! the most bytes gives up its oldest entry, until the total fits (each journal keeps its newest).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

/// What the budget can ask of a journal, whatever its entries.
pub(super) trait Member: Send + Sync {
    fn bytes(&self) -> usize;
    /// Gives up the oldest entry unless it is the newest; the bytes freed (0: nothing to give).
    fn give_up_oldest(&self) -> usize;
}

/// The byte budget every journal of the process draws on.
pub struct ByteBudget {
    limit: usize,
    pub(super) used: AtomicUsize,
    pub(super) members: Mutex<Vec<Weak<dyn Member>>>,
}

impl ByteBudget {
    pub fn new(limit: usize) -> Arc<ByteBudget> {
        Arc::new(ByteBudget {
            limit: limit.max(1),
            used: AtomicUsize::new(0),
            members: Mutex::new(Vec::new()),
        })
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Bytes the journals hold now.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    /// While over the limit, the journal with the most bytes that can still give an entry up
    /// gives up its oldest one.
    pub(super) fn enforce(&self) {
        while self.used() > self.limit {
            let mut members: Vec<Arc<dyn Member>> = self
                .members
                .lock()
                .iter()
                .filter_map(Weak::upgrade)
                .collect();
            members.sort_by_key(|member| std::cmp::Reverse(member.bytes()));
            // The largest first; one down to its newest entry lets the next one give way.
            if !members.iter().any(|member| member.give_up_oldest() > 0) {
                // Every journal is down to its newest entry: nothing more can go.
                return;
            }
        }
    }
}
