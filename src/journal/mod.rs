//! Bounded journals: a ring buffer that keeps the newest `capacity` entries and numbers every
//! entry it ever accepted, so a reader can tell how many were dropped. The API request journal,
//! the delivery journal and the probe journal are three; whatever comes later (SDK messages,
//! recording verdicts, sandboxes) is another.
//!
//! Every journal is bounded twice: in entries (its own capacity) and in bytes, by one
//! [`ByteBudget`] that all journals of the process draw on. When the budget is spent, the journal
//! holding the most bytes gives up its oldest entries until the total fits again; a journal's
//! newest entry is never given up, so what was just recorded can always be read back.
//! Listings come in pages (`after`, `limit`, `next`) that are bounded in bytes too.

mod api_entry;
mod budget;
mod json_size;
mod weigh;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

pub use crate::allocator::release_freed_memory;
pub use api_entry::{redact_query, ApiRequestEntry};
pub use budget::ByteBudget;
use budget::Member;
pub use weigh::{json_weight, Weigh};

/// API calls kept by default.
pub const DEFAULT_CAPACITY: usize = 10_000;
/// Delivery verdicts kept by default (each holds up to 64 KiB of reply body).
pub const DEFAULT_DELIVERY_CAPACITY: usize = 1_000;
/// Probe reports kept (each holds a dozen requests and replies).
pub const PROBE_JOURNAL_CAPACITY: usize = 100;
/// Inbound-call reports kept (each holds one call's request, matches and findings).
pub const CALL_REPORT_CAPACITY: usize = 1_000;
/// Recording playback verdicts kept (each holds three requests and replies, never the audio).
pub const RECORDING_CAPACITY: usize = 1_000;
/// The bytes all journals together keep by default (`serve --journal-bytes`): with the server's
/// own needs, the worst case stays under ~128 MiB of RSS (measured by `bench_hostile`).
pub const DEFAULT_BUDGET_BYTES: usize = 48 * 1024 * 1024;
/// The most bytes of entries one page of a listing carries; `next` continues past it.
pub const PAGE_BYTES: usize = 4 * 1024 * 1024;

/// Entries reserved up front at most; a larger journal grows as it fills.
const PREALLOCATED_MAX: usize = 1 << 17;

pub struct Journal<T> {
    capacity: usize,
    budget: Arc<ByteBudget>,
    bytes: AtomicUsize,
    inner: Mutex<Inner<T>>,
}

struct Inner<T> {
    /// (sequence, weight, entry), oldest first.
    entries: VecDeque<(u64, usize, T)>,
    accepted: u64,
}

/// A page of a journal, oldest first; `next` is the `after` of the following page when more
/// kept entries follow this one.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalPage<T> {
    /// Entries ever written (kept or dropped).
    pub total: u64,
    pub capacity: usize,
    /// Entries the journal keeps now: more than this page holds when `limit` or the page's
    /// byte cap cut it.
    pub kept: usize,
    pub entries: Vec<T>,
    pub next: Option<u64>,
}

/// Which entries a page holds: also the `?after=ID&limit=N` of every journal listing.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageRequest {
    /// Entries numbered after this one, oldest first; without it, the newest entries.
    pub after: Option<u64>,
    /// At most this many (all that fit in `PAGE_BYTES` when `None`).
    pub limit: Option<usize>,
}

