//! The queue's list: its entries (`groups.rs`: a row per task, a header per submission of
//! several, open or not), windowed once it is long: up to [`WHOLE_UP_TO`] tasks are all in the
//! page; beyond that only the rows in and near view are, between two stand-ins as tall as
//! the rows they replace (measured once seen, estimated before), so that 10,000 tasks
//! scroll like 50. When the end of the list comes near the view, `near_end` is called
//! (the panel reads the next older page). Which rows that is: `window.rs`.

use super::group::GroupRow;
use super::groups::{entries, Entry};
use super::known::Held;
use super::row::TaskRow;
use super::window::{offsets, rows_in, Window};
use leptos::html;
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Lists this long are rendered whole.
const WHOLE_UP_TO: usize = 200;
/// How far beyond the view rows are kept in the page, on each side (px).
const OVERSCAN: f64 = 800.0;

/// What identifies a row's rendering: it is drawn again when its task (or, for a group's
/// header, any of its tasks) changes, or the group opens or closes; not when a task's
/// progress moves (a row reads that itself). A change adds one to one task's version, so
/// the sum of a group's versions moves with every change of any of its tasks.
fn row_key(entry: &Entry) -> (Uuid, u64, u64) {
    match entry {
        Entry::Task { task, member } => (task.id, task.version, u64::from(*member)),
        Entry::Group { id, tasks, open } => {
            (*id, tasks.iter().map(|t| t.version).sum(), tasks.len() as u64 * 2 + u64::from(*open))
        }
    }
}

/// The list: `children` (submissions on their way) on top, then `tasks`, inside
/// `scroller`; `scrolled` is bumped whenever it or the page scrolls, or the window resizes.
#[component]
pub fn TaskList(
    tasks: Memo<Vec<Held>>,
    /// The groups shown open.
    open: RwSignal<HashSet<Uuid>>,
    retry_limit: Signal<u32>,
    scroller: NodeRef<html::Div>,
    scrolled: ReadSignal<u32>,
    near_end: Callback<()>,
    children: Children,
) -> impl IntoView {
    let list = NodeRef::<html::Ol>::new();
    let measured = RwSignal::new(HashMap::<Uuid, f64>::new());
    // The part of the list in view, in px from its top.
    let span = RwSignal::new((0.0, 1_000.0));
    Effect::new(move |_| {
        scrolled.track();
        tasks.track();
        if let Some(shown) = on_screen(list, scroller) {
            span.set(shown);
        }
    });
    // The rows to draw and the stand-ins around them, in one memo: the list reads only
    // this (a view reading both it and `tasks` missed changes to a row).
    let entries = Memo::new(move |_| tasks.with(|tasks| open.with(|open| entries(tasks, open))));
    // Where each entry starts: read again only when entries change or rows are measured,
    // so that a scroll looks the window up, it does not add up the list.
    let offsets = Memo::new(move |_| entries.with(|e| measured.with(|m| offsets(e.iter().map(Entry::key), m))));
    let shown = Memo::new(move |_| {
        let (top, bottom) = span.get();
        entries.with(|entries| {
            let window = match entries.len() {
                n if n <= WHOLE_UP_TO => Window { first: 0, end: n, before: 0.0, after: 0.0 },
                _ => offsets.with(|o| rows_in(o, top - OVERSCAN, bottom + OVERSCAN)),
            };
            (window, entries[window.first..window.end].to_vec())
        })
    });
    // Measure what was drawn, once it is laid out.
    Effect::new(move |_| {
        shown.track();
        #[cfg(feature = "hydrate")]
        request_animation_frame(move || measure(list, measured));
    });
    // Ask for more when the end of the list comes near the view.
    Effect::new(move |_| {
        let bottom = span.get().1;
        let total = offsets.with(|o| o.last().copied().unwrap_or_default());
        if bottom + OVERSCAN >= total {
            near_end.run(());
        }
    });
    let rows = move || shown.with(|(_, rows)| rows.clone());
    let spacer = move |px: f64| {
        (px > 0.0).then(|| view! { <li class="task-spacer" aria-hidden="true" style:height=format!("{px}px")></li> })
    };
    view! {
        <ol class="task-list" data-testid="task-list" node_ref=list>
            {children()}
            {move || spacer(shown.with(|(w, _)| w.before))}
            <For each=rows key=row_key let:entry>
                {match entry {
                    Entry::Task { task, member } => {
                        view! { <TaskRow task member retry_limit=retry_limit.get_untracked()/> }.into_any()
                    }
                    Entry::Group { id, tasks, open: is_open } => view! {
                        <GroupRow id tasks open=is_open on_toggle=Callback::new(move |()| open.update(|o| {
                            if !o.remove(&id) {
                                o.insert(id);
                            }
                        }))/>
                    }.into_any(),
                }}
            </For>
            {move || spacer(shown.with(|(w, _)| w.after))}
        </ol>
    }
    .into_any()
}

/// The part of the list on screen, in px from its top: inside its scroller, and within the
/// window (on a phone the page scrolls, not the panel).
fn on_screen(list: NodeRef<html::Ol>, scroller: NodeRef<html::Div>) -> Option<(f64, f64)> {
    #[cfg(feature = "hydrate")]
    {
        let view = scroller.get_untracked()?.get_bounding_client_rect();
        let screen = window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(view.bottom());
        let top = list.get_untracked()?.get_bounding_client_rect().top();
        Some((view.top().max(0.0) - top, view.bottom().min(screen) - top))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (list, scroller);
        None // nothing is on a screen on the server
    }
}

/// Records the drawn rows' heights that changed.
#[cfg(feature = "hydrate")]
fn measure(list: NodeRef<html::Ol>, measured: RwSignal<HashMap<Uuid, f64>>) {
    let Some(list) = list.get_untracked() else { return };
    let rows = list.children();
    let changed: Vec<(Uuid, f64)> = measured.with_untracked(|known| {
        (0..rows.length())
            .filter_map(|i| rows.item(i))
            .filter_map(|row| {
                let id = Uuid::parse_str(&row.get_attribute("data-task-id")?).ok()?;
                let height = row.get_bounding_client_rect().height();
                known.get(&id).is_none_or(|h| (h - height).abs() > 0.5).then_some((id, height))
            })
            .collect()
    });
    if !changed.is_empty() {
        measured.update(|known| known.extend(changed));
    }
}
