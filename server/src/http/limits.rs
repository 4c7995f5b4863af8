//! How much one caller may hold at once: a [`Gate`] lets at most so many things run at
//! once per key (ZIP downloads per owner, event streams per session and per address, open
//! connections per address). Past it, the answer is `429` with `Retry-After` (a connection
//! is closed). In memory, per instance. Tasks a minute are counted by the service
//! (`rate.rs`), which knows how many a submission makes.

use app::api::ApiError;
use axum::response::Response;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

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

/// A `429` saying what was too much and when to try again.
pub fn too_many(what: String, wait: Duration) -> Response {
    super::error_response(ApiError::TooManyRequests { message: what, retry_after: wait.as_secs_f64().ceil() as u64 })
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
}
