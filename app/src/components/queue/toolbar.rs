//! The queue's toolbar: pause or resume the queue, clear completed or failed tasks (with
//! ten seconds to undo, see `clear.rs`), download every completed result as a ZIP.

use super::clear::{clear, send_clear_on_leave};
use super::state::Queue;
use crate::api::{pause_queue, resume_queue};
use crate::components::shared::clock::Clock;
use crate::components::shared::toasts::Toasts;
use crate::domain::{TaskEvent, TaskStatus};
use crate::i18n::t;
use leptos::prelude::*;

/// Pause / resume, "Clear completed", "Clear failed" and the ZIP of every completed result.
#[component]
pub fn QueueToolbar() -> impl IntoView {
    let queue = expect_context::<Queue>();
    let toasts = expect_context::<Toasts>();
    let clock = expect_context::<Clock>();
    let toggle = move |_| {
        let pause = !queue.is_paused();
        queue.act(async move {
            let state = if pause { pause_queue().await? } else { resume_queue().await? };
            queue.apply(TaskEvent::Queue { paused: state.paused });
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
