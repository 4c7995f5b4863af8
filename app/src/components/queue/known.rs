//! The tasks the page knows, by id and in the list's order (newest first): the first page,
//! the older pages read after it, and the tasks made or seen since, each held once and
//! shared, so that a change to one task costs a lookup, not a copy of the list. Plain data:
//! `state.rs` keeps it in a signal.

use super::pending_clear::PendingClear;
use crate::domain::{ListFilter, StatusCounts, TaskStatus, TaskView};
use std::collections::{HashMap, HashSet};
use std::ops::Deref;
use std::sync::Arc;
use uuid::Uuid;

/// A task as the page holds it: shared, so that lists of them are cheap to copy, and equal
/// only to itself (a change makes a new one), so that comparing two lists is cheap too.
#[derive(Debug, Clone)]
pub struct Held(Arc<TaskView>);

impl Held {
    pub fn new(task: TaskView) -> Self {
        Self(Arc::new(task))
    }
}

impl Deref for Held {
    type Target = TaskView;
    fn deref(&self) -> &TaskView {
        &self.0
    }
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What putting a task in changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Put {
    /// It was not known: it is now, on top.
    Added,
    /// It replaced the known one, which had this status.
    Replaced(TaskStatus),
    /// Nothing: the known one is newer, or the task was removed.
    Ignored,
}

#[derive(Debug, Clone, Default)]
pub struct Known {
    order: Vec<Uuid>,
    by_id: HashMap<Uuid, Held>,
    /// Removed here, so that an older view of them arriving late does not bring them back.
    removed: HashSet<Uuid>,
}

impl Known {
    /// The tasks of a first page, newest first.
    pub fn from_tasks(tasks: Vec<TaskView>) -> Self {
        let mut known = Self::default();
        known.append(tasks);
        known
    }

    pub fn get(&self, id: &Uuid) -> Option<&Held> {
        self.by_id.get(id)
    }

    /// Every task, newest first.
    pub fn iter(&self) -> impl Iterator<Item = &Held> + '_ {
        self.order.iter().filter_map(|id| self.by_id.get(id))
    }

    /// How many tasks of each status `scope` picks (its status aside), and how many of
    /// those `hidden_by` hides: one pass, which every tab's count then reads.
    pub fn tally(&self, scope: &ListFilter, hidden_by: Option<&PendingClear>) -> (StatusCounts, StatusCounts) {
        let (mut listed, mut hidden) = (StatusCounts::default(), StatusCounts::default());
        for task in self.iter().filter(|t| scope.matches(t)) {
            listed.add(task.status, 1);
            hidden.add(task.status, u64::from(hidden_by.is_some_and(|h| h.hides(task))));
        }
        (listed, hidden)
    }

    /// Shows `task` as it now is: it replaces the known one unless that one is newer; a
    /// task not known yet goes on top; a removed one stays removed.
    pub fn put(&mut self, task: TaskView) -> Put {
        if self.removed.contains(&task.id) {
            return Put::Ignored;
        }
        match self.by_id.get(&task.id) {
            Some(current) if current.updated_at > task.updated_at => Put::Ignored,
            Some(current) => {
                let before = current.status;
                self.by_id.insert(task.id, Held::new(task));
                Put::Replaced(before)
            }
            None => {
                self.order.insert(0, task.id);
                self.by_id.insert(task.id, Held::new(task));
                Put::Added
            }
        }
    }

    /// Appends an older page: the tasks not known yet go at the end, in its order.
    pub fn append(&mut self, tasks: Vec<TaskView>) {
        for task in tasks {
            if !self.by_id.contains_key(&task.id) && !self.removed.contains(&task.id) {
                self.order.push(task.id);
                self.by_id.insert(task.id, Held::new(task));
            }
        }
    }

    /// Takes tasks off for good; returns those that were known.
    pub fn remove(&mut self, ids: HashSet<Uuid>) -> Vec<Held> {
        let gone: Vec<Held> = ids.iter().filter_map(|id| self.by_id.remove(id)).collect();
        if !gone.is_empty() {
            self.order.retain(|id| !ids.contains(id));
        }
        self.removed.extend(ids);
        gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, Utc};

    fn prompts(known: &Known) -> Vec<String> {
        known.iter().map(|t| t.params.prompt().to_owned()).collect()
    }

    #[test]
    fn tasks_keep_the_lists_order_and_a_change_replaces_one_in_place() {
        let now = Utc::now();
        let [a, b, c] = ["a", "b", "c"].map(|p| TaskView::example(p, now));
        let mut known = Known::from_tasks(vec![b.clone(), a.clone()]);
        known.append(vec![a.clone(), c.clone()]); // an older page overlapping the first
        assert_eq!(prompts(&known), ["b", "a", "c"]);

        let newer = TaskView { status: TaskStatus::Processing, updated_at: now + TimeDelta::seconds(1), ..a.clone() };
        assert_eq!(known.put(newer.clone()), Put::Replaced(TaskStatus::Pending));
        assert_eq!(known.get(&a.id).map(|t| t.status), Some(TaskStatus::Processing));
        assert_eq!(known.put(a.clone()), Put::Ignored, "an older view of it is dropped");
        assert_eq!(prompts(&known), ["b", "a", "c"], "in place");

        let d = TaskView::example("d", now);
        assert_eq!(known.put(d.clone()), Put::Added);
        assert_eq!(prompts(&known), ["d", "b", "a", "c"], "a new task goes on top");
    }

    #[test]
    fn a_removed_task_stays_removed() {
        let now = Utc::now();
        let [a, b] = ["a", "b"].map(|p| TaskView::example(p, now));
        let mut known = Known::from_tasks(vec![a.clone(), b.clone()]);
        let gone = known.remove(HashSet::from([a.id, Uuid::now_v7()]));
        assert_eq!(gone.iter().map(|t| t.id).collect::<Vec<_>>(), [a.id]);
        assert_eq!(known.put(a.clone()), Put::Ignored);
        known.append(vec![a]);
        assert_eq!(prompts(&known), ["b"]);
        assert_eq!(known.iter().count(), 1);
    }

    #[test]
    fn held_tasks_are_equal_only_to_themselves() {
        let task = TaskView::example("a", Utc::now());
        let held = Held::new(task.clone());
        assert_eq!(held, held.clone());
        assert_ne!(held, Held::new(task), "same content, another change");
    }
}
