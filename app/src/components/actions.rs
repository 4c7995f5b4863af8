//! What the user can do to tasks from the queue: cancel, retry, delete a task, move a
//! pending one to the front, open its details; pause or resume the queue, clear completed
//! or failed tasks with ten seconds to undo, download every completed result as a ZIP. Each calls its endpoint and shows
//! the answer; a refusal is said in the queue's notice line, and the list is left as it was.

use super::clock::Clock;
use super::details::Details;
use super::queue::{PendingClear, Queue};
use super::toast::{Toasts, Tone};
use crate::api::{
    cancel_task, clear_tasks, delete_task, move_task, pause_queue, resume_queue, retry_task, ApiError, Strict,
};
use crate::domain::{ClearRequest, TaskRef, TaskStatus, TaskView};
use crate::i18n::t;
use chrono::DateTime;
use leptos::prelude::*;
use std::future::Future;

/// How long a clear can be undone.
const UNDO_MS: u32 = 10_000;

/// Runs an action in the background; its error, if any, becomes the queue's notice.
fn act<F: Future<Output = Result<(), ApiError>> + 'static>(queue: Queue, action: F) {
    queue.notice.set(None);
    leptos::task::spawn_local(async move {
        if let Err(err) = action.await {
            queue.notice.set(Some(t().error(&err)));
        }
    });
}

/// The buttons a task's state allows.
#[component]
pub fn TaskActions(task: TaskView) -> impl IntoView {
    let queue = expect_context::<Queue>();
    let toasts = expect_context::<Toasts>();
    let details = expect_context::<Details>();
    let id = task.id;
    let target = move || Strict(TaskRef { id: id.to_string() });
    let cancel = move |_| {
        act(queue, async move {
            queue.upsert(cancel_task(target()).await?);
            Ok(())
        })
    };
    let retry = move |_| {
        act(queue, async move {
            queue.upsert(retry_task(target()).await?);
            Ok(())
        })
    };
    let delete = move |_| {
        act(queue, async move {
            delete_task(target()).await?;
            queue.remove([id]);
            Ok(())
        })
    };
    let to_top = move |_| {
        act(queue, async move {
            queue.upsert(move_task(target()).await?);
            toasts.show(t().moved_to_top.into(), Tone::Info, 4_000);
            Ok(())
        })
    };
    let status = task.status;
    let t = t();
    view! {
        <span class="task-actions">
            <button type="button" class="link" data-testid="details-open" on:click=move |_| details.open(id)>
                {t.details}
            </button>
            {(status == TaskStatus::Pending).then(|| view! {
                <button type="button" class="link" data-testid="move-top" on:click=to_top>{t.move_to_top}</button>
            })}
            {(!status.is_finished() && !task.cancel_requested).then(|| view! {
                <button type="button" class="link" data-testid="cancel" on:click=cancel>{t.cancel}</button>
            })}
            {matches!(status, TaskStatus::Failed | TaskStatus::Cancelled).then(|| view! {
                <button type="button" class="link" data-testid="retry" on:click=retry>{t.retry}</button>
            })}
            {(status != TaskStatus::Processing).then(|| view! {
                <button type="button" class="link" data-testid="delete" on:click=delete>{t.delete}</button>
            })}
        </span>
    }
}

/// Hides the tasks in `statuses` at once and offers to undo for ten seconds; then asks
/// the server to remove those that had finished by the time of the click (a task that
/// finishes meanwhile stays). A clear still waiting is sent first.
fn clear(queue: Queue, toasts: Toasts, clock: Clock, statuses: &[TaskStatus]) {
    send_clear(queue);
    let token = next_token();
    // Everything shown as finished is cleared, even if the browser's reckoning of the
    // server's time runs a little behind.
    let shown = queue.listed_untracked().into_iter().filter(|t| statuses.contains(&t.status));
    let before = shown.filter_map(|t| t.finished_at).fold(clock.now_untracked(), DateTime::max);
    let pending = PendingClear { statuses: statuses.to_vec(), before, token };
    let n = queue.listed_untracked().iter().filter(|t| pending.hides(t)).count() as u64;
    queue.pending_clear.set(Some(pending));
    let t = t();
    let undo = Callback::new(move |()| {
        if queue.pending_clear.get_untracked().is_some_and(|p| p.token == token) {
            queue.pending_clear.set(None);
        }
    });
    toasts.with_action((t.cleared)(n), t.undo, undo, UNDO_MS);
    #[cfg(feature = "hydrate")]
    gloo_timers::callback::Timeout::new(UNDO_MS, move || {
        if queue.pending_clear.get_untracked().is_some_and(|p| p.token == token) {
            send_clear(queue);
        }
    })
    .forget();
}

