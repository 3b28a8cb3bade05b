//! The ranges a fixture's numbers must lie in, checked at load so that a value out of range is
//! one error naming its JSON path (exit 2) rather than a failure blamed on every later fire:
//! timeouts between 1 ms and the longest the emulator waits, a rate-limit interval of at most a
//! day, a window size of 0 pixels or more, a burst no larger than a probe sends.

use super::loader::FixtureError;
use super::steps::Step;
use super::Fixture;
use crate::probe::MAX_BURST;
use crate::webhook::fire::MAX_TIMEOUT_MS;

/// The longest a `waitFor` step may wait (an hour): longer is a typo, not a plan.
pub const MAX_WAIT_MS: u64 = 3_600_000;
/// The longest rate-limit interval (a day).
pub const MAX_INTERVAL_MS: u64 = 86_400_000;

pub fn check_ranges(source: &str, fixture: &Fixture) -> Result<(), FixtureError> {
    let out_of_range =
        |path: String, message: String| Err(FixtureError::new(source, path, message));
    for (index, app) in fixture.apps.iter().enumerate() {
        if let Some(ms) = app.webhook_timeout_ms {
            if !(1..=MAX_TIMEOUT_MS).contains(&ms) {
                return out_of_range(
                    format!("$.apps[{index}].webhookTimeoutMs"),
                    format!("webhookTimeoutMs must be between 1 and {MAX_TIMEOUT_MS} (HubSpot's is assumed to be 10000), got {ms}"),
                );
            }
        }
        if let Some(settings) = &app.settings {
            for (field, value) in [("height", settings.height), ("width", settings.width)] {
                if value < 0 {
                    return out_of_range(
                        format!("$.apps[{index}].settings.{field}"),
                        format!("{field} is the calling window's size in pixels: 0 or more, got {value}"),
                    );
                }
            }
        }
    }
    if let Some(limit) = fixture.rate_limit {
        if !(1..=MAX_INTERVAL_MS).contains(&limit.interval_ms) {
            return out_of_range(
                "$.rateLimit.intervalMs".into(),
                format!(
                    "intervalMs must be between 1 and {MAX_INTERVAL_MS} (a day), got {}",
                    limit.interval_ms
                ),
            );
        }
    }
    for (s, scenario) in fixture.scenarios.iter().enumerate() {
        for (n, step) in scenario.steps.iter().enumerate() {
            let at = |field: &str| format!("$.scenarios[{s}].steps[{n}].{}.{field}", step.kind());
            let (timeout, max, burst) = match step {
                Step::Fire(fire) => (fire.timeout_ms, MAX_TIMEOUT_MS, None),
                Step::Probe(probe) => (probe.timeout_ms, MAX_TIMEOUT_MS, probe.burst),
                Step::WaitFor(wait) => (Some(wait.timeout_ms), MAX_WAIT_MS, None),
                _ => (None, 0, None),
            };
            if let Some(ms) = timeout.filter(|ms| !(1..=max).contains(ms)) {
                return out_of_range(
                    at("timeoutMs"),
                    format!("timeoutMs must be between 1 and {max}, got {ms}"),
                );
            }
            if let Some(burst) = burst.filter(|b| *b > MAX_BURST) {
                return out_of_range(
                    at("burst"),
                    format!("burst must be between 0 and {MAX_BURST}, got {burst}"),
                );
            }
        }
    }
    Ok(())
}
