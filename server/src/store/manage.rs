//! Managing an owner's queue: cancel, retry, delete, clear, move to the front, pause.
//! Each change is one conditional statement (`... WHERE id = ? AND owner_id = ? AND
//! status IN (...)`), so a task that moved on meanwhile is never overwritten; when the
//! statement matches nothing, the task is read back to say why.

use super::row::{new_row, next_version, view};
use super::{in_chunks, stmt, StoreError, TaskStore};
use crate::entity::{board_item, content, owner, task, workspace};
use crate::provider::RemoteJobId;
use app::domain::{Author, ClearFilter, OwnerId, QueueState, TaskParams, TaskStatus, TaskView};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

const WAITING: [&str; 2] = ["pending", "retrying"];

impl TaskStore {
    /// Cancels a waiting task at once (and returns the job an earlier attempt left queued
    /// at its service, if any, to be cancelled there), or asks the instance running it to
    /// stop. A task that moves on between the statements (its attempt ends, a rescue hands
    /// it back) is looked at again as it now is: a cancel that finds it finished is a
    /// conflict, never a success.
    pub async fn cancel_task(&self, owner: OwnerId, id: Uuid) -> Result<(TaskView, Option<RemoteJobId>), StoreError> {
        let now = self.clock.now();
        let cancelled = task::Entity::update_many()
            .col_expr(task::Column::Status, Expr::value(TaskStatus::Cancelled.as_str()))
            .col_expr(task::Column::FinishedAt, Expr::value(now))
            .col_expr(task::Column::UpdatedAt, Expr::value(now))
            .col_expr(task::Column::Version, next_version())
            .col_expr(task::Column::NextRetryAt, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(task::Column::Id.eq(id))
            .filter(task::Column::OwnerId.eq(owner.0))
            .filter(task::Column::Status.is_in(WAITING))
            .exec_with_returning(&self.db)
            .await?
            .pop();
        if let Some(row) = cancelled {
            let remote_job = row.remote_job_id.as_deref().and_then(RemoteJobId::parse);
            return Ok((view(row)?, remote_job));
        }
        match self.status_of(owner, id).await? {
            TaskStatus::Processing => {
                // Recorded first, so that recovery after a crash never runs it again.
                let asked = task::Entity::update_many()
                    .col_expr(task::Column::CancelRequestedAt, Expr::value(now))
                    .col_expr(task::Column::UpdatedAt, Expr::value(now))
                    .col_expr(task::Column::Version, next_version())
                    .filter(task::Column::Id.eq(id))
                    .filter(task::Column::Status.eq(TaskStatus::Processing.as_str()))
                    .exec(&self.db)
                    .await?;
                if asked.rows_affected == 0 {
                    return Box::pin(self.cancel_task(owner, id)).await; // its attempt ended meanwhile
                }
            }
            TaskStatus::Pending | TaskStatus::Retrying => return Box::pin(self.cancel_task(owner, id)).await,
            status => return Err(finished(status, "cancelled")),
        }
        Ok((self.find(owner, id).await?.ok_or(StoreError::NotFound)?, None))
    }

    /// A new pending task with the parameters of a failed or cancelled one, linked to it;
    /// a task retried before answers with that retry (a double-click makes one task). The
    /// check and the insert are one write transaction of the owner's.
    pub async fn retry_task(&self, owner: OwnerId, by: Option<&Author>, id: Uuid) -> Result<TaskView, StoreError> {
        let txn = self.write_txn(Some(owner)).await?;
        let original = task::Entity::find_by_id(id)
            .filter(task::Column::OwnerId.eq(owner.0))
            .one(&*txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let earlier = task::Entity::find()
            .filter(task::Column::OwnerId.eq(owner.0))
            .filter(task::Column::RetryOf.eq(id))
            .order_by_asc(task::Column::Id)
            .one(&*txn)
            .await?;
        if let Some(earlier) = earlier {
            return view(earlier);
        }
        let status = TaskStatus::parse(&original.status).map_err(|_| corrupt(id, &original.status))?;
        if !matches!(status, TaskStatus::Failed | TaskStatus::Cancelled) {
            return Err(StoreError::Conflict(format!(
                "The task is {}; only failed or cancelled tasks can be retried.",
                status.as_str()
            )));
        }
        let params: TaskParams = serde_json::from_value(original.params.clone()).map_err(|_| corrupt(id, "params"))?;
        let submission_id = original.submission_id.unwrap_or(original.id);
        let now = self.clock.now();
        self.spend(&txn, owner, by, self.cost_of(&params), now).await?;
        let (seq, turn) = super::turns::number_and_turn(&txn, owner, by, Default::default()).await?;
        let mut again = new_row(owner, by, submission_id, &params, original.params_hash.clone(), now, seq);
        (again.retry_of, again.queue_order) = (Some(original.id), turn);
        task::Entity::insert(task::ActiveModel::from(again.clone())).exec_without_returning(&*txn).await?;
        super::search::record_grams(&*txn, std::slice::from_ref(&again)).await?;
        txn.commit().await?;
        view(again)
    }

    /// Deletes a task that is not running, with its content row; returns the files to remove.
    /// The task's row is locked while it is read (on PostgreSQL; SQLite's writer excludes
    /// claims already), so a claim cannot start it between the check and the delete: a
    /// claim that took it first makes the delete a 409, and a claim after skips it.
    pub async fn delete_task(&self, owner: OwnerId, id: Uuid) -> Result<Removed, StoreError> {
        let txn = self.write_txn(Some(owner)).await?;
        let mut find = task::Entity::find_by_id(id).filter(task::Column::OwnerId.eq(owner.0));
        if self.db.get_database_backend() == DbBackend::Postgres {
            find = find.lock_exclusive();
        }
        let row = find.one(&*txn).await?.ok_or(StoreError::NotFound)?;
        if row.status == TaskStatus::Processing.as_str() {
            return Err(StoreError::Conflict("The task is running; cancel it first, then delete it.".into()));
        }
        let removed = remove_rows(&txn, vec![id]).await?;
        txn.commit().await?;
        Ok(removed)
    }

    /// Deletes every task of the owner in the given (finished) statuses.
    pub async fn clear_tasks(&self, owner: OwnerId, filter: &ClearFilter) -> Result<Removed, StoreError> {
        let txn = self.write_txn(Some(owner)).await?;
        let mut scope = task::Entity::find()
            .select_only()
            .column(task::Column::Id)
            .filter(task::Column::OwnerId.eq(owner.0))
            .filter(task::Column::Status.is_in(filter.statuses.iter().map(|s| s.as_str())));
        if let Some(before) = filter.finished_before {
            scope = scope.filter(task::Column::FinishedAt.lte(before));
        }
        let ids: Vec<Uuid> = scope.into_tuple().all(&*txn).await?;
        let removed = remove_rows(&txn, ids).await?;
        txn.commit().await?;
        Ok(removed)
    }

    pub async fn move_task_to_front(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, StoreError> {
        let txn = self.write_txn(Some(owner)).await?;
        let first: Option<i64> = task::Entity::find()
            .select_only()
            .column_as(task::Column::QueueOrder.min(), "first")
            .filter(task::Column::OwnerId.eq(owner.0))
            .filter(task::Column::Status.is_in(WAITING))
            .into_tuple::<Option<i64>>()
            .one(&*txn)
            .await?
            .flatten();
        let moved = task::Entity::update_many()
            .col_expr(task::Column::QueueOrder, Expr::value(first.unwrap_or(0) - 1))
            .col_expr(task::Column::UpdatedAt, Expr::value(self.clock.now()))
            .col_expr(task::Column::Version, next_version())
            .filter(task::Column::Id.eq(id))
            .filter(task::Column::OwnerId.eq(owner.0))
            .filter(task::Column::Status.eq(TaskStatus::Pending.as_str()))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        if moved.rows_affected == 0 {
            let status = self.status_of(owner, id).await?;
            return Err(StoreError::Conflict(format!(
                "The task is {}; only pending tasks can be moved.",
                status.as_str()
            )));
        }
        self.find(owner, id).await?.ok_or(StoreError::NotFound)
    }

    /// Pauses or resumes the owner's queue. An owner's row is made by what it stores,
    /// never by a request that changes nothing: resuming a queue never paused writes
    /// nothing, and a guest that has stored nothing yet has no queue to pause (`Conflict`),
    /// so fresh guests cannot fill `owners`; a workspace's row is made on its first pause.
    pub async fn pause(&self, owner: OwnerId, paused: bool) -> Result<QueueState, StoreError> {
        let updated = owner::Entity::update_many()
            .col_expr(owner::Column::Paused, paused.into())
            .col_expr(owner::Column::Version, sea_orm::sea_query::ExprTrait::add(Expr::col(owner::Column::Version), 1))
            .filter(owner::Column::OwnerId.eq(owner.0))
            .exec_with_returning(&self.db)
            .await?
            .pop();
        if let Some(row) = updated {
            return Ok(QueueState { paused, removed: 0, version: row.version.max(0) as u64 });
        }
        if !paused {
            return Ok(QueueState { paused, removed: 0, version: 0 });
        }
        if workspace::Entity::find_by_id(owner.0).one(&self.db).await?.is_none() {
            return Err(StoreError::Conflict(
                "Nothing is queued yet; the queue can be paused once it holds a task.".into(),
            ));
        }
        let sql = "INSERT INTO owners (owner_id, paused, version, seq) VALUES ($1, $2, 1, 0) \
                   ON CONFLICT (owner_id) DO UPDATE SET paused = $2, version = owners.version + 1 RETURNING version";
        let row =
            self.db.query_one_raw(stmt(self.db.get_database_backend(), sql, [owner.0.into(), paused.into()])).await?;
        let version = row.map(|r| r.try_get::<i64>("", "version")).transpose()?.unwrap_or_default();
        Ok(QueueState { paused, removed: 0, version: version.max(0) as u64 })
    }

    async fn row(&self, owner: OwnerId, id: Uuid) -> Result<task::Model, StoreError> {
        task::Entity::find_by_id(id)
            .filter(task::Column::OwnerId.eq(owner.0))
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound)
    }

    async fn status_of(&self, owner: OwnerId, id: Uuid) -> Result<TaskStatus, StoreError> {
        let row = self.row(owner, id).await?;
        TaskStatus::parse(&row.status).map_err(|_| corrupt(id, &row.status))
    }
}

/// What a delete or clear removed: the tasks, their files for the content store, and the
/// jobs earlier attempts left queued at services (to be cancelled there).
#[derive(Debug, Default)]
pub struct Removed {
    pub ids: Vec<Uuid>,
    pub storage_keys: Vec<String>,
    pub remote_jobs: Vec<RemoteJobId>,
}

/// Deletes the tasks (their content rows go with them), chunk by chunk.
async fn remove_rows(txn: &DatabaseTransaction, ids: Vec<Uuid>) -> Result<Removed, StoreError> {
    let (mut storage_keys, mut remote_jobs) = (Vec::new(), Vec::new());
    for chunk in in_chunks(&ids) {
        let jobs: Vec<Option<String>> = task::Entity::find()
            .select_only()
            .column(task::Column::RemoteJobId)
            .filter(task::Column::Id.is_in(chunk.iter().copied()))
            .filter(task::Column::RemoteJobId.is_not_null())
            .into_tuple()
            .all(txn)
            .await?;
        remote_jobs.extend(jobs.iter().flatten().filter_map(|job| RemoteJobId::parse(job)));
        let keys: Vec<String> = content::Entity::find()
            .select_only()
            .column(content::Column::StorageKey)
            .filter(content::Column::TaskId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(txn)
            .await?;
        // A result still on a board keeps its file; a frame still waiting for the task goes.
        let on_boards: Vec<String> = board_item::Entity::find()
            .select_only()
            .column(board_item::Column::StorageKey)
            .filter(board_item::Column::StorageKey.is_in(keys.iter().cloned()))
            .into_tuple()
            .all(txn)
            .await?;
        storage_keys.extend(keys.into_iter().filter(|k| !on_boards.contains(k)));
        board_item::Entity::delete_many()
            .filter(board_item::Column::TaskId.is_in(chunk.iter().copied()))
            .filter(board_item::Column::ContentId.is_null())
            .exec(txn)
            .await?;
        task::Entity::delete_many().filter(task::Column::Id.is_in(chunk.iter().copied())).exec(txn).await?;
    }
    Ok(Removed { ids, storage_keys, remote_jobs })
}

fn finished(status: TaskStatus, action: &str) -> StoreError {
    StoreError::Conflict(format!(
        "The task is already {}; only pending, retrying or processing tasks can be {action}.",
        status.as_str()
    ))
}

fn corrupt(id: Uuid, detail: &str) -> StoreError {
    StoreError::CorruptRow { id, what: "status or parameters", detail: detail.to_owned() }
}
