//! Window events for as long as a view lives: listened to with the view, let go with it
//! (a listener left behind, say after the language redraws the page, would reach signals
//! that are gone).

use leptos::ev::EventDescriptor;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// Calls `handler` with each `event` on the window until the current view is disposed.
pub fn on_window<E>(event: E, handler: impl Fn(E::EventType) + 'static)
where
    E: EventDescriptor + 'static,
    E::EventType: JsCast,
{
    let handle = window_event_listener(event, handler);
    on_cleanup(move || handle.remove());
}
