//! One row of the queue: a task's kind, prompt, status and time, and what its state calls
//! for (progress, next retry, reason of failure, the result with its download link).

use crate::domain::{ContentView, TaskKind, TaskStatus, TaskView};
use leptos::prelude::*;

/// One task: kind, prompt excerpt, status badge, short id and creation time; then what
/// its state says: progress, the next retry, the failure's reason, or the result.
#[component]
pub fn TaskRow(task: TaskView) -> impl IntoView {
    let status = task.status;
    let short_id = task.id.simple().to_string()[24..].to_owned();
    let detail = state_detail(&task);
    view! {
        <li class="task" data-testid="task" data-task-id=task.id.to_string() data-status=status.as_str()>
            <span class=format!("task-kind kind-{}", task.kind.as_str()) title=task.kind.label()
                data-testid="task-kind" data-kind=task.kind.as_str()>
                {kind_icon(task.kind)}
                <span class="sr-only">{task.kind.label()}</span>
            </span>
            <span class="task-prompt" title=task.params.prompt().to_owned()>{excerpt(task.params.prompt(), 80)}</span>
            <span class=format!("badge status-{}", status.as_str()) data-testid="task-status">{status.label()}</span>
            <span class="task-meta">
                <code data-testid="task-id" title=task.id.to_string()>{short_id}</code>
                <LocalTime at=task.created_at/>
                <super::actions::TaskActions task=task.clone()/>
            </span>
            {detail}
        </li>
    }
}

/// The line under a task that its state calls for.
fn state_detail(task: &TaskView) -> impl IntoView + use<> {
    let service = task.provider.as_ref().map(|p| match &task.model {
        Some(model) => format!("{p} · {model}"),
        None => p.clone(),
    });
    let body = match task.status {
        TaskStatus::Processing if task.cancel_requested => {
            Some(view! { <span class="task-note" data-testid="task-cancelling">"Cancelling…"</span> }.into_any())
        }
        TaskStatus::Processing => Some(
            view! {
                <progress class="task-progress" max="100" value=task.progress data-testid="task-progress"
                    aria-label="Progress">{format!("{}%", task.progress)}</progress>
            }
            .into_any(),
        ),
        TaskStatus::Retrying => task.next_retry_at.map(|at| {
            let cause = task.error.as_ref().map(|e| format!(" ({})", e.message)).unwrap_or_default();
            view! {
                <span class="task-note" data-testid="task-retry">
                    {format!("Retry {} · next at ", task.retry_count)}<LocalTime at/>{cause}
                </span>
            }
            .into_any()
        }),
        TaskStatus::Failed => task
            .error
            .as_ref()
            .map(|e| view! { <span class="task-error" data-testid="task-error">{e.message.clone()}</span> }.into_any()),
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
    let lightbox = use_context::<super::lightbox::Lightbox>();
    let shown = content.clone();
    let open = move |_| {
        if let Some(lightbox) = lightbox {
            lightbox.open(shown.clone());
        }
    };
    let media = if content.media_type.starts_with("video/") {
        let (url, poster) = (content.url(), content.thumbnail_url());
        view! {
            <video class="task-thumb" src=url poster=poster controls=true preload="metadata" data-testid="task-result">
            </video>
            <button type="button" class="link" data-testid="task-enlarge" on:click=open>"Enlarge"</button>
        }
        .into_any()
    } else {
        let url = content.thumbnail_url().unwrap_or_else(|| content.url());
        let alt = excerpt(task.params.prompt(), 120);
        view! {
            <button type="button" class="task-thumb-button" title="Show full size" data-testid="task-enlarge"
                on:click=open>
                <img class="task-thumb" src=url alt=alt loading="lazy" data-testid="task-result"/>
            </button>
        }
        .into_any()
    };
    let size = match (content.width, content.height) {
        (Some(w), Some(h)) => format!("{w}×{h}"),
        _ => String::new(),
    };
    view! {
        {media}
        <span class="task-note">{size}</span>
        <a class="link" href=content.download_url() download="" data-testid="task-download">"Download"</a>
    }
}

/// A small line icon for the kind (SVG: no font needed for it to render).
fn kind_icon(kind: TaskKind) -> impl IntoView {
    let path = match kind {
        TaskKind::Image => "M3 5h18v14H3z M3 16l5-5 4 4 3-3 6 6 M15.5 9.5a1.5 1.5 0 1 0 0.01 0",
        TaskKind::Video => "M3 6h13v12H3z M16 10l5-3v10l-5-3",
    };
    view! {
        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor"
            stroke-width="1.6" stroke-linejoin="round">
            <path d=path></path>
        </svg>
    }
}

pub fn excerpt(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// A time of day: UTC as rendered by the server, then the browser's own time zone once
/// the page has hydrated (the server cannot know the reader's zone).
#[component]
fn LocalTime(at: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let text = RwSignal::new(at.format("%H:%M:%S UTC").to_string());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            let local = js_sys::Date::new(&(at.timestamp_millis() as f64).into());
            text.set(format!("{:02}:{:02}:{:02}", local.get_hours(), local.get_minutes(), local.get_seconds()));
        }
    });
    view! { <time datetime=at.to_rfc3339() title=at.to_rfc3339() data-testid="task-time">{move || text.get()}</time> }
}
