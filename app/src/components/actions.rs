//! What the user can do to tasks from the queue: cancel, retry and delete a task; pause
//! or resume the queue and clear finished tasks. Each calls its endpoint and shows the
//! answer; a refusal is said in the queue's notice line, and the list is left as it was.

use super::queue::Queue;
use crate::api::{cancel_task, clear_tasks, delete_task, pause_queue, resume_queue, retry_task, ApiError, Strict};
use crate::domain::{ClearRequest, TaskRef, TaskStatus, TaskView};
use leptos::prelude::*;
use std::future::Future;

/// Runs an action in the background; its error, if any, becomes the queue's notice.
fn act<F: Future<Output = Result<(), ApiError>> + 'static>(queue: Queue, action: F) {
    queue.notice.set(None);
    leptos::task::spawn_local(async move {
        if let Err(err) = action.await {
            queue.notice.set(Some(err.to_string()));
        }
    });
}

/// The buttons a task's state allows.
#[component]
pub fn TaskActions(task: TaskView) -> impl IntoView {
    let queue = expect_context::<Queue>();
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
    let status = task.status;
    view! {
        <span class="task-actions">
            {(!status.is_finished() && !task.cancel_requested).then(|| view! {
                <button type="button" class="link" data-testid="cancel" on:click=cancel>"Cancel"</button>
            })}
            {matches!(status, TaskStatus::Failed | TaskStatus::Cancelled).then(|| view! {
                <button type="button" class="link" data-testid="retry" on:click=retry>"Retry"</button>
            })}
            {(status != TaskStatus::Processing).then(|| view! {
                <button type="button" class="link" data-testid="delete" on:click=delete>"Delete"</button>
            })}
        </span>
    }
}

/// Pause / resume and "Clear finished".
#[component]
pub fn QueueToolbar() -> impl IntoView {
    let queue = expect_context::<Queue>();
    let toggle = move |_| {
        let pause = !queue.is_paused();
        act(queue, async move {
            let state = if pause { pause_queue().await? } else { resume_queue().await? };
            queue.apply(crate::domain::TaskEvent::Queue { paused: state.paused });
            Ok(())
        })
    };
    let clear = move |_| {
        act(queue, async move {
            let statuses = ["completed", "failed", "cancelled"].map(String::from).to_vec();
            clear_tasks(Strict(ClearRequest { statuses })).await?;
            queue.remove(queue.tasks().into_iter().filter(|t| t.status.is_finished()).map(|t| t.id));
            Ok(())
        })
    };
    view! {
        <div class="queue-toolbar">
            <button type="button" class="link" data-testid="pause-toggle" on:click=toggle
                aria-pressed=move || queue.is_paused().to_string()>
                {move || if queue.is_paused() { "Resume queue" } else { "Pause queue" }}
            </button>
            <button type="button" class="link" data-testid="clear-finished" on:click=clear>"Clear finished"</button>
            <Show when=move || queue.is_paused()>
                <span class="badge status-retrying" data-testid="paused-badge">"Paused: no new task starts"</span>
            </Show>
        </div>
    }
}
