//! One row of the queue: a task's kind, prompt, status and time, and what its state calls
//! for (progress, the next retry counting down, the reason of failure, the result with
//! its download link).

use super::actions::TaskActions;
use crate::components::board::state::Board;
use crate::components::shared::lightbox::Lightbox;
use crate::components::shared::text::excerpt;
use crate::components::shared::time::{Countdown, LocalTime, TimeAgo};
use crate::domain::{ContentView, TaskKind, TaskStatus, TaskView};
use crate::i18n::{t, Label, Locale};
use leptos::prelude::*;

/// One task: kind, prompt excerpt, status badge, short id and creation time; then what
/// its state says: progress, the next retry, the failure's reason, or the result.
#[component]
pub fn TaskRow(task: TaskView, retry_limit: u32) -> impl IntoView {
    let locale = Locale::of_page();
    let status = task.status;
    let short_id = crate::domain::short_id(task.id);
    let detail = state_detail(&task, retry_limit);
    view! {
        <li class="task" data-testid="task" data-task-id=task.id.to_string() data-status=status.as_str()>
            <span class=format!("task-kind kind-{}", task.kind.as_str()) title=task.kind.label(locale)
                data-testid="task-kind" data-kind=task.kind.as_str()>
                {kind_icon(task.kind)}
                <span class="sr-only">{task.kind.label(locale)}</span>
            </span>
            <span class="task-prompt" title=task.params.prompt().to_owned()>{excerpt(task.params.prompt(), 80)}</span>
            <span class=format!("badge status-{}", status.as_str()) data-testid="task-status">
                {status_icon(status)}{status.label(locale)}
            </span>
            <span class="task-meta">
                <code data-testid="task-id" title=task.id.to_string()>{short_id}</code>
                <LocalTime at=task.created_at/>
                <TimeAgo at=task.created_at/>
                <TaskActions task=task.clone()/>
            </span>
            {detail}
        </li>
    }
    .into_any()
}

/// The line under a task that its state calls for.
fn state_detail(task: &TaskView, retry_limit: u32) -> impl IntoView + use<> {
    let t = t();
    let service = task.provider.as_ref().map(|p| match &task.model {
        Some(model) => format!("{p} · {model}"),
        None => p.clone(),
    });
    let body = match task.status {
        TaskStatus::Processing if task.cancel_requested => {
            Some(view! { <span class="task-note" data-testid="task-cancelling">{t.cancelling}</span> }.into_any())
        }
        TaskStatus::Processing => Some(
            view! {
                <progress class="task-progress" max="100" value=task.progress data-testid="task-progress"
                    aria-label=t.progress>{format!("{}%", task.progress)}</progress>
            }
            .into_any(),
        ),
        TaskStatus::Retrying => task.next_retry_at.map(|at| {
            let limit = retry_limit.max(task.retry_count);
            view! {
                <span class="task-note" data-testid="task-retry">
                    {(t.retry_at)(task.retry_count, limit)}<LocalTime at minutes=true test_id="task-retry-at"/>
                    <Countdown due=at/>
                </span>
                {task.error.as_ref().map(|e| view! { <span class="task-note">{(t.failure)(e)}</span> })}
            }
            .into_any()
        }),
        TaskStatus::Failed => task
            .error
            .as_ref()
            .map(|e| view! { <span class="task-error" data-testid="task-error">{(t.failure)(e)}</span> }.into_any()),
        TaskStatus::Completed => task.result.as_ref().map(|content| result_view(task, content).into_any()),
        _ => None,
    };
    (body.is_some() || service.is_some()).then(|| {
        view! {
            <div class="task-detail">
                {body}
                {service.map(|s| view! { <span class="task-service" data-testid="task-service">{s}</span> })}
            </div>
        }
    })
}

/// A completed task's file: a thumbnail (images) or player (videos) that opens the
/// lightbox, and a download link.
fn result_view(task: &TaskView, content: &ContentView) -> impl IntoView + use<> {
    let t = t();
    let lightbox = use_context::<Lightbox>();
    let board = use_context::<Board>();
    let placed = content.media.clone();
    let shown = content.media.clone();
    let open = move |_| {
        if let Some(lightbox) = lightbox {
            lightbox.open(shown.clone());
        }
    };
    let media = if content.media.is_video() {
        let (url, poster) = (content.media.url(), content.media.still_url());
        view! {
            <video class="task-thumb" src=url poster=poster controls=true preload="metadata" data-testid="task-result">
            </video>
            <button type="button" class="link" data-testid="task-enlarge" on:click=open>{t.enlarge}</button>
        }
        .into_any()
    } else {
        let url = content.media.still_url().unwrap_or_else(|| content.media.url());
        let alt = excerpt(task.params.prompt(), 120);
        view! {
            <button type="button" class="task-thumb-button" title=t.full_size data-testid="task-enlarge"
                on:click=open>
                <img class="task-thumb" src=url alt=alt loading="lazy" data-testid="task-result"/>
            </button>
        }
        .into_any()
    };
    let size = match (content.media.width, content.media.height) {
        (Some(w), Some(h)) => format!("{w}×{h}"),
        _ => String::new(),
    };
    view! {
        {media}
        <span class="task-note">{size}</span>
        <a class="link" href=content.media.download_url() download="" data-testid="task-download">{t.download}</a>
        <button type="button" class="link" data-testid="task-insert" on:click=move |_| {
            if let Some(board) = board {
                board.insert(&placed);
            }
        }>{t.insert}</button>
    }
}

/// A small line icon for the kind (SVG: no font needed for it to render).
fn kind_icon(kind: TaskKind) -> impl IntoView {
    let path = match kind {
        TaskKind::Image => "M3 5h18v14H3z M3 16l5-5 4 4 3-3 6 6 M15.5 9.5a1.5 1.5 0 1 0 0.01 0",
        TaskKind::Video => "M3 6h13v12H3z M16 10l5-3v10l-5-3",
    };
    icon(path, 18)
}

/// The status badge's icon, so that colour is never the only sign.
fn status_icon(status: TaskStatus) -> impl IntoView {
    let path = match status {
        TaskStatus::Pending => "M12 4a8 8 0 1 0 0.01 0 M12 8v4l3 2",
        TaskStatus::Processing => "M12 4a8 8 0 0 1 8 8",
        TaskStatus::Retrying => "M5 12a7 7 0 0 1 12-5l2 2 M19 4v5h-5 M19 12a7 7 0 0 1-12 5l-2-2 M5 20v-5h5",
        TaskStatus::Completed => "M5 12l5 5 9-10",
        TaskStatus::Failed => "M12 5v9 M12 18v1",
        TaskStatus::Cancelled => "M6 6l12 12 M18 6L6 18",
    };
    icon(path, 12)
}

fn icon(path: &'static str, size: u32) -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width=size height=size aria-hidden="true" fill="none" stroke="currentColor"
            stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">
            <path d=path></path>
        </svg>
    }
}
