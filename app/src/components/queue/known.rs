//! The tasks the page knows, by id and in the list's order (newest first): the first page,
//! the older pages read after it, and the tasks made or seen since, each held once and
//! shared, so that a change to one task costs a lookup, not a copy of the list. Plain data:
//! `state.rs` keeps it in a signal.
//!
//! What is newer is decided by versions, never by clocks (the model of Kubernetes'
//! list-then-watch): of two views of a task the one with the higher `version` wins, so a
//! task's status never moves back whatever order answers and events arrive in; a deleted
//! task stays deleted; and a page read while events flowed is merged by [`Known::rebase`],
//! which keeps whatever this page learned after the page was read (its `seq`).

use super::pending_clear::PendingClear;
use crate::domain::{ListFilter, StatusCounts, TaskPage, TaskStatus, TaskView};
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
    /// Nothing: the known one is as new or newer, or the task was removed.
    Ignored,
}

#[derive(Debug, Clone, Default)]
pub struct Known {
    order: Vec<Uuid>,
    by_id: HashMap<Uuid, Held>,
    /// Removed here, so that an older view of them arriving late does not bring them back.
    removed: HashSet<Uuid>,
    /// What the newest page read without a status filter proves deleted.
    floor: Option<Floor>,
}

/// A page as proof of deletions: a task made up to its `seq` (so before its rows were
/// read), in its range and picked by its filter, that it does not hold was deleted by
/// then, whenever news of it arrives. Only pages that pick by status are no proof (a task
/// may have moved to another); kind and prompt never change.
#[derive(Debug, Clone)]
struct Floor {
    seq: u64,
    filter: ListFilter,
    /// The page's last task when older pages follow it: older ones are not its business.
    oldest: Option<Uuid>,
    ids: HashSet<Uuid>,
}

impl Floor {
    /// The proof `page` is, keeping what `before` proved: a task it holds that `before`
    /// rules out (read before its deletion, answered late) is not held.
    fn of(page: &TaskPage, filter: &ListFilter, before: Option<&Floor>) -> Option<Self> {
        let held = |t: &&TaskView| before.is_none_or(|b| !b.rules_out(t));
        filter.status.is_none().then(|| Floor {
            seq: page.seq,
            filter: filter.clone(),
            oldest: page.next_cursor.as_ref().and_then(|_| page.tasks.last()).map(|t| t.id),
            ids: page.tasks.iter().filter(held).map(|t| t.id).collect(),
        })
    }

    fn rules_out(&self, task: &TaskView) -> bool {
        task.seq <= self.seq
            && self.filter.matches(task)
            && self.oldest.is_none_or(|oldest| task.id > oldest)
            && !self.ids.contains(&task.id)
    }
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

    /// Shows `task` as it now is: it replaces the known one if its version is higher; a
    /// task not known yet goes on top; a removed one stays removed.
    pub fn put(&mut self, task: TaskView) -> Put {
        if self.is_gone(&task) {
            return Put::Ignored;
        }
        match self.by_id.get(&task.id) {
            Some(current) if current.version >= task.version => Put::Ignored,
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

    /// Whether `task` was deleted, as this page knows.
    fn is_gone(&self, task: &TaskView) -> bool {
        self.removed.contains(&task.id) || self.floor.as_ref().is_some_and(|f| f.rules_out(task))
    }

    /// Takes in what a first `page` read for `filter` proves deleted: the known tasks it
    /// lacks (returned, for the caller to take off: for good unless the filter picks by
    /// status), and, if it is the newest such page, any task news of which comes later.
    pub fn learn(&mut self, page: &TaskPage, filter: &ListFilter) -> Vec<Uuid> {
        self.raise_floor(page, filter);
        page.lacks(filter, self.iter().map(|t| &**t))
    }

    fn raise_floor(&mut self, page: &TaskPage, filter: &ListFilter) {
        if let Some(floor) = Floor::of(page, filter, self.floor.as_ref()) {
            if self.floor.as_ref().is_none_or(|f| floor.seq >= f.seq || f.filter != floor.filter) {
                self.floor = Some(floor);
            }
        }
    }

    /// Appends an older page: the tasks not known yet go at the end, in its order.
    pub fn append(&mut self, tasks: Vec<TaskView>) {
        for task in tasks {
            if !self.by_id.contains_key(&task.id) && !self.is_gone(&task) {
                self.order.push(task.id);
                self.by_id.insert(task.id, Held::new(task));
            }
        }
    }

    /// Takes tasks off for good (deleted); returns those that were known.
    pub fn remove(&mut self, ids: HashSet<Uuid>) -> Vec<Held> {
        let gone = self.forget(&ids);
        self.removed.extend(ids);
        gone
    }

    /// Takes tasks off the list, not for good (a newer view may bring them back).
    pub fn forget(&mut self, ids: &HashSet<Uuid>) -> Vec<Held> {
        let gone: Vec<Held> = ids.iter().filter_map(|id| self.by_id.remove(id)).collect();
        if !gone.is_empty() {
            self.order.retain(|id| !ids.contains(id));
        }
        gone
    }

    /// The list a fresh first `page` (read for `filter`) makes, with what this one knows
    /// that the page cannot: a task seen in a newer version than the page's keeps it (the
    /// same shared view, so its row is not redrawn), a task made after the page was read
    /// (its `seq` above the page's) stays on top, a removed one stays removed, and one the
    /// page should hold but lacks is removed for good (deleted) or, when the page picks by
    /// status, which can change, left out. Tasks of older pages are left out. The page's
    /// tasks are taken out of it.
    pub fn rebase(&self, page: &mut TaskPage, filter: &ListFilter) -> Known {
        let deleted = page.lacks(filter, self.iter().map(|t| &**t));
        let mut fresh = Known { removed: self.removed.clone(), floor: self.floor.clone(), ..Default::default() };
        fresh.raise_floor(page, filter);
        if filter.status.is_none() {
            fresh.removed.extend(deleted);
        }
        for task in std::mem::take(&mut page.tasks) {
            if fresh.is_gone(&task) || fresh.by_id.contains_key(&task.id) {
                continue;
            }
            let held = match self.by_id.get(&task.id) {
                Some(known) if known.version >= task.version => known.clone(),
                _ => Held::new(task),
            };
            fresh.order.push(held.id);
            fresh.by_id.insert(held.id, held);
        }
        // Oldest first, each on top: the newest ends up first.
        for task in self.order.iter().rev().filter_map(|id| self.by_id.get(id)) {
            if task.seq > page.seq && !fresh.by_id.contains_key(&task.id) && !fresh.is_gone(task) {
                fresh.order.insert(0, task.id);
                fresh.by_id.insert(task.id, task.clone());
            }
        }
        fresh
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

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

        // The same time: versions order them, not clocks.
        let newer = TaskView { status: TaskStatus::Processing, version: a.version + 1, ..a.clone() };
        assert_eq!(known.put(newer.clone()), Put::Replaced(TaskStatus::Pending));
        assert_eq!(known.get(&a.id).map(|t| t.status), Some(TaskStatus::Processing));
        assert_eq!(known.put(a.clone()), Put::Ignored, "an older view of it is dropped");
        assert_eq!(known.put(newer.clone()), Put::Ignored, "and the same one again");
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
