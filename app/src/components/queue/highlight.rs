//! Pointing at rows: tasks the user is shown again (the earlier task a submission was
//! folded into by the dedup window) are scrolled into view and marked for a moment.

use leptos::prelude::*;
use uuid::Uuid;

/// How long a row stays marked.
#[cfg(feature = "hydrate")]
const MARKED_MS: u32 = 2_500;

/// The rows marked now; provided by the workspace.
#[derive(Clone, Copy)]
pub struct Highlight(RwSignal<Vec<Uuid>>);

impl Highlight {
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    /// Marks the rows of `ids` and scrolls the first into view.
    pub fn show(self, ids: Vec<Uuid>) {
        #[cfg(feature = "hydrate")]
        {
            let first = ids.first().copied();
            let shown = ids.clone();
            request_animation_frame(move || {
                let row = first.and_then(|id| {
                    crate::browser::document()?.query_selector(&format!("[data-task-id=\"{id}\"]")).ok()?
                });
                if let Some(row) = row {
                    row.scroll_into_view_with_bool(false);
                }
            });
            gloo_timers::callback::Timeout::new(MARKED_MS, move || {
                self.0.update(|marked| marked.retain(|id| !shown.contains(id)));
            })
            .forget();
        }
        self.0.set(ids);
    }

    pub(super) fn is(self, id: Uuid) -> bool {
        self.0.with(|marked| marked.contains(&id))
    }
}
