//! The details drawer: one task in full, read with `get_task`, as a place to act: its
//! result large, download, insert, *Use these settings* (the form filled with them), retry,
//! cancel, delete; the task it retries and the one that retried it; every parameter, the
//! service and model, its times with dates, the error in words and in the service's own,
//! the result's file, each attempt with its outcome and duration, and the id. It follows the task live (read again whenever the queue sees it
//! change); Escape or its Close button closes it, and the focus goes back to the row
//! (see `shared/overlay.rs`).

use super::actions::{ResultLinks, TaskActions};
use super::opened::Details;
use super::state::Queue;
use crate::api::{get_task, Strict};
use crate::components::form::handle::FormHandle;
use crate::components::shared::lightbox::Lightbox;
use crate::components::shared::membership::Membership;
use crate::components::shared::text::error_text;
use crate::components::shared::time::LocalTime;
use crate::components::shared::toasts::{Toasts, Tone};
use crate::domain::{short_id, ContentView, SubmitRequest, TaskDetails, TaskParams, TaskRef};
use crate::i18n::{t, Label, Locale, Text};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn DetailsDrawer() -> impl IntoView {
    let details = expect_context::<Details>();
    let queue = expect_context::<Queue>();
    let t = t();
    let close_ref = NodeRef::<leptos::html::Button>::new();
    details.wire(close_ref);
    // The version to show: read again each time the queue sees the task change, or retried.
    let version = move || details.shown().map(|id| (id, queue.version_of(id)));
    let loaded = LocalResource::new(move || {
        let wanted = version();
        async move {
            let (id, _) = wanted?;
            Some(get_task(Strict(TaskRef { id: id.to_string() })).await)
        }
    });
    move || {
        details.shown().map(|_| {
            let body = move || match loaded.get().flatten() {
                None => view! { <p class="muted">{t.loading_details}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="task-error" role="alert">{error_text(t, &e)}</p> }.into_any(),
                Some(Ok(task)) => sections(task, queue.retry_limit(), t).into_any(),
            };
            view! {
                <aside class="drawer" role="dialog" aria-modal="false" aria-label=t.details data-testid="details">
                    <header class="drawer-head">
                        <h2>{t.details}</h2>
                        <button type="button" class="secondary" node_ref=close_ref data-testid="details-close"
                            on:click=move |_| details.close()>{t.close}</button>
                    </header>
                    {body}
                </aside>
            }
        })
    }
}

/// The drawer's content for one task: its result large, what can be done with it, then
/// every parameter, the error, the file and the attempts.
fn sections(details: TaskDetails, retry_limit: u32, t: &'static Text) -> impl IntoView {
    let locale = Locale::of_page();
    let task = details.task;
    let never_started = details.attempts.is_empty();
    let mut rows: Vec<(&'static str, String)> = vec![
        (t.status, task.status.label(locale).to_owned()),
        (t.kind, task.kind.label(locale).to_owned()),
        (t.prompt, task.params.prompt().to_owned()),
    ];
    if let Some(negative) = task.params.negative_prompt() {
        rows.push((t.negative_prompt, negative.to_owned()));
    }
    match &task.params {
        TaskParams::Image(p) => {
            rows.push((t.size, p.size.label(locale).to_owned()));
            rows.push((t.style, p.style.label(locale).to_owned()));
        }
        TaskParams::Video(p) => {
            rows.push((t.duration_name, (t.seconds)(&p.duration_secs.secs().to_string())));
            rows.push((t.resolution, p.resolution.label(locale).to_owned()));
            rows.push((t.fps, p.fps.label(locale).to_owned()));
        }
    }
    if task.retry_count > 0 {
        rows.push((t.retries, (t.retries_of)(task.retry_count, retry_limit.max(task.retry_count))));
    }
    rows.push((t.seed_name, task.params.seed().map_or_else(|| t.seed_random.to_owned(), |s| s.to_string())));
    if let Some(provider) = &task.provider {
        let model = task.model.as_deref().map(|m| format!(" · {m}")).unwrap_or_default();
        rows.push((t.service, format!("{provider}{model}")));
    }
    let times = [
        (t.created, Some(task.created_at)),
        (t.started, task.started_at),
        (t.finished, task.finished_at),
        (t.next_retry, task.next_retry_at),
    ];
    let settings = SubmitRequest::repeating(&task.params);
    let links =
        [(t.retry_of, task.retry_of, "details-retry-of"), (t.retried_as, details.retried_by, "details-retried-as")];
    view! {
        {task.result.clone().map(|content| large_result(content, t))}
        <div class="drawer-actions">
            {task.result.clone().map(|content| view! { <ResultLinks media=content.media/> })}
            <UseSettings settings/>
            <TaskActions task=task.clone() in_details=true/>
        </div>
        {links.into_iter().filter_map(|(label, id, test_id)| id.map(|id| view! {
            <p class="drawer-link">{label}" "<TaskLink id test_id/></p>
        })).collect_view()}
        <dl class="details-list" data-testid="details-params">
            {rows.into_iter().map(|(name, value)| view! { <dt>{name}</dt><dd>{value}</dd> }).collect_view()}
            {times.into_iter().filter_map(|(name, at)| at.map(|at| view! {
                <dt>{name}</dt><dd><LocalTime at date=true test_id="details-time"/></dd>
            })).collect_view()}
            <dt>{t.id}</dt><dd><code data-testid="details-id">{task.id.to_string()}</code></dd>
        </dl>
        {task.error.map(|e| view! {
            <h3>{t.error_heading}</h3>
            <p class="task-error" data-testid="details-error">{t.failure(&e)}</p>
            <p class="muted" data-testid="details-error-raw">{e.message.clone()}" "<code>{e.code.clone()}</code></p>
        })}
        {task.result.map(|content| file_view(&content, t))}
        <h3>{t.attempts}</h3>
        <ol class="attempts" data-testid="details-attempts">
            {details.attempts.into_iter().map(|a| view! {
                <li data-testid="attempt" data-outcome=a.outcome.clone().unwrap_or_default()>
                    <div>
                        <strong>{(t.attempt)(a.number)}</strong>" · "
                        <span>{(t.attempt_outcome)(a.outcome.as_deref())}</span>
                    </div>
                    <div class="muted">
                        <LocalTime at=a.started_at date=true test_id="attempt-started"/>
                        {a.finished_at.map(|at| view! { " → " <LocalTime at test_id="attempt-finished"/> })}
                        {a.finished_at.map(|end| format!(" ({})", took(end - a.started_at)))}
                    </div>
                    {a.error.map(|e| view! { <p class="task-error">{e}</p> })}
                    <div class="muted attempt-instance">{(t.on_server)(&a.instance)}</div>
                </li>
            }).collect_view()}
        </ol>
        {never_started.then(|| view! { <p class="muted">{t.no_attempts}</p> })}
    }
}

