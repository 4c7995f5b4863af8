//! What the server functions and pages need from the server, declared here and provided
//! by the server crate through Leptos context: the task service, the account service, the
//! caller (put into the request's extensions by the server's identity middleware: the
//! owner id every task call is scoped to, and who is signed in), and for pages the
//! caller's first page of tasks.

use super::ApiError;
use crate::domain::{
    AccountView, BoardItemView, ClearFilter, ListFilter, OwnerId, PlaceSource, Placement, QueueState, SignInRequest,
    SignUp, Submission, SubmitResponse, TaskDetails, TaskPage, TaskView,
};
use leptos::prelude::use_context;
use std::net::IpAddr;
use std::sync::Arc;
use uuid::Uuid;

/// The operations on tasks; implemented over the database by the server crate.
#[async_trait::async_trait]
pub trait TaskService: Send + Sync + 'static {
    /// Persists one pending task per variant and returns them.
    async fn submit(&self, owner: OwnerId, submission: Submission) -> Result<SubmitResponse, ApiError>;
    /// One page of the owner's tasks.
    async fn list(&self, owner: OwnerId, filter: ListFilter) -> Result<TaskPage, ApiError>;
    /// One of the owner's tasks with its attempts; `NotFound` for any other id.
    async fn get(&self, owner: OwnerId, id: Uuid) -> Result<TaskDetails, ApiError>;
    /// Pending or retrying: cancelled at once. Processing: the cancel is recorded and the
    /// running attempt stops. Finished: `Conflict`.
    async fn cancel(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError>;
    /// A new pending task with the parameters of a failed or cancelled one, linked to it.
    async fn retry(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError>;
    /// Removes a task that is not running, with its content.
    async fn delete(&self, owner: OwnerId, id: Uuid) -> Result<(), ApiError>;
    /// Removes every task of the owner in the given finished statuses (that had finished
    /// by the given time, if one is given).
    async fn clear(&self, owner: OwnerId, filter: ClearFilter) -> Result<QueueState, ApiError>;
    /// Puts a pending task first in the owner's queue.
    async fn move_to_front(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError>;
    /// Pauses (no task of the owner starts) or resumes the owner's queue.
    async fn set_paused(&self, owner: OwnerId, paused: bool) -> Result<QueueState, ApiError>;
    /// The owner's whiteboard items, back to front.
    async fn board(&self, owner: OwnerId) -> Result<Vec<BoardItemView>, ApiError>;
    /// Puts a result, or a frame for a task, on the owner's board, in front.
    async fn place(&self, owner: OwnerId, source: PlaceSource, at: Placement) -> Result<BoardItemView, ApiError>;
    /// Moves and sizes one of the owner's items, and brings it to the front.
    async fn arrange(&self, owner: OwnerId, id: Uuid, at: Placement) -> Result<BoardItemView, ApiError>;
    /// Takes one of the owner's items off the board.
    async fn unplace(&self, owner: OwnerId, id: Uuid) -> Result<(), ApiError>;
}

/// Who is asking: the owner id their tasks are scoped to (a guest's own, or the workspace
/// a session shows), and, when signed in, the user and session.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub owner: OwnerId,
    pub user: Option<Uuid>,
    pub session: Option<Uuid>,
    /// Set when the caller is a guest: its owner id came from the guest cookie.
    pub guest: bool,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

/// What a sign-up or sign-in gives: the account, and the cookies that carry the session.
#[derive(Debug, Clone)]
pub struct Signed {
    pub account: Option<AccountView>,
    /// `Set-Cookie` values.
    pub cookies: Vec<String>,
}

/// Accounts and sessions; implemented by the server crate.
#[async_trait::async_trait]
pub trait AccountService: Send + Sync + 'static {
    /// Creates an account with its personal workspace, moves a guest caller's tasks into
    /// it, and signs it in.
    async fn sign_up(&self, caller: &Caller, sign_up: SignUp) -> Result<Signed, ApiError>;
    /// Checks the password (throttled per account and per address) and opens a new
    /// session, ending the one the caller came with.
    async fn sign_in(&self, caller: &Caller, request: SignInRequest) -> Result<Signed, ApiError>;
    /// Ends the caller's session at the server and clears its cookie.
    async fn sign_out(&self, caller: &Caller) -> Result<Signed, ApiError>;
    /// The signed-in account with its sessions.
    async fn account(&self, caller: &Caller) -> Result<AccountView, ApiError>;
    /// Ends one of the account's sessions (another browser).
    async fn revoke_session(&self, caller: &Caller, id: Uuid) -> Result<AccountView, ApiError>;
}

/// The context value the server provides to every request.
#[derive(Clone)]
pub struct Backend(pub Arc<dyn TaskService>);

/// The account service, in context beside [`Backend`].
#[derive(Clone)]
pub struct AccountBackend(pub Arc<dyn AccountService>);

/// Who the page is rendered for: the signed-in account's username (`None`: a guest), and
/// whether guests may use the page at all.
#[derive(Clone)]
pub struct Viewer {
    pub name: Option<String>,
    pub guests: bool,
}

/// The caller's first page of tasks, read by the server before it renders a page, so the
/// page renders in one pass with nothing to wait for (see `Queue::new`).
#[derive(Clone)]
pub struct FirstPage(pub Result<TaskPage, ApiError>);

/// The backend and the caller's owner id, or `Internal` if the server did not wire them.
pub(super) fn current() -> Result<(Arc<dyn TaskService>, OwnerId), ApiError> {
    Ok((wired::<Backend>("Backend")?.0, extension::<OwnerId>("owner id")?))
}

/// The account service and the caller, or `Internal` if the server did not wire them.
pub(super) fn caller() -> Result<(Arc<dyn AccountService>, Caller), ApiError> {
    Ok((wired::<AccountBackend>("AccountBackend")?.0, extension::<Caller>("caller")?))
}

/// A value the server provides through context.
fn wired<T: Clone + Send + Sync + 'static>(what: &str) -> Result<T, ApiError> {
    use_context::<T>().ok_or_else(|| missing(what))
}

/// A value the server's middleware put into the request's extensions.
fn extension<T: Clone + Send + Sync + 'static>(what: &str) -> Result<T, ApiError> {
    wired::<http::request::Parts>("request parts")?.extensions.get::<T>().cloned().ok_or_else(|| missing(what))
}

fn missing(what: &str) -> ApiError {
    leptos::logging::error!("server wiring: no {what} in the request context");
    ApiError::Internal
}

/// Sends the cookies with the answer.
pub(super) fn set_cookies(cookies: &[String]) {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        for cookie in cookies {
            if let Ok(value) = http::HeaderValue::from_str(cookie) {
                options.append_header(http::header::SET_COOKIE, value);
            }
        }
    }
}
