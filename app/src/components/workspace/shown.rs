//! What the members dialog keeps while its sections are drawn again with each answer:
//! the workspace as last read, what the last action said, a secret just made, and how an
//! action's answer replaces them. Shared by the dialog's sections (`settings.rs`,
//! `budget.rs`), which import it and never each other.

use crate::api::ApiError;
use crate::components::shared::text::error_text;
use crate::domain::{Role, WorkspaceView};
use crate::i18n::t;
use leptos::prelude::*;

/// The workspace as last read, what the last action said, and a secret just made (an
/// invite link, a token): kept here, as the sections are drawn again with each answer.
#[derive(Clone, Copy)]
pub(super) struct Shown {
    pub(super) view: RwSignal<Option<WorkspaceView>>,
    pub(super) problem: RwSignal<Option<String>>,
    pub(super) link: RwSignal<Option<String>>,
    pub(super) token: RwSignal<Option<String>>,
    /// The role the next invite offers.
    pub(super) role: RwSignal<Role>,
}

impl Shown {
    /// Runs an action whose answer is the workspace now.
    pub(super) fn act(self, action: impl std::future::Future<Output = Result<WorkspaceView, ApiError>> + 'static) {
        leptos::task::spawn_local(async move {
            match action.await {
                Ok(view) => {
                    self.view.set(Some(view));
                    self.problem.set(None);
                }
                Err(e) => self.problem.set(Some(error_text(t(), &e))),
            }
        })
    }
}
