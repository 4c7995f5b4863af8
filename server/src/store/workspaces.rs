//! Workspaces at rest: the ones a user belongs to, a workspace with its members, creating
//! one, switching a session between them, members' roles and removal. Who may do what is
//! decided above (`accounts/workspaces.rs`); this records it and keeps two rules that need
//! the rows: a workspace keeps at least one owner, and a removed member's sessions go back
//! to their personal workspace and their API tokens for it end.

use super::{StoreError, TaskStore};
use crate::entity::{api_token, invite, member, session, workspace};
use app::domain::{MemberView, OwnerId, Role, WorkspaceName, WorkspaceSummary, WorkspaceView};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

/// A user's workspaces with their role and member count, personal first.
const WORKSPACES: &str = "SELECT w.id, w.name, w.personal, m.role, \
     (SELECT COUNT(*) FROM members c WHERE c.workspace_id = w.id) AS members \
     FROM members m JOIN workspaces w ON w.id = m.workspace_id WHERE m.user_id = $1 \
     ORDER BY w.personal DESC, w.name, w.id";

/// A workspace's members with their usernames, owners first, then by joining.
const MEMBERS: &str = "SELECT m.user_id, u.username, m.role, m.created_at \
     FROM members m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $1 ORDER BY m.created_at, u.username";

/// The user's personal workspace.
pub(super) async fn personal(conn: &impl ConnectionTrait, user: Uuid) -> Result<Uuid, StoreError> {
    let found = workspace::Entity::find()
        .filter(workspace::Column::CreatedBy.eq(user))
        .filter(workspace::Column::Personal.eq(true))
        .one(conn)
        .await?;
    Ok(found.ok_or(StoreError::NotFound)?.id)
}

fn role_of(raw: &str) -> Result<Role, StoreError> {
    Role::parse(raw).ok_or_else(|| StoreError::Db(sea_orm::DbErr::Custom(format!("unknown role {raw:?}"))))
}

impl TaskStore {
    /// The user's role in the workspace, if a member.
    pub async fn role(&self, user: Uuid, workspace: OwnerId) -> Result<Option<Role>, StoreError> {
        let found = member::Entity::find_by_id((workspace.0, user)).one(&self.db).await?;
        found.map(|m| role_of(&m.role)).transpose()
    }

    /// The user's workspaces (`current` marked), personal first.
    pub async fn workspaces(&self, user: Uuid, current: OwnerId) -> Result<Vec<WorkspaceSummary>, StoreError> {
        let backend = self.db.get_database_backend();
        let rows = self.db.query_all_raw(super::stmt(backend, WORKSPACES, [user.into()])).await?;
        rows.into_iter()
            .map(|row| {
                let id: Uuid = row.try_get("", "id")?;
                Ok(WorkspaceSummary {
                    id,
                    name: row.try_get("", "name")?,
                    role: role_of(&row.try_get::<String>("", "role")?)?,
                    personal: row.try_get("", "personal")?,
                    members: row.try_get::<i64>("", "members")?.max(0) as u32,
                    current: id == current.0,
                })
            })
            .collect()
    }

    /// One of the user's workspaces; `NotFound` if they are not a member.
    pub async fn summary(&self, user: Uuid, workspace: OwnerId) -> Result<WorkspaceSummary, StoreError> {
        let all = self.workspaces(user, workspace).await?;
        all.into_iter().find(|w| w.current).ok_or(StoreError::NotFound)
    }

