//! Reading tasks: an owner's one by id (with attempts), a keyset page, counts per status;
//! and for the engine, any task by id and when work next comes due.

use super::row::{content_view, view};
use super::{StoreError, TaskStore};
use crate::entity::task::{self, Column, Entity as Tasks};
use crate::entity::{attempt, content, owner};
use app::domain::{
    AttemptView, CurrentServices, ListFilter, Lookup, OwnerId, ServiceUsed, StatusCounts, TaskDetails, TaskPage,
    TaskStatus, TaskView,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// An owner's row as readers need it (an owner with no row yet: running, nothing made).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OwnerState {
    pub paused: bool,
    pub version: u64,
    pub seq: u64,
}

impl TaskStore {
    /// One page of the owner's tasks, newest first, and the counts per status (for the
    /// kind and search filters, whatever the status filter).
    pub async fn page(&self, owner: OwnerId, filter: &ListFilter) -> Result<TaskPage, StoreError> {
        let as_of = self.clock.now(); // the server's time, for the browser's clock
                                      // Before the tasks: every task made up to `seq` is on the page unless deleted.
        let state = self.owner_state(owner).await?;
        let lookup = filter.search.as_deref().map(Lookup::of);
        let limit = filter.limit as usize;
        let searched = match &lookup {
            Some(lookup) => super::search::searched(&self.db, owner, lookup, filter, limit + 1).await?,
            None => None,
        };
        let (counts, mut rows) = match searched {
            Some(found) if found.ids.is_empty() => (counted(found.counts)?, Vec::new()),
            Some(found) => {
                let rows = Tasks::find().filter(Column::OwnerId.eq(owner.0)).filter(Column::Id.is_in(found.ids));
                (counted(found.counts)?, rows.order_by_desc(Column::Id).all(&self.db).await?)
            }
            None => {
                let scan = match &lookup {
                    Some(Lookup::Scan(text)) => Some(text.as_str()),
                    _ => None,
                };
                self.scanned(owner, filter, scan, limit + 1).await?
            }
        };
        let next_cursor = (rows.len() > limit).then(|| rows[limit - 1].id.to_string());
        rows.truncate(limit);
        let tasks = self.with_results(rows).await?;
        let used = |name: &str, model: &str| ServiceUsed { provider: name.to_owned(), model: model.to_owned() };
        let (image, video) = (&self.services.image, &self.services.video);
        let services =
            CurrentServices { image: used(&image.name, &image.model), video: used(&video.name, &video.model) };
        Ok(TaskPage {
            tasks,
            next_cursor,
            counts,
            paused: state.paused,
            queue_version: state.version,
            seq: state.seq,
            retry_limit: self.retry_limit,
            as_of,
            services,
        })
    }

    /// Whether the owner's queue is paused (with that state's version), and the owner's
    /// last creation number.
    pub async fn owner_state(&self, owner: OwnerId) -> Result<OwnerState, StoreError> {
        let row = owner::Entity::find_by_id(owner.0).one(&self.db).await?;
        Ok(row.map_or(OwnerState::default(), |o| OwnerState {
            paused: o.paused,
            version: o.version.max(0) as u64,
            seq: o.seq.max(0) as u64,
        }))
    }

    /// The owner's task with this id, if there is one.
    pub async fn find(&self, owner: OwnerId, id: Uuid) -> Result<Option<TaskView>, StoreError> {
        let row = Tasks::find_by_id(id).filter(Column::OwnerId.eq(owner.0)).one(&self.db).await?;
        Ok(self.with_results(row.into_iter().collect()).await?.pop())
    }

    /// Any task by id, with its owner (for the engine, which serves every owner).
    pub async fn find_any(&self, id: Uuid) -> Result<Option<(OwnerId, TaskView)>, StoreError> {
        let Some(row) = Tasks::find_by_id(id).one(&self.db).await? else { return Ok(None) };
        let owner = OwnerId(row.owner_id);
        Ok(self.with_results(vec![row]).await?.pop().map(|view| (owner, view)))
    }

