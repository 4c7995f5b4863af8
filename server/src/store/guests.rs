//! Guests of before tokens: a guest cookie that held a bare owner id is exchanged, once,
//! for a token, the guest's tasks, board and queue moving to the token's owner id. Only
//! ids listed when guests became tokens (`legacy_guests`) are ever exchanged, each a
//! single time; what a guest is now is decided in `accounts/cookies.rs`.

use super::{StoreError, TaskStore};
use app::domain::OwnerId;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

impl TaskStore {
    /// Moves the things of `old`, if it is a listed guest of before never exchanged, to
    /// `new` (a token's guest) and strikes it off the list; `false`, moving nothing, for
    /// any other id.
    pub async fn exchange_legacy_guest(&self, old: Uuid, new: OwnerId) -> Result<bool, StoreError> {
        let txn = self.write_txn(Some(OwnerId(old))).await?;
        let backend = txn.get_database_backend();
        let sql = "DELETE FROM legacy_guests WHERE owner_id = $1 \
                   AND NOT EXISTS (SELECT 1 FROM workspaces WHERE id = $1)";
        let listed = txn.execute_raw(super::stmt(backend, sql, [old.into()])).await?.rows_affected() == 1;
        if listed {
            super::accounts::adopt(&txn, OwnerId(old), new).await?;
            txn.commit().await?;
        }
        Ok(listed)
    }
}
