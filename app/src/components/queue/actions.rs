//! What the user can do to one task from its row or its details: cancel, retry, delete
//! it, move a pending one to the front, open its details; download or insert its result. Each calls its endpoint and shows the answer; a
//! refusal is said in the queue's notice line (`Queue::act`), and the list is left as it
//! was. The queue's own actions are in `toolbar.rs`.

use super::opened::Details;
use super::state::Queue;
use crate::api::{cancel_task, move_task, retry_task, Strict};
use crate::components::board::state::Board;
use crate::components::shared::membership::Membership;
use crate::components::shared::toasts::{Toasts, Tone};
use crate::domain::{Media, TaskRef, TaskStatus, TaskView};
use crate::i18n::t;
use leptos::prelude::*;

/// The buttons a task's state allows; `in_details`: in the drawer, which it does not open.
#[component]
pub fn TaskActions(task: TaskView, #[prop(optional)] in_details: bool) -> impl IntoView {
    let queue = expect_context::<Queue>();
    let toasts = expect_context::<Toasts>();
    let details = expect_context::<Details>();
    // A viewer sees the details, and no change the server would refuse.
    let editable = expect_context::<Membership>().can_edit();
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
    // Hidden at once, sent when the ten seconds to undo are over (as clears are).
    let delete = move |_| {
        super::clear::delete(queue, toasts, id);
        if details.shown() == Some(id) {
            details.close();
        }
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
            {(!in_details).then(|| view! {
                <button type="button" class="link" data-testid="details-open" on:click=move |_| details.open(id)>
                    {t.details}
                </button>
            })}
            {(editable && status == TaskStatus::Pending).then(|| view! {
                <button type="button" class="link" data-testid="move-top" on:click=to_top>{t.move_to_top}</button>
            })}
            {(editable && !status.is_finished() && !task.cancel_requested).then(|| view! {
                <button type="button" class="link" data-testid="cancel" on:click=cancel>{t.cancel}</button>
            })}
            // Once retried, the retry is the one to act on (the row links to it).
            {move || (editable && matches!(status, TaskStatus::Failed | TaskStatus::Cancelled)
                && queue.retried_by(id).is_none()).then(|| view! {
                <button type="button" class="link" data-testid="retry" on:click=retry>{t.retry}</button>
            })}
            {(editable && status != TaskStatus::Processing).then(|| view! {
                <button type="button" class="link" data-testid="delete" on:click=delete>{t.delete}</button>
            })}
        </span>
    }
}

/// A completed task's file: download it, insert it into the whiteboard.
#[component]
pub fn ResultLinks(media: Media) -> impl IntoView {
    let board = use_context::<Board>().filter(|_| expect_context::<Membership>().can_edit());
    let t = t();
    let href = media.download_url();
    view! {
        <a class="link" href=href download="" data-testid="task-download">{t.download}</a>
        {board.map(|board| view! {
            <button type="button" class="link" data-testid="task-insert" on:click=move |_| board.insert(&media)>{t.insert}</button>
        })}
    }
}
