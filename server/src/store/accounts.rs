//! Accounts at rest: users, their workspaces and memberships, sessions (by the hash of
//! their token), and moving a guest's tasks, board and queue into a workspace when the
//! guest signs up or in. What a password is worth and what a token is are decided above
//! (`accounts/`); this records it.

use super::{StoreError, TaskStore};
use crate::entity::{owner, session, user};
use app::domain::{AccountView, OwnerId, Role, SessionView, SignUp};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use uuid::Uuid;

/// How long a session lasts from its start.
pub const SESSION_LIFETIME: TimeDelta = TimeDelta::days(30);

/// A session a request came with, still valid, of a member of the workspace it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub session: Uuid,
    pub member: Member,
}

/// A user in the workspace they act in, with their role there.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub user: Uuid,
    pub name: String,
    pub workspace: OwnerId,
    pub role: Role,
}

/// A session by its token's hash, with its member's role and name, in one read.
const SESSION: &str = "SELECT s.id, s.user_id, s.workspace_id, s.expires_at, s.last_seen_at, m.role, u.username \
     FROM sessions s JOIN members m ON m.workspace_id = s.workspace_id AND m.user_id = s.user_id \
     JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1";

/// A new session: its token's hash and the browser it is for.
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_agent: Option<&'a str>,
    /// The guest whose tasks, board and queue move into the workspace.
    pub guest: Option<OwnerId>,
    /// The session it replaces, ended in the same transaction.
    pub replaces: Option<Uuid>,
}

impl TaskStore {
    /// Creates the account (an administrator if `admin`), its personal workspace (named
    /// after it, the user its owner) and, given `new`, its first session. A username or
    /// email in use is a `Conflict` naming it. Returns the user's id and the session.
    pub async fn create_account(
        &self,
        sign_up: &SignUp,
        hash: &str,
        admin: bool,
        new: Option<NewSession<'_>>,
    ) -> Result<(Uuid, Option<SignedIn>), StoreError> {
        let txn = self.write_txn(new.as_ref().and_then(|n| n.guest)).await?;
        let now = self.clock.now();
        unclaimed(&*txn, sign_up).await?;
        let user_id = Uuid::new_v4();
        user::Entity::insert(user::ActiveModel {
            id: Set(user_id),
            username: Set(sign_up.username.as_str().to_owned()),
            email: Set(sign_up.email.as_ref().map(|e| e.as_str().to_owned())),
            password_hash: Set(hash.to_owned()),
            is_admin: Set(admin),
            created_at: Set(now),
        })
        .exec_without_returning(&*txn)
        .await?;
        let home = super::workspaces::found(&*txn, user_id, sign_up.username.as_str(), true, now).await?;
        let signed_in = match new {
            Some(new) => {
                let member = Member {
                    user: user_id,
                    name: sign_up.username.as_str().to_owned(),
                    workspace: home,
                    role: Role::Owner,
                };
                Some(open_session(&txn, member, &new, now).await?)
            }
            None => None,
        };
        txn.commit().await?;
        Ok((user_id, signed_in))
    }

    /// `Conflict` naming the username or email of `sign_up` that an account holds: asked
    /// before a password is hashed, so a taken name costs no hash (and asked again as the
    /// account is stored).
    pub async fn unclaimed(&self, sign_up: &SignUp) -> Result<(), StoreError> {
        unclaimed(&self.db, sign_up).await
    }

    /// The id and password hash of the account `login` names (its username or email).
    pub async fn login(&self, login: &str) -> Result<Option<(Uuid, String)>, StoreError> {
        let login = login.trim().to_lowercase();
        let column = if login.contains('@') { user::Column::Email } else { user::Column::Username };
        let found = user::Entity::find().filter(column.eq(login)).one(&self.db).await?;
        Ok(found.map(|u| (u.id, u.password_hash)))
    }

    /// Opens a session for `user` on its personal workspace.
    pub async fn sign_in(&self, user_id: Uuid, new: NewSession<'_>) -> Result<SignedIn, StoreError> {
        let txn = self.write_txn(new.guest).await?;
        let now = self.clock.now();
        let found = user::Entity::find_by_id(user_id).one(&*txn).await?.ok_or(StoreError::NotFound)?;
        let home = OwnerId(super::workspaces::personal(&*txn, user_id).await?);
        let member = Member { user: user_id, name: found.username, workspace: home, role: Role::Owner };
        let signed_in = open_session(&txn, member, &new, now).await?;
        txn.commit().await?;
        Ok(signed_in)
    }