impl<T: Clone + Weigh + Send + 'static> Journal<T> {
    /// A journal of at most `capacity` entries, drawing on `budget`.
    pub fn new(capacity: usize, budget: &Arc<ByteBudget>) -> Arc<Self> {
        let journal = Arc::new(Self {
            capacity: capacity.max(1),
            budget: budget.clone(),
            bytes: AtomicUsize::new(0),
            inner: Mutex::new(Inner {
                // Sized once: a doubling VecDeque would leave up to half its buffer untouched
                // until the ring first wraps, so memory would creep for a while after the
                // journal filled. Untouched pages cost nothing; the cap keeps a huge
                // --journal-capacity from reserving gigabytes up front.
                entries: VecDeque::with_capacity(capacity.clamp(1, PREALLOCATED_MAX)),
                accepted: 0,
            }),
        });
        let member: Arc<dyn Member> = journal.clone();
        let mut members = budget.members.lock();
        members.retain(|m| m.strong_count() > 0);
        members.push(Arc::downgrade(&member));
        journal
    }

    /// Adds an entry, dropping the oldest when full; returns its sequence number (from 1).
    pub fn push(&self, make: impl FnOnce(u64) -> T) -> u64 {
        let evicted;
        let sequence;
        {
            let mut inner = self.inner.lock();
            inner.accepted += 1;
            sequence = inner.accepted;
            evicted = if inner.entries.len() == self.capacity {
                inner.entries.pop_front()
            } else {
                None
            };
            let entry = make(sequence);
            let weight = entry.weight();
            inner.entries.push_back((sequence, weight, entry));
            self.add_bytes(weight);
            if let Some((_, freed, _)) = &evicted {
                self.sub_bytes(*freed);
            }
        }
        // Freed after the lock is released: the other workers need not wait for it.
        drop(evicted);
        self.budget.enforce();
        sequence
    }

    /// A page of kept entries, oldest first, at most `PAGE_BYTES` of them.
    pub fn page(&self, request: PageRequest) -> JournalPage<T> {
        let inner = self.inner.lock();
        let limit = request.limit.unwrap_or(usize::MAX);
        let (entries, next) = match request.after {
            Some(after) => {
                let start = inner.entries.partition_point(|(seq, _, _)| *seq <= after);
                let taken = take_page(inner.entries.iter().skip(start), limit);
                // `next` only when something follows the page.
                let last = taken.last().map(|(seq, _)| *seq);
                let more = last
                    .is_some_and(|last| inner.entries.back().is_some_and(|(s, _, _)| *s != last));
                (taken, last.filter(|_| more))
            }
            None => {
                let mut taken = take_page(inner.entries.iter().rev(), limit);
                taken.reverse();
                (taken, None)
            }
        };
        JournalPage {
            total: inner.accepted,
            capacity: self.capacity,
            kept: inner.entries.len(),
            entries: entries.into_iter().map(|(_, entry)| entry).collect(),
            next,
        }
    }

    /// The newest kept entries for which `matches` holds, newest first, at most `limit` of them
    /// (what a scenario waiting for an entry looks for, without copying the whole journal).
    pub fn newest_matching(&self, limit: usize, matches: impl Fn(&T) -> bool) -> Vec<T> {
        let inner = self.inner.lock();
        inner
            .entries
            .iter()
            .rev()
            .map(|(_, _, entry)| entry)
            .filter(|entry| matches(entry))
            .take(limit)
            .cloned()
            .collect()
    }

    /// The kept entry numbered `sequence`.
    pub fn get(&self, sequence: u64) -> Option<T> {
        let inner = self.inner.lock();
        let at = inner
            .entries
            .binary_search_by_key(&sequence, |(seq, _, _)| *seq)
            .ok()?;
        Some(inner.entries[at].2.clone())
    }

    /// Empties the journal and hands the freed memory back to the system.
    pub fn clear(&self) {
        let dropped = {
            let mut inner = self.inner.lock();
            std::mem::take(&mut inner.entries)
        };
        let freed: usize = dropped.iter().map(|(_, weight, _)| weight).sum();
        self.sub_bytes(freed);
        drop(dropped);
        release_freed_memory();
    }

    /// Bytes this journal holds.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    fn add_bytes(&self, n: usize) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
        self.budget.used.fetch_add(n, Ordering::Relaxed);
    }

    fn sub_bytes(&self, n: usize) {
        self.bytes.fetch_sub(n, Ordering::Relaxed);
        self.budget.used.fetch_sub(n, Ordering::Relaxed);
    }
}

/// Entries in the order given until `limit` of them or `PAGE_BYTES` (always at least one).
fn take_page<'a, T: Clone + 'a>(
    entries: impl Iterator<Item = &'a (u64, usize, T)>,
    limit: usize,
) -> Vec<(u64, T)> {
    let mut taken = Vec::new();
    let mut bytes = 0;
    for (seq, weight, entry) in entries {
        if taken.len() >= limit || (!taken.is_empty() && bytes + weight > PAGE_BYTES) {
            break;
        }
        bytes += weight;
        taken.push((*seq, entry.clone()));
    }
    taken
}

