//! The task store: every read and write of tasks, for the service (users' actions) and
//! the engine (attempts). Users' queries are scoped to the caller's owner id; writes that
//! must not race (a submission's dedup check and insert) run in a write transaction that
//! serialises them (`BEGIN IMMEDIATE` on SQLite, a per-owner advisory lock on PostgreSQL).

mod accounts;
mod batch;
mod board;
mod claim;
mod complete;
mod guests;
mod invites;
mod lookup;
mod manage;
mod outcome;
mod query;
mod row;
mod search;
mod submit;
mod turns;
mod workspaces;

pub use accounts::{Member, NewSession, SignedIn, SESSION_LIFETIME};
pub use claim::Claimed;
pub use complete::StoredContent;
pub use manage::Removed;
pub use outcome::{Expired, Lease};

use crate::clock::Clock;
use crate::provider::Services;
use app::api::ApiError;
use app::domain::OwnerId;
use chrono::TimeDelta;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode, Statement,
    TransactionOptions, TransactionTrait,
};
use std::sync::Arc;
use tokio::sync::{Mutex, OwnedMutexGuard};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Db(#[from] DbErr),
    #[error("task {id} has an unreadable {what}: {detail}")]
    CorruptRow { id: Uuid, what: &'static str, detail: String },
    #[error("no such task, workspace, member, invite or token")]
    NotFound,
    /// The task's state does not allow the action; the message says why.
    #[error("{0}")]
    Conflict(String),
    /// The tasks would take their submitter, or the workspace, past a daily budget for
    /// paid services.
    #[error("{spent} of {budget} units spent today; {asked} more asked")]
    OverBudget { spent: i64, budget: i64, asked: u32, renews_in: u64, whose: Budget },
}

/// Whose daily budget a charge would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// The person's: the server's `daily-budget`, in every workspace they spend in.
    Person,
    /// The workspace's own, set by its owners.
    Workspace,
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict(message) => ApiError::Conflict(message),
            StoreError::OverBudget { spent, budget, asked, renews_in, whose } => {
                let whose = match whose {
                    Budget::Person => format!("You have spent {spent} of your {budget} units"),
                    Budget::Workspace => {
                        format!("This workspace has spent {spent} of the {budget} units its owners set")
                    }
                };
                ApiError::BudgetExhausted {
                    message: format!(
                        "{whose} for paid generation today, and this asks {asked} more (an image is 1, a video 1 a \
                         second at 480p, 2 at 720p). The budget renews at 00:00 UTC."
                    ),
                    retry_after: renews_in,
                }
            }
            other => {
                tracing::error!("task store: {other}");
                ApiError::Internal
            }
        }
    }
}

#[derive(Clone)]
pub struct TaskStore {
    db: DatabaseConnection,
    clock: Arc<dyn Clock>,
    /// Identical submissions closer together than this are one; zero turns it off.
    dedup_window: TimeDelta,
    /// SQLite has one writer at a time. Writers of this process queue here instead of in
    /// SQLite's busy handler, which sleeps and polls (measured: it cost over half the
    /// submit rate); `BEGIN IMMEDIATE` still guards against other processes.
    sqlite_writer: Arc<Mutex<()>>,
    /// Recorded on each task when it is claimed.
    services: Arc<Services>,
    /// How many retries a task gets before it fails (the length of the retry schedule);
    /// pages of tasks carry it so the queue can say "Retry 2/3".
    retry_limit: u32,
    /// Units a person (an account, or a guest) may send to paid services per UTC day,
    /// whatever workspace they spend in; 0: no budget.
    daily_budget: u32,
}

/// A write transaction, holding this process's SQLite writer turn while it lives.
pub(super) struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    pub(super) async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

impl TaskStore {
    pub fn new(db: DatabaseConnection, clock: Arc<dyn Clock>, dedup_window: TimeDelta) -> Self {
        Self {
            db,
            clock,
            dedup_window,
            sqlite_writer: Arc::new(Mutex::new(())),
            services: Arc::default(),
            retry_limit: 3,
            daily_budget: 0,
        }
    }

    /// The units a person may send to paid services a day (0: no budget).
    pub fn daily_budget(&self) -> u32 {
        self.daily_budget
    }

    /// The same store, holding each person to `units` a day for paid services (0: none).
    pub fn with_daily_budget(self, units: u32) -> Self {
        Self { daily_budget: units, ..self }
    }

    /// What a task weighs against the budget: its cost if its kind goes to a paid service.
    fn cost_of(&self, params: &app::domain::TaskParams) -> u32 {
        if self.services.paid(params.kind()) {
            params.cost()
        } else {
            0
        }
    }

    /// The same store, telling readers that a task gets `retry_limit` retries.
    pub fn with_retry_limit(self, retry_limit: u32) -> Self {
        Self { retry_limit, ..self }
    }

