//! What the user can do to one task from its row: cancel, retry, delete it, move a pending
//! one to the front, open its details. Each calls its endpoint and shows the answer; a
//! refusal is said in the queue's notice line (`Queue::act`), and the list is left as it
//! was. The queue's own actions are in `toolbar.rs`.

use super::details::Details;
use super::state::Queue;
use crate::api::{cancel_task, delete_task, move_task, retry_task, Strict};
use crate::components::shared::toasts::{Toasts, Tone};
use crate::domain::{TaskRef, TaskStatus, TaskView};
use crate::i18n::t;
use leptos::prelude::*;

/// The buttons a task's state allows.
#[component]
pub fn TaskActions(task: TaskView) -> impl IntoView {
    let queue = expect_context::<Queue>();
    let toasts = expect_context::<Toasts>();
    let details = expect_context::<Details>();
    let id = task.id;
    let target = move || Strict(TaskRef { id: id.to_string() });
    let cancel = move |_| {
        queue.act(async move {
            queue.upsert(cancel_task(target()).await?);
            Ok(())
        })
    };
    let retry = move |_| {
        queue.act(async move {
            queue.upsert(retry_task(target()).await?);
            Ok(())
        })
    };
    let delete = move |_| {
        queue.act(async move {
            delete_task(target()).await?;
            queue.remove([id]);
            Ok(())
        })
    };
    let to_top = move |_| {
        queue.act(async move {
            queue.upsert(move_task(target()).await?);
            toasts.show(t().moved_to_top.into(), Tone::Info, 4_000);
            Ok(())
        })
    };
    let status = task.status;
    let t = t();
    view! {
        <span class="task-buttons">
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
