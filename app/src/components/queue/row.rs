//! One row of the queue: a task's result or kind, its prompt and parameters, status and
//! time, and what its state calls for (progress, the next retry counting down, the reason
//! of failure, the result's links).

use super::actions::{ResultLinks, TaskActions};
use super::groups::variant_of;
use super::highlight::Highlight;
use super::known::Held;
use super::opened::Details;
use super::progress::Advance;
use super::state::Queue;
use crate::components::shared::icons::Icon;
use crate::components::shared::lightbox::Lightbox;
use crate::components::shared::membership::Membership;
use crate::components::shared::text::excerpt;
use crate::components::shared::time::{Countdown, LocalTime, TimeAgo};
use crate::domain::{ContentView, StylePreset, TaskKind, TaskParams, TaskStatus, TaskView};
use crate::i18n::{service_name, t, Label, Locale};
use leptos::prelude::*;

/// One task: its result (or its kind) on the left; the prompt on up to two lines (whole
/// on hover), the parameters as chips, then its status, what the state calls for, its time
/// and short id, and its actions.
#[component]
pub fn TaskRow(
    task: Held,
    retry_limit: u32,
    /// It is one of an open group's rows.
    member: bool,
) -> impl IntoView {
    let locale = Locale::of_page();
    let status = task.status;
    let short_id = crate::domain::short_id(task.id);
    let queue = expect_context::<Queue>();
    let progress = queue.progress_of(&task);
    let detail = state_detail(&task, queue.advance_of(&task), retry_limit);
    let (highlight, id) = (expect_context::<Highlight>(), task.id);
    let other_service = untrack(|| queue.services()).other_than_now(&task);
    // In a shared workspace, who submitted it.
    let author = task.author.clone().filter(|name| expect_context::<Membership>().names(name));
    let links = task
        .result
        .as_ref()
        .filter(|_| status == TaskStatus::Completed)
        .map(|content| view! { <ResultLinks media=content.media.clone()/> });
    view! {
        <li class="task" class:member=member class:highlight=move || highlight.is(id) data-testid="task" data-task-id=task.id.to_string()
            data-status=status.as_str()>
            {media(&task, progress)}
            <p class="task-prompt" title=task.params.prompt().to_owned()>{task.params.prompt().to_owned()}</p>
            <div class="task-state">
                <span class=format!("badge status-{}", status.as_str()) data-testid="task-status">
                    {status_icon(status).view(12)}{status.label(locale)}
                </span>
                <TimeAgo at=task.created_at/>
                <span class="sr-only"><LocalTime at=task.created_at/></span>
            </div>
            <div class="task-line">
                {author.map(|name| view! { <span class="chip author" data-testid="task-author">{(t().team.by)(&name)}</span> })}
                {variant_of(&task).map(|v| view! {
                    <span class="chip" data-testid="task-member">{(t().member_of)(v.number, v.of)}</span>
                })}
                {chips(&task)}
                {other_service.map(|s| view! { <span class="chip" data-testid="task-service">{s}</span> })}
                {task.retry_of.map(|original| linked(t().retry_of, original, "task-retry-of"))}
                {move || queue.retried_by(id).map(|retry| linked(t().retried_as, retry, "task-retried-as"))}
                {detail}
                <code data-testid="task-id" title=task.id.to_string()>{short_id}</code>
            </div>
            <div class="task-actions">
                {links}
                <TaskActions task=(*task).clone()/>
            </div>
        </li>
    }
    .into_any()
}

/// What the task's state calls for, in its status line.
fn state_detail(task: &TaskView, progress: Signal<Advance>, retry_limit: u32) -> Option<AnyView> {
    let t = t();
    match task.status {
        TaskStatus::Processing if task.cancel_requested => {
            Some(view! { <span class="task-note" data-testid="task-cancelling">{t.cancelling}</span> }.into_any())
        }
        TaskStatus::Processing => {
            let service = service_name(task.provider.as_deref().unwrap_or_default()).to_owned();
            Some(
                view! {
                    {move || match progress.get() {
                        Advance { queued_at_service: Some(position), .. } => view! {
                            <span class="task-note" data-testid="task-queued-at-service">
                                {(t.queued_at_service)(&service, position)}
                            </span>
                        }
                        .into_any(),
                        Advance { percent, .. } => view! { <span class="task-percent">{format!("{percent}%")}</span> }
                            .into_any(),
                    }}
                }
                .into_any(),
            )
        }
        TaskStatus::Retrying => task.next_retry_at.map(|at| {
            let limit = retry_limit.max(task.retry_count);
            view! {
                <span class="task-note" data-testid="task-retry">
                    {(t.retry_at)(task.retry_count, limit)}<LocalTime at minutes=true test_id="task-retry-at"/>
                    <Countdown due=at/>
                </span>
                {task.error.as_ref().and_then(|e| (t.waiting_on)(&e.code)).map(|why| view! {
                    <span class="task-note" data-testid="task-waiting-on">{why}</span>
                })}
            }
            .into_any()
        }),
        TaskStatus::Failed => task
            .error
            .as_ref()
            .map(|e| view! { <span class="task-error" data-testid="task-error">{t.failure(e)}</span> }.into_any()),
        _ => None,
    }
}

