//! Invites and API tokens at rest, each kept as the SHA-256 of its secret: an invite is a
//! single-use way into a workspace with a role until it expires (accepting deletes it in
//! the transaction that adds the member, so two accepts cannot both use it); a token acts
//! as its member in one workspace, for as long as the member stays.

use super::accounts::Member;
use super::{StoreError, TaskStore};
use crate::entity::{api_token, invite, member, workspace};
use app::domain::{InviteOffer, InviteView, OwnerId, Role, TokenView, INVITE_DAYS};
use chrono::TimeDelta;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// A token by its hash, with its member's role and name, in one read.
const TOKEN: &str = "SELECT t.id, t.user_id, t.workspace_id, t.last_used_at, m.role, u.username \
     FROM api_tokens t JOIN members m ON m.workspace_id = t.workspace_id AND m.user_id = t.user_id \
     JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1";

/// An invite by its hash, not expired, with its workspace's name and who made it.
/// An invite by its token's hash, while it has not expired and its maker still owns the
/// workspace: an invite never grants what its maker no longer holds.
const OFFER: &str = "SELECT i.id, i.workspace_id, i.role, i.expires_at, w.name, u.username \
     FROM invites i JOIN workspaces w ON w.id = i.workspace_id JOIN users u ON u.id = i.created_by \
     JOIN members m ON m.workspace_id = i.workspace_id AND m.user_id = i.created_by AND m.role = 'owner' \
     WHERE i.token_hash = $1 AND i.expires_at > $2";

fn invite_view(row: invite::Model) -> InviteView {
    InviteView {
        id: row.id,
        role: Role::parse(&row.role).unwrap_or(Role::Viewer),
        created_at: row.created_at,
        expires_at: row.expires_at,
        link: None,
    }
}

fn token_view(row: api_token::Model) -> TokenView {
    TokenView { id: row.id, name: row.name, created_at: row.created_at, last_used_at: row.last_used_at }
}

impl TaskStore {
    /// A new invite into `workspace` with `role`, made `by` an owner; `Conflict` for a
    /// personal workspace.
    pub async fn invite(
        &self,
        workspace: OwnerId,
        role: Role,
        by: Uuid,
        token_hash: &str,
    ) -> Result<InviteView, StoreError> {
        let found = workspace::Entity::find_by_id(workspace.0).one(&self.db).await?.ok_or(StoreError::NotFound)?;
        if found.personal {
            return Err(StoreError::Conflict(
                "Your personal workspace is yours alone; create a workspace to share with others.".into(),
            ));
        }
        let now = self.clock.now();
        let row = invite::Model {
            id: Uuid::new_v4(),
            token_hash: token_hash.to_owned(),
            workspace_id: workspace.0,
            role: role.as_str().into(),
            created_by: by,
            created_at: now,
            expires_at: now + TimeDelta::days(INVITE_DAYS),
        };
        invite::Entity::insert(invite::ActiveModel::from(row.clone())).exec_without_returning(&self.db).await?;
        Ok(invite_view(row))
    }

    /// The workspace's invites not yet used or expired, newest first.
    pub async fn invites(&self, workspace: OwnerId) -> Result<Vec<InviteView>, StoreError> {
        let rows = invite::Entity::find()
            .filter(invite::Column::WorkspaceId.eq(workspace.0))
            .filter(invite::Column::ExpiresAt.gt(self.clock.now()))
            .order_by_desc(invite::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(invite_view).collect())
    }

    /// Withdraws one of the workspace's invites; `NotFound` for any other id.
    pub async fn revoke_invite(&self, workspace: OwnerId, id: Uuid) -> Result<(), StoreError> {
        let gone = invite::Entity::delete_many()
            .filter(invite::Column::Id.eq(id))
            .filter(invite::Column::WorkspaceId.eq(workspace.0))
            .exec(&self.db)
            .await?;
        super::one_row(gone)
    }

    /// What the invite offers, if it is valid.
    pub async fn offer(&self, token_hash: &str) -> Result<Option<(OwnerId, InviteOffer)>, StoreError> {
        offer(&self.db, token_hash, self.clock.now()).await
    }

