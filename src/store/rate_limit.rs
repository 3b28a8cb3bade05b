//! HubSpot's burst and daily limits, per app: counts requests in fixed windows and reports what
//! the `X-HubSpot-RateLimit-*` headers should say. Enforcement is opt-in (a fixture's
//! `rateLimit`), so a test suite never trips over a limit it did not ask for.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use dashmap::DashMap;

/// A burst and a daily limit per app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Requests allowed per interval and app; the next one gets a 429.
    pub max_per_interval: u32,
    pub interval_ms: u64,
    pub daily_max: u32,
}

/// What the headers advertise when no limit is configured (and none is enforced): HubSpot's
/// published per-app burst limit.
pub const ADVERTISED_RATE_LIMIT: RateLimits = RateLimits {
    max_per_interval: 110,
    interval_ms: 10_000,
    daily_max: 500_000,
};

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitStatus {
    pub interval_ms: u64,
    pub max: u32,
    pub remaining: u32,
    pub daily_max: u32,
    pub daily_remaining: u32,
    /// The request is over the limit and must get a 429.
    pub exceeded: bool,
}

pub struct RateLimiter {
    config: RateLimits,
    enforce: bool,
    /// Time zero of the window starts below.
    epoch: Instant,
    windows: DashMap<i64, Windows>,
}

/// One key's counters. Atomics, so that concurrent requests on one app share a read lock of the
/// map instead of queueing for its write lock.
struct Windows {
    burst_start_ms: AtomicU64,
    burst_count: AtomicU32,
    day_start_ms: AtomicU64,
    day_count: AtomicU32,
}

impl RateLimiter {
    pub fn new(config: Option<RateLimits>) -> Self {
        Self {
            config: config.unwrap_or(ADVERTISED_RATE_LIMIT),
            enforce: config.is_some(),
            epoch: Instant::now(),
            windows: DashMap::new(),
        }
    }

    /// Counts one request against `key` (an app id, or 0 before the app is known).
    pub fn hit(&self, key: i64) -> RateLimitStatus {
        let now_ms = self.epoch.elapsed().as_millis() as u64;
        let windows = match self.windows.get(&key) {
            Some(windows) => windows,
            None => self
                .windows
                .entry(key)
                .or_insert_with(|| Windows {
                    burst_start_ms: AtomicU64::new(now_ms),
                    burst_count: AtomicU32::new(0),
                    day_start_ms: AtomicU64::new(now_ms),
                    day_count: AtomicU32::new(0),
                })
                .downgrade(),
        };
        let burst = count(
            &windows.burst_start_ms,
            &windows.burst_count,
            now_ms,
            self.config.interval_ms,
        );
        let day = count(
            &windows.day_start_ms,
            &windows.day_count,
            now_ms,
            DAY.as_millis() as u64,
        );
        let exceeded =
            self.enforce && (burst > self.config.max_per_interval || day > self.config.daily_max);
        RateLimitStatus {
            interval_ms: self.config.interval_ms,
            max: self.config.max_per_interval,
            remaining: self.config.max_per_interval.saturating_sub(burst),
            daily_max: self.config.daily_max,
            daily_remaining: self.config.daily_max.saturating_sub(day),
            exceeded,
        }
    }

    pub fn clear(&self) {
        self.windows.clear();
    }

    /// Drops `key`'s counters (an app that no longer exists).
    pub fn forget(&self, key: i64) {
        self.windows.remove(&key);
    }
}

/// Counts one request in a fixed window of `length_ms`, starting a new window when the current
/// one has passed (one request wins the race to restart it); returns the count so far.
fn count(start_ms: &AtomicU64, counter: &AtomicU32, now_ms: u64, length_ms: u64) -> u32 {
    let start = start_ms.load(Ordering::Acquire);
    if now_ms.saturating_sub(start) >= length_ms
        && start_ms
            .compare_exchange(start, now_ms, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    {
        counter.store(1, Ordering::Release);
        return 1;
    }
    counter.fetch_add(1, Ordering::AcqRel).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_only_when_configured() {
        let open = RateLimiter::new(None);
        for _ in 0..200 {
            assert!(!open.hit(1).exceeded);
        }
        assert_eq!(open.hit(1).remaining, 0);

        let strict = RateLimiter::new(Some(RateLimits {
            max_per_interval: 2,
            interval_ms: 60_000,
            daily_max: 100,
        }));
        assert_eq!(strict.hit(1).remaining, 1);
        assert!(!strict.hit(1).exceeded);
        assert!(strict.hit(1).exceeded);
        assert!(!strict.hit(2).exceeded, "limits are per app");
    }
}
