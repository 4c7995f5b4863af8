//! The public server-function API: explicit endpoints under `/api/`, JSON in and out.
//! Each function is thin: validate, find the caller's owner id and the backend in
//! context, call one service method. Persistence lives in the server crate, never here.

#[cfg(feature = "ssr")]
mod backend;
mod error;
mod strict;

#[cfg(feature = "ssr")]
pub use backend::{Backend, TaskService};
pub use error::ApiError;
pub use strict::Strict;

use crate::domain::{ListQuery, SubmitRequest, SubmitResponse, TaskPage, TaskRef, TaskView};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// `POST /api/submit_task`: validate the request, then queue one task per variant.
#[server(prefix = "/api", endpoint = "submit_task", input = Json)]
pub async fn submit_task(#[server(flatten)] request: Strict<SubmitRequest>) -> Result<SubmitResponse, ApiError> {
    let submission = request.0.validate()?;
    let (service, owner) = backend::current()?;
    service.submit(owner, submission).await
}

/// `POST /api/list_tasks`: the caller's tasks, newest first, with counts per status.
#[server(prefix = "/api", endpoint = "list_tasks", input = Json)]
pub async fn list_tasks(#[server(flatten)] query: Strict<ListQuery>) -> Result<TaskPage, ApiError> {
    let filter = query.0.validate()?;
    let (service, owner) = backend::current()?;
    service.list(owner, filter).await
}

/// `POST /api/get_task`: one of the caller's tasks; another owner's id is `404`, like an
/// id that never existed.
#[server(prefix = "/api", endpoint = "get_task", input = Json)]
pub async fn get_task(#[server(flatten)] task: Strict<TaskRef>) -> Result<TaskView, ApiError> {
    let id = task.0.validate()?;
    let (service, owner) = backend::current()?;
    service.get(owner, id).await
}
