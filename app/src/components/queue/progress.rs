//! Running tasks' progress, one signal per task: a progress event changes one number (and
//! the job's place in its service's queue, while it waits there) that only that task's
//! row and board frame read, however long the list.

use super::known::Known;
use crate::domain::TaskView;
use leptos::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

/// How far a running task is: its percent, and its job's place in the generation
/// service's own queue while it waits there (1: next).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Advance {
    pub percent: u8,
    pub queued_at_service: Option<u32>,
}

impl Advance {
    /// As the task's view says it.
    pub fn of(task: &TaskView) -> Self {
        Self { percent: task.progress, queued_at_service: task.queued_at_service }
    }
}

#[derive(Clone, Copy)]
pub struct Progress(StoredValue<HashMap<Uuid, ArcRwSignal<Advance>>>);

impl Progress {
    pub fn new() -> Self {
        Self(StoredValue::new(HashMap::new()))
    }

    /// The progress of `id`: as last told, else `known` (what its view says).
    pub fn of(&self, id: Uuid, known: Advance) -> Signal<Advance> {
        self.0
            .try_update_value(|all| all.entry(id).or_insert_with(|| ArcRwSignal::new(known)).clone())
            .map(Signal::from)
            .unwrap_or_else(|| Signal::stored(known))
    }

    /// Tells the progress of `id`.
    pub fn set(&self, id: Uuid, progress: Advance) {
        let changed = self.0.try_update_value(|all| match all.get(&id) {
            Some(signal) => (signal.get_untracked() != progress).then(|| signal.clone()),
            None => {
                all.insert(id, ArcRwSignal::new(progress));
                None
            }
        });
        if let Some(signal) = changed.flatten() {
            signal.set(progress); // outside the map's borrow: rows read the map as they redraw
        }
    }

    /// Takes the progress of `known`'s tasks (a fresh read) and forgets the others'.
    pub fn reset_to(&self, known: &Known) {
        let stale: Vec<(ArcRwSignal<Advance>, Advance)> = self
            .0
            .try_update_value(|all| {
                all.retain(|id, _| known.get(id).is_some());
                all.iter()
                    .filter_map(|(id, signal)| known.get(id).map(|t| (signal.clone(), Advance::of(t))))
                    .filter(|(signal, now)| signal.get_untracked() != *now)
                    .collect()
            })
            .unwrap_or_default();
        for (signal, now) in stale {
            signal.set(now);
        }
    }
}
