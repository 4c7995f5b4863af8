//! The queue panel: the owner's tasks newest first, rendered on the server from
//! `list_tasks` and kept current in the browser as submissions go out and come back.

use crate::api::{list_tasks, ApiError, Strict};
use crate::domain::{ListQuery, SubmitRequest, TaskKind, TaskPage, TaskView};
use leptos::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

/// A submission on its way to the server, or refused by it.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub local_id: u64,
    pub request: SubmitRequest,
    pub refusal: Option<ApiError>,
}

/// The queue's state, shared through context by the form and the panel.
#[derive(Clone, Copy)]
pub struct Queue {
    page: Resource<Result<TaskPage, ApiError>>,
    /// Tasks created from this page since it loaded, newest first.
    added: RwSignal<Vec<TaskView>>,
    /// Pages older than the first, fetched on demand.
    older: RwSignal<Vec<TaskView>>,
    /// The cursor after the last older page; `None` until one was fetched.
    older_cursor: RwSignal<Option<Option<String>>>,
    outbox: RwSignal<Vec<Outgoing>>,
    next_local_id: StoredValue<u64>,
    /// Tasks changed (`Some`) or removed (`None`) by actions since they were loaded.
    changed: RwSignal<HashMap<Uuid, Option<TaskView>>>,
    /// The queue's paused state once an action changed it.
    paused: RwSignal<Option<bool>>,
    /// The outcome of the last action, when it needs saying.
    pub(super) notice: RwSignal<Option<String>>,
}

impl Queue {
    pub fn new() -> Self {
        Self {
            page: Resource::new(|| (), |_| list_tasks(Strict(ListQuery::default()))),
            added: RwSignal::new(Vec::new()),
            older: RwSignal::new(Vec::new()),
            older_cursor: RwSignal::new(None),
            outbox: RwSignal::new(Vec::new()),
            next_local_id: StoredValue::new(0),
            changed: RwSignal::new(HashMap::new()),
            paused: RwSignal::new(None),
            notice: RwSignal::new(None),
        }
    }

    /// Shows `task` as it now is.
    pub(super) fn update(&self, task: TaskView) {
        self.changed.update(|c| {
            c.insert(task.id, Some(task));
        });
    }

    /// Shows a task created by an action (a retry) at the top.
    pub(super) fn prepend(&self, task: TaskView) {
        self.added.update(|a| a.insert(0, task));
    }

    /// Takes tasks off the list.
    pub(super) fn remove(&self, ids: impl IntoIterator<Item = Uuid>) {
        self.changed.update(|c| c.extend(ids.into_iter().map(|id| (id, None))));
    }

    /// Every task on the list now, newest first.
    pub(super) fn tasks(&self) -> Vec<TaskView> {
        let loaded = self.page.get().and_then(Result::ok).map(|p| p.tasks).unwrap_or_default();
        let changed = self.changed.get();
        let mut seen = std::collections::HashSet::new();
        self.added
            .get()
            .into_iter()
            .chain(loaded)
            .chain(self.older.get())
            .filter(|t| seen.insert(t.id))
            .filter_map(|t| match changed.get(&t.id) {
                Some(now) => now.clone(),
                None => Some(t),
            })
            .collect()
    }

    pub(super) fn is_paused(&self) -> bool {
        self.paused.get().unwrap_or_else(|| self.page.get().and_then(Result::ok).is_some_and(|p| p.paused))
    }

    pub(super) fn set_paused(&self, paused: bool) {
        self.paused.set(Some(paused));
    }

    /// Shows `request` as being sent; returns the id to settle it with.
    pub fn begin(&self, request: SubmitRequest) -> u64 {
        let local_id = self.next_local_id.get_value();
        self.next_local_id.set_value(local_id + 1);
        self.outbox.update(|o| o.insert(0, Outgoing { local_id, request, refusal: None }));
        local_id
    }

    /// Replaces the in-flight row with the created tasks, or marks it refused.
    pub fn settle(&self, local_id: u64, result: Result<Vec<TaskView>, ApiError>) {
        match result {
            Ok(tasks) => {
                self.outbox.update(|o| o.retain(|x| x.local_id != local_id));
                self.added.update(|added| {
                    for task in tasks {
                        added.insert(0, task);
                    }
                });
            }
            Err(err) => self.outbox.update(|o| {
                if let Some(x) = o.iter_mut().find(|x| x.local_id == local_id) {
                    x.refusal = Some(err);
                }
            }),
        }
    }

    /// Where the next older page starts, if there is one.
    fn next_cursor(&self) -> Option<String> {
        match self.older_cursor.get() {
            Some(cursor) => cursor,
            None => self.page.get().and_then(Result::ok).and_then(|p| p.next_cursor),
        }
    }

