//! On a phone one pane fills the screen at a time: Create (the composer over the queue,
//! as the desktop's panel), Queue (the queue alone) or Board. The bottom bar switches
//! them (`phonebar.rs`); an action elsewhere can show another (a placed result: the
//! board). On a desktop the choice is kept but changes nothing.

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Create,
    Queue,
    Board,
}

impl Pane {
    pub const ALL: [Pane; 3] = [Pane::Create, Pane::Queue, Pane::Board];

    /// Its name in `data-pane` (the style sheet shows that pane).
    pub fn as_str(self) -> &'static str {
        match self {
            Pane::Create => "create",
            Pane::Queue => "queue",
            Pane::Board => "board",
        }
    }
}

/// The pane a phone shows; provided by the workspace.
#[derive(Clone, Copy)]
pub struct PhoneView(RwSignal<Pane>);

impl PhoneView {
    pub fn new() -> Self {
        Self(RwSignal::new(Pane::Create))
    }

    pub fn pane(self) -> Pane {
        self.0.get()
    }

    pub fn show(self, pane: Pane) {
        self.0.set(pane);
    }
}
