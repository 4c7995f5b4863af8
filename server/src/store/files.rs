//! Looking up a stored result file for its owner, and which files the rows name.

use super::{StoreError, TaskStore};
use crate::entity::{content, task};
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
    /// The content `id`, if it belongs to one of the owner's tasks.
    pub async fn content_file(&self, owner: OwnerId, id: Uuid) -> Result<Option<ContentFile>, StoreError> {
        let Some(file) = content::Entity::find_by_id(id).one(&self.db).await? else { return Ok(None) };
        let task =
            task::Entity::find_by_id(file.task_id).filter(task::Column::OwnerId.eq(owner.0)).one(&self.db).await?;
        let Some(task) = task else { return Ok(None) };
        let kind = TaskKind::parse(&task.kind).map_err(|e| StoreError::CorruptRow {
            id: task.id,
            what: "kind",
            detail: e.message,
        })?;
        Ok(Some(ContentFile { storage_key: file.storage_key, media_type: file.media_type, task_id: task.id, kind }))
    }

    /// Which of these content ids have a row.
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
            known.extend(found);
        }
        Ok(known)
    }
}
