//! `GET /api/events`: the owner's live events as server-sent events. A stream that
//! reconnects with `Last-Event-ID` gets what it missed; otherwise (a first connection, a
//! restarted server, a resume point too old, a reader too slow to keep up) it gets a
//! `resync` event: fetch a fresh snapshot with `list_tasks`, then follow the stream. A
//! stream opened with a session ends when that session is signed out or revoked.

use crate::events::{Events, Published};
use app::api::Caller;
use app::domain::TaskEvent;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Extension;
use futures_util::stream::{self, Stream, StreamExt};
use http::HeaderMap;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

pub async fn events(
    State(events): State<Events>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let (owner, session) = (caller.owner, caller.session);
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
    let follow = stream::unfold((live, events.clone(), after), move |(mut live, events, after)| async move {
        loop {
            match live.recv().await {
                Ok(p) if p.ends(session) => return None,
                Ok(p) if p.is_for(owner) && p.seq > after => {
                    let event = sse(&events, &p);
                    return Some((event, (live, events, p.seq)));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => {
                    let now = events.last_seq();
                    let event = resync(&events, now);
                    return Some((event, (live, events, now)));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let closed = events.closed();
    Sse::new(stream::iter(first).chain(follow).take_until(closed).map(Ok)).keep_alive(KeepAlive::default())
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
