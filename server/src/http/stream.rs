//! `GET /api/events`: the owner's live events as server-sent events. A stream that
//! reconnects with `Last-Event-ID` gets what it missed; otherwise (a first connection, a
//! restarted server, a resume point too old, a reader too slow to keep up) it gets a
//! `resync` event: fetch a fresh snapshot with `list_tasks`, then follow the stream. A
//! stream opened with a session or an API token ends when it is signed out or revoked, and a
//! member's stream when the member is removed from the workspace; its last event is
//! `moved` (the page loads again, as whoever it is for now). A
//! session (or a guest) has at most `streams-per-session` streams open (8 by default), an
//! address at most [`PER_ADDRESS`]; another is `429`.

use super::limits::{too_many, Gate};
use crate::events::{Events, Listener, Published};
use app::api::Caller;
use app::domain::TaskEvent;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures_util::stream::{self, StreamExt};
use http::HeaderMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// Streams open at once from one address.
pub const PER_ADDRESS: u32 = 64;

/// What the stream route needs: the bus, and who holds streams open.
#[derive(Clone)]
pub struct Streams {
    pub events: Events,
    per_caller: Gate<Uuid>,
    per_address: Gate<IpAddr>,
}

impl Streams {
    /// `per_session`: streams one session or guest may hold open at once.
    pub fn new(events: Events, per_session: u32) -> Self {
        Self { events, per_caller: Gate::new(per_session), per_address: Gate::new(PER_ADDRESS) }
    }
}

pub async fn events(
    State(streams): State<Streams>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Response {
    let too_many_open = || too_many("Too many live streams are open; close some tabs.".into(), Duration::from_secs(30));
    let Some(own) = streams.per_caller.enter(caller.session.or(caller.user).unwrap_or(caller.owner.0)) else {
        return too_many_open();
    };
    let address = match caller.ip.map(|ip| streams.per_address.enter(ip)) {
        Some(None) => return too_many_open(),
        Some(pass) => pass,
        None => None,
    };
    let events = streams.events;
    let (owner, listener) =
        (caller.owner, Listener { owner: caller.owner, user: caller.user, session: caller.session.or(caller.token) });
    let live = events.subscribe(); // before the replay is read, so nothing falls between
    let last_id = headers.get("last-event-id").and_then(|v| v.to_str().ok());
    let (first, after) = match last_id.and_then(|id| events.since(owner, id)) {
        Some(missed) => {
            let after = missed.last().map_or_else(|| seq_of(last_id), |p| p.seq);
            (missed.iter().map(|p| sse(&events, p)).collect(), after)
        }
        None => {
            let now = events.last_seq();
            (vec![resync(&events, now)], now)
        }
    };
    // The passes live as long as the stream: they are given back when it ends.
    let passes = (own, address);
    let follow =
        stream::unfold((live, events.clone(), after, passes), move |(mut live, events, after, passes)| async move {
            // After `moved`, the seq is past any: the stream ends at the next turn.
            if after == u64::MAX {
                return None;
            }
            loop {
                match live.recv().await {
                    Ok(p) if p.ends(&listener) => {
                        let event = sse(&events, &Published { event: TaskEvent::Moved, ..p });
                        return Some((event, (live, events, u64::MAX, passes)));
                    }
                    Ok(p) if p.is_for(owner) && p.seq > after => {
                        let event = sse(&events, &p);
                        return Some((event, (live, events, p.seq, passes)));
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => {
                        let now = events.last_seq();
                        let event = resync(&events, now);
                        return Some((event, (live, events, now, passes)));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        });
    let closed = events.closed();
    let stream = stream::iter(first).chain(follow).take_until(closed).map(Ok::<_, Infallible>);
    Sse::new(stream).keep_alive(KeepAlive::default()).into_response()
}

fn seq_of(id: Option<&str>) -> u64 {
    id.and_then(|id| id.rsplit_once('-')).and_then(|(_, n)| n.parse().ok()).unwrap_or(0)
}

fn sse(events: &Events, published: &Published) -> Event {
    let data = serde_json::to_string(&published.event).expect("events always serialise");
    Event::default().id(events.id_of(published.seq)).event(published.event.name()).data(data)
}

fn resync(events: &Events, seq: u64) -> Event {
    let data = serde_json::to_string(&TaskEvent::Resync).expect("events always serialise");
    Event::default().id(events.id_of(seq)).event(TaskEvent::Resync.name()).data(data)
}
