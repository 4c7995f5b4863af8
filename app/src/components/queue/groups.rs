//! The list's entries: the tasks of one submission that made several (its variants, its
//! prompts) are one group under a header, which opens to their rows; every other task is
//! a row of its own. Which entries, in the list's order, and each row's place
//! in its group ("variant 3 of 10").

use super::known::Held;
use leptos::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;

/// The groups shown open; provided by the workspace (kept when the view is redrawn).
#[derive(Clone, Copy)]
pub struct OpenGroups(pub(super) RwSignal<HashSet<Uuid>>);

impl OpenGroups {
    pub fn new() -> Self {
        Self(RwSignal::new(HashSet::new()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A task's row; `member`: its place in its group and the group's size.
    Task { task: Held, member: Option<(usize, usize)> },
    /// A group's header: its tasks (newest first, as listed) and whether it is open.
    Group { id: Uuid, tasks: Vec<Held>, open: bool },
}

impl Entry {
    /// What the list keys the entry by (and measures its height by).
    pub fn key(&self) -> Uuid {
        match self {
            Entry::Task { task, .. } => task.id,
            Entry::Group { id, .. } => *id,
        }
    }
}

/// The entries for `tasks` (newest first); the groups in `open` show their rows too.
pub fn entries(tasks: &[Held], open: &HashSet<Uuid>) -> Vec<Entry> {
    let mut entries = Vec::with_capacity(tasks.len());
    let mut rest = tasks;
    while let Some(first) = rest.first() {
        let together = match group_of(first) {
            Some(id) => rest.iter().take_while(|t| group_of(t) == Some(id)).count(),
            None => 1,
        };
        let (run, after) = rest.split_at(together);
        rest = after;
        match (group_of(first), run.len()) {
            (Some(id), n) if n > 1 => {
                let is_open = open.contains(&id);
                entries.push(Entry::Group { id, tasks: run.to_vec(), open: is_open });
                if is_open {
                    // Newest first on the list: the first made is the last, number 1.
                    let members = run.iter().enumerate().map(|(i, task)| (task, n - i));
                    entries.extend(members.map(|(task, k)| Entry::Task { task: task.clone(), member: Some((k, n)) }));
                }
            }
            _ => entries.extend(run.iter().map(|task| Entry::Task { task: task.clone(), member: None })),
        }
    }
    entries
}

/// The group a task belongs to: its submission's (a retry is a task of its own).
fn group_of(task: &Held) -> Option<Uuid> {
    task.submission_id.filter(|_| task.retry_of.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TaskView;

    fn task(prompt: &str, submission: Option<Uuid>) -> Held {
        Held::new(TaskView { submission_id: submission, ..TaskView::example(prompt, chrono::Utc::now()) })
    }

    #[test]
    fn a_submissions_tasks_are_one_group_that_opens_to_its_rows() {
        let (batch, single) = (Uuid::now_v7(), Uuid::now_v7());
        let tasks = vec![
            task("c", Some(batch)),
            task("b", Some(batch)),
            task("a", Some(batch)),
            Held::new(TaskView { retry_of: Some(Uuid::now_v7()), ..(*task("a retry", Some(batch))).clone() }),
            task("alone", Some(single)),
            task("old", None),
        ];
        let shape = |entries: Vec<Entry>| -> Vec<String> {
            entries
                .into_iter()
                .map(|e| match e {
                    Entry::Group { tasks, open, .. } => format!("group of {} open={open}", tasks.len()),
                    Entry::Task { task, member } => format!("{} {member:?}", task.params.prompt()),
                })
                .collect()
        };
        assert_eq!(
            shape(entries(&tasks, &HashSet::new())),
            ["group of 3 open=false", "a retry None", "alone None", "old None"]
        );
        assert_eq!(
            shape(entries(&tasks, &HashSet::from([batch]))),
            [
                "group of 3 open=true",
                "c Some((3, 3))",
                "b Some((2, 3))",
                "a Some((1, 3))",
                "a retry None",
                "alone None",
                "old None"
            ]
        );
        assert_eq!(entries(&tasks, &HashSet::new())[0].key(), batch);
    }
}
