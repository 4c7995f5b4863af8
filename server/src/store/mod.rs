//! The task store: the `TaskService` the app's server functions call, over the database.
//! Every query is scoped to the caller's owner id; writes that must not race (a
//! submission's dedup check and insert) run in a write transaction that serialises them
//! (`BEGIN IMMEDIATE` on SQLite, a per-owner advisory lock on PostgreSQL).

mod query;
mod row;
mod submit;

use crate::clock::Clock;
use app::api::{ApiError, TaskService};
use app::domain::{ListFilter, OwnerId, Submission, SubmitResponse, TaskPage, TaskView};
use chrono::TimeDelta;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};
use std::sync::Arc;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("task {id} has an unreadable {what}: {detail}")]
    CorruptRow { id: Uuid, what: &'static str, detail: String },
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        tracing::error!("task store: {err}");
        ApiError::Internal
    }
}

#[derive(Clone)]
pub struct TaskStore {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    /// Identical submissions closer together than this are one; zero turns it off.
    dedup_window: TimeDelta,
}

impl TaskStore {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, dedup_window: TimeDelta) -> Self {
        Self { db, clock, dedup_window }
    }

    /// A transaction in which the owner's writes do not interleave with another's.
    async fn write_txn(&self, owner: OwnerId) -> Result<DatabaseTransaction, DbErr> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = self.db.begin_with_options(options).await?;
        if txn.get_database_backend() == DbBackend::Postgres {
            let lock = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
            txn.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, lock, [owner.0.to_string().into()]))
                .await?;
        }
        Ok(txn)
    }
}

#[async_trait::async_trait]
impl TaskService for TaskStore {
    async fn submit(&self, owner: OwnerId, submission: Submission) -> Result<SubmitResponse, ApiError> {
        let response = self.create(owner, &submission).await?;
        tracing::debug!(owner = %owner.0, n = response.tasks.len(), deduplicated = response.deduplicated, "submitted");
        Ok(response)
    }

    async fn list(&self, owner: OwnerId, filter: ListFilter) -> Result<TaskPage, ApiError> {
        Ok(self.page(owner, &filter).await?)
    }

    async fn get(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError> {
        self.find(owner, id).await?.ok_or(ApiError::NotFound)
    }
}