    /// Uses the invite up: `user` joins its workspace with its role (a member keeps the
    /// higher of the two) and `session` shows it. `NotFound` if it is not valid.
    pub async fn accept(&self, token_hash: &str, user: Uuid, session: Uuid) -> Result<OwnerId, StoreError> {
        let txn = self.write_txn(None).await?;
        let now = self.clock.now();
        let (workspace, offer) = offer(&*txn, token_hash, now).await?.ok_or(StoreError::NotFound)?;
        // Deleting it is the claim: of two accepts, one deletes the row and the other none.
        let used = invite::Entity::delete_many().filter(invite::Column::TokenHash.eq(token_hash)).exec(&*txn).await?;
        if used.rows_affected == 0 {
            return Err(StoreError::NotFound);
        }
        match member::Entity::find_by_id((workspace.0, user)).one(&*txn).await? {
            Some(found) if Role::parse(&found.role).is_some_and(|r| r >= offer.role) => {}
            Some(_) => {
                member::Entity::update_many()
                    .col_expr(member::Column::Role, Expr::value(offer.role.as_str()))
                    .filter(member::Column::WorkspaceId.eq(workspace.0))
                    .filter(member::Column::UserId.eq(user))
                    .exec(&*txn)
                    .await?;
            }
            None => {
                member::Entity::insert(member::ActiveModel {
                    workspace_id: Set(workspace.0),
                    user_id: Set(user),
                    role: Set(offer.role.as_str().into()),
                    created_at: Set(now),
                })
                .exec_without_returning(&*txn)
                .await?;
            }
        }
        super::workspaces::show(&*txn, session, workspace).await?;
        txn.commit().await?;
        Ok(workspace)
    }

    /// A new API token of `user` for `workspace`.
    pub async fn create_token(
        &self,
        user: Uuid,
        workspace: OwnerId,
        name: &str,
        token_hash: &str,
    ) -> Result<TokenView, StoreError> {
        let row = api_token::Model {
            id: Uuid::new_v4(),
            token_hash: token_hash.to_owned(),
            user_id: user,
            workspace_id: workspace.0,
            name: name.to_owned(),
            created_at: self.clock.now(),
            last_used_at: None,
        };
        api_token::Entity::insert(api_token::ActiveModel::from(row.clone())).exec_without_returning(&self.db).await?;
        Ok(token_view(row))
    }

    /// The user's tokens for the workspace, newest first.
    pub async fn tokens(&self, user: Uuid, workspace: OwnerId) -> Result<Vec<TokenView>, StoreError> {
        let rows = api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user))
            .filter(api_token::Column::WorkspaceId.eq(workspace.0))
            .order_by_desc(api_token::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(token_view).collect())
    }

    /// Revokes one of the user's tokens; `NotFound` for any other id.
    pub async fn revoke_token(&self, user: Uuid, id: Uuid) -> Result<(), StoreError> {
        let gone = api_token::Entity::delete_many()
            .filter(api_token::Column::Id.eq(id))
            .filter(api_token::Column::UserId.eq(user))
            .exec(&self.db)
            .await?;
        super::one_row(gone)
    }

    /// The token's id and the member it acts as, if it exists and its user is still a
    /// member; its last use is recorded (at most once a minute).
    pub async fn token(&self, token_hash: &str) -> Result<Option<(Uuid, Member)>, StoreError> {
        let backend = self.db.get_database_backend();
        let Some(row) = self.db.query_one_raw(super::stmt(backend, TOKEN, [token_hash.into()])).await? else {
            return Ok(None);
        };
        let Some(role) = Role::parse(&row.try_get::<String>("", "role")?) else { return Ok(None) };
        let now = self.clock.now();
        let last_used: Option<chrono::DateTime<chrono::Utc>> = row.try_get("", "last_used_at")?;
        if last_used.is_none_or(|at| now - at > TimeDelta::minutes(1)) {
            api_token::Entity::update_many()
                .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
                .filter(api_token::Column::Id.eq(row.try_get::<Uuid>("", "id")?))
                .exec(&self.db)
                .await?;
        }
        let member = Member {
            user: row.try_get("", "user_id")?,
            name: row.try_get("", "username")?,
            workspace: OwnerId(row.try_get("", "workspace_id")?),
            role,
        };
        Ok(Some((row.try_get("", "id")?, member)))
    }
}

async fn offer(
    conn: &impl ConnectionTrait,
    token_hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(OwnerId, InviteOffer)>, StoreError> {
    let backend = conn.get_database_backend();
    let Some(row) = conn.query_one_raw(super::stmt(backend, OFFER, [token_hash.into(), now.into()])).await? else {
        return Ok(None);
    };
    let Some(role) = Role::parse(&row.try_get::<String>("", "role")?) else { return Ok(None) };
    let offer = InviteOffer {
        workspace: row.try_get("", "name")?,
        role,
        invited_by: row.try_get("", "username")?,
        expires_at: row.try_get("", "expires_at")?,
    };
    Ok(Some((OwnerId(row.try_get("", "workspace_id")?), offer)))
}
