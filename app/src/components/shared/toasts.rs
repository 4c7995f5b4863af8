//! Toasts: short messages in the corner that go by themselves (a finished task, a
//! refused action, "3 tasks cleared · Undo"). This is their state: which are shown, for
//! how long, and the latest news for screen readers only (a task started, is retrying);
//! `toast_list.rs` shows them. Toasts of a kind that come in a burst are one toast that
//! counts them ("5 tasks finished"), so that a batch never buries the page.

use leptos::prelude::*;
use std::sync::Arc;

/// How a toast looks.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))] // finished tasks are told in the browser only
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Failure,
}

/// What a toast's button does: a plain function, owned by no view, so that it still runs
/// when whatever asked for the toast has been drawn anew or is gone.
pub type Action = Arc<dyn Fn() + Send + Sync>;

#[derive(Clone)]
pub(super) struct Toast {
    pub id: u64,
    pub text: String,
    pub tone: Tone,
    /// The action's label and what it does (the toast goes when it is used).
    pub action: Option<(&'static str, Action)>,
    /// The burst it counts, and how many it holds.
    group: Option<(&'static str, u32)>,
    /// Bumped whenever the toast is told again: only the latest timer takes it away.
    version: u64,
}

/// The page's toasts; provided by the workspace.
#[derive(Clone, Copy)]
pub struct Toasts {
    pub(super) shown: RwSignal<Vec<Toast>>,
    /// The latest news for screen readers only.
    pub(super) announced: RwSignal<String>,
    next_id: StoredValue<u64>,
}

/// At most this many toasts at once; the oldest go first.
const MOST: usize = 4;

impl Toasts {
    pub fn new() -> Self {
        Self { shown: RwSignal::new(Vec::new()), announced: RwSignal::new(String::new()), next_id: StoredValue::new(0) }
    }

    /// Shows `text` for `ms` milliseconds; the same words while they are shown restart
    /// that toast instead of stacking a twin above it.
    pub fn show(&self, text: String, tone: Tone, ms: u32) {
        let mut again = None;
        self.shown.update(|shown| {
            let same = |t: &&mut Toast| t.text == text && t.tone == tone && t.action.is_none() && t.group.is_none();
            if let Some(toast) = shown.iter_mut().find(same) {
                toast.version += 1;
                again = Some((toast.id, toast.version));
            }
        });
        match again {
            Some((id, version)) => self.expire(id, version, ms),
            None => self.push(Toast { id: 0, text, tone, action: None, group: None, version: 0 }, ms),
        }
    }

    /// Shows `text` for `ms` milliseconds, or, while a toast of the same `group` is shown,
    /// makes that one count this too: its text becomes `many(n)`.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn tell(&self, group: &'static str, text: String, tone: Tone, ms: u32, many: fn(u32) -> String) {
        let mut counted = None;
        self.shown.update(|shown| {
            if let Some(toast) = shown.iter_mut().find(|t| t.group.is_some_and(|(g, _)| g == group)) {
                let n = toast.group.map_or(1, |(_, n)| n) + 1;
                toast.group = Some((group, n));
                toast.text = many(n);
                toast.version += 1;
                counted = Some((toast.id, toast.version));
            }
        });
        match counted {
            Some((id, version)) => self.expire(id, version, ms),
            None => self.push(Toast { id: 0, text, tone, action: None, group: Some((group, 1)), version: 0 }, ms),
        }
    }

    /// Tells screen readers `text`, without a toast.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub fn announce(&self, text: String) {
        self.announced.set(text);
    }

    /// Shows `text` with a button that runs `action`, for `ms` milliseconds.
    pub fn with_action(&self, text: String, label: &'static str, action: impl Fn() + Send + Sync + 'static, ms: u32) {
        let action: Action = Arc::new(action);
        self.push(Toast { id: 0, text, tone: Tone::Info, action: Some((label, action)), group: None, version: 0 }, ms);
    }

    fn push(&self, mut toast: Toast, ms: u32) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        toast.id = id;
        self.shown.update(|s| {
            s.push(toast);
            if s.len() > MOST {
                s.remove(0);
            }
        });
        self.expire(id, 0, ms);
    }

    /// Takes the toast away after `ms`, unless it was told again meanwhile.
    fn expire(&self, id: u64, version: u64, ms: u32) {
        let this = *self;
        #[cfg(feature = "hydrate")]
        gloo_timers::callback::Timeout::new(ms, move || {
            this.shown.update(|s| s.retain(|t| t.id != id || t.version != version));
        })
        .forget();
        #[cfg(not(feature = "hydrate"))]
        let _ = (this, id, version, ms);
    }

    pub(super) fn dismiss(&self, id: u64) {
        self.shown.update(|s| s.retain(|t| t.id != id));
    }
}
