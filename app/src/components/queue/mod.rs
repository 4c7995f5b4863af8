//! The queue: the owner's tasks newest first, kept current, and everything the panel does
//! with them. State: `state.rs` (`Queue`: pages, live changes, the filter, the outcome of
//! actions), `known.rs` (the tasks by id, in order), `progress.rs` (a signal per running
//! task), `counts.rs` (the counts per status), `pending_clear.rs` and `clear.rs` (clears
//! with ten seconds to undo), `window.rs` (which rows of a long list are drawn),
//! `highlight.rs` (rows pointed at). Views: `panel.rs` (the panel around the list),
//! `list.rs` (its entries: `groups.rs`), `row.rs`, `group.rs` (a group's header),
//! `actions.rs` (a row's buttons), `toolbar.rs`, `filters.rs`, `details.rs` (the drawer;
//! `opened.rs`: which task it shows), `health.rs` (the banner while tasks wait to retry).
//! Never imports the whiteboard's views, only its state (to place a result).

mod actions;
mod clear;
mod counts;
pub mod details;
mod filters;
mod group;
pub mod groups;
mod health;
pub mod highlight;
pub mod known;
mod list;
#[cfg(test)]
mod live_model;
pub mod opened;
pub mod panel;
mod pending_clear;
mod progress;
mod row;
pub mod state;
mod toolbar;
mod window;
