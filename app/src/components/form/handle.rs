//! The form's state as the page holds it: what is typed, which fields were touched, what
//! is wrong (the server's own rules) and why the server refused the last submission.
//! Shared with the queue, so that a refused row can give its input back.

use super::state::FormState;
use crate::api::ApiError;
use crate::domain::{SubmitRequest, TaskKind, ValidationErrors};
use crate::i18n::t;
use leptos::prelude::*;

/// The form's state, shared with the queue so a refused row can give its input back.
#[derive(Clone, Copy)]
pub struct FormHandle {
    pub(super) state: RwSignal<FormState>,
    /// Show every field's error, not only those of touched fields.
    pub(super) attempted: RwSignal<bool>,
    touched: RwSignal<Vec<&'static str>>,
    /// Why the server refused the last submission, when the form holds its input again.
    pub(super) refusal: RwSignal<Option<ApiError>>,
    /// What is wrong with the form as it stands (the server's own rules).
    problems: Memo<ValidationErrors>,
    /// Put a frame on the whiteboard for each task submitted (kept across submissions).
    pub(super) frame: RwSignal<bool>,
    /// The options section is open (remembered by this browser).
    pub(super) options_open: RwSignal<bool>,
}

/// Where the browser remembers whether the options are open.
#[cfg(feature = "hydrate")]
const OPTIONS_KEY: &str = "atelier-options-open";

impl FormHandle {
    pub fn new() -> Self {
        let state = RwSignal::new(typed_before_script());
        Self {
            state,
            attempted: RwSignal::new(false),
            touched: RwSignal::new(Vec::new()),
            refusal: RwSignal::new(refused_in_address()),
            problems: Memo::new(move |_| state.with(|s| s.to_request().err()).unwrap_or_default()),
            frame: RwSignal::new(false),
            options_open: RwSignal::new(false),
        }
    }

    /// Reads what this browser remembers of the form (in the browser, once hydrated).
    pub fn remembered(self) -> Self {
        #[cfg(feature = "hydrate")]
        Effect::new(move |_| {
            if crate::browser::remembered(OPTIONS_KEY).as_deref() == Some("true") {
                self.options_open.set(true);
            }
        });
        self
    }

    pub(super) fn set_options_open(&self, open: bool) {
        self.options_open.set(open);
        #[cfg(feature = "hydrate")]
        crate::browser::remember(OPTIONS_KEY, if open { "true" } else { "false" });
    }

    /// Puts a refused request back into the form, with the reason it was refused.
    pub fn restore(&self, request: &SubmitRequest, refusal: Option<ApiError>) {
        self.state.set(FormState::from_request(request));
        self.attempted.set(true);
        self.refusal.set(refusal);
    }

    /// Fills the form with `request` to submit it again, changed or not ("Use these
    /// settings"): every field shown, nothing marked wrong.
    pub fn fill(&self, request: &SubmitRequest) {
        self.state.set(FormState::from_request(request));
        self.attempted.set(false);
        self.touched.set(Vec::new());
        self.refusal.set(None);
        self.options_open.set(true);
    }

    pub(super) fn reset(&self, kind: TaskKind) {
        self.state.set(FormState::defaults(kind));
        self.attempted.set(false);
        self.touched.set(Vec::new());
        self.refusal.set(None);
    }

    pub(super) fn error_for(&self, field: &'static str) -> Signal<Option<String>> {
        let this = *self;
        Signal::derive(move || {
            if let Some(server) = this.refusal.with(|r| r.as_ref().and_then(ApiError::field_errors).cloned()) {
                if let Some(e) = server.for_field(field) {
                    return Some((t().field_error)(e));
                }
            }
            if !this.attempted.get() && !this.touched.with(|t| t.contains(&field)) {
                return None;
            }
            this.problems.with(|p| p.for_field(field).map(t().field_error))
        })
    }

    pub(super) fn touch(&self, field: &'static str) {
        if !self.touched.with_untracked(|t| t.contains(&field)) {
            self.touched.update(|t| t.push(field));
        }
        self.refusal.set(None);
    }
}

/// The form as the page was rendered with it: at its defaults, or, in the browser, with
/// whatever the person typed or chose before the script arrived (it is kept through
/// hydration, not reset).
fn typed_before_script() -> FormState {
    #[cfg(feature = "hydrate")]
    {
        let read = |id: &str| crate::browser::control_value(id).unwrap_or_default();
        let posted = crate::domain::ComposeForm {
            kind: read("compose-kind"),
            prompt: read("prompt"),
            negative_prompt: read("negative_prompt"),
            size: read("size"),
            style: read("style"),
            seed: read("seed"),
            duration_secs: read("duration_secs"),
            resolution: read("resolution"),
            fps: read("fps"),
            variants: read("variants"),
        };
        FormState::from_posted(&posted)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        // A form the server refused before the script arrived comes back in the address.
        let prompt = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("prompt"));
        FormState { prompt: prompt.unwrap_or_default(), ..FormState::defaults(TaskKind::Image) }
    }
}

/// Why the server refused the form posted before the script arrived (`compose`), as it
/// says in the page's address: the same on the server and in the browser.
fn refused_in_address() -> Option<ApiError> {
    let refused = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("refused"))?;
    serde_json::from_str(&refused).ok()
}
