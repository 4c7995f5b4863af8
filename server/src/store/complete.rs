//! Recording a succeeded attempt: the task completed with its result's content row (and
//! in the board frames waiting for it), its attempt closed, fenced like every outcome (a
//! task `instance` no longer holds, its lease rescued meanwhile, is left unchanged and its
//! content is not recorded). A cancel the user was told was accepted wins: a task whose
//! cancel is recorded is not completed, and the engine ends it cancelled instead.

use super::batch::Batch;
use super::row::view;
use super::{Claimed, StoreError, TaskStore};
use crate::entity::{content, task};
use app::domain::{ContentView, TaskView};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::FromQueryResult;
use uuid::Uuid;

/// A saved result file, to record with the completed task: what the page will see of it,
/// and where it lies in the content folder.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredContent {
    pub content: ContentView,
    pub storage_key: String,
}

impl TaskStore {
    /// The attempt succeeded; its file (already saved) is recorded with it, in one write
    /// transaction: the fenced task update, the content row, the attempt closed. Returns
    /// the task as it now is, or `None` when `instance` no longer holds it or its cancel
    /// was recorded (nothing written; the caller removes the file and, if it still holds
    /// the task, ends it cancelled).
    pub async fn complete(
        &self,
        id: Uuid,
        instance: &str,
        content: Option<StoredContent>,
    ) -> Result<Option<TaskView>, StoreError> {
        Ok(self.complete_and_claim(id, instance, content, TimeDelta::zero(), 0).await?.0)
    }

    /// [`complete`](Self::complete), and in the same write transaction the claim of up
    /// to `next` runnable tasks for `instance`, leased for `lease`, exactly as
    /// [`claim`](Self::claim) takes them: the slot the attempt ran in goes on to the next
    /// task without a transaction of its own (the engine's hot path: one transaction per
    /// task instead of two). Nothing is claimed when the completion is refused.
    pub async fn complete_and_claim(
        &self,
        id: Uuid,
        instance: &str,
        content: Option<StoredContent>,
        lease: TimeDelta,
        next: usize,
    ) -> Result<(Option<TaskView>, Vec<Claimed>), StoreError> {
        let now = self.clock.now();
        let txn = self.write_txn(None).await?;
        // The fenced update, and the read of the owners with waiting work (after it): one call.
        let mut opening = Batch::default();
        push_fenced_completion(&mut opening, id, instance, content.as_ref(), now);
        if next > 0 {
            super::claim::push_waiting_owners(&mut opening, now);
        }
        let (completed, owners): (Vec<_>, Vec<_>) =
            opening.run(&*txn).await?.into_iter().partition(|row| row.try_get::<Uuid>("", "id").is_ok());
        let Some(row) = completed.first() else { return Ok((None, Vec::new())) }; // nothing was written
        let row = task::Model::from_query_result(row, "")?;
        let rest = completion_writes(id, instance, content.as_ref(), now);
        let claimed = self.claim_in(&txn, instance, now, lease, next, Some(owners), rest).await?;
        txn.commit().await?;
        let completed = TaskView { result: content.map(|c| c.content), ..view(row)? };
        Ok((Some(completed), claimed))
    }
}

/// Adds the fenced update that completes the task to a batch: it returns the task's row
/// as it now is, or no row (writing nothing) when the task is not `instance`'s to complete.
fn push_fenced_completion(
    batch: &mut Batch,
    id: Uuid,
    instance: &str,
    content: Option<&StoredContent>,
    now: DateTime<Utc>,
) {
    batch.push(
        "UPDATE tasks SET status = 'completed', finished_at = $1, updated_at = $1, version = version + 1, \
         next_retry_at = NULL, progress = 100, service_queue_position = NULL, lease_owner = NULL, \
         lease_expires_at = NULL, error_code = NULL, error_message = NULL, \
         result_content_id = $2 WHERE id = $3 AND status = 'processing' AND lease_owner = $4 \
         AND cancel_requested_at IS NULL RETURNING *",
        [now.into(), content.map(|c| c.content.media.id).into(), id.into(), instance.into()],
    );
}

/// What follows a completion that passed its fence: the content row, the board frames
/// waiting for it, the attempt closed.
fn completion_writes(id: Uuid, instance: &str, content: Option<&StoredContent>, now: DateTime<Utc>) -> Batch {
    let mut writes = Batch::default();
    if let Some(stored) = content {
        let file = content_row(id, stored, now);
        writes.push(
            "INSERT INTO contents (id, task_id, storage_key, media_type, bytes, width, height, duration_ms, \
             created_at, has_still) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            [
                file.id.into(),
                id.into(),
                file.storage_key.clone().into(),
                file.media_type.clone().into(),
                file.bytes.into(),
                file.width.into(),
                file.height.into(),
                file.duration_ms.into(),
                now.into(),
                file.has_still.into(),
            ],
        );
        writes.push(
            "UPDATE board_items SET content_id = $1, storage_key = $2, media_type = $3, media_width = $4, \
             media_height = $5, has_still = $6, updated_at = $7, version = version + 1 \
             WHERE task_id = $8 AND content_id IS NULL",
            [
                file.id.into(),
                file.storage_key.into(),
                file.media_type.into(),
                file.width.into(),
                file.height.into(),
                file.has_still.into(),
                now.into(),
                id.into(),
            ],
        );
    }
    writes.push(
        "UPDATE attempts SET finished_at = $1, outcome = 'completed', error_message = NULL \
         WHERE task_id = $2 AND instance = $3 AND finished_at IS NULL",
        [now.into(), id.into(), instance.into()],
    );
    writes
}

fn content_row(task_id: Uuid, stored: &StoredContent, now: DateTime<Utc>) -> content::Model {
    let ContentView { media, bytes, duration_ms } = &stored.content;
    content::Model {
        id: media.id,
        task_id,
        storage_key: stored.storage_key.clone(),
        media_type: media.media_type.clone(),
        bytes: i64::try_from(*bytes).unwrap_or(i64::MAX),
        width: media.width.map(|n| n as i32),
        height: media.height.map(|n| n as i32),
        duration_ms: duration_ms.map(|n| n as i32),
        created_at: now,
        has_still: media.has_still,
    }
}
