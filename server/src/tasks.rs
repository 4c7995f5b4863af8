//! The task service over the database: create the tasks of a submission in one
//! transaction, list an owner's tasks by keyset. Every query is scoped to the owner.

use crate::entity::task::{self, Column, Entity as Tasks};
use app::api::{ApiError, TaskService};
use app::domain::{
    ListFilter, OwnerId, StatusCounts, Submission, SubmitResponse, TaskFailure, TaskKind, TaskPage, TaskParams,
    TaskStatus, TaskView,
};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
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
}

impl TaskStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Stores one pending task per variant, all or none.
    pub async fn create(&self, owner: OwnerId, submission: &Submission) -> Result<Vec<TaskView>, StoreError> {
        let now = now();
        let random_seed = Uuid::new_v4().as_u128() as u32;
        let rows: Vec<task::Model> = submission
            .expand(random_seed)
            .into_iter()
            .map(|(params, hash)| new_row(owner, &params, hash, now))
            .collect();
        let txn = self.db.begin().await?;
        Tasks::insert_many(rows.iter().cloned().map(task::ActiveModel::from)).exec(&txn).await?;
        txn.commit().await?;
        rows.into_iter().map(view).collect()
    }

    /// One page of the owner's tasks, newest first, and the counts per status.
    pub async fn page(&self, owner: OwnerId, filter: &ListFilter) -> Result<TaskPage, StoreError> {
        let mut scope = Tasks::find().filter(Column::OwnerId.eq(owner.0));
        if let Some(kind) = filter.kind {
            scope = scope.filter(Column::Kind.eq(kind.as_str()));
        }
        let counts = self.counts(scope.clone()).await?;
        if let Some(status) = filter.status {
            scope = scope.filter(Column::Status.eq(status.as_str()));
        }
        if let Some(before) = filter.before {
            scope = scope.filter(Column::Id.lt(before));
        }
        let limit = filter.limit as usize;
        let mut rows = scope.order_by_desc(Column::Id).limit(limit as u64 + 1).all(&self.db).await?;
        let next_cursor = (rows.len() > limit).then(|| rows[limit - 1].id.to_string());
        rows.truncate(limit);
        let tasks = rows.into_iter().map(view).collect::<Result<_, _>>()?;
        Ok(TaskPage { tasks, next_cursor, counts })
    }

    /// The owner's task with this id, if there is one.
    pub async fn find(&self, owner: OwnerId, id: Uuid) -> Result<Option<TaskView>, StoreError> {
        let row = Tasks::find_by_id(id).filter(Column::OwnerId.eq(owner.0)).one(&self.db).await?;
        row.map(view).transpose()
    }

    async fn counts(&self, scope: sea_orm::Select<Tasks>) -> Result<StatusCounts, StoreError> {
        let groups: Vec<(String, i64)> = scope
            .select_only()
            .column(Column::Status)
            .column_as(Column::Id.count(), "n")
            .group_by(Column::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut counts = StatusCounts::default();
        for (status, n) in groups {
            let status = TaskStatus::parse(&status).map_err(|e| StoreError::CorruptRow {
                id: Uuid::nil(),
                what: "status",
                detail: e.message,
            })?;
            counts.add(status, n as u64);
        }
        Ok(counts)
    }
}

#[async_trait::async_trait]
impl TaskService for TaskStore {
    async fn submit(&self, owner: OwnerId, submission: Submission) -> Result<SubmitResponse, ApiError> {
        let tasks = self.create(owner, &submission).await?;
        tracing::debug!(owner = %owner.0, n = tasks.len(), "queued");
        Ok(SubmitResponse { tasks })
    }

    async fn list(&self, owner: OwnerId, filter: ListFilter) -> Result<TaskPage, ApiError> {
        Ok(self.page(owner, &filter).await?)
    }

    async fn get(&self, owner: OwnerId, id: Uuid) -> Result<TaskView, ApiError> {
        self.find(owner, id).await?.ok_or(ApiError::NotFound)
    }
}

/// Stored times have millisecond precision on every backend.
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

fn new_row(owner: OwnerId, params: &TaskParams, hash: String, now: DateTime<Utc>) -> task::Model {
    task::Model {
        id: Uuid::now_v7(),
        owner_id: owner.0,
        kind: params.kind().as_str().into(),
        status: TaskStatus::Pending.as_str().into(),
        params: serde_json::to_value(params).expect("parameters always serialise"),
        params_hash: hash,
        created_at: now,
        updated_at: now,
        started_at: None,
        finished_at: None,
        attempt_count: 0,
        retry_count: 0,
        next_retry_at: None,
        progress: 0,
        error_code: None,
        error_message: None,
        result_content_id: None,
    }
}

fn view(row: task::Model) -> Result<TaskView, StoreError> {
    let corrupt = |what, detail: String| StoreError::CorruptRow { id: row.id, what, detail };
    let kind = TaskKind::parse(&row.kind).map_err(|e| corrupt("kind", e.message))?;
    let status = TaskStatus::parse(&row.status).map_err(|e| corrupt("status", e.message))?;
    let params: TaskParams =
        serde_json::from_value(row.params.clone()).map_err(|e| corrupt("params", e.to_string()))?;
    let error =
        row.error_code.clone().map(|code| TaskFailure { code, message: row.error_message.clone().unwrap_or_default() });
    Ok(TaskView {
        id: row.id,
        kind,
        status,
        params,
        created_at: row.created_at,
        updated_at: row.updated_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
        attempt_count: row.attempt_count.max(0) as u32,
        retry_count: row.retry_count.max(0) as u32,
        next_retry_at: row.next_retry_at,
        progress: row.progress.clamp(0, 100) as u8,
        error,
    })
}
