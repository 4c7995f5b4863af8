//! A page of the owner's tasks as `list_tasks` answers it, and what a browser that already
//! lists tasks learns from a newer one.

use super::{ListFilter, StatusCounts, TaskKind, TaskView};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One page of tasks plus the counts per status (for the kind filter, whatever the status filter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskPage {
    pub tasks: Vec<TaskView>,
    pub next_cursor: Option<String>,
    pub counts: StatusCounts,
    /// Whether the owner's queue is paused (paused tasks are not started).
    pub paused: bool,
    /// The version of `paused` (see [`QueueState::version`](super::QueueState)).
    #[serde(default)]
    pub queue_version: u64,
    /// The owner's last creation number when the page was read, before its tasks were: a
    /// task made with a number up to it existed then, so the page holds it unless it was
    /// deleted. The page's tasks may be newer than it; each carries its own `version`.
    #[serde(default)]
    pub seq: u64,
    /// How many retries a task gets before it fails.
    pub retry_limit: u32,
    /// The server's time just before it read the page: any change after it is newer than the
    /// page (the browser also sets its clock by it).
    pub as_of: chrono::DateTime<chrono::Utc>,
    /// Where each kind of task is sent now.
    #[serde(default)]
    pub services: CurrentServices,
}

/// A generation service as a task records it: its name and the model asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceUsed {
    pub provider: String,
    pub model: String,
}

/// The service each kind of task is sent to now: a row names a task's service only when it
/// is another (made before the operator changed it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentServices {
    pub image: ServiceUsed,
    pub video: ServiceUsed,
}

impl CurrentServices {
    /// "replicate · flux" when `task` was made by another service than its kind's now.
    pub fn other_than_now(&self, task: &TaskView) -> Option<String> {
        let now = match task.kind {
            TaskKind::Image => &self.image,
            TaskKind::Video => &self.video,
        };
        let provider = task.provider.as_deref()?;
        let model = task.model.as_deref().unwrap_or_default();
        let other = provider != now.provider || model != now.model;
        (other && !now.provider.is_empty()).then(|| format!("{provider} · {model}"))
    }
}

impl TaskPage {
    /// The tasks of `known` that this page, read for `filter`, should hold but lacks: made
    /// before it was read (their `seq` up to the page's), in its range and picked by its
    /// filter as known, yet not on it. Deleted, unless the filter picks by status and the
    /// task moved to another (kind and prompt never change). A task made after the page
    /// was read is not judged by it.
    pub fn lacks<'a>(&self, filter: &ListFilter, known: impl IntoIterator<Item = &'a TaskView>) -> Vec<Uuid> {
        // The page holds every matching task from the newest down to its last one.
        let oldest = self.next_cursor.as_ref().and_then(|_| self.tasks.last()).map(|t| t.id);
        known
            .into_iter()
            .filter(|t| filter.matches(t) && oldest.is_none_or(|oldest| t.id > oldest))
            .filter(|t| t.seq <= self.seq && !self.tasks.iter().any(|p| p.id == t.id))
            .map(|t| t.id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ListQuery, TaskStatus};
    use chrono::{TimeDelta, Utc};

    #[test]
    fn a_page_tells_which_listed_tasks_were_deleted() {
        let start = Utc::now();
        let at = |s| start + TimeDelta::seconds(s);
        // Five tasks, oldest first (ids are time-ordered), made as numbers 1 to 5.
        let tasks: Vec<TaskView> =
            (0..5).map(|i| TaskView { seq: i as u64 + 1, ..TaskView::example(&format!("fox {i}"), at(i)) }).collect();
        let all = ListQuery::default().validate().unwrap();
        let page = |on: &[usize], more: bool, seq| TaskPage {
            tasks: on.iter().rev().map(|&i| tasks[i].clone()).collect(),
            next_cursor: more.then(|| "cursor".into()),
            counts: StatusCounts::default(),
            paused: false,
            queue_version: 0,
            seq,
            retry_limit: 3,
            as_of: at(10),
            services: CurrentServices::default(),
        };
        // Task 3 was deleted; the page is the last one, so 0 (older than any on it) is gone too.
        assert_eq!(page(&[1, 2, 4], false, 5).lacks(&all, &tasks), vec![tasks[0].id, tasks[3].id]);
        // With older pages left, a task older than the page's last is not its business.
        assert_eq!(page(&[1, 2, 4], true, 5).lacks(&all, &tasks), vec![tasks[3].id]);
        // Task 4 was made after the page was read (its number is above the page's): kept,
        // whatever the clocks say.
        assert_eq!(page(&[1, 2, 3], false, 4).lacks(&all, &tasks), vec![tasks[0].id]);
        // Only tasks the filter lists are judged.
        let failed = ListQuery { status: Some("failed".into()), ..Default::default() }.validate().unwrap();
        assert!(page(&[], false, 5).lacks(&failed, &tasks).is_empty());
        assert!(tasks.iter().all(|t| t.status == TaskStatus::Pending));
    }

    #[test]
    fn a_tasks_service_is_named_only_when_it_is_not_the_current_one() {
        let now = CurrentServices {
            image: ServiceUsed { provider: "comfyui".into(), model: "flow.json".into() },
            video: ServiceUsed { provider: "embedded".into(), model: "atelier-sketch-1".into() },
        };
        let made_by = |provider: Option<&str>, model: &str| TaskView {
            provider: provider.map(str::to_owned),
            model: Some(model.into()),
            ..TaskView::example("a kite", chrono::Utc::now())
        };
        assert_eq!(now.other_than_now(&made_by(Some("comfyui"), "flow.json")), None);
        assert_eq!(now.other_than_now(&made_by(None, "")), None, "not started");
        assert_eq!(now.other_than_now(&made_by(Some("comfyui"), "old.json")).as_deref(), Some("comfyui · old.json"));
        assert_eq!(
            now.other_than_now(&made_by(Some("embedded"), "atelier-sketch-1")).as_deref(),
            Some("embedded · atelier-sketch-1")
        );
    }
}
