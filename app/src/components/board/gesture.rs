//! An item's gestures as plain values: what a pointer drag does (move or resize) and where
//! it started, and an item resized with its proportions kept.

use crate::domain::{BoardItemView, MIN_SIDE};

/// What a pointer drag on an item does.
#[derive(Clone, Copy, PartialEq)]
pub enum Gesture {
    Move,
    Resize,
}

/// A pointer gesture in progress: what it does, where it started, the item then.
#[derive(Clone)]
pub struct Drag {
    pub gesture: Gesture,
    pub from: (f64, f64),
    pub origin: BoardItemView,
}

/// `item` at `width`, its proportions kept, never smaller than the smallest side.
pub fn resized(item: &BoardItemView, width: f64) -> BoardItemView {
    let ratio = item.height / item.width;
    let width = width.max(MIN_SIDE).max(MIN_SIDE / ratio);
    BoardItemView { width, height: width * ratio, ..item.clone() }
}
