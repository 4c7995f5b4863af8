//! [`Rate`]: at most so many things a minute per key, in memory, per instance; here, tasks
//! submitted per owner and per address. A request that finds the minute's count under the
//! limit is let through whole, however many tasks it brings (a batch of 500 counts 500),
//! and the next waits until the count is under the limit again: a flood is slowed, and no
//! single submission is refused for its size. The queue itself stays unlimited.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MINUTE: Duration = Duration::from_secs(60);

/// At most `most` things per key in any minute (the last request may bring it past).
pub struct Rate<K> {
    most: u64,
    seen: Arc<Mutex<HashMap<K, Counted>>>,
}

impl<K> Clone for Rate<K> {
    fn clone(&self) -> Self {
        Self { most: self.most, seen: self.seen.clone() }
    }
}

/// What a key brought in the last minute: when, and how many each time.
#[derive(Default)]
struct Counted {
    total: u64,
    each: VecDeque<(Instant, u64)>,
}

impl Counted {
    /// Drops what is over a minute old at `now`.
    fn forget_before(&mut self, now: Instant) {
        while self.each.front().is_some_and(|(at, _)| now.duration_since(*at) >= MINUTE) {
            if let Some((_, n)) = self.each.pop_front() {
                self.total -= n;
            }
        }
    }
}

impl<K: Hash + Eq> Rate<K> {
    pub fn new(most: u64) -> Self {
        Self { most, seen: Arc::default() }
    }

    /// Counts `n` things for `key`; `Err(wait)` when the minute's count is at the limit.
    pub fn allow(&self, key: K, n: u64) -> Result<(), Duration> {
        self.allow_at(key, n, Instant::now())
    }

    fn allow_at(&self, key: K, n: u64, now: Instant) -> Result<(), Duration> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, counted| counted.each.back().is_some_and(|(at, _)| now.duration_since(*at) < MINUTE));
        }
        let counted = seen.entry(key).or_default();
        counted.forget_before(now);
        if counted.total >= self.most {
            // Until enough of the oldest leave the minute to bring the count under the limit.
            let mut left = counted.total;
            let until = counted.each.iter().find(|(_, n)| {
                left -= n;
                left < self.most
            });
            return Err(until.map_or(MINUTE, |(at, _)| MINUTE.saturating_sub(now.duration_since(*at))));
        }
        counted.total += n;
        counted.each.push_back((now, n));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_counts_whole_and_the_next_waits_for_room() {
        let rate = Rate::new(600);
        let start = Instant::now();
        assert_eq!(rate.allow_at("ann", 500, start), Ok(()));
        assert_eq!(rate.allow_at("ann", 500, start + Duration::from_secs(10)), Ok(()), "under the limit: let through");
        let wait = rate.allow_at("ann", 1, start + Duration::from_secs(20)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(40), "until the first batch leaves the minute");
        assert_eq!(rate.allow_at("bob", 1, start + Duration::from_secs(20)), Ok(()), "per key");
        assert_eq!(rate.allow_at("ann", 1, start + Duration::from_secs(70)), Ok(()));
    }

    #[test]
    fn three_hundred_thousand_one_by_one_are_held_to_the_limit() {
        let rate = Rate::new(600);
        let start = Instant::now();
        let at = |i: u32| start + Duration::from_micros(u64::from(i) * 30);
        let let_through = (0..300_000u32).filter(|i| rate.allow_at("flood", 1, at(*i)).is_ok()).count();
        assert_eq!(let_through, 600, "nine seconds of flood: one minute's worth");
    }
}
