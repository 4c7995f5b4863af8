//! The workspace endpoints: the caller's workspaces and switching between them, creating
//! one, invites (made by owners, offered and accepted by whoever holds the link), members'
//! roles and removal, the workspace's own budget, and the caller's API tokens. Each validates, finds the caller and
//! the workspace service in context and calls it; the service checks the role.

#[cfg(feature = "ssr")]
use super::backend;
use super::{ApiError, Empty, Strict};
use crate::domain::{
    BudgetRequest, IdRef, InviteOffer, InviteRequest, InviteToken, InviteView, MemberRole, NameRequest, NewToken,
    WorkspaceSummary, WorkspaceView,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// `POST /api/list_workspaces`: the caller's workspaces, personal first.
#[server(prefix = "/api", endpoint = "list_workspaces", input = Json)]
pub async fn list_workspaces(#[server(flatten)] _body: Strict<Empty>) -> Result<Vec<WorkspaceSummary>, ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.workspaces(&caller).await
}

/// `POST /api/current_workspace`: the workspace shown, with its members, pending invites
/// (owners see them) and the caller's API tokens.
#[server(prefix = "/api", endpoint = "current_workspace", input = Json)]
pub async fn current_workspace(#[server(flatten)] _body: Strict<Empty>) -> Result<WorkspaceView, ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.workspace(&caller).await
}

/// `POST /api/create_workspace`: a new workspace, the caller its owner, shown from now on.
#[server(prefix = "/api", endpoint = "create_workspace", input = Json)]
pub async fn create_workspace(#[server(flatten)] request: Strict<NameRequest>) -> Result<WorkspaceSummary, ApiError> {
    let name = crate::domain::WorkspaceName::parse(&request.0.name)?;
    let (service, caller) = backend::workspaces()?;
    service.create(&caller, name).await
}

/// `POST /api/switch_workspace`: show another of the caller's workspaces (queue, board and
/// event stream follow); any other id is 404.
#[server(prefix = "/api", endpoint = "switch_workspace", input = Json)]
pub async fn switch_workspace(#[server(flatten)] workspace: Strict<IdRef>) -> Result<WorkspaceSummary, ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.switch(&caller, workspace.0.id).await
}

/// `POST /api/invite_member`: a single-use invite link with a role (owners only).
#[server(prefix = "/api", endpoint = "invite_member", input = Json)]
pub async fn invite_member(#[server(flatten)] request: Strict<InviteRequest>) -> Result<InviteView, ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.invite(&caller, request.0.role).await
}

/// `POST /api/revoke_invite`: withdraw a pending invite (owners only).
#[server(prefix = "/api", endpoint = "revoke_invite", input = Json)]
pub async fn revoke_invite(#[server(flatten)] invite: Strict<IdRef>) -> Result<WorkspaceView, ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.revoke_invite(&caller, invite.0.id).await
}

/// `POST /api/show_invite`: what an invite link offers (workspace, role, who invited).
#[server(prefix = "/api", endpoint = "show_invite", input = Json)]
pub async fn show_invite(#[server(flatten)] invite: Strict<InviteToken>) -> Result<InviteOffer, ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.offer(&caller, &invite.0.token).await
}

/// `POST /api/accept_invite`: join the invite's workspace and show it; the link is used up.
#[server(prefix = "/api", endpoint = "accept_invite", input = Json)]
pub async fn accept_invite(#[server(flatten)] invite: Strict<InviteToken>) -> Result<WorkspaceSummary, ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.accept(&caller, &invite.0.token).await
}

/// `POST /api/set_member_role`: change a member's role (owners only).
#[server(prefix = "/api", endpoint = "set_member_role", input = Json)]
pub async fn set_member_role(#[server(flatten)] request: Strict<MemberRole>) -> Result<WorkspaceView, ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.set_role(&caller, request.0.user_id, request.0.role).await
}

/// `POST /api/remove_member`: remove a member (owners), or leave (your own id); their
/// access, open event streams and API tokens for the workspace end at once.
#[server(prefix = "/api", endpoint = "remove_member", input = Json)]
pub async fn remove_member(#[server(flatten)] member: Strict<IdRef>) -> Result<(), ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.remove_member(&caller, member.0.id).await
}

/// `POST /api/create_token`: a named API token for this workspace, shown once.
#[server(prefix = "/api", endpoint = "create_token", input = Json)]
pub async fn create_token(#[server(flatten)] request: Strict<NameRequest>) -> Result<NewToken, ApiError> {
    let name = crate::domain::token_name(&request.0.name)?;
    let (service, caller) = backend::workspaces()?;
    service.create_token(&caller, name).await
}

/// `POST /api/set_workspace_budget`: the workspace's own daily budget for paid services
/// (owners; none lifts it), at most the server's per-person budget.
#[server(prefix = "/api", endpoint = "set_workspace_budget", input = Json)]
pub async fn set_workspace_budget(
    #[server(flatten)] request: Strict<BudgetRequest>,
) -> Result<WorkspaceView, ApiError> {
    let units = request.0.validate()?;
    let (service, caller) = backend::workspaces()?;
    service.set_budget(&caller, units).await
}

/// `POST /api/revoke_token`: revoke one of the caller's API tokens.
#[server(prefix = "/api", endpoint = "revoke_token", input = Json)]
pub async fn revoke_token(#[server(flatten)] token: Strict<IdRef>) -> Result<WorkspaceView, ApiError> {
    let (service, caller) = backend::workspaces()?;
    service.revoke_token(&caller, token.0.id).await
}