    /// The owner's task with every attempt, oldest first.
    pub async fn details(&self, owner: OwnerId, id: Uuid) -> Result<Option<TaskDetails>, StoreError> {
        let Some(task) = self.find(owner, id).await? else { return Ok(None) };
        let attempts = attempt::Entity::find()
            .filter(attempt::Column::TaskId.eq(id))
            .order_by_asc(attempt::Column::Number)
            .order_by_asc(attempt::Column::StartedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| AttemptView {
                number: a.number.max(0) as u32,
                instance: a.instance,
                started_at: a.started_at,
                finished_at: a.finished_at,
                outcome: a.outcome,
                error: a.error_message,
            })
            .collect();
        let retried_by = Tasks::find()
            .filter(Column::OwnerId.eq(owner.0))
            .filter(Column::RetryOf.eq(id))
            .select_only()
            .column(Column::Id)
            .into_tuple::<Uuid>()
            .one(&self.db)
            .await?;
        Ok(Some(TaskDetails { task, attempts, retried_by }))
    }

    /// When the engine next has something to do without being told: the earliest retry
    /// coming due, or the earliest lease running out (a dead instance's task to rescue).
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let earliest = |status: TaskStatus, column: Column| {
            Tasks::find()
                .select_only()
                .column_as(column.min(), "due")
                .filter(Column::Status.eq(status.as_str()))
                .filter(Column::CancelRequestedAt.is_null())
        };
        let paused = Query::select()
            .column(owner::Column::OwnerId)
            .from(owner::Entity)
            .and_where(owner::Column::Paused.eq(true))
            .to_owned();
        let retry = earliest(TaskStatus::Retrying, Column::NextRetryAt)
            .filter(Column::OwnerId.not_in_subquery(paused))
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(&self.db)
            .await?
            .flatten();
        let lease = earliest(TaskStatus::Processing, Column::LeaseExpiresAt)
            .into_tuple::<Option<DateTime<Utc>>>()
            .one(&self.db)
            .await?
            .flatten();
        Ok(retry.into_iter().chain(lease).min())
    }

    /// Views of the rows, each completed one with its content.
    async fn with_results(&self, rows: Vec<task::Model>) -> Result<Vec<TaskView>, StoreError> {
        let content_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.result_content_id).collect();
        let mut contents: HashMap<Uuid, content::Model> = if content_ids.is_empty() {
            HashMap::new()
        } else {
            content::Entity::find()
                .filter(content::Column::Id.is_in(content_ids))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|c| (c.id, c))
                .collect()
        };
        rows.into_iter()
            .map(|row| {
                let result = row.result_content_id.and_then(|id| contents.remove(&id)).map(content_view);
                Ok(TaskView { result, ..view(row)? })
            })
            .collect()
    }

    /// The page's counts per status and up to `limit` of its rows, newest first, read
    /// through `tasks`: a list without a search, or with one no index answers (`scan`).
    async fn scanned(
        &self,
        owner: OwnerId,
        filter: &ListFilter,
        scan: Option<&str>,
        limit: usize,
    ) -> Result<(StatusCounts, Vec<task::Model>), StoreError> {
        let mut scope = Tasks::find().filter(Column::OwnerId.eq(owner.0));
        if let Some(kind) = filter.kind {
            scope = scope.filter(Column::Kind.eq(kind.as_str()));
        }
        if let Some(text) = scan {
            scope = super::search::containing(scope, text);
        }
        let groups = scope
            .clone()
            .select_only()
            .column(Column::Status)
            .column_as(Column::Id.count(), "n")
            .group_by(Column::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        if let Some(status) = filter.status {
            scope = scope.filter(Column::Status.eq(status.as_str()));
        }
        if let Some(before) = filter.before {
            scope = scope.filter(Column::Id.lt(before));
        }
        let rows = scope.order_by_desc(Column::Id).limit(limit as u64).all(&self.db).await?;
        Ok((counted(groups)?, rows))
    }
}

/// Counts per status from `(status, count)` groups.
fn counted(groups: Vec<(String, i64)>) -> Result<StatusCounts, StoreError> {
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
