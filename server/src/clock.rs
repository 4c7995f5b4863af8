//! Time as a dependency: the engine and the store read the time only through [`Clock`],
//! so tests move it by hand (dedup windows, backoff, leases) instead of sleeping.

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync + 'static {
    /// Now, to the millisecond (what every backend stores).
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(3)
    }
}

/// A clock that moves only when told to; for tests and benchmarks.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn starting_now() -> Self {
        Self(Mutex::new(SystemClock.now()))
    }

    pub fn advance(&self, by: TimeDelta) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
