//! The queue's state in the page: the owner's tasks newest first, read on the server with
//! `list_tasks` and kept current in the browser as submissions go out and come back, as
//! live events arrive and as older pages are read (shown by `panel.rs`); the filter and
//! the counts per status (chosen and shown by `filters.rs`); the outcome of actions.

use super::pending_clear::PendingClear;
use crate::api::{list_tasks, ApiError, Strict};
use crate::components::shared::clock::Clock;
use crate::components::shared::notice::run_noting;
use crate::domain::{
    CurrentServices, ListFilter, ListQuery, StatusCounts, SubmitRequest, TaskEvent, TaskPage, TaskStatus, TaskView,
    MAX_PAGE_SIZE,
};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use std::collections::HashMap;
use std::future::Future;
use uuid::Uuid;

/// How long counts wait for more events before they are read again.
#[cfg(feature = "hydrate")]
const RECOUNT_MS: u32 = 300;

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
    /// The first page as the page was rendered with; `None` until it is known.
    pub(super) page: RwSignal<Option<Result<TaskPage, ApiError>>>,
    /// A newer first page than `page`, fetched on a live `resync`.
    snapshot: RwSignal<Option<TaskPage>>,
    /// Tasks created from this page since it loaded, newest first.
    added: RwSignal<Vec<TaskView>>,
    /// Pages older than the first, fetched on demand.
    older: RwSignal<Vec<TaskView>>,
    /// The cursor after the last older page; `None` until one was fetched.
    older_cursor: RwSignal<Option<Option<String>>>,
    pub(super) outbox: RwSignal<Vec<Outgoing>>,
    next_local_id: StoredValue<u64>,
    /// Tasks changed (`Some`) or removed (`None`) by actions since they were loaded.
    changed: RwSignal<HashMap<Uuid, Option<TaskView>>>,
    /// The queue's paused state once an action changed it.
    paused: RwSignal<Option<bool>>,
    /// The outcome of the last action, when it needs saying.
    pub(super) notice: RwSignal<Option<String>>,
    /// A clear waiting out its undo time.
    pub(super) pending_clear: RwSignal<Option<PendingClear>>,
    /// Which tasks the list shows (status tab, kind, search); no cursor or limit.
    pub(super) filter: RwSignal<ListQuery>,
    /// The counts per status for the filter's kind and search, as last read.
    counts: RwSignal<Option<StatusCounts>>,
    /// Bumped by each reload, so that an answer to an older one is dropped.
    generation: StoredValue<u64>,
    /// An older page is on its way.
    loading_older: StoredValue<bool>,
    /// A recount is on its way.
    recounting: StoredValue<bool>,
    clock: Clock,
}

impl Queue {
    /// The server reads the first page before rendering (`FirstPage`) and the browser
    /// takes it over from the rendered page, so nothing waits on a resource: Leptos'
    /// streamed rendering left about one page in two thousand stuck on a `<Suspense>`
    /// fallback under concurrent loads (server test `pages_render_whole_under_concurrent_load`).
    pub fn new(clock: Clock) -> Self {
        // The clock is set by the first page read from here (a `resync` as the event
        // stream opens), not by this one: its time of arrival is unknown.
        let first = SharedValue::new(first_page_from_server).into_inner();
        let page = RwSignal::new(first);
        #[cfg(feature = "hydrate")]
        if page.with_untracked(Option::is_none) {
            // A page rendered without it (an error page): fetch it now.
            leptos::task::spawn_local(async move { page.set(Some(list_tasks(Strict(ListQuery::default())).await)) });
        }
        Self {
            page,
            snapshot: RwSignal::new(None),
            added: RwSignal::new(Vec::new()),
            older: RwSignal::new(Vec::new()),
            older_cursor: RwSignal::new(None),
            outbox: RwSignal::new(Vec::new()),
            next_local_id: StoredValue::new(0),
            changed: RwSignal::new(HashMap::new()),
            paused: RwSignal::new(None),
            notice: RwSignal::new(None),
            pending_clear: RwSignal::new(None),
            filter: RwSignal::new(ListQuery::default()),
            counts: RwSignal::new(None),
            generation: StoredValue::new(0),
            loading_older: StoredValue::new(false),
            recounting: StoredValue::new(false),
            clock,
        }
    }