    /// The session whose token hashes to `token_hash`, if it has not expired and its user
    /// is still a member of the workspace it shows.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SignedIn>, StoreError> {
        let now = self.clock.now();
        let backend = self.db.get_database_backend();
        let Some(row) = self.db.query_one_raw(super::stmt(backend, SESSION, [token_hash.into()])).await? else {
            return Ok(None);
        };
        let id: Uuid = row.try_get("", "id")?;
        let (expires, last_seen): (DateTime<Utc>, DateTime<Utc>) =
            (row.try_get("", "expires_at")?, row.try_get("", "last_seen_at")?);
        let role: String = row.try_get("", "role")?;
        let Some(role) = Role::parse(&role) else { return Ok(None) };
        if expires <= now {
            return Ok(None);
        }
        if now - last_seen > TimeDelta::minutes(1) {
            session::Entity::update_many()
                .col_expr(session::Column::LastSeenAt, Expr::value(now))
                .filter(session::Column::Id.eq(id))
                .exec(&self.db)
                .await?;
        }
        let member = Member {
            user: row.try_get("", "user_id")?,
            name: row.try_get("", "username")?,
            workspace: OwnerId(row.try_get("", "workspace_id")?),
            role,
        };
        Ok(Some(SignedIn { session: id, member }))
    }

    /// Ends a session.
    pub async fn end_session(&self, id: Uuid) -> Result<(), StoreError> {
        session::Entity::delete_by_id(id).exec(&self.db).await?;
        Ok(())
    }

    /// Ends one of the user's sessions; `NotFound` for any other id.
    pub async fn revoke_session(&self, user_id: Uuid, id: Uuid) -> Result<(), StoreError> {
        let gone = session::Entity::delete_many()
            .filter(session::Column::Id.eq(id))
            .filter(session::Column::UserId.eq(user_id))
            .exec(&self.db)
            .await?;
        super::one_row(gone)
    }

    /// The account with its live sessions, newest first (`current` marks `session`).
    pub async fn account(&self, user_id: Uuid, session: Uuid) -> Result<AccountView, StoreError> {
        let found = user::Entity::find_by_id(user_id).one(&self.db).await?.ok_or(StoreError::NotFound)?;
        let sessions = session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::ExpiresAt.gt(self.clock.now()))
            .order_by_desc(session::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(AccountView {
            id: found.id,
            username: found.username,
            email: found.email,
            created_at: found.created_at,
            sessions: sessions
                .into_iter()
                .map(|s| SessionView {
                    id: s.id,
                    user_agent: s.user_agent,
                    created_at: s.created_at,
                    last_seen_at: s.last_seen_at,
                    current: s.id == session,
                })
                .collect(),
        })
    }
}

async fn unclaimed(conn: &impl ConnectionTrait, sign_up: &SignUp) -> Result<(), StoreError> {
    let taken = |what: &str| StoreError::Conflict(format!("That {what} is taken; choose another or sign in."));
    let name = user::Column::Username.eq(sign_up.username.as_str());
    if user::Entity::find().filter(name).count(conn).await? > 0 {
        return Err(taken("username"));
    }
    if let Some(email) = &sign_up.email {
        if user::Entity::find().filter(user::Column::Email.eq(email.as_str())).count(conn).await? > 0 {
            return Err(taken("email address"));
        }
    }
    Ok(())
}

/// Moves the guest's things into the workspace, ends the session replaced and opens the
/// new one.
async fn open_session(
    txn: &DatabaseTransaction,
    member: Member,
    new: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<SignedIn, StoreError> {
    let workspace = member.workspace;
    if let Some(guest) = new.guest.filter(|g| *g != workspace) {
        adopt(txn, guest, workspace).await?;
    }
    if let Some(replaced) = new.replaces {
        session::Entity::delete_by_id(replaced).exec(txn).await?;
    }
    let id = Uuid::new_v4();
    session::Entity::insert(session::ActiveModel {
        id: Set(id),
        token_hash: Set(new.token_hash.to_owned()),
        user_id: Set(member.user),
        workspace_id: Set(workspace.0),
        user_agent: Set(new.user_agent.map(|ua| ua.chars().take(256).collect())),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + SESSION_LIFETIME),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(SignedIn { session: id, member })
}

/// The guest's tasks, submissions, board items and queue state become the workspace's.
pub(super) async fn adopt(txn: &DatabaseTransaction, guest: OwnerId, workspace: OwnerId) -> Result<(), StoreError> {
    let backend = txn.get_database_backend();
    if owner::Entity::find_by_id(workspace.0).one(txn).await?.is_some() {
        owner::Entity::delete_by_id(guest.0).exec(txn).await?;
    } else {
        let sql = "UPDATE owners SET owner_id = $1 WHERE owner_id = $2";
        txn.execute_raw(super::stmt(backend, sql, [workspace.0.into(), guest.0.into()])).await?;
    }
    // Made now, as far as the workspace's pages can tell.
    let seq = super::next_seq(txn, workspace).await?;
    for table in ["tasks", "board_items"] {
        let sql = format!("UPDATE {table} SET owner_id = $1, seq = $3, version = version + 1 WHERE owner_id = $2");
        txn.execute_raw(super::stmt(backend, &sql, [workspace.0.into(), guest.0.into(), seq.into()])).await?;
    }
    for table in ["submissions", "task_grams"] {
        let sql = format!("UPDATE {table} SET owner_id = $1 WHERE owner_id = $2");
        txn.execute_raw(super::stmt(backend, &sql, [workspace.0.into(), guest.0.into()])).await?;
    }
    Ok(())
}
