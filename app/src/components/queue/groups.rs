//! The list's entries: the tasks of one submission that made several (its variants, its
//! prompts) are one group under a header, which opens to their rows; every other task is
//! a row of its own. Which entries, in the list's order; what a group is titled (the
//! prompt its tasks share, or how many prompts they hold) and what a row is labelled
//! ("variant 2 of 3": only where the server says its submission made several tasks of
//! that row's prompt, so a group partly listed labels its rows all the same).

use super::known::Held;
use crate::domain::{TaskView, Variant};
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
    /// A task's row; `member`: it is one of an open group's rows.
    Task { task: Held, member: bool },
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
                    entries.extend(run.iter().map(|task| Entry::Task { task: task.clone(), member: true }));
                }
            }
            _ => entries.extend(run.iter().map(|task| Entry::Task { task: task.clone(), member: false })),
        }
    }
    entries
}

/// What a group's header is titled by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Title {
    /// The prompt all its tasks share (its variants).
    Prompt(String),
    /// How many prompts its tasks hold, when they are not all one.
    Prompts(usize),
}

/// The title of a group of `tasks` (one or more).
pub fn title(tasks: &[Held]) -> Title {
    let prompts: HashSet<&str> = tasks.iter().map(|task| task.params.prompt()).collect();
    match (prompts.len(), tasks.first()) {
        (1, Some(task)) => Title::Prompt(task.params.prompt().to_owned()),
        (n, _) => Title::Prompts(n),
    }
}

/// A row's "variant k of n": where its submission made several tasks of its prompt.
pub fn variant_of(task: &TaskView) -> Option<Variant> {
    task.variant.filter(|variant| variant.of > 1)
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
                    Entry::Task { task, member } => format!("{} member={member}", task.params.prompt()),
                })
                .collect()
        };
        assert_eq!(
            shape(entries(&tasks, &HashSet::new())),
            ["group of 3 open=false", "a retry member=false", "alone member=false", "old member=false"]
        );
        assert_eq!(
            shape(entries(&tasks, &HashSet::from([batch]))),
            [
                "group of 3 open=true",
                "c member=true",
                "b member=true",
                "a member=true",
                "a retry member=false",
                "alone member=false",
                "old member=false"
            ]
        );
        assert_eq!(entries(&tasks, &HashSet::new())[0].key(), batch);
    }

    /// The tasks of one submission as the server sends them, newest first: `(prompt,
    /// variant)` as made, oldest first.
    fn submission(made: &[(&str, u32, u32)]) -> Vec<Held> {
        let id = Uuid::now_v7();
        let variant = |number, of| Some(Variant { number, of });
        let held = |(prompt, number, of): &(&str, u32, u32)| {
            Held::new(TaskView { variant: variant(*number, *of), ..(*task(prompt, Some(id))).clone() })
        };
        made.iter().rev().map(held).collect()
    }

    /// What the open group shows: its title, then each row's prompt and label.
    fn shown(tasks: &[Held]) -> (Title, Vec<String>) {
        let open = HashSet::from([tasks[0].submission_id.unwrap()]);
        let rows = entries(tasks, &open).into_iter().filter_map(|entry| match entry {
            Entry::Task { task, .. } => {
                let label = variant_of(&task).map(|v| format!(" (variant {} of {})", v.number, v.of));
                Some(format!("{}{}", task.params.prompt(), label.unwrap_or_default()))
            }
            Entry::Group { .. } => None,
        });
        (title(tasks), rows.collect())
    }

    #[test]
    fn a_batch_of_prompts_is_titled_by_their_number_and_each_row_by_its_own() {
        // Kites and lighthouses, one variant each: no row is a variant of another.
        let tasks = submission(&[("a kite", 1, 1), ("a lighthouse at dusk", 1, 1), ("a kite at noon", 1, 1)]);
        assert_eq!(
            shown(&tasks),
            (Title::Prompts(3), vec!["a kite at noon".into(), "a lighthouse at dusk".into(), "a kite".into()])
        );
        // `{a|b}` with 2 variants: two prompts, each with variants 1 and 2 of 2.
        let tasks = submission(&[("a", 1, 2), ("a", 2, 2), ("b", 1, 2), ("b", 2, 2)]);
        let rows = ["b (variant 2 of 2)", "b (variant 1 of 2)", "a (variant 2 of 2)", "a (variant 1 of 2)"];
        assert_eq!(shown(&tasks), (Title::Prompts(2), rows.map(String::from).to_vec()));
        // One prompt's variants: titled by it.
        let tasks = submission(&[("fox", 1, 3), ("fox", 2, 3), ("fox", 3, 3)]);
        let rows = ["fox (variant 3 of 3)", "fox (variant 2 of 3)", "fox (variant 1 of 3)"];
        assert_eq!(shown(&tasks), (Title::Prompt("fox".into()), rows.map(String::from).to_vec()));
    }

    #[test]
    fn a_group_partly_listed_labels_its_rows_as_the_server_says() {
        // Variant 1 of "fox" is on an older page, or filtered out: variant 3 is still of 3.
        let tasks = submission(&[("fox", 2, 3), ("fox", 3, 3)]);
        let rows = ["fox (variant 3 of 3)", "fox (variant 2 of 3)"];
        assert_eq!(shown(&tasks), (Title::Prompt("fox".into()), rows.map(String::from).to_vec()));
        // Tasks made before variants were recorded carry no label.
        let old = Held::new(TaskView { variant: None, ..(*tasks[0]).clone() });
        assert_eq!(variant_of(&old), None);
    }
}
