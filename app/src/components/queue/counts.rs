//! The counts per status the filters and the toolbar show: as the server last read them,
//! moved at once as tasks change here (so that they never show a state that cannot be),
//! read again shortly after a burst of events, and never fewer than the tasks this page
//! lists for a tab.

use super::state::{active_filter, Queue};
use crate::api::{list_tasks, Strict};
use crate::domain::{ListQuery, StatusCounts, TaskStatus, TaskView};
use leptos::prelude::*;

/// How long counts wait for more events before they are read again.
#[cfg(feature = "hydrate")]
const RECOUNT_MS: u32 = 300;

impl Queue {
    /// Moves a task in the counts at once, from the status it was listed with (`None`: it is
    /// new) to its new one (`None`: it is gone); the next read from the server settles them.
    pub(super) fn count_move(&self, before: Option<TaskStatus>, after: Option<&TaskView>) {
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

    /// How many tasks are still to finish (pending, processing or retrying).
    pub fn unfinished_count(&self) -> u64 {
        let counts = self.current_counts();
        [TaskStatus::Pending, TaskStatus::Processing, TaskStatus::Retrying].map(|s| counts.get(s)).iter().sum()
    }

    /// The counts per status, as last read (and moved since).
    fn current_counts(&self) -> StatusCounts {
        self.counts.get().or_else(|| self.with_first_page(|p| p.counts.clone())).unwrap_or_default()
    }

    /// How many tasks a tab holds (`status`, or all), less those a pending clear hides.
    /// The counts read last are never fewer than the tasks this page lists for the tab
    /// (a task just submitted is listed before the counts are read again).
    pub(super) fn shown_count(&self, status: Option<TaskStatus>) -> u64 {
        let of = |counts: &StatusCounts| status.map_or_else(|| counts.total(), |s| counts.get(s));
        self.listed_counts
            .with(|(listed, hidden)| of(&self.current_counts()).max(of(listed)).saturating_sub(of(hidden)))
    }

    /// Reads the counts again shortly (one read for a burst of events).
    pub(super) fn recount(&self) {
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
}
