//! Reading an owner's tasks: one by id, a keyset page, counts per status.

use super::row::view;
use super::{StoreError, TaskStore};
use crate::entity::owner;
use crate::entity::task::{Column, Entity as Tasks};
use app::domain::{ListFilter, OwnerId, StatusCounts, TaskPage, TaskStatus, TaskView};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

impl TaskStore {
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
        Ok(TaskPage { tasks, next_cursor, counts, paused: self.is_paused(owner).await? })
    }

    pub(super) async fn is_paused(&self, owner: OwnerId) -> Result<bool, StoreError> {
        Ok(owner::Entity::find_by_id(owner.0).one(&self.db).await?.is_some_and(|o| o.paused))
    }

    /// The owner's task with this id, if there is one.
    pub async fn find(&self, owner: OwnerId, id: Uuid) -> Result<Option<TaskView>, StoreError> {
        let row = Tasks::find_by_id(id).filter(Column::OwnerId.eq(owner.0)).one(&self.db).await?;
        row.map(view).transpose()
    }

    async fn counts(&self, scope: Select<Tasks>) -> Result<StatusCounts, StoreError> {
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
