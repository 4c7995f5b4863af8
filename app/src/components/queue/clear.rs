//! Clearing finished tasks, or deleting one, with ten seconds to undo: they are hidden at
//! once, and the removal is sent when the undo time is over, when another starts, or by
//! beacon as the page goes.

use super::pending_clear::{Call, PendingClear, Removal};
use super::state::Queue;
use crate::api::{clear_tasks, delete_task, Strict};
use crate::components::shared::clock::Clock;
use crate::components::shared::toasts::Toasts;
use crate::domain::TaskStatus;
use crate::i18n::t;
use chrono::DateTime;
use leptos::prelude::*;

/// How long a clear can be undone.
const UNDO_MS: u32 = 10_000;

/// Hides the tasks in `statuses` at once and offers to undo for ten seconds; then asks
/// the server to remove those that had finished by the time of the click (a task that
/// finishes meanwhile stays). A clear still waiting is sent first.
pub(super) fn clear(queue: Queue, toasts: Toasts, clock: Clock, statuses: &[TaskStatus]) {
    // Everything shown as finished is cleared, even if the browser's reckoning of the
    // server's time runs a little behind.
    let before = untrack(|| {
        queue.with_known(|known| {
            let shown = known.iter().filter(|t| statuses.contains(&t.status));
            shown.filter_map(|t| t.finished_at).fold(clock.now_untracked(), DateTime::max)
        })
    });
    remove(queue, toasts, Removal::Finished { statuses: statuses.to_vec(), before });
}

/// Deletes one task, hidden at once, with ten seconds to undo.
pub(super) fn delete(queue: Queue, toasts: Toasts, id: uuid::Uuid) {
    remove(queue, toasts, Removal::Task(id));
}

/// Hides what `removal` takes, offers to undo for ten seconds, then sends it.
fn remove(queue: Queue, toasts: Toasts, removal: Removal) {
    send_clear(queue);
    let token = next_token();
    let pending = PendingClear { removal, token };
    let n = untrack(|| queue.with_known(|known| known.iter().filter(|t| pending.hides(t)).count())) as u64;
    let t = t();
    let said = match pending.removal {
        Removal::Finished { .. } => (t.cleared)(n),
        Removal::Task(_) => t.task_deleted.to_owned(),
    };
    queue.pending_clear.set(Some(pending));
    let undo = move || {
        if queue.pending_clear.get_untracked().is_some_and(|p| p.token == token) {
            queue.pending_clear.set(None);
        }
    };
    toasts.with_action(said, t.undo, undo, UNDO_MS);
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Timeout::new(UNDO_MS, move || {
        if queue.pending_clear.get_untracked().is_some_and(|p| p.token == token) {
            send_clear(queue);
        }
    })
    .forget();
}

/// Sends the pending clear, if any; if the server refuses, the tasks show again.
fn send_clear(queue: Queue) {
    let Some(pending) = queue.pending_clear.get_untracked() else { return };
    queue.act(async move {
        let result = match pending.call() {
            Call::Clear(request) => clear_tasks(Strict(request)).await.map(drop),
            Call::Delete(task) => delete_task(Strict(task)).await.map(drop),
        };
        let gone: Vec<_> =
            untrack(|| queue.with_known(|known| known.iter().filter(|t| pending.hides(t)).map(|t| t.id).collect()));
        if result.is_ok() {
            queue.remove(gone);
        }
        if queue.pending_clear.get_untracked().is_some_and(|p| p.token == pending.token) {
            queue.pending_clear.set(None);
        }
        result
    });
}

/// Sends the pending clear as the page goes away (closed, reloaded, navigated from): the
/// user asked for it and only waited for the chance to undo.
pub(super) fn send_clear_on_leave(queue: Queue) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsValue;
        let Some(pending) = queue.pending_clear.get_untracked() else { return };
        let Some((endpoint, json)) = pending.call().beacon() else { return };
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        let parts = js_sys::Array::of1(&JsValue::from_str(&json));
        if let (Ok(blob), Some(window)) =
            (web_sys::Blob::new_with_str_sequence_and_options(&parts, &options), web_sys::window())
        {
            let _ = window.navigator().send_beacon_with_opt_blob(endpoint, Some(&blob));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = queue;
}

/// A token unique enough to tell one clear from the next.
fn next_token() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
