//! Sign-in and sign-up throttling, in memory, per instance. A sign-in attempt is counted
//! in the same step that lets it through, before its password is checked, so guesses sent
//! at once each count; a success takes its own count back and forgets the account's
//! failures. Three counts over a sliding window:
//! - per account and address: [`PER_PAIR`] attempts, then that address waits for that
//!   account until its oldest attempt leaves the window;
//! - per address, whatever the account: [`PER_ADDRESS`];
//! - per account, from anywhere: past [`FREE_PER_ACCOUNT`], each next attempt waits a delay
//!   that doubles (1 s, 2 s, 4 s, ... at most [`MOST_DELAY`]), so guesses spread over many
//!   addresses are slowed, and the owner, from their own address, waits a minute at most.
//!
//! An account's key is its id when the login names one (so its username and its email are
//! one key), else the login as typed. Sign-ups: [`SIGN_UPS_PER_ADDRESS`] per address.

use crate::clock::Clock;
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// How far back attempts count.
pub const WINDOW: TimeDelta = TimeDelta::minutes(15);
/// Attempts per account from one address within the window.
pub const PER_PAIR: usize = 5;
/// Attempts per address within the window, whatever the account.
pub const PER_ADDRESS: usize = 20;
/// Attempts per account from anywhere before each waits a growing delay.
pub const FREE_PER_ACCOUNT: usize = 10;
/// The longest delay an account's attempts wait.
pub const MOST_DELAY: TimeDelta = TimeDelta::minutes(1);
/// Sign-ups per address within the window.
pub const SIGN_UPS_PER_ADDRESS: usize = 10;

type Seen = HashMap<String, VecDeque<DateTime<Utc>>>;

#[derive(Clone)]
pub struct Throttle {
    clock: Arc<dyn Clock>,
    seen: Arc<Mutex<Seen>>,
}

/// A sign-in attempt let through and counted; [`Attempt::succeeded`] takes it back.
pub struct Attempt {
    throttle: Throttle,
    keys: [String; 3],
    at: DateTime<Utc>,
}

impl Throttle {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock, seen: Arc::default() }
    }

    /// Counts a sign-in attempt on `account` from `address`, or says how long it must wait.
    pub fn attempt(&self, account: &str, address: Option<IpAddr>) -> Result<Attempt, TimeDelta> {
        let now = self.clock.now();
        let address = address.map_or_else(|| "-".to_owned(), |ip| ip.to_string());
        let keys = [format!("pair:{account}|{address}"), format!("ip:{address}"), format!("account:{account}")];
        let mut seen = self.lock(now);
        let wait = [
            full(&seen, &keys[0], PER_PAIR, now),
            full(&seen, &keys[1], PER_ADDRESS, now),
            delayed(seen.get(&keys[2]), now),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        for key in &keys {
            seen.entry(key.clone()).or_default().push_back(now);
        }
        drop(seen);
        Ok(Attempt { throttle: self.clone(), keys, at: now })
    }

    /// Counts a sign-up from `address`, or says how long it must wait.
    pub fn sign_up(&self, address: Option<IpAddr>) -> Result<(), TimeDelta> {
        let now = self.clock.now();
        let key = format!("sign-up:{}", address.map_or_else(|| "-".to_owned(), |ip| ip.to_string()));
        let mut seen = self.lock(now);
        if let Some(wait) = full(&seen, &key, SIGN_UPS_PER_ADDRESS, now) {
            return Err(wait);
        }
        seen.entry(key).or_default().push_back(now);
        Ok(())
    }

    /// The counts, with what left the window dropped.
    fn lock(&self, now: DateTime<Utc>) -> std::sync::MutexGuard<'_, Seen> {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.retain(|_, times| {
            while times.front().is_some_and(|at| *at <= now - WINDOW) {
                times.pop_front();
            }
            !times.is_empty()
        });
        seen
    }
}

