//! Sandboxes: isolated emulated states in one process, one per test (or per test worker), so that
//! a parallel test run shares one emulator without sharing its state. Each sandbox is a whole
//! [`EmulatorState`] — store, journals, everything that hangs off it — built by the same recipe
//! as the emulator's own state, so whatever the state gains later is per sandbox too. The
//! registry bounds their number, frees one on delete or after an idle time, and hands out the
//! state a request under `/_sandbox/{id}` acts on (`context::sandbox` routes it). It knows no
//! HTTP.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::clock::Timestamp;
use crate::journal::release_freed_memory;
use crate::state::EmulatorState;
use crate::store::{Seed, Store};

/// Sandboxes that may exist at once by default (`serve --max-sandboxes`).
pub const DEFAULT_MAX_SANDBOXES: usize = 64;
/// How long a sandbox may go unused before it is deleted, by default
/// (`serve --sandbox-idle-timeout`).
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// The bytes each sandbox's journals keep together by default (`serve --sandbox-journal-bytes`).
pub const DEFAULT_SANDBOX_JOURNAL_BYTES: usize = 4 * 1024 * 1024;
/// The path segment that starts a sandbox's base URL: `/_sandbox/{id}`.
pub const SANDBOX_SEGMENT: &str = "_sandbox";

/// Builds a sandbox's state from a seed: the emulator's own recipe (journal limits, TLS, and
/// whatever else the composition root gives every state) with the sandbox's journal budget.
pub type StateRecipe = Box<dyn Fn(Store) -> EmulatorState + Send + Sync>;

/// How many sandboxes, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct SandboxLimits {
    /// Sandboxes that may exist at once; creating one more is refused.
    pub max: usize,
    /// A sandbox nobody used for this long is deleted.
    pub idle_timeout: Duration,
}

impl Default for SandboxLimits {
    fn default() -> Self {
        SandboxLimits {
            max: DEFAULT_MAX_SANDBOXES,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }
}

/// A sandbox as a listing shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxInfo {
    pub id: String,
    pub created_at: Timestamp,
    /// Milliseconds since the sandbox was last used (created, or a request under its base URL).
    pub idle_ms: u64,
    /// Milliseconds until it expires unless used again.
    pub expires_in_ms: u64,
}

/// Why no sandbox was made.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SandboxError {
    #[error(
        "{count} sandboxes exist, the most this emulator keeps (serve --max-sandboxes {count}). Delete the ones whose tests finished (DELETE /_emulator/sandboxes/{{id}}; GET /_emulator/sandboxes lists them), start the emulator with a larger --max-sandboxes, or let idle ones expire (--sandbox-idle-timeout, now {idle_secs} s)"
    )]
    TooMany { count: usize, idle_secs: u64 },
}

struct Entry {
    state: Arc<EmulatorState>,
    created_at: Timestamp,
    /// Milliseconds since the registry's `epoch` at the last use.
    last_used: AtomicU64,
}

/// Every sandbox of the process.
pub struct Sandboxes {
    limits: SandboxLimits,
    /// The start-up fixture's seed: what a sandbox created without a fixture holds.
    startup: Seed,
    recipe: StateRecipe,
    epoch: Instant,
    entries: Mutex<HashMap<String, Arc<Entry>>>,
}

impl Sandboxes {
    pub fn new(limits: SandboxLimits, startup: Seed, recipe: StateRecipe) -> Self {
        Sandboxes {
            limits,
            startup,
            recipe,
            epoch: Instant::now(),
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn limits(&self) -> SandboxLimits {
        self.limits
    }

    /// A new sandbox seeded with `seed` (the start-up fixture's when `None`); its id.
    pub fn create(&self, seed: Option<Seed>) -> Result<SandboxInfo, SandboxError> {
        self.expire();
        // Checked before the state is built, so a refused create costs nothing; checked again
        // under the lock, where the count is certain.
        self.check_room(self.entries.lock().len())?;
        let state = (self.recipe)(Store::new(seed.unwrap_or_else(|| self.startup.clone())));
        let entry = Arc::new(Entry {
            state: Arc::new(state),
            created_at: Timestamp::now(),
            last_used: AtomicU64::new(self.now_ms()),
        });
        let id = new_id();
        let mut entries = self.entries.lock();
        self.check_room(entries.len())?;
        entries.insert(id.clone(), entry.clone());
        drop(entries);
        Ok(self.info(&id, &entry, self.now_ms()))
    }

    fn check_room(&self, count: usize) -> Result<(), SandboxError> {
        if count >= self.limits.max {
            return Err(SandboxError::TooMany {
                count,
                idle_secs: self.limits.idle_timeout.as_secs(),
            });
        }
        Ok(())
    }

    /// The state of sandbox `id`, which counts as a use of it; `None` for an unknown (deleted,
    /// expired) id.
    pub fn get(&self, id: &str) -> Option<Arc<EmulatorState>> {
        let entry = self.entries.lock().get(id).cloned()?;
        let now = self.now_ms();
        if self.expired(&entry, now) {
            self.remove_if_idle(id);
            return None;
        }
        entry.last_used.store(now, Ordering::Relaxed);
        Some(entry.state.clone())
    }

    /// Deletes sandbox `id`; false if there is none. Its memory is freed when the last request
    /// still working on it ends.
    pub fn delete(&self, id: &str) -> bool {
        let removed = self.entries.lock().remove(id);
        let found = removed.is_some();
        free(removed);
        found
    }

    /// Every sandbox's state (what a stopping server ends the streams of).
    pub fn states(&self) -> Vec<Arc<EmulatorState>> {
        self.entries
            .lock()
            .values()
            .map(|entry| entry.state.clone())
            .collect()
    }

    /// Every sandbox, oldest first.
    pub fn list(&self) -> Vec<SandboxInfo> {
        self.expire();
        let now = self.now_ms();
        let mut listed: Vec<SandboxInfo> = self
            .entries
            .lock()
            .iter()
            .map(|(id, entry)| self.info(id, entry, now))
            .collect();
        listed.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.id.cmp(&b.id)));
        listed
    }

