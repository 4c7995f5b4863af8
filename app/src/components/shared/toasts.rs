//! Toasts: short messages in the corner that go by themselves (a finished task, a
//! refused action, "3 tasks cleared · Undo"). This is their state: which are shown, for
//! how long, and the latest news for screen readers only (a task started, is retrying);
//! `toast_list.rs` shows them.

use leptos::prelude::*;

/// How a toast looks.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // finished tasks are told in the browser only
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Failure,
}

#[derive(Clone)]
pub(super) struct Toast {
    pub id: u64,
    pub text: String,
    pub tone: Tone,
    /// The action's label and what it does (the toast goes when it is used).
    pub action: Option<(&'static str, Callback<()>)>,
}

/// The page's toasts; provided by the workspace.
#[derive(Clone, Copy)]
pub struct Toasts {
    pub(super) shown: RwSignal<Vec<Toast>>,
    /// The latest news for screen readers only.
    pub(super) announced: RwSignal<String>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    pub fn new() -> Self {
        Self { shown: RwSignal::new(Vec::new()), announced: RwSignal::new(String::new()), next_id: StoredValue::new(0) }
    }

    /// Shows `text` for `ms` milliseconds.
    pub fn show(&self, text: String, tone: Tone, ms: u32) {
        self.push(text, tone, None, ms);
    }

    /// Tells screen readers `text`, without a toast.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn announce(&self, text: String) {
        self.announced.set(text);
    }

    /// Shows `text` with a button that runs `action`, for `ms` milliseconds.
    pub fn with_action(&self, text: String, label: &'static str, action: Callback<()>, ms: u32) {
        self.push(text, Tone::Info, Some((label, action)), ms);
    }

    fn push(&self, text: String, tone: Tone, action: Option<(&'static str, Callback<()>)>, ms: u32) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.shown.update(|s| {
            s.push(Toast { id, text, tone, action });
            if s.len() > 5 {
                s.remove(0);
            }
        });
        let this = *self;
        #[cfg(feature = "hydrate")]
        gloo_timers::callback::Timeout::new(ms, move || this.dismiss(id)).forget();
        #[cfg(not(feature = "hydrate"))]
        let _ = (this, ms);
    }

    pub(super) fn dismiss(&self, id: u64) {
        self.shown.update(|s| s.retain(|t| t.id != id));
    }
}