    /// Brings the list up to date with one live event.
    pub fn apply(&self, event: TaskEvent) {
        if matches!(event, TaskEvent::Task { .. } | TaskEvent::Removed { .. }) {
            self.recount();
        }
        match event {
            TaskEvent::Task { task } => self.upsert(*task),
            TaskEvent::Progress { id, progress } => self.set_progress(id, progress),
            TaskEvent::Removed { ids } => self.remove(ids),
            TaskEvent::Queue { paused } => self.paused.set(Some(paused)),
            TaskEvent::Resync => self.reload(),
            TaskEvent::BoardItem { .. } | TaskEvent::BoardItemRemoved { .. } => {} // the board's
        }
    }

    /// The first page: the latest snapshot, else the one loaded with the page.
    /// `read` applied to the first page, without copying it (a page holds its tasks).
    fn with_first_page<R>(&self, read: impl Fn(&TaskPage) -> R) -> Option<R> {
        self.snapshot
            .with(|s| s.as_ref().map(&read))
            .or_else(|| self.page.with(|p| p.as_ref().and_then(|p| p.as_ref().ok()).map(&read)))
    }

    fn first_page(&self) -> Option<TaskPage> {
        self.snapshot.get().or_else(|| self.page.get().and_then(Result::ok))
    }

    /// Shows `task` as it now is: replaces the listed one unless that one is newer; a
    /// task not listed yet (made in another tab, or not yet answered) goes on top; a
    /// removed one stays removed.
    pub(crate) fn upsert(&self, task: TaskView) {
        if self.changed.with_untracked(|c| matches!(c.get(&task.id), Some(None))) {
            return;
        }
        match self.listed_untracked().into_iter().find(|t| t.id == task.id) {
            Some(current) if current.updated_at > task.updated_at => {}
            Some(current) => {
                self.count_move(Some(current.status), Some(&task));
                self.changed.update(|c| {
                    c.insert(task.id, Some(task));
                });
            }
            None => {
                self.count_move(None, Some(&task));
                self.added.update(|a| {
                    if !a.iter().any(|t| t.id == task.id) {
                        a.insert(0, task);
                    }
                });
            }
        }
    }

    /// Moves a task in the counts at once, from the status it was listed with (`None`: it is
    /// new) to its new one (`None`: it is gone), so that the counts never show a state that
    /// cannot be; the next read from the server settles them.
    fn count_move(&self, before: Option<TaskStatus>, after: Option<&TaskView>) {
        if before == after.map(|t| t.status) {
            return;
        }
        let scope = active_filter(&ListQuery { status: None, ..self.filter.get_untracked() });
        if after.is_some_and(|t| !scope.matches(t)) {
            return;
        }
        let mut counts = untrack(|| self.current_counts());
        if let Some(before) = before {
            counts.take(before);
        }
        if let Some(task) = after {
            counts.add(task.status, 1);
        }
        self.counts.set(Some(counts));
    }

    /// A running task's progress.
    fn set_progress(&self, id: Uuid, progress: u8) {
        let Some(mut task) = self.listed_untracked().into_iter().find(|t| t.id == id) else { return };
        task.progress = progress;
        self.changed.update(|c| {
            c.insert(id, Some(task));
        });
    }

    /// Replaces the list with a fresh first page for the filter (everything else known is
    /// dropped at the same moment, so nothing flickers).
    pub(crate) fn reload(&self) {
        let this = *self;
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        let query = self.filter.get_untracked();
        leptos::task::spawn_local(async move {
            let sent = this.clock.sent();
            if let Ok(page) = list_tasks(Strict(query)).await {
                if this.generation.get_value() != generation {
                    return; // the filter changed meanwhile
                }
                this.clock.sync(page.as_of, sent);
                this.counts.set(Some(page.counts.clone()));
                this.added.set(Vec::new());
                this.older.set(Vec::new());
                this.older_cursor.set(None);
                this.changed.set(HashMap::new());
                this.paused.set(None);
                this.snapshot.set(Some(page));
            }
        });
    }