/// The parameters as small chips: size (or resolution, duration, frame rate), the style
/// when there is one, the seed.
fn chips(task: &TaskView) -> impl IntoView + use<> {
    let (t, locale) = (t(), Locale::of_page());
    let mut chips: Vec<String> = match &task.params {
        TaskParams::Image(p) => {
            let (w, h) = p.size.dimensions();
            let mut chips = vec![format!("{w}×{h}")];
            if p.style != StylePreset::None {
                chips.push(p.style.label(locale).to_owned());
            }
            chips
        }
        TaskParams::Video(p) => vec![
            p.resolution.label(locale).to_owned(),
            (t.seconds)(&p.duration_secs.secs().to_string()),
            p.fps.label(locale).to_owned(),
        ],
    };
    chips.extend(task.params.seed().map(|seed| (t.seed_is)(&seed.to_string())));
    chips.into_iter().map(|chip| view! { <span class="chip">{chip}</span> }).collect_view()
}

/// The row's picture: the result, which opens the lightbox, or the kind's icon.
fn media(task: &TaskView, progress: Signal<u8>) -> impl IntoView + use<> {
    let kind = task.kind;
    let result = task.result.as_ref().filter(|_| task.status == TaskStatus::Completed);
    let locale = Locale::of_page();
    view! {
        <div class=format!("task-media kind-{}", kind.as_str()) data-testid="task-kind" data-kind=kind.as_str()
            title=kind.label(locale)>
            {match result {
                Some(content) => thumbnail(task, content).into_any(),
                None => view! {
                    {kind_icon(kind).view(22)}
                    <span class="sr-only">{kind.label(locale)}</span>
                }.into_any(),
            }}
            {(task.status == TaskStatus::Processing && !task.cancel_requested).then(|| view! {
                <progress class="task-progress" max="100" value=progress data-testid="task-progress"
                    aria-label=t().progress>{move || format!("{}%", progress.get())}</progress>
            })}
        </div>
    }
}

/// A completed task's still (an image's thumbnail, a video's poster or first frame), in
/// its own proportions; a click opens the lightbox.
fn thumbnail(task: &TaskView, content: &ContentView) -> impl IntoView + use<> {
    let t = t();
    let lightbox = use_context::<Lightbox>();
    let shown = content.media.clone();
    let open = move |_| {
        if let Some(lightbox) = lightbox {
            lightbox.open(shown.clone());
        }
    };
    let alt = excerpt(task.params.prompt(), 120);
    let still = content.media.still_url();
    let picture = match (content.media.is_video(), still) {
        (true, None) => view! {
            <video class="task-thumb" src=format!("{}#t=0.1", content.media.url()) muted=true preload="metadata"
                data-testid="task-result" aria-label=alt></video>
        }
        .into_any(),
        (_, still) => {
            let url = still.unwrap_or_else(|| content.media.url());
            view! { <img class="task-thumb" src=url alt=alt loading="lazy" data-testid="task-result"/> }.into_any()
        }
    };
    view! {
        <button type="button" class="task-thumb-button" title=t.full_size aria-label=t.full_size
            data-testid="task-enlarge" on:click=open>
            {picture}
        </button>
    }
}

/// The kind's icon.
fn kind_icon(kind: TaskKind) -> Icon {
    match kind {
        TaskKind::Image => Icon::Image,
        TaskKind::Video => Icon::Video,
    }
}

/// The status badge's icon, so that colour is never the only sign.
fn status_icon(status: TaskStatus) -> Icon {
    match status {
        TaskStatus::Pending => Icon::Pending,
        TaskStatus::Processing => Icon::Processing,
        TaskStatus::Retrying => Icon::Retrying,
        TaskStatus::Completed => Icon::Completed,
        TaskStatus::Failed => Icon::Failed,
        TaskStatus::Cancelled => Icon::Cancelled,
    }
}

/// A chip naming a linked task ("Retry of 0a1b2c3d"), which opens its details.
fn linked(label: &'static str, id: uuid::Uuid, test_id: &'static str) -> impl IntoView {
    let details = expect_context::<Details>();
    view! {
        <button type="button" class="chip link" data-testid=test_id on:click=move |_| details.open(id)>
            {label}" "<code>{crate::domain::short_id(id)}</code>
        </button>
    }
}