/// The result at the drawer's width; a click shows it whole in the lightbox.
fn large_result(content: ContentView, t: &'static Text) -> impl IntoView {
    let lightbox = use_context::<Lightbox>();
    let shown = content.media.clone();
    let open = move |_| {
        if let Some(lightbox) = lightbox {
            lightbox.open(shown.clone());
        }
    };
    let picture = if content.media.is_video() {
        view! {
            <video class="drawer-media" src=content.media.url() poster=content.media.still_url() controls=true
                preload="metadata" data-testid="details-result"></video>
        }
        .into_any()
    } else {
        view! { <img class="drawer-media" src=content.media.url() alt="" data-testid="details-result"/> }.into_any()
    };
    view! {
        <div class="drawer-result">
            {picture}
            <button type="button" class="link" data-testid="details-enlarge" on:click=open>{t.full_size}</button>
        </div>
    }
}

/// "Use these settings": the form filled with the task's parameters, seed included; a
/// viewer has no form, so no such button.
#[component]
fn UseSettings(settings: SubmitRequest) -> impl IntoView {
    let form = expect_context::<FormHandle>();
    let toasts = expect_context::<Toasts>();
    let editable = expect_context::<Membership>().can_edit();
    let t = t();
    editable.then(|| {
        view! {
            <button type="button" class="link" data-testid="use-settings" on:click=move |_| {
                form.fill(&settings);
                toasts.show(t.settings_used.into(), Tone::Info, 4_000);
            }>{t.use_settings}</button>
        }
    })
}

/// Another task, by its short id, opening its details.
#[component]
fn TaskLink(id: Uuid, test_id: &'static str) -> impl IntoView {
    let details = expect_context::<Details>();
    view! {
        <button type="button" class="link" data-testid=test_id on:click=move |_| details.open(id)>
            <code>{short_id(id)}</code>
        </button>
    }
}

/// How long an attempt took: "2.4 s", "3 min 12 s".
fn took(span: chrono::TimeDelta) -> String {
    let ms = span.num_milliseconds().max(0);
    match ms {
        ms if ms < 60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        ms => format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000),
    }
}

fn file_view(content: &ContentView, t: &'static Text) -> impl IntoView {
    let size = match (content.media.width, content.media.height) {
        (Some(w), Some(h)) => format!("{w} × {h}"),
        _ => String::new(),
    };
    let duration = content.duration_ms.map(|ms| format!(" · {:.1} s", f64::from(ms) / 1000.0)).unwrap_or_default();
    view! {
        <h3>{t.file}</h3>
        <p data-testid="details-file">
            {format!("{} · {size}{duration} · {}", content.media.media_type, human_bytes(content.bytes))}
            " "<a class="link" href=content.media.download_url() download="">{t.download}</a>
        </p>
    }
}

/// "57.3 KB", "2.1 MB".
pub fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} KB", b as f64 / 1e3),
        b if b < 1_000_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b => format!("{:.2} GB", b as f64 / 1e9),
    }
}
