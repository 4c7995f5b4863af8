//! The queue's state in the page: the owner's tasks newest first, read on the server with
//! `list_tasks` and kept current in the browser as submissions go out and come back, as
//! live events arrive and as older pages are read (shown by `panel.rs`); the filter
//! (chosen by `filters.rs`); the outcome of actions. The tasks are kept by id (`known.rs`),
//! their progress apart (`progress.rs`), the counts per status in `counts.rs`.

use super::known::{Held, Known, Put};
use super::pending_clear::PendingClear;
use super::progress::{Advance, Progress};
use crate::api::{list_tasks, ApiError, Strict};
use crate::components::shared::clock::Clock;
use crate::components::shared::notice::run_noting;
use crate::domain::{
    CurrentServices, ListFilter, ListQuery, StatusCounts, SubmitRequest, TaskEvent, TaskPage, TaskView, MAX_PAGE_SIZE,
};
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use std::future::Future;
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
    /// The first page as the page was rendered with (its tasks moved to `known`); `None`
    /// until it is known.
    pub(super) page: RwSignal<Option<Result<TaskPage, ApiError>>>,
    /// A newer first page than `page` (its tasks moved to `known`), read on a `resync`.
    snapshot: RwSignal<Option<TaskPage>>,
    /// Every task known: the first page, older pages, and those made or seen since.
    known: RwSignal<Known>,
    /// Running tasks' progress, apart from `known` so that a progress event redraws one row.
    progress: Progress,
    /// How many known tasks of each status the filter's kind and search pick, and how
    /// many of those a pending clear hides.
    pub(super) listed_counts: Memo<(StatusCounts, StatusCounts)>,
    /// Which known task retries which: the retried task's id to its retry's.
    retries: Memo<HashMap<Uuid, Uuid>>,
    /// The cursor after the last older page; `None` until one was fetched.
    older_cursor: RwSignal<Option<Option<String>>>,
    pub(super) outbox: RwSignal<Vec<Outgoing>>,
    next_local_id: StoredValue<u64>,
    /// The queue's paused state as an event or an answer told it, with its version (the
    /// first page's counts until one is newer).
    paused: RwSignal<Option<(u64, bool)>>,
    /// The outcome of the last action, when it needs saying.
    pub(super) notice: RwSignal<Option<String>>,
    /// A clear waiting out its undo time.
    pub(super) pending_clear: RwSignal<Option<PendingClear>>,
    /// Which tasks the list shows (status tab, kind, search); no cursor or limit.
    pub(super) filter: RwSignal<ListQuery>,
    /// The counts per status for the filter's kind and search, as last read.
    pub(super) counts: RwSignal<Option<StatusCounts>>,
    /// Bumped by each reload, so that an answer to an older one is dropped.
    generation: StoredValue<u64>,
    /// An older page is on its way.
    loading_older: StoredValue<bool>,
    /// A recount is on its way.
    pub(super) recounting: StoredValue<bool>,
    /// How many task changes this page has applied: a read of counts that was on its way
    /// while one was applied may have counted the task before it, so it is read again.
    pub(super) changes: StoredValue<u64>,
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
        let mut first = SharedValue::new(first_page_from_server).into_inner();
        let known = RwSignal::new(Known::from_tasks(take_tasks(first.as_mut().and_then(|p| p.as_mut().ok()))));
        let page = RwSignal::new(first);
        let filter = RwSignal::new(ListQuery::default());
        let pending_clear = RwSignal::new(None);
        let queue = Self {
            page,
            snapshot: RwSignal::new(None),
            known,
            progress: Progress::new(),
            listed_counts: Memo::new(move |_| {
                let scope = filter.with(|f| active_filter(&ListQuery { status: None, ..f.clone() }));
                let hidden_by = pending_clear.get();
                known.with(|known| known.tally(&scope, hidden_by.as_ref()))
            }),
            retries: Memo::new(move |_| {
                known.with(|k| k.iter().filter_map(|t| t.retry_of.map(|original| (original, t.id))).collect())
            }),
            older_cursor: RwSignal::new(None),
            outbox: RwSignal::new(Vec::new()),
            next_local_id: StoredValue::new(0),
            paused: RwSignal::new(None),
            notice: RwSignal::new(None),
            pending_clear,
            filter,
            counts: RwSignal::new(None),
            generation: StoredValue::new(0),
            loading_older: StoredValue::new(false),
            recounting: StoredValue::new(false),
            changes: StoredValue::new(0),
            clock,
        };
        #[cfg(feature = "hydrate")]
        if page.with_untracked(Option::is_none) {
            // A page rendered without it (an error page): fetch it now.
            leptos::task::spawn_local(async move {
                let mut read = list_tasks(Strict(ListQuery::default())).await;
                known.set(Known::from_tasks(take_tasks(read.as_mut().ok())));
                page.set(Some(read));
            });
        }
        queue
    }

    /// Brings the list up to date with one live event.
    pub fn apply(&self, event: TaskEvent) {
        if matches!(event, TaskEvent::Task { .. } | TaskEvent::Removed { .. }) {
            self.recount();
        }
        match event {
            TaskEvent::Task { task } => self.upsert(*task),
            TaskEvent::Progress { id, progress, queued_at_service } => {
                self.set_progress(id, Advance { percent: progress, queued_at_service })
            }
            TaskEvent::Removed { ids } => self.remove(ids),
            TaskEvent::Queue { paused, version } => self.set_paused(version, paused),
            TaskEvent::Resync => self.reload(),
            // The board's, and the page's (`live.rs`).
            TaskEvent::BoardItem { .. }
            | TaskEvent::BoardItemRemoved { .. }
            | TaskEvent::Members
            | TaskEvent::Moved => {}
        }
    }

    /// `read` applied to the first page (the latest snapshot, else the one loaded with the
    /// page), without copying it.
    pub(super) fn with_first_page<R>(&self, read: impl Fn(&TaskPage) -> R) -> Option<R> {
        self.snapshot
            .with(|s| s.as_ref().map(&read))
            .or_else(|| self.page.with(|p| p.as_ref().and_then(|p| p.as_ref().ok()).map(&read)))
    }

    /// Shows `task` as it now is (see [`Known::put`]).
    pub(crate) fn upsert(&self, task: TaskView) {
        let (id, progress) = (task.id, Advance::of(&task));
        let before = match self.known.try_update(|known| known.put(task)) {
            Some(Put::Added) => None,
            Some(Put::Replaced(before)) => Some(before),
            Some(Put::Ignored) | None => return,
        };
        self.changes.update_value(|n| *n += 1);
        self.progress.set(id, progress);
        let now = self.known.with_untracked(|k| k.get(&id).cloned());
        self.count_move(before, now.as_deref());
    }

    /// A running task's progress.
    fn set_progress(&self, id: Uuid, progress: Advance) {
        if self.known.with_untracked(|k| k.get(&id).is_some()) {
            self.progress.set(id, progress);
        }
    }

    /// The progress of `task`, as the live events tell it.
    pub(crate) fn progress_of(&self, task: &TaskView) -> Signal<u8> {
        let advance = self.advance_of(task);
        Signal::derive(move || advance.get().percent)
    }

    /// The progress of `task` and its place in its service's queue, as the live events
    /// tell them.
    pub(crate) fn advance_of(&self, task: &TaskView) -> Signal<Advance> {
        self.progress.of(task.id, Advance::of(task))
    }

    /// Replaces the list with a fresh first page for the filter, merged with what this
    /// page learned while it was on its way ([`Known::rebase`]); older pages are dropped
    /// at the same moment, so nothing flickers.
    pub(crate) fn reload(&self) {
        let this = *self;
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        let query = self.filter.get_untracked();
        leptos::task::spawn_local(async move {
            let (sent, changes) = (this.clock.sent(), this.changes.get_value());
            if let Ok(mut page) = list_tasks(Strict(query)).await {
                if this.generation.get_value() != generation {
                    return; // the filter changed meanwhile
                }
                this.clock.sync(page.as_of, sent);
                let filter = this.filter.with_untracked(active_filter);
                let known = this.known.with_untracked(|current| current.rebase(&mut page, &filter));
                this.progress.reset_to(&known);
                this.counts.set(Some(page.counts.clone()));
                this.known.set(known);
                this.older_cursor.set(None);
                this.snapshot.set(Some(page));
                if this.changes.get_value() != changes {
                    this.recount(); // the page's counts may miss a change shown meanwhile
                }
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

    /// Shows `page`'s tasks as they are, and takes off the known ones it lacks (deleted,
    /// or moved out of a status tab).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) fn merge(&self, page: TaskPage) {
        let filter = self.filter.with_untracked(active_filter);
        let gone = self.known.try_update_untracked(|known| known.learn(&page, &filter)).unwrap_or_default();
        if filter.status.is_none() {
            self.remove(gone);
        } else {
            let gone: HashSet<Uuid> = gone.into_iter().collect();
            for task in self.known.try_update(|known| known.forget(&gone)).unwrap_or_default() {
                self.count_move(Some(task.status), None);
            }
        }
        for task in page.tasks.into_iter().rev() {
            self.upsert(task); // oldest first, so that new ones end up newest on top
        }
        self.counts.set(Some(page.counts));
        self.set_paused(page.queue_version, page.paused);
    }

    /// The queue's paused state, unless a newer one is known.
    fn set_paused(&self, version: u64, paused: bool) {
        if self.paused.with_untracked(|p| p.is_none_or(|(known, _)| version >= known)) {
            self.paused.set(Some((version, paused)));
        }
    }

    /// `read` applied to every task known, hidden or not (tracked).
    pub(crate) fn with_known<R>(&self, read: impl FnOnce(&Known) -> R) -> R {
        self.known.with(read)
    }

    /// The known task that retries `id`, if there is one (tracked).
    pub(crate) fn retried_by(&self, id: Uuid) -> Option<Uuid> {
        self.retries.with(|r| r.get(&id).copied())
    }

    /// A known task, if it is (tracked).
    pub(crate) fn task(&self, id: Uuid) -> Option<Held> {
        self.known.with(|known| known.get(&id).cloned())
    }

    /// Takes tasks off the list.
    pub(super) fn remove(&self, ids: impl IntoIterator<Item = Uuid>) {
        let ids: HashSet<Uuid> = ids.into_iter().collect();
        if ids.is_empty() {
            return;
        }
        for task in self.known.try_update(|known| known.remove(ids)).unwrap_or_default() {
            self.changes.update_value(|n| *n += 1);
            self.count_move(Some(task.status), None);
        }
    }

    /// What the details of `id` follow, in one pass over the list: the listed task's
    /// version (if it is listed), and the task known to retry it (if any).
    pub(super) fn version_of(&self, id: Uuid) -> (Option<u64>, Option<Uuid>) {
        let hidden = self.pending_clear.get();
        let filter = self.filter.with(active_filter);
        self.known.with(|known| {
            let updated = known
                .get(&id)
                .filter(|t| filter.matches(t) && !hidden.as_ref().is_some_and(|h| h.hides(t)))
                .map(|t| t.version);
            (updated, self.retries.with(|r| r.get(&id).copied()))
        })
    }

    /// Every task on the list now, newest first: those the filter matches, without those
    /// a pending clear hides.
    pub(super) fn tasks(&self) -> Vec<Held> {
        let hidden = self.pending_clear.get();
        let filter = self.filter.with(active_filter);
        self.known.with(|known| {
            known
                .iter()
                .filter(|t| filter.matches(t) && !hidden.as_ref().is_some_and(|h| h.hides(t)))
                .cloned()
                .collect()
        })
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
        let page = self.with_first_page(|p| (p.queue_version, p.paused)).unwrap_or_default();
        self.paused.get().filter(|(version, _)| *version >= page.0).unwrap_or(page).1
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
                    this.known.update(|known| known.append(page.tasks));
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

    /// Runs an action in the background; its error, if any, becomes the queue's notice.
    pub(super) fn act(self, action: impl Future<Output = Result<(), ApiError>> + 'static) {
        run_noting(self.notice, action);
    }
}

/// A page's tasks, taken out of it (they live in [`Known`]).
fn take_tasks(page: Option<&mut TaskPage>) -> Vec<TaskView> {
    page.map(|p| std::mem::take(&mut p.tasks)).unwrap_or_default()
}

/// The filter `query` stands for (the filter row only ever holds valid ones).
pub(super) fn active_filter(query: &ListQuery) -> ListFilter {
    query.validate().unwrap_or_else(|_| ListQuery::default().validate().expect("the default query is valid"))
}

/// The first page the server read for this request, if it did.
fn first_page_from_server() -> Option<Result<TaskPage, ApiError>> {
    #[cfg(feature = "ssr")]
    return use_context::<crate::api::FirstPage>().map(|first| first.0);
    #[cfg(not(feature = "ssr"))]
    None
}
