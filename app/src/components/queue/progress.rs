//! Running tasks' progress, one signal per task: a progress event changes one number that
//! only that task's row and board frame read, however long the list.

use super::known::Known;
use leptos::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct Progress(StoredValue<HashMap<Uuid, ArcRwSignal<u8>>>);

impl Progress {
    pub fn new() -> Self {
        Self(StoredValue::new(HashMap::new()))
    }

    /// The progress of `id`: as last told, else `known` (what its view says).
    pub fn of(&self, id: Uuid, known: u8) -> Signal<u8> {
        self.0
            .try_update_value(|all| all.entry(id).or_insert_with(|| ArcRwSignal::new(known)).clone())
            .map(Signal::from)
            .unwrap_or_else(|| Signal::stored(known))
    }

    /// Tells the progress of `id`.
    pub fn set(&self, id: Uuid, progress: u8) {
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
        let stale: Vec<(ArcRwSignal<u8>, u8)> = self
            .0
            .try_update_value(|all| {
                all.retain(|id, _| known.get(id).is_some());
                all.iter()
                    .filter_map(|(id, signal)| known.get(id).map(|t| (signal.clone(), t.progress)))
                    .filter(|(signal, now)| signal.get_untracked() != *now)
                    .collect()
            })
            .unwrap_or_default();
        for (signal, now) in stale {
            signal.set(now);
        }
    }
}
