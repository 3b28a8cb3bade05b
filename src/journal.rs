//! Bounded journals: a ring buffer that keeps the newest `capacity` entries and numbers every
//! entry it ever accepted, so a reader can tell how many were dropped. The API request journal
//! and the delivery journal are two.

use std::collections::VecDeque;

use parking_lot::Mutex;
use serde::Serialize;

use crate::clock::Timestamp;
use crate::domain::AppId;

/// API calls kept by default.
pub const DEFAULT_CAPACITY: usize = 10_000;
/// Delivery verdicts kept by default (each holds up to 64 KiB of reply body).
pub const DEFAULT_DELIVERY_CAPACITY: usize = 1_000;
/// Probe reports kept (each holds a dozen requests and replies).
pub const PROBE_JOURNAL_CAPACITY: usize = 100;

/// Entries reserved up front at most; a larger journal grows as it fills.
const PREALLOCATED_MAX: usize = 1 << 17;

pub struct Journal<T> {
    capacity: usize,
    inner: Mutex<Inner<T>>,
}

struct Inner<T> {
    entries: VecDeque<T>,
    accepted: u64,
}

/// A page of a journal: the newest entries last, and how many were ever written.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalPage<T> {
    pub total: u64,
    pub capacity: usize,
    pub entries: Vec<T>,
}

impl<T: Clone> Journal<T> {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            inner: Mutex::new(Inner {
                // Sized once: a doubling VecDeque would leave up to half its buffer untouched
                // until the ring first wraps, so memory would creep for a while after the
                // journal filled. Untouched pages cost nothing; the cap keeps a huge
                // --journal-capacity from reserving gigabytes up front.
                entries: VecDeque::with_capacity(capacity.clamp(1, PREALLOCATED_MAX)),
                accepted: 0,
            }),
        }
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
            inner.entries.push_back(make(sequence));
        }
        // Freed after the lock is released: the other workers need not wait for it.
        drop(evicted);
        sequence
    }

    /// The newest `limit` entries (all kept ones when `None`), oldest first.
    pub fn page(&self, limit: Option<usize>) -> JournalPage<T> {
        let inner = self.inner.lock();
        let skip = limit.map_or(0, |n| inner.entries.len().saturating_sub(n));
        JournalPage {
            total: inner.accepted,
            capacity: self.capacity,
            entries: inner.entries.iter().skip(skip).cloned().collect(),
        }
    }

    /// The newest kept entry that matches.
    pub fn find(&self, matches: impl Fn(&T) -> bool) -> Option<T> {
        self.inner
            .lock()
            .entries
            .iter()
            .rev()
            .find(|e| matches(e))
            .cloned()
    }

    pub fn clear(&self) {
        self.inner.lock().entries.clear();
    }
}

/// One call of the emulated HubSpot API, with credentials redacted from the path.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiRequestEntry {
    pub sequence: u64,
    pub time: Timestamp,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub latency_ms: f64,
    pub correlation_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_id: Option<AppId>,
    /// `hapikey`, `bearer` or `none`: which credential the request carried.
    pub auth: &'static str,
}

/// Replaces the value of `hapikey` (and any other credential-like parameter) with `REDACTED`.
pub fn redact_query(path_and_query: &str) -> String {
    let Some((path, query)) = path_and_query.split_once('?') else {
        return path_and_query.to_string();
    };
    let mut out = String::with_capacity(path_and_query.len());
    out.push_str(path);
    for (index, pair) in query.split('&').enumerate() {
        out.push(if index == 0 { '?' } else { '&' });
        match pair.split_once('=') {
            Some((key, _)) if is_secret_parameter(key) => {
                out.push_str(key);
                out.push_str("=REDACTED");
            }
            _ => out.push_str(pair),
        }
    }
    out
}

fn is_secret_parameter(key: &str) -> bool {
    ["hapikey", "token", "secret", "key"].iter().any(|word| {
        key.as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_entries() {
        let journal = Journal::new(3);
        for n in 0..5 {
            journal.push(|_| n);
        }
        let page = journal.page(None);
        assert_eq!(page.entries, vec![2, 3, 4]);
        assert_eq!(page.total, 5);
        assert_eq!(journal.page(Some(2)).entries, vec![3, 4]);
    }

    #[test]
    fn redacts_credentials_in_queries() {
        assert_eq!(
            redact_query("/crm/v3/x?a=1&hapikey=secret&access_token=t"),
            "/crm/v3/x?a=1&hapikey=REDACTED&access_token=REDACTED"
        );
        assert_eq!(redact_query("/plain"), "/plain");
    }
}
