//! Live events, in process: every change to a task is published here (by the store for
//! users' actions, by the engine for attempts) and fanned out to the owner's open
//! `/api/events` streams and to the scheduler. Each event gets an id `<boot>-<seq>`; a
//! stream that reconnects with `Last-Event-ID` is replayed what it missed from a window of
//! recent events, or told to resync when that is impossible (another boot, too old).

mod relay;

pub use relay::{start as start_relay, Relay};

use app::domain::{OwnerId, TaskEvent};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// How many recent events are kept for replay, and buffered per slow subscriber.
const WINDOW: usize = 4096;

/// Whose streams an event goes to. A server-wide notice is its own variant, never an
/// owner id: no identity a client can present addresses everyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Owner(OwnerId),
    /// Every stream of this instance (a resync after the relay lost events).
    Everyone,
    /// The streams opened with one session or API token, which end: it was signed out or
    /// revoked.
    Session(Uuid),
    /// The streams of one user in one workspace, which end: the member was removed.
    Member {
        workspace: OwnerId,
        user: Uuid,
    },
}

/// Who an open stream is for: the workspace (or guest) it shows, and the user and the
/// session (or API token) it was opened with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Listener {
    pub owner: OwnerId,
    pub user: Option<Uuid>,
    pub session: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub seq: u64,
    pub to: Audience,
    pub event: TaskEvent,
}

impl Published {
    /// Whether the owner's streams carry this event.
    pub fn is_for(&self, owner: OwnerId) -> bool {
        match self.to {
            Audience::Owner(to) => to == owner,
            Audience::Everyone => true,
            Audience::Session(_) | Audience::Member { .. } => false,
        }
    }

    /// Whether the listener's stream must end.
    pub fn ends(&self, listener: &Listener) -> bool {
        match self.to {
            Audience::Session(ended) => Some(ended) == listener.session,
            Audience::Member { workspace, user } => workspace == listener.owner && Some(user) == listener.user,
            Audience::Owner(_) | Audience::Everyone => false,
        }
    }
}

#[derive(Clone)]
pub struct Events {
    boot: Arc<str>,
    tx: broadcast::Sender<Published>,
    /// The next sequence number and the replay window, under one lock so that sequence
    /// order is send order.
    recent: Arc<Mutex<(u64, VecDeque<Published>)>>,
    /// Cancelled when the server stops, ending every open stream.
    closing: CancellationToken,
    /// Where published events also go for other instances (PostgreSQL only).
    relay: Arc<OnceLock<mpsc::UnboundedSender<(Audience, TaskEvent)>>>,
}

impl Default for Events {
    fn default() -> Self {
        Self {
            boot: uuid::Uuid::new_v4().simple().to_string()[..8].into(),
            tx: broadcast::channel(WINDOW).0,
            recent: Arc::new(Mutex::new((1, VecDeque::with_capacity(WINDOW)))),
            closing: CancellationToken::new(),
            relay: Arc::default(),
        }
    }
}

impl Events {
    /// Delivers the event here and relays it to other instances.
    pub fn publish(&self, owner: OwnerId, event: TaskEvent) {
        self.send(Audience::Owner(owner), event);
    }

    /// Ends every stream opened with `session`, on every instance.
    pub fn end_session(&self, session: Uuid) {
        self.send(Audience::Session(session), TaskEvent::Resync);
    }

    /// Ends every stream of `user` in `workspace` (the member was removed), on every instance.
    pub fn end_member(&self, workspace: OwnerId, user: Uuid) {
        self.send(Audience::Member { workspace, user }, TaskEvent::Resync);
    }

    fn send(&self, to: Audience, event: TaskEvent) {
        if let Some(relay) = self.relay.get() {
            let _ = relay.send((to, event.clone()));
        }
        self.deliver(to, event);
    }

    /// Also hands every published event to `relay`.
    pub fn relay_to(&self, relay: mpsc::UnboundedSender<(Audience, TaskEvent)>) {
        let _ = self.relay.set(relay);
    }

