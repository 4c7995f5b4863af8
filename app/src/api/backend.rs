//! What the server functions need from the server, declared here and provided by the
//! server crate through Leptos context: the task service, and the caller's owner id
//! (put into the request's extensions by the server's owner-cookie middleware).

use super::ApiError;
use crate::domain::{ListFilter, OwnerId, Submission, SubmitResponse, TaskPage, TaskView};
use leptos::prelude::use_context;
use std::sync::Arc;
use uuid::Uuid;

/// The operations on tasks; implemented over the database by the server crate.
#[async_trait::async_trait]
pub trait TaskService: Send + Sync + 'static {
    /// Persists one pending task per variant and returns them.
    async fn submit(&self, owner: OwnerId, submission: Submission) -> Result<SubmitResponse, ApiError>;
    /// One page of the owner's tasks.
    async fn list(&self, owner: OwnerId, filter: ListFilter) -> Result<TaskPage, ApiError>;
    /// One of the owner's tasks; `NotFound` for any other id.
    async fn get(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError>;
}

/// The context value the server provides to every request.
#[derive(Clone)]
pub struct Backend(pub Arc<dyn TaskService>);

/// The backend and the caller's owner id, or `Internal` if the server did not wire them.
pub(super) fn current() -> Result<(Arc<dyn TaskService>, OwnerId), ApiError> {
    let missing = |what: &str| {
        leptos::logging::error!("server wiring: no {what} in the request context");
        ApiError::Internal
    };
    let backend = use_context::<Backend>().ok_or_else(|| missing("Backend"))?;
    let parts = use_context::<http::request::Parts>().ok_or_else(|| missing("request parts"))?;
    let owner = parts.extensions.get::<OwnerId>().copied().ok_or_else(|| missing("owner id"))?;
    Ok((backend.0, owner))
}
