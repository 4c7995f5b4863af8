//! The owner's whiteboard: listing, placing, arranging and removing items. An item copies
//! what it shows from the content row, so it outlives its task: deleting a task keeps the
//! file of a result still on a board (see `remove_rows`), and removing the last item that
//! shows a file of a deleted task removes the file. A frame placed for a task is filled in
//! by the task's completion, in the same transaction (`complete`).

use super::{StoreError, TaskStore};
use crate::entity::{board_item, content, task};
use app::domain::{
    board_cursor, BoardFilter, BoardItemView, BoardPage, Media, OwnerId, PlaceSource, Placement, TaskKind,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

impl TaskStore {
    /// A page of the owner's items, back to front (by stacking order, then id).
    pub async fn board(&self, owner: OwnerId, filter: &BoardFilter) -> Result<BoardPage, StoreError> {
        let seq = self.owner_state(owner).await?.seq;
        let mut query = board_item::Entity::find().filter(board_item::Column::OwnerId.eq(owner.0));
        if let Some((z, id)) = filter.after {
            query = query.filter(
                Condition::any()
                    .add(board_item::Column::Z.gt(z))
                    .add(Condition::all().add(board_item::Column::Z.eq(z)).add(board_item::Column::Id.gt(id))),
            );
        }
        let rows = query
            .order_by_asc(board_item::Column::Z)
            .order_by_asc(board_item::Column::Id)
            .limit(u64::from(filter.limit) + 1)
            .all(&self.db)
            .await?;
        let more = rows.len() > filter.limit as usize;
        let items: Vec<BoardItemView> =
            rows.into_iter().take(filter.limit as usize).map(item_view).collect::<Result<_, _>>()?;
        let next_cursor = if more { items.last().map(board_cursor) } else { None };
        Ok(BoardPage { items, next_cursor, seq })
    }

    /// Puts a result, or a frame for a task, in front of everything on the owner's board.
    pub async fn place(&self, owner: OwnerId, source: PlaceSource, at: Placement) -> Result<BoardItemView, StoreError> {
        let txn = self.write_txn(Some(owner)).await?;
        let (task, content) = match source {
            PlaceSource::Content(id) => {
                let content = content::Entity::find_by_id(id).one(&*txn).await?.ok_or(StoreError::NotFound)?;
                (content.task_id, Some(content))
            }
            PlaceSource::Task(id) => (id, None),
        };
        let task = task::Entity::find_by_id(task)
            .filter(task::Column::OwnerId.eq(owner.0))
            .one(&*txn)
            .await?
            .ok_or(StoreError::NotFound)?;
        let content = match (content, task.result_content_id) {
            (Some(content), _) => Some(content),
            (None, Some(result)) => content::Entity::find_by_id(result).one(&*txn).await?,
            (None, None) => None,
        };
        let now = self.clock.now();
        let row = board_item::Model {
            id: Uuid::now_v7(),
            owner_id: owner.0,
            task_id: Some(task.id),
            kind: task.kind,
            content_id: content.as_ref().map(|c| c.id),
            storage_key: content.as_ref().map(|c| c.storage_key.clone()),
            media_type: content.as_ref().map(|c| c.media_type.clone()),
            media_width: content.as_ref().and_then(|c| c.width),
            media_height: content.as_ref().and_then(|c| c.height),
            has_still: content.as_ref().is_some_and(|c| c.has_still),
            x: at.x,
            y: at.y,
            width: at.width,
            height: at.height,
            z: front(&*txn, owner).await?,
            created_at: now,
            updated_at: now,
            version: 1,
            seq: super::next_seq(&txn, owner).await?,
        };
        board_item::Entity::insert(board_item::ActiveModel::from(row.clone())).exec_without_returning(&*txn).await?;
        txn.commit().await?;
        item_view(row)
    }

    /// Moves and sizes one of the owner's items, and brings it to the front.
    pub async fn arrange(&self, owner: OwnerId, id: Uuid, at: Placement) -> Result<BoardItemView, StoreError> {
        let txn = self.write_txn(Some(owner)).await?;
        let row = owned(&*txn, owner, id).await?;
        let top = front(&*txn, owner).await?;
        let z = if row.z + 1 == top { row.z } else { top };
        let version = row.version + 1;
        let mut active = board_item::ActiveModel::from(row);
        active.x = Set(at.x);
        active.y = Set(at.y);
        active.width = Set(at.width);
        active.height = Set(at.height);
        active.z = Set(z);
        active.updated_at = Set(self.clock.now());
        active.version = Set(version);
        let row = board_item::Entity::update(active).exec(&*txn).await?;
        txn.commit().await?;
        item_view(row)
    }

    /// Takes one of the owner's items off the board; returns the file to remove, if
    /// nothing shows it any more (its task deleted, no other item showing it).
    pub async fn unplace(&self, owner: OwnerId, id: Uuid) -> Result<Option<String>, StoreError> {
        let txn = self.write_txn(Some(owner)).await?;
        let row = owned(&*txn, owner, id).await?;
        board_item::Entity::delete_by_id(id).exec(&*txn).await?;
        let orphan = match row.storage_key {
            Some(key) if !shown_elsewhere(&*txn, &key).await? => Some(key),
            _ => None,
        };
        txn.commit().await?;
        Ok(orphan)
    }
}

/// The owner's item `id`; `NotFound` for any other.
async fn owned(db: &impl ConnectionTrait, owner: OwnerId, id: Uuid) -> Result<board_item::Model, StoreError> {
    let item = board_item::Entity::find_by_id(id).filter(board_item::Column::OwnerId.eq(owner.0)).one(db).await?;
    item.ok_or(StoreError::NotFound)
}

/// Whether a content row or a board item still names the file `key`.
pub(super) async fn shown_elsewhere(db: &impl ConnectionTrait, key: &str) -> Result<bool, StoreError> {
    let contents = content::Entity::find().filter(content::Column::StorageKey.eq(key)).count(db).await?;
    let items = board_item::Entity::find().filter(board_item::Column::StorageKey.eq(key)).count(db).await?;
    Ok(contents + items > 0)
}

/// The stacking order in front of every item of the owner.
async fn front(db: &impl ConnectionTrait, owner: OwnerId) -> Result<i64, StoreError> {
    let top: Option<i64> = board_item::Entity::find()
        .select_only()
        .column_as(board_item::Column::Z.max(), "top")
        .filter(board_item::Column::OwnerId.eq(owner.0))
        .into_tuple::<Option<i64>>()
        .one(db)
        .await?
        .flatten();
    Ok(top.map_or(0, |z| z + 1))
}

fn item_view(row: board_item::Model) -> Result<BoardItemView, StoreError> {
    let kind = TaskKind::parse(&row.kind).map_err(|e| StoreError::CorruptRow {
        id: row.id,
        what: "board item kind",
        detail: e.message,
    })?;
    let positive = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok());
    let media = match (row.content_id, row.media_type) {
        (Some(id), Some(media_type)) => Some(Media {
            id,
            media_type,
            width: positive(row.media_width),
            height: positive(row.media_height),
            has_still: row.has_still,
        }),
        _ => None,
    };
    Ok(BoardItemView {
        id: row.id,
        task_id: row.task_id,
        kind,
        media,
        x: row.x,
        y: row.y,
        width: row.width,
        height: row.height,
        z: row.z,
        version: row.version.max(0) as u64,
        seq: row.seq.max(0) as u64,
    })
}
