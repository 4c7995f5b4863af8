//! What the server functions and pages need from the server, declared here and provided
//! by the server crate through Leptos context: the task service, the account service, the
//! caller (put into the request's extensions by the server's identity middleware: the
//! owner id every task call is scoped to, and who is signed in), and for pages the
//! caller's first page of tasks.

use super::ApiError;
use crate::domain::{
    AccountView, Author, BoardFilter, BoardItemView, BoardPage, ClearFilter, InviteOffer, InviteView, ListFilter,
    NewToken, OwnerId, PlaceSource, Placement, QueueState, Role, SignIn, SignUp, SignUpMode, Submission,
    SubmitResponse, TaskDetails, TaskPage, TaskView, WorkspaceName, WorkspaceSummary, WorkspaceView,
};
use leptos::prelude::use_context;
use std::net::IpAddr;
use std::sync::Arc;
use uuid::Uuid;

/// The operations on tasks; implemented over the database by the server crate.
#[async_trait::async_trait]
pub trait TaskService: Send + Sync + 'static {
    /// Persists one pending task per prompt and variant in the caller's workspace,
    /// submitted by the caller (recorded when a member), and returns them; `TooManyRequests`
    /// while the caller, or its address, has submitted its tasks for the minute.
    async fn submit(&self, caller: &Caller, submission: Submission) -> Result<SubmitResponse, ApiError>;
    /// One page of the owner's tasks.
    async fn list(&self, owner: OwnerId, filter: ListFilter) -> Result<TaskPage, ApiError>;
    /// One of the owner's tasks with its attempts; `NotFound` for any other id.
    async fn get(&self, owner: OwnerId, id: Uuid) -> Result<TaskDetails, ApiError>;
    /// Pending or retrying: cancelled at once. Processing: the cancel is recorded and the
    /// running attempt stops. Finished: `Conflict`.
    async fn cancel(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError>;
    /// A new pending task with the parameters of a failed or cancelled one, linked to it,
    /// submitted `by` the member who retried it.
    async fn retry(&self, owner: OwnerId, by: Option<Author>, id: Uuid) -> Result<TaskView, ApiError>;
    /// Removes a task that is not running, with its content.
    async fn delete(&self, owner: OwnerId, id: Uuid) -> Result<(), ApiError>;
    /// Removes every task of the owner in the given finished statuses (that had finished
    /// by the given time, if one is given).
    async fn clear(&self, owner: OwnerId, filter: ClearFilter) -> Result<QueueState, ApiError>;
    /// Puts a pending task first in the owner's queue.
    async fn move_to_front(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError>;
    /// Pauses (no task of the owner starts) or resumes the owner's queue.
    async fn set_paused(&self, owner: OwnerId, paused: bool) -> Result<QueueState, ApiError>;
    /// A page of the owner's whiteboard items, back to front.
    async fn board(&self, owner: OwnerId, filter: BoardFilter) -> Result<BoardPage, ApiError>;
    /// Puts a result, or a frame for a task, on the owner's board, in front.
    async fn place(&self, owner: OwnerId, source: PlaceSource, at: Placement) -> Result<BoardItemView, ApiError>;
    /// Moves and sizes one of the owner's items, and brings it to the front.
    async fn arrange(&self, owner: OwnerId, id: Uuid, at: Placement) -> Result<BoardItemView, ApiError>;
    /// Takes one of the owner's items off the board.
    async fn unplace(&self, owner: OwnerId, id: Uuid) -> Result<(), ApiError>;
}

/// Who is asking: the owner id their tasks are scoped to (a guest's own, or the workspace
/// a session or API token acts in) with their role there, and, when signed in, the user
/// and the session, or the API token it acts with.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub owner: OwnerId,
    pub role: Role,
    pub user: Option<Uuid>,
    /// The signed-in user's username.
    pub name: Option<String>,
    pub session: Option<Uuid>,
    /// The API token the caller acts with, if any.
    pub token: Option<Uuid>,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl Caller {
    /// A guest, the owner of its own queue.
    pub fn guest(owner: OwnerId, ip: Option<IpAddr>, user_agent: Option<String>) -> Self {
        Self { owner, role: Role::Owner, user: None, name: None, session: None, token: None, ip, user_agent }
    }

    /// A guest: no user, its owner id derived from its guest token.
    pub fn is_guest(&self) -> bool {
        self.user.is_none()
    }

    /// The member tasks are recorded as submitted by (none for a guest).
    pub fn author(&self) -> Option<Author> {
        Some(Author { id: self.user?, name: self.name.clone()? })
    }

    /// The caller's user and session; `SignedOut` without a session (a guest, or an API
    /// token: tokens do not manage accounts or workspaces).
    pub fn signed_in(&self) -> Result<(Uuid, Uuid), ApiError> {
        self.user.zip(self.session).ok_or(ApiError::SignedOut)
    }

    /// `Forbidden` unless the caller's role may submit and manage tasks and the board.
    pub fn may_edit(&self) -> Result<(), ApiError> {
        if self.role.can_edit() {
            return Ok(());
        }
        Err(ApiError::Forbidden(
            "Viewers can see and download; ask an owner of the workspace to make you an editor.".into(),
        ))
    }

    /// `Forbidden` unless the caller owns the workspace.
    pub fn may_manage(&self) -> Result<(), ApiError> {
        if self.role.can_manage() {
            return Ok(());
        }
        Err(ApiError::Forbidden("Only an owner of the workspace can do this.".into()))
    }
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
    async fn sign_in(&self, caller: &Caller, sign_in: SignIn) -> Result<Signed, ApiError>;
    /// Ends the caller's session at the server and clears its cookie.
    async fn sign_out(&self, caller: &Caller) -> Result<Signed, ApiError>;
    /// The signed-in account with its sessions.
    async fn account(&self, caller: &Caller) -> Result<AccountView, ApiError>;
    /// Ends one of the account's sessions (another browser).
    async fn revoke_session(&self, caller: &Caller, id: Uuid) -> Result<AccountView, ApiError>;
}

/// Workspaces, their members, invites and API tokens; implemented by the server crate.
/// Every method needs a signed-in session; what the caller's role allows is checked here.
#[async_trait::async_trait]
pub trait WorkspaceService: Send + Sync + 'static {
    /// The caller's workspaces, personal first.
    async fn workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceSummary>, ApiError>;
    /// The workspace the caller's session shows.
    async fn workspace(&self, caller: &Caller) -> Result<WorkspaceView, ApiError>;
    /// A new workspace, the caller its owner; the session switches to it.
    async fn create(&self, caller: &Caller, name: WorkspaceName) -> Result<WorkspaceSummary, ApiError>;
    /// Switches the session to another of the caller's workspaces (`NotFound` otherwise).
    async fn switch(&self, caller: &Caller, id: Uuid) -> Result<WorkspaceSummary, ApiError>;
    /// A single-use link into the workspace with `role`, valid for `INVITE_DAYS` (owners).
    async fn invite(&self, caller: &Caller, role: Role) -> Result<InviteView, ApiError>;
    /// Withdraws a pending invite (owners).
    async fn revoke_invite(&self, caller: &Caller, id: Uuid) -> Result<WorkspaceView, ApiError>;
    /// What an invite link offers; `NotFound` if it is unknown, used or expired.
    async fn offer(&self, caller: &Caller, token: &str) -> Result<InviteOffer, ApiError>;
    /// Joins the invite's workspace (the link is used up) and switches the session to it.
    async fn accept(&self, caller: &Caller, token: &str) -> Result<WorkspaceSummary, ApiError>;
    /// Changes a member's role (owners; a workspace keeps at least one owner).
    async fn set_role(&self, caller: &Caller, user: Uuid, role: Role) -> Result<WorkspaceView, ApiError>;
    /// Removes a member (owners), or the caller leaves; their access ends at once.
    async fn remove_member(&self, caller: &Caller, user: Uuid) -> Result<(), ApiError>;
    /// A new API token of the caller for this workspace, shown once.
    async fn create_token(&self, caller: &Caller, name: String) -> Result<NewToken, ApiError>;
    /// Revokes one of the caller's tokens.
    async fn revoke_token(&self, caller: &Caller, id: Uuid) -> Result<WorkspaceView, ApiError>;
    /// Sets (or, with none, lifts) the daily budget of the caller's workspace; owners only.
    async fn set_budget(&self, caller: &Caller, units: Option<u32>) -> Result<WorkspaceView, ApiError>;
}

