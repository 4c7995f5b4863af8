//! The whiteboard: results and frames placed on a pan and zoom surface. State:
//! `state.rs` (`Board`: the items, the view, the board's actions), `gesture.rs` (what a
//! drag does, resizing with proportions kept), `touch.rs` (the pointers on the background:
//! one pans, two pinch), `placing.rs` (a free spot for a new item).
//! Views: `whiteboard.rs` (the surface and its tools), `item.rs` (one item: a result, or a
//! frame following its task in the queue).

mod gesture;
mod item;
mod placing;
pub mod state;
mod touch;
pub mod whiteboard;
