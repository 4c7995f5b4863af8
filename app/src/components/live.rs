//! Following the owner's live events (`GET /api/events`) in the browser: each event is
//! applied to the queue or the whiteboard as it comes, and a `resync` (a new stream, a
//! server restart, a gap) reads both again. The browser's `EventSource` reconnects by
//! itself after a dropped connection, resuming with `Last-Event-ID`. When the stream
//! cannot be opened at all (the server or a proxy answers it with an error), the page
//! falls back to polling: every [`POLL_SECONDS`] it reads the list and the board again and
//! tries the stream once more. [`LiveStatus`] says so whenever the page is not live. A
//! `moved` event (the session signed out, switched workspace, or its member was removed)
//! loads the page again at `/`, as whoever it is for now. A page that only asks to sign in
//! follows nothing. A `members` event reads the workspaces again. On the server this does
//! nothing: the page renders from the database.

use super::board::state::Board;
use super::notify::Away;
use super::queue::state::Queue;
use super::shared::membership::Membership;
use super::shared::toasts::Toasts;
use crate::i18n::t;
use leptos::prelude::*;

/// How often the page reads the list again while the stream cannot be opened.
pub const POLL_SECONDS: u32 = 5;

/// How the page hears of changes.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // only the browser follows
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// Opening the stream (as the page loads).
    Opening,
    /// Following the stream.
    Live,
    /// The stream dropped; the browser is opening it again.
    Reconnecting,
    /// The stream cannot be opened: reading the list every [`POLL_SECONDS`].
    Polling,
}

/// The page's [`Link`], for [`LiveStatus`].
#[derive(Clone, Copy)]
struct LinkState(RwSignal<Link>);

/// Starts following for the page's lifetime.
pub fn follow(queue: Queue, board: Board, toasts: Toasts, away: Away) {
    let link = RwSignal::new(Link::Opening);
    provide_context(LinkState(link));
    // A page that only asks to sign in (guests off) follows nothing: it would be refused.
    let membership = expect_context::<Membership>();
    if !membership.may_read() {
        return;
    }
    #[cfg(feature = "hydrate")]
    browser::open(browser::Follower { queue, board, toasts, away, membership, link });
    #[cfg(not(feature = "hydrate"))]
    let _ = (queue, board, toasts, away, membership);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{Away, Board, Link, Membership, Queue, Toasts, POLL_SECONDS};
    use crate::domain::TaskEvent;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{Event, EventSource, MessageEvent};

    /// Everything a live event can change.
    #[derive(Clone, Copy)]
    pub(super) struct Follower {
        pub queue: Queue,
        pub board: Board,
        pub toasts: Toasts,
        pub away: Away,
        pub membership: Membership,
        pub link: RwSignal<Link>,
    }

    /// The names of the events the server sends.
    const EVENTS: [&str; 9] =
        ["task", "progress", "removed", "queue", "board_item", "board_item_removed", "members", "resync", "moved"];

    /// An open stream and its handlers, which live as long as it does.
    struct Stream {
        source: EventSource,
        _on_message: Closure<dyn Fn(MessageEvent)>,
        _on_state: Closure<dyn Fn(Event)>,
    }

    impl Drop for Stream {
        fn drop(&mut self) {
            self.source.close(); // before the handlers go
        }
    }

    thread_local! {
        static STREAM: std::cell::RefCell<Option<Stream>> = const { std::cell::RefCell::new(None) };
    }

    /// Opens the stream (closing any before it); falls back to polling if it cannot.
    pub(super) fn open(follower: Follower) {
        STREAM.with_borrow_mut(|s| s.take());
        let Ok(source) = EventSource::new("/api/events") else { return fall_back(follower) };
        let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |message: MessageEvent| {
            let Some(data) = message.data().as_string() else { return };
            match serde_json::from_str(&data) {
                Ok(event) => apply(follower, event),
                Err(e) => leptos::logging::warn!("an unreadable live event: {e}"),
            }
        });
        for name in EVENTS {
            let _ = source.add_event_listener_with_callback(name, on_message.as_ref().unchecked_ref());
        }
        let watched = source.clone();
        let on_state = Closure::<dyn Fn(Event)>::new(move |event: Event| match event.type_().as_str() {
            "open" => follower.link.set(Link::Live),
            // A failed connection is closed for good; a dropped one is being reopened.
            _ if watched.ready_state() == EventSource::CLOSED => fall_back(follower),
            _ => follower.link.set(Link::Reconnecting),
        });
        for name in ["open", "error"] {
            let _ = source.add_event_listener_with_callback(name, on_state.as_ref().unchecked_ref());
        }
        STREAM.with_borrow_mut(|s| *s = Some(Stream { source, _on_message: on_message, _on_state: on_state }));
    }

    fn apply(follower: Follower, event: TaskEvent) {
        match event {
            TaskEvent::Task { task } => {
                crate::components::notify::on_task(&follower.queue, &follower.toasts, &follower.away, &task);
                follower.queue.apply(TaskEvent::Task { task });
            }
            TaskEvent::BoardItem { item } => follower.board.put(*item),
            TaskEvent::BoardItemRemoved { id } => follower.board.forget(id),
            TaskEvent::Members => follower.membership.refresh(),
            TaskEvent::Resync => {
                follower.queue.reload();
                follower.board.reload();
            }
            TaskEvent::Moved => {
                // Not reopened: the page is left. At `/`: the tab that joined from an invite
                // link goes there too, and a reload of the link's address would win over it
                // and offer it again.
                STREAM.with_borrow_mut(|s| s.take());
                crate::components::shared::navigate::reload_at_home();
            }
            event => follower.queue.apply(event),
        }
    }

    /// Polls until a stream opens again (the loop ends once the link is anything else).
    fn fall_back(follower: Follower) {
        if follower.link.get_untracked() == Link::Polling {
            return; // the loop is running: this was its attempt to reopen
        }
        follower.link.set(Link::Polling);
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(POLL_SECONDS * 1000).await;
                if follower.link.get_untracked() != Link::Polling {
                    return;
                }
                follower.queue.refresh();
                follower.board.reload();
                open(follower);
            }
        });
    }
}

/// A line above the list while the page is not live, so that nobody trusts a stale list.
#[component]
pub fn LiveStatus() -> impl IntoView {
    let LinkState(link) = expect_context();
    let t = t();
    move || {
        let text = match link.get() {
            Link::Reconnecting => t.live_reconnecting.to_owned(),
            Link::Polling => (t.live_polling)(POLL_SECONDS),
            Link::Opening | Link::Live => return None,
        };
        Some(view! { <p class="live-status" role="status" data-testid="live-status">{text}</p> })
    }
}