    /// The workspace with its members; invites and tokens are added by their own reads.
    pub async fn workspace(&self, user: Uuid, workspace: OwnerId) -> Result<WorkspaceView, StoreError> {
        let summary = self.summary(user, workspace).await?;
        let backend = self.db.get_database_backend();
        let rows = self.db.query_all_raw(super::stmt(backend, MEMBERS, [workspace.0.into()])).await?;
        let mut members = rows
            .into_iter()
            .map(|row| {
                let user_id: Uuid = row.try_get("", "user_id")?;
                Ok(MemberView {
                    user_id,
                    username: row.try_get("", "username")?,
                    role: role_of(&row.try_get::<String>("", "role")?)?,
                    joined_at: row.try_get("", "created_at")?,
                    you: user_id == user,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        members.sort_by_key(|m| std::cmp::Reverse(m.role));
        Ok(WorkspaceView {
            id: summary.id,
            name: summary.name,
            role: summary.role,
            personal: summary.personal,
            members,
            invites: if summary.role.can_manage() { self.invites(workspace).await? } else { Vec::new() },
            tokens: self.tokens(user, workspace).await?,
            daily_budget: self.workspace_budget(workspace).await?,
        })
    }

    /// The budget the workspace's owners set for it, if any.
    pub async fn workspace_budget(&self, workspace: OwnerId) -> Result<Option<u32>, StoreError> {
        let found = workspace::Entity::find_by_id(workspace.0).one(&self.db).await?;
        Ok(found.and_then(|w| w.daily_budget).and_then(|units| u32::try_from(units).ok()))
    }

    /// Sets (or lifts) the workspace's own daily budget.
    pub async fn set_workspace_budget(&self, workspace: OwnerId, units: Option<u32>) -> Result<(), StoreError> {
        let set = workspace::Entity::update_many()
            .col_expr(workspace::Column::DailyBudget, Expr::value(units.map(i64::from)))
            .filter(workspace::Column::Id.eq(workspace.0))
            .exec(&self.db)
            .await?;
        if set.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// A new workspace with `user` its owner; `session` shows it from now on. `Conflict`
    /// if the user made `most` already (their personal one included).
    pub async fn create_workspace(
        &self,
        user: Uuid,
        name: &WorkspaceName,
        session: Uuid,
        most: u32,
    ) -> Result<WorkspaceSummary, StoreError> {
        // The user's own lock: two creations cannot both pass the count.
        let txn = self.write_txn(Some(OwnerId(user))).await?;
        let made = workspace::Entity::find().filter(workspace::Column::CreatedBy.eq(user)).count(&*txn).await?;
        if made >= u64::from(most) {
            return Err(StoreError::Conflict(format!(
                "You have made {made} workspaces, the most an account may make here; delete or reuse one."
            )));
        }
        let id = found(&*txn, user, name.as_str(), false, self.clock.now()).await?;
        show(&*txn, session, id).await?;
        txn.commit().await?;
        self.summary(user, id).await
    }

    /// Shows another of the user's workspaces in `session`; `NotFound` if not a member.
    pub async fn switch(&self, user: Uuid, session: Uuid, to: OwnerId) -> Result<WorkspaceSummary, StoreError> {
        let summary = self.summary(user, to).await?;
        show(&self.db, session, to).await?;
        Ok(summary)
    }

    /// Changes a member's role (one who is no longer an owner has their invites
    /// withdrawn); `NotFound` for a non-member, `Conflict` if the workspace would be left
    /// without an owner.
    pub async fn set_role(&self, workspace: OwnerId, user: Uuid, role: Role) -> Result<(), StoreError> {
        let txn = self.write_txn(Some(workspace)).await?;
        let found = member::Entity::find_by_id((workspace.0, user)).one(&*txn).await?.ok_or(StoreError::NotFound)?;
        if role_of(&found.role)? == Role::Owner && role != Role::Owner {
            last_owner_stays(&*txn, workspace).await?;
        }
        member::Entity::update_many()
            .col_expr(member::Column::Role, Expr::value(role.as_str()))
            .filter(member::Column::WorkspaceId.eq(workspace.0))
            .filter(member::Column::UserId.eq(user))
            .exec(&*txn)
            .await?;
        if role != Role::Owner {
            withdraw_invites(&*txn, workspace, user).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Removes a member: their sessions showing the workspace go back to their personal
    /// workspace, their API tokens for it and the invites they made into it end. `NotFound` for a non-member, `Conflict`
    /// for the last owner.
    pub async fn remove_member(&self, workspace: OwnerId, user: Uuid) -> Result<(), StoreError> {
        let txn = self.write_txn(Some(workspace)).await?;
        let found = member::Entity::find_by_id((workspace.0, user)).one(&*txn).await?.ok_or(StoreError::NotFound)?;
        if role_of(&found.role)? == Role::Owner {
            last_owner_stays(&*txn, workspace).await?;
        }
        member::Entity::delete_by_id((workspace.0, user)).exec(&*txn).await?;
        withdraw_invites(&*txn, workspace, user).await?;
        api_token::Entity::delete_many()
            .filter(api_token::Column::WorkspaceId.eq(workspace.0))
            .filter(api_token::Column::UserId.eq(user))
            .exec(&*txn)
            .await?;
        let home = personal(&*txn, user).await?;
        session::Entity::update_many()
            .col_expr(session::Column::WorkspaceId, Expr::value(home))
            .filter(session::Column::WorkspaceId.eq(workspace.0))
            .filter(session::Column::UserId.eq(user))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Deletes the invites `user` made into `workspace`: they were no longer an owner there.
async fn withdraw_invites(conn: &impl ConnectionTrait, workspace: OwnerId, user: Uuid) -> Result<(), StoreError> {
    invite::Entity::delete_many()
        .filter(invite::Column::WorkspaceId.eq(workspace.0))
        .filter(invite::Column::CreatedBy.eq(user))
        .exec(conn)
        .await?;
    Ok(())
}

/// Makes a workspace with `user` its owner.
pub(super) async fn found(
    conn: &impl ConnectionTrait,
    user: Uuid,
    name: &str,
    personal: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<OwnerId, StoreError> {
    let id = Uuid::new_v4();
    let row = workspace::ActiveModel {
        id: Set(id),
        name: Set(name.to_owned()),
        created_by: Set(user),
        created_at: Set(now),
        personal: Set(personal),
        daily_budget: Set(None),
    };
    workspace::Entity::insert(row).exec_without_returning(conn).await?;
    let owner = member::ActiveModel {
        workspace_id: Set(id),
        user_id: Set(user),
        role: Set(Role::Owner.as_str().into()),
        created_at: Set(now),
    };
    member::Entity::insert(owner).exec_without_returning(conn).await?;
    Ok(OwnerId(id))
}

/// `session` shows `workspace` from now on.
pub(super) async fn show(conn: &impl ConnectionTrait, session: Uuid, workspace: OwnerId) -> Result<(), StoreError> {
    session::Entity::update_many()
        .col_expr(session::Column::WorkspaceId, Expr::value(workspace.0))
        .filter(session::Column::Id.eq(session))
        .exec(conn)
        .await?;
    Ok(())
}

/// `Conflict` unless the workspace has another owner.
async fn last_owner_stays(conn: &impl ConnectionTrait, workspace: OwnerId) -> Result<(), StoreError> {
    let owners = member::Entity::find()
        .filter(member::Column::WorkspaceId.eq(workspace.0))
        .filter(member::Column::Role.eq(Role::Owner.as_str()))
        .count(conn)
        .await?;
    if owners <= 1 {
        return Err(StoreError::Conflict(
            "A workspace keeps at least one owner: make another member owner first.".into(),
        ));
    }
    Ok(())
}