impl Attempt {
    /// The password was right: the attempt no longer counts against the address, and the
    /// account's failures (from here and anywhere) are forgotten.
    pub fn succeeded(self) {
        let [pair, address, account] = &self.keys;
        let mut seen = self.throttle.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.remove(pair);
        seen.remove(account);
        if let Some(times) = seen.get_mut(address) {
            if let Some(i) = times.iter().rposition(|at| *at == self.at) {
                times.remove(i);
            }
        }
    }
}

/// How long until `key` has fewer than `most` attempts in the window, if it has that many.
fn full(seen: &Seen, key: &str, most: usize, now: DateTime<Utc>) -> Option<TimeDelta> {
    let times = seen.get(key)?;
    (times.len() >= most).then(|| times.front().map_or(WINDOW, |first| *first + WINDOW - now))
}

/// The wait an account's next attempt has left: past its free attempts, a delay from its
/// last one that doubles with each more.
fn delayed(times: Option<&VecDeque<DateTime<Utc>>>, now: DateTime<Utc>) -> Option<TimeDelta> {
    let times = times?;
    let over = times.len().checked_sub(FREE_PER_ACCOUNT)?;
    let delay = TimeDelta::seconds(1i64 << over.min(16)).min(MOST_DELAY);
    let ready = *times.back()? + delay;
    (ready > now).then(|| ready - now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[test]
    fn guesses_sent_at_once_each_count() {
        let throttle = Throttle::new(Arc::new(ManualClock::starting_now()));
        // Sixty attempts before any is answered: exactly five are let through.
        let let_through: Vec<_> = (0..60).filter_map(|_| throttle.attempt("ada", ip(1)).ok()).collect();
        assert_eq!(let_through.len(), PER_PAIR);
        let wait = throttle.attempt("ada", ip(1)).err().expect("the sixth waits");
        assert_eq!(wait, WINDOW);
        assert!(throttle.attempt("ada", ip(2)).is_ok(), "the owner, from elsewhere, is let through");
        assert!(throttle.attempt("bob", ip(1)).is_ok(), "another account, from the same address, too");
    }

    #[test]
    fn an_account_under_attack_from_everywhere_slows_but_never_locks() {
        let clock = Arc::new(ManualClock::starting_now());
        let throttle = Throttle::new(clock.clone());
        for n in 0..FREE_PER_ACCOUNT as u8 {
            assert!(throttle.attempt("ada", ip(n)).is_ok(), "free attempt {n}");
        }
        let mut waits = Vec::new();
        for n in 100..110 {
            let wait = throttle.attempt("ada", ip(n)).err().expect("past the free ones, a delay");
            waits.push(wait.num_seconds());
            clock.advance(wait);
            assert!(throttle.attempt("ada", ip(n)).is_ok(), "then it is let through");
        }
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60, 60], "doubling, at most a minute");
        // The owner's right password forgets it all.
        clock.advance(MOST_DELAY);
        throttle.attempt("ada", ip(200)).unwrap().succeeded();
        assert!(throttle.attempt("ada", ip(201)).is_ok());
        clock.advance(WINDOW);
        assert!(throttle.attempt("cy", ip(0)).is_ok());
        assert_eq!(throttle.seen.lock().unwrap().len(), 3, "only cy's counts are left: the rest left the window");
    }

    #[test]
    fn a_success_takes_its_count_back() {
        let throttle = Throttle::new(Arc::new(ManualClock::starting_now()));
        for _ in 0..PER_ADDRESS * 2 {
            throttle.attempt("ada", ip(1)).unwrap().succeeded();
        }
        assert!(throttle.attempt("ada", ip(1)).is_ok(), "successes never add up to a block");
    }

    #[test]
    fn sign_ups_per_address() {
        let clock = Arc::new(ManualClock::starting_now());
        let throttle = Throttle::new(clock.clone());
        for _ in 0..SIGN_UPS_PER_ADDRESS {
            assert!(throttle.sign_up(ip(1)).is_ok());
        }
        assert_eq!(throttle.sign_up(ip(1)), Err(WINDOW));
        assert!(throttle.sign_up(ip(2)).is_ok());
        clock.advance(WINDOW);
        assert!(throttle.sign_up(ip(1)).is_ok());
    }
}
