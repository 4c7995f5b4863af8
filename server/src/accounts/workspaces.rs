//! The `WorkspaceService` the app's workspace endpoints call: every call needs a signed-in
//! session, and what changes a workspace checks the caller's role in it (read fresh by
//! the identity middleware on each request). Invite links and API tokens are 256-bit
//! secrets stored as their SHA-256 (`cookies.rs`), shown once. Removing a member ends
//! their open event streams in that workspace at once, and so does changing their role (the
//! page loads again as what they are now); switching or joining tells the session's
//! streams to end, so the page reconnects to the workspace it shows now. Whatever changes
//! who is in a workspace publishes `members` to it, so open pages read their counts again.

use super::cookies::{new_token, token_hash};
use super::Accounts;
use crate::store::StoreError;
use app::api::{ApiError, Caller, WorkspaceService};
use app::domain::{
    FieldError, InviteOffer, InviteView, NewToken, Role, TaskEvent, WorkspaceName, WorkspaceSummary, WorkspaceView,
};
use uuid::Uuid;

/// The prefix of every API token, so a leaked one is recognisable (and scannable).
const TOKEN_PREFIX: &str = "atl_";

/// A store `NotFound` about an invite says the link is no good.
fn invite_error(err: StoreError) -> ApiError {
    match err {
        StoreError::NotFound => ApiError::InviteInvalid,
        other => other.into(),
    }
}

impl Accounts {
    async fn view(&self, caller: &Caller) -> Result<WorkspaceView, ApiError> {
        let (user, _) = caller.signed_in()?;
        Ok(self.store.workspace(user, caller.owner).await?)
    }

    /// The session shows another workspace: its open streams end, to reconnect there.
    fn moved(&self, session: Uuid) {
        self.events.end_session(session);
    }
}

#[async_trait::async_trait]
impl WorkspaceService for Accounts {
    async fn workspaces(&self, caller: &Caller) -> Result<Vec<WorkspaceSummary>, ApiError> {
        let (user, _) = caller.signed_in()?;
        Ok(self.store.workspaces(user, caller.owner).await?)
    }

    async fn workspace(&self, caller: &Caller) -> Result<WorkspaceView, ApiError> {
        self.view(caller).await
    }

    async fn create(&self, caller: &Caller, name: WorkspaceName) -> Result<WorkspaceSummary, ApiError> {
        let (user, session) = caller.signed_in()?;
        let made = self.store.create_workspace(user, &name, session, self.workspaces_per_account).await?;
        tracing::info!(%user, workspace = %made.id, "workspace created");
        self.moved(session);
        Ok(made)
    }

    async fn switch(&self, caller: &Caller, id: Uuid) -> Result<WorkspaceSummary, ApiError> {
        let (user, session) = caller.signed_in()?;
        let shown = self.store.switch(user, session, app::domain::OwnerId(id)).await?;
        self.moved(session);
        Ok(shown)
    }

    async fn invite(&self, caller: &Caller, role: Role) -> Result<InviteView, ApiError> {
        let (user, _) = caller.signed_in()?;
        caller.may_manage()?;
        let token = new_token();
        let mut invite = self.store.invite(caller.owner, role, user, &token_hash(&token)).await?;
        invite.link = Some(format!("/?invite={token}"));
        Ok(invite)
    }

    async fn revoke_invite(&self, caller: &Caller, id: Uuid) -> Result<WorkspaceView, ApiError> {
        caller.signed_in()?;
        caller.may_manage()?;
        self.store.revoke_invite(caller.owner, id).await?;
        self.view(caller).await
    }

    async fn offer(&self, _caller: &Caller, token: &str) -> Result<InviteOffer, ApiError> {
        let found = self.store.offer(&token_hash(token)).await?;
        found.map(|(_, offer)| offer).ok_or(ApiError::InviteInvalid)
    }

    async fn accept(&self, caller: &Caller, token: &str) -> Result<WorkspaceSummary, ApiError> {
        let (user, session) = caller.signed_in()?;
        let joined = self.store.accept(&token_hash(token), user, session).await.map_err(invite_error)?;
        tracing::info!(%user, workspace = %joined.0, "joined a workspace");
        self.moved(session);
        self.events.publish(joined, TaskEvent::Members);
        Ok(self.store.summary(user, joined).await?)
    }

    async fn set_role(&self, caller: &Caller, user: Uuid, role: Role) -> Result<WorkspaceView, ApiError> {
        caller.signed_in()?;
        caller.may_manage()?;
        self.store.set_role(caller.owner, user, role).await?;
        // Their pages load again as what they are now; everyone else's read the members.
        self.events.end_member(caller.owner, user);
        self.events.publish(caller.owner, TaskEvent::Members);
        self.view(caller).await
    }

    async fn remove_member(&self, caller: &Caller, user: Uuid) -> Result<(), ApiError> {
        let (me, _) = caller.signed_in()?;
        if user != me {
            caller.may_manage()?;
        }
        self.store.remove_member(caller.owner, user).await?;
        tracing::info!(%user, workspace = %caller.owner.0, by = %me, "member removed");
        self.events.end_member(caller.owner, user);
        self.events.publish(caller.owner, TaskEvent::Members);
        Ok(())
    }

    async fn create_token(&self, caller: &Caller, name: String) -> Result<NewToken, ApiError> {
        let (user, _) = caller.signed_in()?;
        let token = format!("{TOKEN_PREFIX}{}", new_token());
        let view = self.store.create_token(user, caller.owner, &name, &token_hash(&token)).await?;
        Ok(NewToken { token, view })
    }

    async fn set_budget(&self, caller: &Caller, units: Option<u32>) -> Result<WorkspaceView, ApiError> {
        caller.signed_in()?;
        caller.may_manage()?;
        let most = self.store.daily_budget();
        if let Some(units) = units.filter(|u| most > 0 && *u > most) {
            return Err(FieldError::new(
                "daily_budget",
                "budget_too_high",
                format!("The server holds each person to {most} units a day; a workspace's budget is at most that, not {units}."),
            )
            .into());
        }
        self.store.set_workspace_budget(caller.owner, units).await?;
        self.view(caller).await
    }

    async fn revoke_token(&self, caller: &Caller, id: Uuid) -> Result<WorkspaceView, ApiError> {
        let (user, _) = caller.signed_in()?;
        self.store.revoke_token(user, id).await?;
        self.events.end_session(id); // the streams opened with it
        self.view(caller).await
    }
}