    /// The same store, recording `services` on the tasks it hands out.
    pub fn with_services(self, services: Services) -> Self {
        Self { services: Arc::new(services), ..self }
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// A write transaction; given an owner, that owner's writes do not interleave with
    /// another's (on SQLite no writes interleave at all).
    async fn write_txn(&self, owner: Option<OwnerId>) -> Result<WriteTxn, DbErr> {
        let backend = self.db.get_database_backend();
        let turn = match backend {
            DbBackend::Sqlite => Some(self.sqlite_writer.clone().lock_owned().await),
            _ => None,
        };
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = self.db.begin_with_options(options).await?;
        if let Some(owner) = owner {
            lock_on_postgres(&txn, owner.0).await?;
        }
        Ok(WriteTxn { txn, _turn: turn })
    }
}

/// On PostgreSQL, takes the transaction-long lock of `id` (a workspace's, a guest's or a
/// person's); SQLite's single writer excludes every other write already.
async fn lock_on_postgres(txn: &DatabaseTransaction, id: Uuid) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        let lock = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
        txn.execute_raw(Statement::from_sql_and_values(DbBackend::Postgres, lock, [id.to_string().into()])).await?;
    }
    Ok(())
}

/// The owner's next creation number, given in the caller's write transaction: the upsert
/// holds the owner's row until the transaction ends, so numbers are committed in the
/// order they are given (a page that read number n holds everything made up to n). It
/// also makes the owner's row, with the queue running.
async fn next_seq(txn: &DatabaseTransaction, owner: OwnerId) -> Result<i64, StoreError> {
    let mut upsert = batch::Batch::default();
    push_next_seq(&mut upsert, owner);
    seq_of(upsert.run(txn).await?.first())
}

/// Adds [`next_seq`]'s upsert to a batch: one row, for [`seq_of`].
fn push_next_seq(batch: &mut batch::Batch, owner: OwnerId) {
    let sql = "INSERT INTO owners (owner_id, paused, version, seq) VALUES ($1, $2, 0, 1) \
               ON CONFLICT (owner_id) DO UPDATE SET seq = owners.seq + 1 RETURNING seq";
    batch.push(sql, [owner.0.into(), false.into()]);
}

/// The number [`push_next_seq`]'s upsert returned.
fn seq_of(row: Option<&sea_orm::QueryResult>) -> Result<i64, StoreError> {
    Ok(row.map(|r| r.try_get::<i64>("", "seq")).transpose()?.unwrap_or_default())
}

/// `NotFound` unless the statement deleted (or changed) a row.
fn one_row(result: sea_orm::DeleteResult) -> Result<(), StoreError> {
    if result.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// The most ids one `IN (...)` list binds: well within every backend's limit on bound
/// values, with room for the statement's others.
const IN_LIST: usize = 500;

/// `items` in slices of at most [`IN_LIST`], one `IN (...)` read or write each.
fn in_chunks<T>(items: &[T]) -> std::slice::Chunks<'_, T> {
    items.chunks(IN_LIST)
}

/// The most rows one multi-row insert writes.
const INSERT_ROWS: usize = 256;

/// `rows` in slices of shapes from a short list: as many of [`INSERT_ROWS`] as fit, then
/// the powers of two that make up the rest (500 rows: 256, 128, 64, 32, 16, 4). Each
/// connection prepares and keeps every distinct statement text it runs; an insert of
/// any row count kept one large statement per count (a process that had queued 100,000
/// tasks in submissions of 500 sat at 66 MB; with these shapes, 46 MB), these at most
/// nine per table.
fn insert_shapes<T>(rows: &[T]) -> impl Iterator<Item = &[T]> {
    let mut rest = rows;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = if rest.len() >= INSERT_ROWS { INSERT_ROWS } else { 1 << rest.len().ilog2() };
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        Some(chunk)
    })
}

/// A statement written with PostgreSQL's `$n` placeholders, as SQLite's `?n` on SQLite.
fn stmt(backend: DbBackend, sql: &str, values: impl IntoIterator<Item = sea_orm::Value>) -> Statement {
    let sql = match backend {
        DbBackend::Sqlite => sql.replace('$', "?"),
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// `n` numbered placeholders from `$first` on, comma separated: `$4, $5, $6`.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::insert_shapes;

    #[test]
    fn inserts_come_in_few_shapes_and_cover_every_row() {
        let sizes = |n: usize| insert_shapes(&vec![0u8; n]).map(<[u8]>::len).collect::<Vec<_>>();
        assert_eq!(sizes(500), [256, 128, 64, 32, 16, 4]);
        assert_eq!(sizes(1), [1]);
        assert!(sizes(0).is_empty());
        assert_eq!(sizes(1000), [256, 256, 256, 128, 64, 32, 8]);
        for n in 0..2000 {
            let s = sizes(n);
            assert_eq!(s.iter().sum::<usize>(), n);
            assert!(s.iter().all(|k| k.is_power_of_two() && *k <= 256), "{n}: {s:?}");
        }
    }
}