/// The context value the server provides to every request.
#[derive(Clone)]
pub struct Backend(pub Arc<dyn TaskService>);

/// The account service, in context beside [`Backend`].
#[derive(Clone)]
pub struct AccountBackend(pub Arc<dyn AccountService>);

/// The workspace service, in context beside [`Backend`].
#[derive(Clone)]
pub struct WorkspaceBackend(pub Arc<dyn WorkspaceService>);

/// Who the page is rendered for: the signed-in account's username (`None`: a guest), its
/// workspaces (the one shown marked `current`; none for a guest), and whether guests may
/// use the page at all.
#[derive(Clone)]
pub struct Viewer {
    pub name: Option<String>,
    pub workspaces: Vec<WorkspaceSummary>,
    pub guests: bool,
    pub sign_up: SignUpMode,
}

/// The caller's first page of tasks, read by the server before it renders a page, so the
/// page renders in one pass with nothing to wait for (see `Queue::new`).
#[derive(Clone)]
pub struct FirstPage(pub Result<TaskPage, ApiError>);

/// The backend and the caller's owner id, or `Internal` if the server did not wire them.
pub(super) fn current() -> Result<(Arc<dyn TaskService>, OwnerId), ApiError> {
    Ok((wired::<Backend>("Backend")?.0, extension::<OwnerId>("owner id")?))
}

/// The backend and the caller, if the caller may change tasks and the board (`Forbidden`
/// for a viewer).
pub(super) fn editing() -> Result<(Arc<dyn TaskService>, Caller), ApiError> {
    let caller = extension::<Caller>("caller")?;
    caller.may_edit()?;
    Ok((wired::<Backend>("Backend")?.0, caller))
}

/// The workspace service and the caller.
pub(super) fn workspaces() -> Result<(Arc<dyn WorkspaceService>, Caller), ApiError> {
    Ok((wired::<WorkspaceBackend>("WorkspaceBackend")?.0, extension::<Caller>("caller")?))
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
