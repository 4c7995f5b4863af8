//! Following the owner's live events (`GET /api/events`) in the browser: each event is
//! applied to the queue as it comes, and a `resync` (a new stream, a server restart, a gap)
//! reloads the list. The browser's `EventSource` reconnects by itself, resuming with
//! `Last-Event-ID`. On the server this does nothing: the page renders from the database.

use super::notify::Away;
use super::queue::Queue;
use super::toast::Toasts;
#[cfg(feature = "hydrate")]
use crate::domain::TaskEvent;

/// Starts following for the page's lifetime.
pub fn follow(queue: Queue, toasts: Toasts, away: Away) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::{closure::Closure, JsCast};
        let Ok(source) = web_sys::EventSource::new("/api/events") else {
            leptos::logging::warn!("live updates unavailable: this browser cannot open an event stream");
            return;
        };
        let on_event = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
            let Some(data) = message.data().as_string() else { return };
            match serde_json::from_str::<TaskEvent>(&data) {
                Ok(event) => {
                    if let TaskEvent::Task { task } = &event {
                        super::notify::on_task(&queue, &toasts, &away, task);
                    }
                    queue.apply(event)
                }
                Err(e) => leptos::logging::warn!("an unreadable live event: {e}"),
            }
        });
        for name in ["task", "progress", "removed", "queue", "resync"] {
            let _ = source.add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref());
        }
        on_event.forget(); // lives as long as the page
        leptos::prelude::on_cleanup(move || source.close());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (queue, toasts, away);
}