impl<T: Clone + Weigh + Send + 'static> Member for Journal<T> {
    fn bytes(&self) -> usize {
        Journal::bytes(self)
    }

    fn give_up_oldest(&self) -> usize {
        let oldest = {
            let mut inner = self.inner.lock();
            if inner.entries.len() <= 1 {
                return 0;
            }
            inner.entries.pop_front()
        };
        let freed = oldest.as_ref().map_or(0, |(_, weight, _)| *weight);
        self.sub_bytes(freed);
        drop(oldest);
        freed.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry of a given weight.
    #[derive(Clone, Debug, PartialEq)]
    struct Sized(u64, usize);
    impl Weigh for Sized {
        fn weight(&self) -> usize {
            self.1
        }
    }

    fn ids(page: &JournalPage<Sized>) -> Vec<u64> {
        page.entries.iter().map(|e| e.0).collect()
    }

    fn newest(limit: Option<usize>) -> PageRequest {
        PageRequest { after: None, limit }
    }

    #[test]
    fn finds_the_newest_matching_entries() {
        let journal = Journal::new(4, &ByteBudget::new(1 << 20));
        for _ in 0..6 {
            journal.push(|seq| Sized(seq, 10));
        }
        let even: Vec<u64> = journal
            .newest_matching(usize::MAX, |e| e.0 % 2 == 0)
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(even, vec![6, 4], "newest first, dropped entries not seen");
        assert_eq!(journal.newest_matching(1, |_| true), vec![Sized(6, 10)]);
        assert!(journal.newest_matching(5, |e| e.0 > 6).is_empty());
    }

    #[test]
    fn keeps_the_newest_entries() {
        let journal = Journal::new(3, &ByteBudget::new(1 << 20));
        for _ in 0..5 {
            journal.push(|seq| Sized(seq, 10));
        }
        let page = journal.page(newest(None));
        assert_eq!(ids(&page), vec![3, 4, 5]);
        assert_eq!(page.total, 5);
        assert_eq!(ids(&journal.page(newest(Some(2)))), vec![4, 5]);
        assert_eq!(journal.bytes(), 30);
    }

    #[test]
    fn pages_follow_the_cursor() {
        let journal = Journal::new(100, &ByteBudget::new(1 << 20));
        for _ in 0..10 {
            journal.push(|seq| Sized(seq, 10));
        }
        let first = journal.page(PageRequest {
            after: Some(0),
            limit: Some(4),
        });
        assert_eq!((ids(&first), first.next), (vec![1, 2, 3, 4], Some(4)));
        let second = journal.page(PageRequest {
            after: first.next,
            limit: Some(4),
        });
        assert_eq!((ids(&second), second.next), (vec![5, 6, 7, 8], Some(8)));
        let last = journal.page(PageRequest {
            after: second.next,
            limit: Some(4),
        });
        assert_eq!((ids(&last), last.next), (vec![9, 10], None));
        assert_eq!(journal.get(7), Some(Sized(7, 10)));
        assert_eq!(journal.get(11), None);
    }

    #[test]
    fn pages_are_bounded_in_bytes() {
        let journal = Journal::new(100, &ByteBudget::new(usize::MAX));
        for _ in 0..5 {
            journal.push(|seq| Sized(seq, PAGE_BYTES / 2));
        }
        let page = journal.page(PageRequest {
            after: Some(0),
            limit: None,
        });
        assert_eq!((ids(&page), page.next), (vec![1, 2], Some(2)));
        assert_eq!(ids(&journal.page(newest(None))), vec![4, 5]);
    }

    /// A page's bound holds of the JSON the control API prints, escapes included: an entry of
    /// control characters (as a hostile reply holds) prints six bytes for each.
    #[test]
    fn a_page_of_entries_weighed_as_json_prints_within_its_bound() {
        #[derive(Clone, serde::Serialize)]
        struct Noisy(u64, String);
        impl Weigh for Noisy {
            fn weight(&self) -> usize {
                json_weight(self)
            }
        }
        let journal = Journal::new(100, &ByteBudget::new(usize::MAX));
        for _ in 0..40 {
            journal.push(|seq| Noisy(seq, "\u{1}".repeat(64 * 1024)));
        }
        let page = journal.page(newest(None));
        let printed = serde_json::to_string(&page.entries).unwrap().len();
        assert!(page.entries.len() > 1 && page.entries.len() < 40);
        assert!(printed <= PAGE_BYTES, "{printed} bytes");
    }

    #[test]
    fn journals_share_one_byte_budget_and_the_largest_gives_way() {
        let budget = ByteBudget::new(1000);
        let big = Journal::new(1000, &budget);
        let small = Journal::new(1000, &budget);
        for _ in 0..9 {
            big.push(|seq| Sized(seq, 100));
        }
        assert_eq!(budget.used(), 900);
        for _ in 0..3 {
            small.push(|seq| Sized(seq, 100));
        }
        // 1200 bytes asked for: the bigger journal gave up its two oldest.
        assert_eq!(budget.used(), 1000);
        assert_eq!(ids(&big.page(newest(None))), (3..=9).collect::<Vec<_>>());
        assert_eq!(small.page(newest(None)).entries.len(), 3);
        big.clear();
        assert_eq!((big.bytes(), budget.used()), (0, 300));
    }

    #[test]
    fn the_newest_entry_is_kept_even_past_the_budget() {
        let budget = ByteBudget::new(100);
        let journal = Journal::new(10, &budget);
        journal.push(|seq| Sized(seq, 50));
        journal.push(|seq| Sized(seq, 500));
        assert_eq!(ids(&journal.page(newest(None))), vec![2]);
        assert_eq!(budget.used(), 500);
    }

    #[test]
    fn a_journal_down_to_its_newest_lets_the_next_largest_give_way() {
        let budget = ByteBudget::new(1000);
        let big = Journal::new(10, &budget);
        let other = Journal::new(10, &budget);
        big.push(|seq| Sized(seq, 900));
        for _ in 0..5 {
            other.push(|seq| Sized(seq, 100));
        }
        // `big` cannot give up its only entry, so `other` gives way down to its newest.
        assert_eq!(ids(&big.page(newest(None))), vec![1]);
        assert_eq!(ids(&other.page(newest(None))), vec![5]);
        assert_eq!(budget.used(), 1000);
    }
}
