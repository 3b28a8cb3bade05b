//! HubSpot's burst and daily limits, per app: counts requests in fixed windows and reports what
//! the `X-HubSpot-RateLimit-*` headers should say. Enforcement is opt-in (a fixture's
//! `rateLimit`), so a test suite never trips over a limit it did not ask for.

use std::time::{Duration, Instant};

use dashmap::DashMap;

use crate::scenario::fixture::{RateLimitConfig, ADVERTISED_RATE_LIMIT};

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
    config: RateLimitConfig,
    enforce: bool,
    windows: DashMap<i64, Windows>,
}

struct Windows {
    burst_start: Instant,
    burst_count: u32,
    day_start: Instant,
    day_count: u32,
}

impl RateLimiter {
    pub fn new(config: Option<RateLimitConfig>) -> Self {
        Self {
            config: config.unwrap_or(ADVERTISED_RATE_LIMIT),
            enforce: config.is_some(),
            windows: DashMap::new(),
        }
    }

    /// Counts one request against `key` (an app id, or 0 before the app is known).
    pub fn hit(&self, key: i64) -> RateLimitStatus {
        let now = Instant::now();
        let interval = Duration::from_millis(self.config.interval_ms);
        let mut windows = self.windows.entry(key).or_insert_with(|| Windows {
            burst_start: now,
            burst_count: 0,
            day_start: now,
            day_count: 0,
        });
        if now.duration_since(windows.burst_start) >= interval {
            windows.burst_start = now;
            windows.burst_count = 0;
        }
        if now.duration_since(windows.day_start) >= DAY {
            windows.day_start = now;
            windows.day_count = 0;
        }
        windows.burst_count = windows.burst_count.saturating_add(1);
        windows.day_count = windows.day_count.saturating_add(1);
        let exceeded = self.enforce
            && (windows.burst_count > self.config.max_per_interval
                || windows.day_count > self.config.daily_max);
        RateLimitStatus {
            interval_ms: self.config.interval_ms,
            max: self.config.max_per_interval,
            remaining: self
                .config
                .max_per_interval
                .saturating_sub(windows.burst_count),
            daily_max: self.config.daily_max,
            daily_remaining: self.config.daily_max.saturating_sub(windows.day_count),
            exceeded,
        }
    }

    pub fn clear(&self) {
        self.windows.clear();
    }
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

        let strict = RateLimiter::new(Some(RateLimitConfig {
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
