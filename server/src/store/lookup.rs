//! Looking up a stored result file for its owner (a task's, or one on the owner's board),
//! and which files the rows name.

use super::{in_chunks, StoreError, TaskStore};
use crate::entity::{board_item, content, task};
use app::domain::{OwnerId, TaskKind, TaskStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::{HashMap, HashSet};
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

    /// The files of the owner's completed tasks, newest first.
    pub async fn completed_files(&self, owner: OwnerId) -> Result<Vec<ContentFile>, StoreError> {
        let tasks: Vec<(Uuid, String, Option<Uuid>)> = task::Entity::find()
            .select_only()
            .columns([task::Column::Id, task::Column::Kind, task::Column::ResultContentId])
            .filter(task::Column::OwnerId.eq(owner.0))
            .filter(task::Column::Status.eq(TaskStatus::Completed.as_str()))
            .filter(task::Column::ResultContentId.is_not_null())
            .order_by_desc(task::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut files = Vec::with_capacity(tasks.len());
        for chunk in in_chunks(&tasks) {
            let ids = chunk.iter().filter_map(|(_, _, content)| *content);
            let rows: HashMap<Uuid, content::Model> = content::Entity::find()
                .filter(content::Column::Id.is_in(ids))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|row| (row.id, row))
                .collect();
            for (task_id, kind, content) in chunk {
                let Some(row) = content.and_then(|id| rows.get(&id)) else { continue };
                let (storage_key, media_type) = (row.storage_key.clone(), row.media_type.clone());
                files.push(ContentFile { storage_key, media_type, task_id: *task_id, kind: kind_of(*task_id, kind)? });
            }
        }
        Ok(files)
    }

    /// Which of these content ids a content row or a board item names.
    pub async fn known_contents(&self, ids: &[Uuid]) -> Result<HashSet<Uuid>, StoreError> {
        let mut known = HashSet::new();
        for chunk in in_chunks(ids) {
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
