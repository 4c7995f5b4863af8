//! Sign-in throttling: failed attempts counted per account and per address over a sliding
//! window; past the limit, sign-ins for that key are refused (before the password is
//! checked) until the oldest failure leaves the window. In memory, per instance.

use crate::clock::Clock;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// How far back failures count.
pub const WINDOW: TimeDelta = TimeDelta::minutes(15);
/// Failures allowed per account, and per address, within the window.
pub const PER_ACCOUNT: usize = 5;
pub const PER_ADDRESS: usize = 20;

#[derive(Clone)]
pub struct Throttle {
    clock: Arc<dyn Clock>,
    failures: Arc<Mutex<HashMap<String, VecDeque<DateTime<Utc>>>>>,
}

impl Throttle {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock, failures: Arc::default() }
    }

    /// How long until `key` may try again, if it has used up `limit` failures.
    pub fn blocked_for(&self, key: &str, limit: usize) -> Option<TimeDelta> {
        let now = self.clock.now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let seen = failures.get_mut(key)?;
        while seen.front().is_some_and(|at| *at <= now - WINDOW) {
            seen.pop_front();
        }
        (seen.len() >= limit).then(|| seen.front().map_or(WINDOW, |first| *first + WINDOW - now))
    }

    pub fn failed(&self, key: &str) {
        let now = self.clock.now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.retain(|_, seen| seen.back().is_some_and(|at| *at > now - WINDOW));
        failures.entry(key.to_owned()).or_default().push_back(now);
    }

    /// A success forgets the key's failures.
    pub fn succeeded(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn the_limit_holds_for_the_window_then_lifts() {
        let clock = Arc::new(ManualClock::starting_now());
        let throttle = Throttle::new(clock.clone());
        for _ in 0..PER_ACCOUNT {
            assert_eq!(throttle.blocked_for("ada", PER_ACCOUNT), None);
            throttle.failed("ada");
            clock.advance(TimeDelta::minutes(1));
        }
        let wait = throttle.blocked_for("ada", PER_ACCOUNT).expect("blocked after five failures");
        assert_eq!(wait, WINDOW - TimeDelta::minutes(PER_ACCOUNT as i64), "until the first failure is 15 minutes old");
        assert_eq!(throttle.blocked_for("bob", PER_ACCOUNT), None, "per key");
        clock.advance(wait);
        assert_eq!(throttle.blocked_for("ada", PER_ACCOUNT), None, "the oldest failure left the window");
        throttle.failed("ada");
        throttle.succeeded("ada");
        assert_eq!(throttle.blocked_for("ada", 1), None, "a success forgets");
    }
}