    /// Appends the next older page.
    fn load_older(&self) {
        let Some(cursor) = self.next_cursor() else { return };
        let this = *self;
        leptos::task::spawn_local(async move {
            let query = ListQuery { cursor: Some(cursor), ..ListQuery::default() };
            if let Ok(page) = list_tasks(Strict(query)).await {
                this.older.update(|older| older.extend(page.tasks));
                this.older_cursor.set(Some(page.next_cursor));
            }
        });
    }

    /// Forgets a refused submission (after its input went back to the form).
    pub fn dismiss(&self, local_id: u64) {
        self.outbox.update(|o| o.retain(|x| x.local_id != local_id));
    }
}

enum Row {
    Outgoing(Outgoing),
    Task(TaskView),
}

impl Row {
    fn key(&self) -> String {
        match self {
            Row::Outgoing(o) => format!("out-{}-{}", o.local_id, o.refusal.is_some()),
            Row::Task(t) => format!("{}-{}", t.id, t.status.as_str()),
        }
    }
}

/// The task list with its heading and counts.
#[component]
pub fn QueuePanel() -> impl IntoView {
    let queue = expect_context::<Queue>();
    let form = expect_context::<super::form::FormHandle>();
    let rows = move || {
        let mut rows: Vec<Row> = queue.outbox.get().into_iter().map(Row::Outgoing).collect();
        rows.extend(queue.tasks().into_iter().map(Row::Task));
        rows
    };
    let total = move || {
        let loaded = queue.page.get().and_then(Result::ok).map_or(0, |p| p.counts.total());
        let removed = queue.changed.with(|c| c.values().filter(|t| t.is_none()).count());
        (loaded + queue.added.with(Vec::len) as u64).saturating_sub(removed as u64)
    };
    let load_error = move || queue.page.get().and_then(Result::err).map(|e| e.to_string());
    view! {
        <section class="queue" aria-label="Task queue">
            <header class="queue-head">
                <h2>"Queue"</h2>
                <Transition fallback=|| ()>
                    <span class="queue-count" data-testid="queue-count">{move || total()} " tasks"</span>
                </Transition>
            </header>
            <Transition fallback=|| ()>
                <super::actions::QueueToolbar/>
            </Transition>
            {move || queue.notice.get().map(|n| view! { <p class="queue-error" role="alert" data-testid="queue-notice">{n}</p> })}
            <Transition fallback=|| view! { <p class="queue-empty">"Loading tasks…"</p> }>
                {move || load_error().map(|e| view! { <p class="queue-error" role="alert">{e}</p> })}
                <ol class="task-list" data-testid="task-list" aria-live="polite">
                    <For each=rows key=Row::key let:row>
                        {match row {
                            Row::Task(task) => view! { <TaskRow task/> }.into_any(),
                            Row::Outgoing(out) => view! { <OutgoingRow out form/> }.into_any(),
                        }}
                    </For>
                </ol>
                <Show when=move || queue.next_cursor().is_some()>
                    <button type="button" class="link more" data-testid="load-older" on:click=move |_| queue.load_older()>
                        "Show older tasks"
                    </button>
                </Show>
                <Show when=move || total() == 0 && queue.outbox.with(Vec::is_empty)>
                    <p class="queue-empty" data-testid="queue-empty">"No tasks yet. Fill the form and press Generate."</p>
                </Show>
            </Transition>
        </section>
    }
    .into_any()
}

/// One task: kind, prompt excerpt, status badge, short id and creation time.
#[component]
fn TaskRow(task: TaskView) -> impl IntoView {
    let status = task.status;
    let short_id = task.id.simple().to_string()[24..].to_owned();
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
        </li>
    }
}

/// A submission still travelling, or refused with the reason and a way back to the form.
#[component]
fn OutgoingRow(out: Outgoing, form: super::form::FormHandle) -> impl IntoView {
    let queue = expect_context::<Queue>();
    let refused = out.refusal.clone();
    let (request, reason) = (out.request.clone(), out.refusal.clone());
    let test_id = if refused.is_some() { "task-refused" } else { "task-sending" };
    view! {
        <li class="task outgoing" data-testid=test_id>
            <span class="task-prompt">{excerpt(&out.request.prompt, 80)}</span>
            {match refused {
                None => view! { <span class="badge status-sending">"Sending…"</span> }.into_any(),
                Some(err) => view! {
                    <span class="badge status-failed">"Not queued"</span>
                    <span class="task-error">{err.to_string()}</span>
                    <button type="button" class="link" on:click=move |_| {
                        form.restore(&request, reason.clone());
                        queue.dismiss(out.local_id);
                    }>"Edit and resend"</button>
                }.into_any(),
            }}
        </li>
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

fn excerpt(text: &str, max_chars: usize) -> String {
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
