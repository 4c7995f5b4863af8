//! Between `tasks` and `contents` rows and the API's views.

use super::StoreError;
use crate::entity::{content, task};
use app::domain::{
    Author, ContentView, Media, OwnerId, TaskFailure, TaskKind, TaskParams, TaskStatus, TaskView, Variant,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, SimpleExpr};
use uuid::Uuid;

/// A new pending task of submission `submission_id` (which variant of its prompt it is,
/// the submission sets: a retry is none).
pub fn new_row(
    owner: OwnerId,
    by: Option<&Author>,
    submission_id: Uuid,
    params: &TaskParams,
    hash: String,
    now: DateTime<Utc>,
    seq: i64,
) -> task::Model {
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
        submission_id: Some(submission_id),
        variant: None,
        variants: None,
        cancel_requested_at: None,
        queue_order: 0,
        retry_of: None,
        lease_owner: None,
        lease_expires_at: None,
        provider: None,
        model: None,
        remote_job_id: None,
        search_text: Some(app::domain::fold(params.prompt())),
        submitted_by: by.map(|a| a.id),
        author: by.map(|a| a.name.clone()),
        version: 1,
        seq,
        service_queue_position: None,
    }
}

pub fn view(row: task::Model) -> Result<TaskView, StoreError> {
    let corrupt = |what, detail: String| StoreError::CorruptRow { id: row.id, what, detail };
    let kind = TaskKind::parse(&row.kind).map_err(|e| corrupt("kind", e.message))?;
    let status = TaskStatus::parse(&row.status).map_err(|e| corrupt("status", e.message))?;
    let params: TaskParams = serde_json::from_value(row.params).map_err(|e| corrupt("params", e.to_string()))?;
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
        cancel_requested: row.cancel_requested_at.is_some() && row.status == TaskStatus::Processing.as_str(),
        provider: row.provider,
        model: row.model,
        result: None,
        retry_of: row.retry_of,
        submission_id: row.submission_id,
        variant: row
            .variant
            .zip(row.variants)
            .map(|(number, of)| Variant { number: number.max(1) as u32, of: of.max(1) as u32 }),
        author: row.author,
        version: row.version.max(0) as u64,
        seq: row.seq.max(0) as u64,
        queued_at_service: row
            .service_queue_position
            .filter(|_| status == TaskStatus::Processing)
            .and_then(|p| u32::try_from(p).ok()),
    })
}

pub fn content_view(row: content::Model) -> ContentView {
    let positive = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok());
    ContentView {
        media: Media {
            id: row.id,
            media_type: row.media_type,
            width: positive(row.width),
            height: positive(row.height),
            has_still: row.has_still,
        },
        bytes: row.bytes.max(0) as u64,
        duration_ms: positive(row.duration_ms),
    }
}

/// A task's `version` after a change: one more than before (every statement that changes
/// what a task's view shows sets it).
pub fn next_version() -> SimpleExpr {
    sea_orm::sea_query::ExprTrait::add(Expr::col(task::Column::Version), 1)
}