    /// Delivers the event to this instance's subscribers only.
    pub fn deliver(&self, to: Audience, event: TaskEvent) {
        let mut recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let published = Published { seq: recent.0, to, event };
        recent.0 += 1;
        if recent.1.len() == WINDOW {
            recent.1.pop_front();
        }
        recent.1.push_back(published.clone());
        let _ = self.tx.send(published); // no subscriber is fine
    }

    /// Ends every open stream (the server is stopping).
    pub fn close(&self) {
        self.closing.cancel();
    }

    /// Resolves once [`Self::close`] was called.
    pub fn closed(&self) -> tokio_util::sync::WaitForCancellationFutureOwned {
        self.closing.clone().cancelled_owned()
    }

    /// The sequence number of the latest event (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.recent.lock().unwrap_or_else(|e| e.into_inner()).0 - 1
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Published> {
        self.tx.subscribe()
    }

    /// The SSE id of an event.
    pub fn id_of(&self, seq: u64) -> String {
        format!("{}-{seq}", self.boot)
    }

    /// The owner's events after `last_id`, or `None` when they cannot all be given.
    pub fn since(&self, owner: OwnerId, last_id: &str) -> Option<Vec<Published>> {
        let (boot, seq) = last_id.split_once('-')?;
        let seq: u64 = seq.parse().ok()?;
        if boot != &*self.boot {
            return None;
        }
        let recent = self.recent.lock().unwrap_or_else(|e| e.into_inner());
        let oldest = recent.1.front().map_or(recent.0, |p| p.seq);
        if seq + 1 < oldest || seq >= recent.0 {
            return None;
        }
        Some(recent.1.iter().filter(|p| p.seq > seq && p.is_for(owner)).cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn queue(paused: bool) -> TaskEvent {
        TaskEvent::Queue { paused, version: 1 }
    }

    #[test]
    fn replays_the_owners_missed_events_in_order() {
        let events = Events::default();
        let (a, b) = (OwnerId(Uuid::new_v4()), OwnerId(Uuid::new_v4()));
        events.publish(a, queue(true));
        events.publish(b, queue(true));
        events.publish(a, queue(false));
        let missed = events.since(a, &events.id_of(1)).unwrap();
        assert_eq!(missed.iter().map(|p| (p.seq, &p.event)).collect::<Vec<_>>(), vec![(3, &queue(false))]);
        assert_eq!(events.since(a, &events.id_of(3)).unwrap(), vec![]);
    }

    #[test]
    fn unknown_future_or_foreign_ids_ask_for_a_resync() {
        let events = Events::default();
        let a = OwnerId(Uuid::new_v4());
        events.publish(a, queue(true));
        assert!(events.since(a, &events.id_of(9)).is_none());
        assert!(events.since(a, "otherboot-1").is_none());
        assert!(events.since(a, "garbage").is_none());
    }

    #[test]
    fn ids_older_than_the_window_ask_for_a_resync() {
        let events = Events::default();
        let a = OwnerId(Uuid::new_v4());
        for _ in 0..WINDOW + 2 {
            events.publish(a, queue(true));
        }
        assert!(events.since(a, &events.id_of(1)).is_none());
        assert_eq!(events.since(a, &events.id_of(3)).unwrap().len(), WINDOW - 1);
    }

    #[tokio::test]
    async fn subscribers_receive_what_is_published() {
        let events = Events::default();
        let mut rx = events.subscribe();
        let a = OwnerId(Uuid::new_v4());
        events.publish(a, queue(true));
        assert_eq!(rx.recv().await.unwrap(), Published { seq: 1, to: Audience::Owner(a), event: queue(true) });
    }

    #[test]
    fn no_owner_id_reaches_another_owner_and_everyone_reaches_all() {
        let events = Events::default();
        let (a, nil) = (OwnerId(Uuid::new_v4()), OwnerId(Uuid::nil()));
        events.publish(nil, queue(true));
        events.deliver(Audience::Everyone, TaskEvent::Resync);
        let seen: Vec<_> = events.since(a, &events.id_of(0)).unwrap().into_iter().map(|p| p.event).collect();
        assert_eq!(seen, vec![TaskEvent::Resync]);
        assert_eq!(events.since(nil, &events.id_of(0)).unwrap().len(), 2);
    }
}