impl PendingClear {
    fn request(&self) -> ClearRequest {
        ClearRequest {
            statuses: self.statuses.iter().map(|s| s.as_str().to_owned()).collect(),
            finished_before: Some(self.before),
        }
    }
}

/// Sends the pending clear, if any; if the server refuses, the tasks show again.
fn send_clear(queue: Queue) {
    let Some(pending) = queue.pending_clear.get_untracked() else { return };
    act(queue, async move {
        let result = clear_tasks(Strict(pending.request())).await;
        let gone: Vec<_> = queue.listed_untracked().into_iter().filter(|t| pending.hides(t)).map(|t| t.id).collect();
        if result.is_ok() {
            queue.remove(gone);
        }
        if queue.pending_clear.get_untracked().is_some_and(|p| p.token == pending.token) {
            queue.pending_clear.set(None);
        }
        result.map(|_| ())
    });
}

/// Sends the pending clear as the page goes away (closed, reloaded, navigated from): the
/// user asked for it and only waited for the chance to undo.
fn send_clear_on_leave(queue: Queue) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsValue;
        let Some(pending) = queue.pending_clear.get_untracked() else { return };
        let Ok(json) = serde_json::to_string(&pending.request()) else { return };
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        let parts = js_sys::Array::of1(&JsValue::from_str(&json));
        if let (Ok(blob), Some(window)) =
            (web_sys::Blob::new_with_str_sequence_and_options(&parts, &options), web_sys::window())
        {
            let _ = window.navigator().send_beacon_with_opt_blob("/api/clear_tasks", Some(&blob));
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

/// Pause / resume, "Clear completed", "Clear failed" and the ZIP of every completed result.
#[component]
pub fn QueueToolbar() -> impl IntoView {
    let queue = expect_context::<Queue>();
    let toasts = expect_context::<Toasts>();
    let clock = expect_context::<Clock>();
    let toggle = move |_| {
        let pause = !queue.is_paused();
        act(queue, async move {
            let state = if pause { pause_queue().await? } else { resume_queue().await? };
            queue.apply(crate::domain::TaskEvent::Queue { paused: state.paused });
            Ok(())
        })
    };
    let _leave = window_event_listener(leptos::ev::pagehide, move |_| send_clear_on_leave(queue));
    let t = t();
    view! {
        <div class="queue-toolbar">
            <button type="button" class="link" data-testid="pause-toggle" on:click=toggle
                aria-pressed=move || queue.is_paused().to_string()>
                {move || if queue.is_paused() { t.resume } else { t.pause }}
            </button>
            <button type="button" class="link" data-testid="clear-completed"
                on:click=move |_| clear(queue, toasts, clock, &[TaskStatus::Completed])>{t.clear_completed}</button>
            <button type="button" class="link" data-testid="clear-failed" title=t.clear_failed_title
                on:click=move |_| clear(queue, toasts, clock, &[TaskStatus::Failed, TaskStatus::Cancelled])>
                {t.clear_failed}
            </button>
            <a class="link" href="/downloads/completed.zip" download="" data-testid="download-all">{t.download_all}</a>
            <Show when=move || queue.is_paused()>
                <span class="badge status-retrying" data-testid="paused-badge">{t.paused}</span>
            </Show>
        </div>
    }
}
