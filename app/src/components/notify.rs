//! Telling the user when a task finishes: a toast for each task that completes or fails
//! while the page watches (not for those already finished when it loaded).

use super::queue::Queue;
use super::task_row::excerpt;
use super::toast::{Toasts, Tone};
use crate::domain::{TaskStatus, TaskView};
use crate::i18n::t;

/// Called with each task a live event brings, before the queue takes it in.
pub fn on_task(queue: &Queue, toasts: &Toasts, task: &TaskView) {
    let was = queue.listed_untracked().into_iter().find(|t| t.id == task.id).map(|t| t.status);
    if was.is_some_and(|s| s.is_finished()) || was == Some(task.status) {
        return;
    }
    let t = t();
    let prompt = excerpt(task.params.prompt(), 40);
    match task.status {
        TaskStatus::Completed => toasts.show((t.task_completed)(&prompt), Tone::Success, 5_000),
        TaskStatus::Failed => {
            let reason = task.error.as_ref().map(|e| (t.failure)(e)).unwrap_or_default();
            toasts.show((t.task_failed)(&prompt, &reason), Tone::Failure, 8_000)
        }
        _ => {}
    }
}