    pub fn count(&self) -> usize {
        self.entries.lock().len()
    }

    /// Deletes every sandbox idle for longer than the idle timeout; how many.
    pub fn expire(&self) -> usize {
        let now = self.now_ms();
        let removed: Vec<Arc<Entry>> = {
            let mut entries = self.entries.lock();
            let idle: Vec<String> = entries
                .iter()
                .filter(|(_, entry)| self.expired(entry, now))
                .map(|(id, _)| id.clone())
                .collect();
            idle.iter().filter_map(|id| entries.remove(id)).collect()
        };
        // Freed outside the lock: freeing a big state must not hold up other sandboxes.
        let count = removed.len();
        if count > 0 {
            tracing::info!(count, "idle sandboxes expired");
        }
        free(removed);
        count
    }

    fn remove_if_idle(&self, id: &str) {
        let now = self.now_ms();
        let removed = {
            let mut entries = self.entries.lock();
            match entries.get(id) {
                Some(entry) if self.expired(entry, now) => entries.remove(id),
                _ => None,
            }
        };
        free(removed);
    }

    fn expired(&self, entry: &Entry, now: u64) -> bool {
        let idle = now.saturating_sub(entry.last_used.load(Ordering::Relaxed));
        u128::from(idle) > self.limits.idle_timeout.as_millis()
    }

    fn info(&self, id: &str, entry: &Entry, now: u64) -> SandboxInfo {
        let idle_ms = now.saturating_sub(entry.last_used.load(Ordering::Relaxed));
        let timeout = u64::try_from(self.limits.idle_timeout.as_millis()).unwrap_or(u64::MAX);
        SandboxInfo {
            id: id.to_string(),
            created_at: entry.created_at,
            idle_ms,
            expires_in_ms: timeout.saturating_sub(idle_ms),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// Frees removed sandboxes: their open streams end (a page left open would keep the state alive),
/// then their memory goes back to the system.
fn free(removed: impl IntoIterator<Item = Arc<Entry>>) {
    let mut any = false;
    for entry in removed {
        entry.state.end_streams();
        any = true;
    }
    if any {
        release_freed_memory();
    }
}

/// `sb-` and 16 random hex digits: unguessable enough that one test never reaches another's
/// sandbox by accident, short enough to read in a log. Random even in deterministic mode: a
/// sandbox's id is never part of a report.
fn new_id() -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("sb-{}", &random[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::JournalLimits;

    fn registry(max: usize, idle: Duration) -> Sandboxes {
        Sandboxes::new(
            SandboxLimits {
                max,
                idle_timeout: idle,
            },
            Seed::default(),
            Box::new(|store| {
                EmulatorState::new(
                    store,
                    JournalLimits {
                        requests: 10,
                        deliveries: 10,
                        probes: 10,
                        call_reports: 10,
                        bytes: 1 << 16,
                    },
                    None,
                )
            }),
        )
    }

    #[test]
    fn creates_up_to_the_limit_then_refuses_with_what_to_do() {
        let sandboxes = registry(2, Duration::from_secs(60));
        let a = sandboxes.create(None).unwrap();
        let b = sandboxes.create(None).unwrap();
        assert_ne!(a.id, b.id);
        assert!(a.id.starts_with("sb-") && a.id.len() == 19, "{}", a.id);
        let refused = sandboxes.create(None).unwrap_err().to_string();
        assert!(refused.contains("--max-sandboxes"), "{refused}");
        assert!(
            refused.contains("DELETE /_emulator/sandboxes/{id}"),
            "{refused}"
        );
        assert!(sandboxes.delete(&a.id));
        assert!(!sandboxes.delete(&a.id));
        assert!(sandboxes.get(&a.id).is_none());
        assert!(sandboxes.get(&b.id).is_some());
        sandboxes.create(None).unwrap();
        assert_eq!(sandboxes.count(), 2);
    }

    #[test]
    fn an_idle_sandbox_expires_and_a_used_one_does_not() {
        let sandboxes = registry(8, Duration::from_millis(150));
        let idle = sandboxes.create(None).unwrap();
        let used = sandboxes.create(None).unwrap();
        for _ in 0..4 {
            std::thread::sleep(Duration::from_millis(60));
            assert!(sandboxes.get(&used.id).is_some());
        }
        assert!(sandboxes.get(&idle.id).is_none(), "idle for 240 ms of 150");
        let listed: Vec<String> = sandboxes.list().into_iter().map(|s| s.id).collect();
        assert_eq!(listed, vec![used.id]);
    }
}
