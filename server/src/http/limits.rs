//! How much one caller may hold or ask: a [`Gate`] lets at most so many things run at once
//! per key (ZIP downloads per owner, event streams per session and per address), a
//! [`Rate`] at most so many requests per minute per key (submissions per owner and per
//! address). Past either, the answer is `429` with `Retry-After`. In memory, per instance.

use app::api::{ApiError, Caller};
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::RETRY_AFTER;
use http::HeaderValue;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// At most `most` at once per key.
pub struct Gate<K> {
    most: u32,
    held: Arc<Mutex<HashMap<K, u32>>>,
}

impl<K> Clone for Gate<K> {
    fn clone(&self) -> Self {
        Self { most: self.most, held: self.held.clone() }
    }
}

impl<K: Hash + Eq + Clone> Gate<K> {
    pub fn new(most: u32) -> Self {
        Self { most, held: Arc::default() }
    }

    /// A pass for `key` if it holds fewer than `most`; given back when dropped.
    pub fn enter(&self, key: K) -> Option<Pass<K>> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let n = held.entry(key.clone()).or_default();
        (*n < self.most).then(|| {
            *n += 1;
            Pass { key, held: self.held.clone() }
        })
    }
}

/// One of a gate's places, held until dropped.
pub struct Pass<K: Hash + Eq> {
    key: K,
    held: Arc<Mutex<HashMap<K, u32>>>,
}

impl<K: Hash + Eq> Drop for Pass<K> {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = held.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.key);
            }
        }
    }
}

/// At most `most` requests per key in any minute.
pub struct Rate<K> {
    most: usize,
    seen: Arc<Mutex<HashMap<K, VecDeque<Instant>>>>,
}

impl<K> Clone for Rate<K> {
    fn clone(&self) -> Self {
        Self { most: self.most, seen: self.seen.clone() }
    }
}

const MINUTE: Duration = Duration::from_secs(60);

impl<K: Hash + Eq> Rate<K> {
    pub fn new(most: usize) -> Self {
        Self { most, seen: Arc::default() }
    }

    /// Counts a request for `key`; `Err(wait)` when it is one too many.
    pub fn allow(&self, key: K) -> Result<(), Duration> {
        let now = Instant::now();
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < MINUTE));
        }
        let times = seen.entry(key).or_default();
        while times.front().is_some_and(|t| now.duration_since(*t) >= MINUTE) {
            times.pop_front();
        }
        if times.len() >= self.most {
            return Err(times.front().map_or(MINUTE, |first| MINUTE.saturating_sub(now.duration_since(*first))));
        }
        times.push_back(now);
        Ok(())
    }
}

/// A `429` saying what was too much and when to try again.
pub fn too_many(what: String, wait: Duration) -> Response {
    let mut res = super::error_response(ApiError::TooManyRequests(what));
    let seconds = wait.as_secs().max(1).to_string();
    if let Ok(value) = HeaderValue::from_str(&seconds) {
        res.headers_mut().insert(RETRY_AFTER, value);
    }
    res
}

/// The submission limits: per owner, and (four times as many) per address.
#[derive(Clone)]
pub struct Submissions {
    pub per_owner: Rate<uuid::Uuid>,
    pub per_address: Rate<IpAddr>,
}

impl Submissions {
    pub fn per_minute(most: usize) -> Self {
        Self { per_owner: Rate::new(most), per_address: Rate::new(most.saturating_mul(4)) }
    }
}

/// Counts each `submit_task` against the caller's owner and address.
pub async fn limit_submissions(State(limits): State<Submissions>, req: Request, next: Next) -> Response {
    if req.uri().path() == "/api/submit_task" {
        let owner = req.extensions().get::<Caller>().map(|c| c.owner.0);
        let address = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let checked = owner
            .map(|owner| limits.per_owner.allow(owner))
            .transpose()
            .and_then(|_| address.map(|ip| limits.per_address.allow(ip)).transpose());
        if let Err(wait) = checked {
            let what = "Too many submissions in a minute; wait a moment, then send the rest.".to_owned();
            return too_many(what, wait);
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gate_holds_at_most_its_places_per_key() {
        let gate = Gate::new(2);
        let first = gate.enter("alice").unwrap();
        let _second = gate.enter("alice").unwrap();
        assert!(gate.enter("alice").is_none(), "a third waits");
        assert!(gate.enter("bob").is_some(), "others are not held back");
        drop(first);
        assert!(gate.enter("alice").is_some(), "a place is free again");
    }

    #[test]
    fn a_rate_counts_per_key_within_the_minute() {
        let rate = Rate::new(3);
        for _ in 0..3 {
            assert_eq!(rate.allow("alice"), Ok(()));
        }
        let wait = rate.allow("alice").unwrap_err();
        assert!(wait > Duration::from_secs(58) && wait <= MINUTE, "{wait:?}");
        assert_eq!(rate.allow("bob"), Ok(()));
    }
}
