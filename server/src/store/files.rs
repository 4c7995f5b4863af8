//! Looking up a stored result file for its owner (a task's, or one on the owner's board),
//! and which files the rows name.

use super::{StoreError, TaskStore};
use crate::entity::{board_item, content, task};
use app::domain::{OwnerId, TaskKind};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashSet;
use uuid::Uuid;

/// Where a content file is and what it is.
#[derive(Debug, Clone)]
pub struct ContentFile {
    pub storage_key: String,
    pub media_type: String,
    pub task_id: Uuid,
    pub kind: TaskKind,
}

impl TaskStore {
    /// The content `id`, if it belongs to one of the owner's tasks, or is on the owner's
    /// board (where it outlives its task).
    pub async fn content_file(&self, owner: OwnerId, id: Uuid) -> Result<Option<ContentFile>, StoreError> {
        if let Some(file) = content::Entity::find_by_id(id).one(&self.db).await? {
            let task =
                task::Entity::find_by_id(file.task_id).filter(task::Column::OwnerId.eq(owner.0)).one(&self.db).await?;
            if let Some(task) = task {
                let kind = kind_of(task.id, &task.kind)?;
                let (storage_key, media_type) = (file.storage_key, file.media_type);
                return Ok(Some(ContentFile { storage_key, media_type, task_id: task.id, kind }));
            }
        }
        let item = board_item::Entity::find()
            .filter(board_item::Column::ContentId.eq(id))
            .filter(board_item::Column::OwnerId.eq(owner.0))
            .one(&self.db)
            .await?;
        let Some(item) = item else { return Ok(None) };
        let (Some(storage_key), Some(media_type)) = (item.storage_key, item.media_type) else { return Ok(None) };
        let kind = kind_of(item.id, &item.kind)?;
        Ok(Some(ContentFile { storage_key, media_type, task_id: item.task_id.unwrap_or(item.id), kind }))
    }

    /// Which of these content ids a content row or a board item names.
    pub async fn known_contents(&self, ids: &[Uuid]) -> Result<HashSet<Uuid>, StoreError> {
        let mut known = HashSet::new();
        for chunk in ids.chunks(500) {
            let found: Vec<Uuid> = content::Entity::find()
                .select_only()
                .column(content::Column::Id)
                .filter(content::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&self.db)
                .await?;
            let on_boards: Vec<Option<Uuid>> = board_item::Entity::find()
                .select_only()
                .column(board_item::Column::ContentId)
                .filter(board_item::Column::ContentId.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&self.db)
                .await?;
            known.extend(found.into_iter().chain(on_boards.into_iter().flatten()));
        }
        Ok(known)
    }
}

fn kind_of(id: Uuid, kind: &str) -> Result<TaskKind, StoreError> {
    TaskKind::parse(kind).map_err(|e| StoreError::CorruptRow { id, what: "kind", detail: e.message })
}
