//! The public server-function API: explicit endpoints under `/api/`, JSON in and out.
//! Each function is thin: validate, find the caller's owner id and the backend in
//! context (for a change, check that the caller's role allows it), call one service
//! method. Persistence lives in the server crate, never here.

mod account;
#[cfg(feature = "ssr")]
mod backend;
mod error;
mod strict;
mod workspace;

pub use account::{account, revoke_session, sign_in, sign_out, sign_up};
#[cfg(feature = "ssr")]
pub use backend::{
    AccountBackend, AccountService, Backend, Caller, FirstPage, Signed, TaskService, Viewer, WorkspaceBackend,
    WorkspaceService,
};
pub use error::ApiError;
pub use strict::{Empty, Strict};
pub use workspace::{
    accept_invite, create_token, create_workspace, current_workspace, invite_member, list_workspaces, remove_member,
    revoke_invite, revoke_token, set_member_role, set_workspace_budget, show_invite, switch_workspace,
};

use crate::domain::{
    ArrangeRequest, BoardItemRef, BoardItemView, BoardPage, BoardQuery, ClearRequest, ComposeForm, ListQuery,
    PlaceRequest, QueueState, SubmitRequest, SubmitResponse, TaskDetails, TaskPage, TaskRef, TaskView,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// `POST /api/submit_task`: validate the request, then queue one task per variant.
#[server(prefix = "/api", endpoint = "submit_task", input = Json)]
pub async fn submit_task(#[server(flatten)] request: Strict<SubmitRequest>) -> Result<SubmitResponse, ApiError> {
    let submission = request.0.validate()?;
    let (service, caller) = backend::editing()?;
    service.submit(&caller, submission).await
}

/// `POST /api/compose`: the generation form as a browser posts it before the page's
/// script has arrived (form-encoded, [`ComposeForm`]); it queues what `submit_task` would,
/// and the browser is sent back to the page (`302` to where it came from), which lists it;
/// refused, back to the page with the text and why (`/?refused=…&prompt=…`), which shows
/// them in the form.
#[server(prefix = "/api", endpoint = "compose")]
pub async fn compose(#[server(flatten)] form: ComposeForm) -> Result<(), ApiError> {
    let queued = async {
        let submission = form.to_request()?.validate()?;
        let (service, caller) = backend::editing()?;
        service.submit(&caller, submission).await.map(drop)
    };
    if let Err(refused) = queued.await {
        let mut back = form_urlencoded::Serializer::new(String::new());
        back.append_pair("refused", &serde_json::to_string(&refused).unwrap_or_default());
        // The text comes back too, unless it is too long for an address.
        if form.prompt.len() <= REFUSED_TEXT_IN_ADDRESS {
            back.append_pair("prompt", &form.prompt);
        }
        leptos_axum::redirect(&format!("/?{}", back.finish()));
    }
    Ok(())
}

/// The longest text a refused `compose` sends back in the page's address (bytes).
#[cfg(feature = "ssr")]
const REFUSED_TEXT_IN_ADDRESS: usize = 4_000;

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
pub async fn get_task(#[server(flatten)] task: Strict<TaskRef>) -> Result<TaskDetails, ApiError> {
    let id = task.0.validate()?;
    let (service, owner) = backend::current()?;
    service.get(owner, id).await
}

/// `POST /api/cancel_task`: stop a pending, retrying or processing task.
#[server(prefix = "/api", endpoint = "cancel_task", input = Json)]
pub async fn cancel_task(#[server(flatten)] task: Strict<TaskRef>) -> Result<TaskView, ApiError> {
    let id = task.0.validate()?;
    let (service, caller) = backend::editing()?;
    service.cancel(caller.owner, id).await
}

/// `POST /api/retry_task`: queue a failed or cancelled task again, as a new linked task.
#[server(prefix = "/api", endpoint = "retry_task", input = Json)]
pub async fn retry_task(#[server(flatten)] task: Strict<TaskRef>) -> Result<TaskView, ApiError> {
    let id = task.0.validate()?;
    let (service, caller) = backend::editing()?;
    service.retry(caller.owner, caller.author(), id).await
}

/// `POST /api/delete_task`: remove a task that is not running, with its content.
#[server(prefix = "/api", endpoint = "delete_task", input = Json)]
pub async fn delete_task(#[server(flatten)] task: Strict<TaskRef>) -> Result<(), ApiError> {
    let id = task.0.validate()?;
    let (service, caller) = backend::editing()?;
    service.delete(caller.owner, id).await
}

/// `POST /api/move_task`: put a pending task first in the caller's queue.
#[server(prefix = "/api", endpoint = "move_task", input = Json)]
pub async fn move_task(#[server(flatten)] task: Strict<TaskRef>) -> Result<TaskView, ApiError> {
    let id = task.0.validate()?;
    let (service, caller) = backend::editing()?;
    service.move_to_front(caller.owner, id).await
}

/// `POST /api/clear_tasks`: remove the caller's tasks in the given finished statuses
/// (only those finished by `finished_before`, when given).
#[server(prefix = "/api", endpoint = "clear_tasks", input = Json)]
pub async fn clear_tasks(#[server(flatten)] request: Strict<ClearRequest>) -> Result<QueueState, ApiError> {
    let filter = request.0.validate()?;
    let (service, caller) = backend::editing()?;
    service.clear(caller.owner, filter).await
}

/// `POST /api/pause_queue`: no task of the caller starts until resumed.
#[server(prefix = "/api", endpoint = "pause_queue", input = Json)]
pub async fn pause_queue(#[server(flatten)] _body: Strict<Empty>) -> Result<QueueState, ApiError> {
    let (service, caller) = backend::editing()?;
    service.set_paused(caller.owner, true).await
}

/// `POST /api/resume_queue`: the caller's tasks may start again.
#[server(prefix = "/api", endpoint = "resume_queue", input = Json)]
pub async fn resume_queue(#[server(flatten)] _body: Strict<Empty>) -> Result<QueueState, ApiError> {
    let (service, caller) = backend::editing()?;
    service.set_paused(caller.owner, false).await
}

/// `POST /api/list_board`: a page of the caller's whiteboard items, back to front.
#[server(prefix = "/api", endpoint = "list_board", input = Json)]
pub async fn list_board(#[server(flatten)] query: Strict<BoardQuery>) -> Result<BoardPage, ApiError> {
    let filter = query.0.validate()?;
    let (service, owner) = backend::current()?;
    service.board(owner, filter).await
}

/// `POST /api/place_on_board`: put a result (`content_id`), or a frame that shows a task
/// until its result replaces it (`task_id`), on the caller's board.
#[server(prefix = "/api", endpoint = "place_on_board", input = Json)]
pub async fn place_on_board(#[server(flatten)] request: Strict<PlaceRequest>) -> Result<BoardItemView, ApiError> {
    let (source, at) = request.0.validate()?;
    let (service, caller) = backend::editing()?;
    service.place(caller.owner, source, at).await
}

/// `POST /api/arrange_board_item`: move and size one of the caller's items (it comes to the front).
#[server(prefix = "/api", endpoint = "arrange_board_item", input = Json)]
pub async fn arrange_board_item(#[server(flatten)] request: Strict<ArrangeRequest>) -> Result<BoardItemView, ApiError> {
    let (id, at) = request.0.validate()?;
    let (service, caller) = backend::editing()?;
    service.arrange(caller.owner, id, at).await
}

/// `POST /api/remove_board_item`: take one of the caller's items off the board.
#[server(prefix = "/api", endpoint = "remove_board_item", input = Json)]
pub async fn remove_board_item(#[server(flatten)] item: Strict<BoardItemRef>) -> Result<(), ApiError> {
    let id = item.0.validate()?;
    let (service, caller) = backend::editing()?;
    service.unplace(caller.owner, id).await
}