    /// Reads the first page again and merges it in, keeping what else was loaded (the
    /// page's way to stay current while the live stream cannot be opened).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // polled in the browser only
    pub(crate) fn refresh(&self) {
        let this = *self;
        let generation = self.generation.get_value();
        let query = self.filter.get_untracked();
        leptos::task::spawn_local(async move {
            let sent = this.clock.sent();
            if let Ok(page) = list_tasks(Strict(query)).await {
                if this.generation.get_value() == generation {
                    this.clock.sync(page.as_of, sent);
                    this.merge(page);
                }
            }
        });
    }

    /// Shows `page`'s tasks as they are, and takes off the listed ones it lacks (deleted).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) fn merge(&self, page: TaskPage) {
        let gone = page.lacks(&self.active_filter_untracked(), &self.listed_untracked());
        self.remove(gone);
        for task in page.tasks.into_iter().rev() {
            self.upsert(task); // oldest first, so that new ones end up newest on top
        }
        self.counts.set(Some(page.counts));
        self.paused.set(Some(page.paused));
    }

    pub(crate) fn listed_untracked(&self) -> Vec<TaskView> {
        leptos::prelude::untrack(|| self.listed())
    }

    /// Takes tasks off the list.
    pub(super) fn remove(&self, ids: impl IntoIterator<Item = Uuid>) {
        let ids: std::collections::HashSet<Uuid> = ids.into_iter().collect();
        for task in self.listed_untracked().iter().filter(|t| ids.contains(&t.id)) {
            self.count_move(Some(task.status), None);
        }
        self.changed.update(|c| c.extend(ids.into_iter().map(|id| (id, None))));
    }

    /// What the details of `id` follow, in one pass over the list: when the listed task
    /// last changed (if it is listed), and the task known to retry it (if any).
    pub(super) fn version_of(&self, id: Uuid) -> (Option<DateTime<Utc>>, Option<Uuid>) {
        let hidden = self.pending_clear.get();
        let filter = self.filter.with(active_filter);
        let (mut updated, mut retried_by) = (None, None);
        for task in self.listed() {
            if task.id == id && filter.matches(&task) && !hidden.as_ref().is_some_and(|h| h.hides(&task)) {
                updated = Some(task.updated_at);
            }
            if task.retry_of == Some(id) {
                retried_by = Some(task.id);
            }
        }
        (updated, retried_by)
    }

    /// Every task on the list now, newest first: those the filter matches, without those
    /// a pending clear hides.
    pub(super) fn tasks(&self) -> Vec<TaskView> {
        let hidden = self.pending_clear.get();
        let filter = self.filter.with(active_filter);
        self.listed()
            .into_iter()
            .filter(|t| filter.matches(t) && !hidden.as_ref().is_some_and(|h| h.hides(t)))
            .collect()
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn active_filter_untracked(&self) -> ListFilter {
        self.filter.with_untracked(active_filter)
    }

    /// Every task known, hidden or not.
    pub(crate) fn listed(&self) -> Vec<TaskView> {
        let loaded = self.first_page().map(|p| p.tasks).unwrap_or_default();
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

    /// Where each kind of task is sent now (as the latest page says).
    pub(super) fn services(&self) -> CurrentServices {
        self.with_first_page(|p| p.services.clone()).unwrap_or_default()
    }

    /// How many retries a task gets (3 until a page says otherwise).
    pub(super) fn retry_limit(&self) -> u32 {
        self.with_first_page(|p| p.retry_limit).unwrap_or(3)
    }

    pub(super) fn is_paused(&self) -> bool {
        self.paused.get().unwrap_or_else(|| self.with_first_page(|p| p.paused).unwrap_or(false))
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
                for task in tasks {
                    self.upsert(task);
                }
            }
            Err(err) => self.outbox.update(|o| {
                if let Some(x) = o.iter_mut().find(|x| x.local_id == local_id) {
                    x.refusal = Some(err);
                }
            }),
        }
    }

    /// Where the next older page starts, if there is one.
    pub(super) fn next_cursor(&self) -> Option<String> {
        match self.older_cursor.get() {
            Some(cursor) => cursor,
            None => self.with_first_page(|p| p.next_cursor.clone()).flatten(),
        }
    }

    /// Appends the next older page (as large as pages go), unless one is on its way.
    pub(super) fn load_older(&self) {
        let Some(cursor) = untrack(|| self.next_cursor()) else { return };
        if self.loading_older.get_value() {
            return;
        }
        self.loading_older.set_value(true);
        let (this, generation) = (*self, self.generation.get_value());
        leptos::task::spawn_local(async move {
            let query =
                ListQuery { cursor: Some(cursor), limit: Some(MAX_PAGE_SIZE.into()), ..this.filter.get_untracked() };
            let page = list_tasks(Strict(query)).await;
            this.loading_older.set_value(false);
            match page {
                Ok(page) if this.generation.get_value() == generation => {
                    this.older.update(|older| older.extend(page.tasks));
                    this.older_cursor.set(Some(page.next_cursor));
                }
                _ => {} // the list was read again meanwhile, or this can be asked again
            }
        });
    }

    /// Forgets a refused submission (after its input went back to the form).
    pub fn dismiss(&self, local_id: u64) {
        self.outbox.update(|o| o.retain(|x| x.local_id != local_id));
    }

    /// Shows the tasks `filter` picks.
    pub(super) fn set_filter(&self, filter: ListQuery) {
        if self.filter.with_untracked(|f| *f != filter) {
            self.filter.set(filter);
            self.reload();
        }
    }

    /// The counts per status, as last read.
    /// How many tasks are still to finish (pending, processing or retrying).
    pub fn unfinished_count(&self) -> u64 {
        let counts = self.current_counts();
        [TaskStatus::Pending, TaskStatus::Processing, TaskStatus::Retrying].map(|s| counts.get(s)).iter().sum()
    }

    fn current_counts(&self) -> StatusCounts {
        self.counts.get().or_else(|| self.with_first_page(|p| p.counts.clone())).unwrap_or_default()
    }

    /// How many tasks a tab holds (`status`, or all), less those a pending clear hides.
    /// The counts read last are never fewer than the tasks this page lists for the tab
    /// (a task just submitted is listed before the counts are read again).
    pub(super) fn shown_count(&self, status: Option<&str>) -> u64 {
        let counts = self.current_counts();
        let total = match status.map(TaskStatus::parse) {
            Some(Ok(status)) => counts.get(status),
            _ => counts.total(),
        };
        let tab = ListQuery { status: status.map(str::to_owned), ..self.filter.get() }.validate().ok();
        let (mut listed, mut hidden) = (0, 0);
        let pending_clear = self.pending_clear.get();
        for task in self.listed().iter().filter(|t| tab.as_ref().is_some_and(|f| f.matches(t))) {
            listed += 1;
            hidden += u64::from(pending_clear.as_ref().is_some_and(|h| h.hides(task)));
        }
        total.max(listed).saturating_sub(hidden)
    }

    /// Reads the counts again shortly (one read for a burst of events).
    fn recount(&self) {
        if self.recounting.get_value() {
            return;
        }
        self.recounting.set_value(true);
        let this = *self;
        leptos::task::spawn_local(async move {
            #[cfg(feature = "hydrate")]
            gloo_timers::future::TimeoutFuture::new(RECOUNT_MS).await;
            this.recounting.set_value(false);
            let query = ListQuery { status: None, cursor: None, limit: Some(1), ..this.filter.get_untracked() };
            if let Ok(page) = list_tasks(Strict(query)).await {
                this.counts.set(Some(page.counts));
            }
        });
    }

    /// Runs an action in the background; its error, if any, becomes the queue's notice.
    pub(super) fn act(self, action: impl Future<Output = Result<(), ApiError>> + 'static) {
        run_noting(self.notice, action);
    }
}

/// The filter `query` stands for (the filter row only ever holds valid ones).
fn active_filter(query: &ListQuery) -> ListFilter {
    query.validate().unwrap_or_else(|_| ListQuery::default().validate().expect("the default query is valid"))
}

/// The first page the server read for this request, if it did.
fn first_page_from_server() -> Option<Result<TaskPage, ApiError>> {
    #[cfg(feature = "ssr")]
    return use_context::<crate::api::FirstPage>().map(|first| first.0);
    #[cfg(not(feature = "ssr"))]
    None
}
