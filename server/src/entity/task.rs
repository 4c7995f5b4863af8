//! A row of `tasks`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub kind: String,
    pub status: String,
    pub params: Json,
    pub params_hash: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    pub attempt_count: i32,
    pub retry_count: i32,
    pub next_retry_at: Option<DateTimeUtc>,
    pub progress: i16,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub result_content_id: Option<Uuid>,
    pub submission_id: Option<Uuid>,
    /// Which variant of its prompt it is, from 1 (none for a retry, and for tasks made
    /// before it was recorded).
    pub variant: Option<i32>,
    /// How many variants its submission made of each prompt (with `variant`).
    pub variants: Option<i32>,
    pub cancel_requested_at: Option<DateTimeUtc>,
    pub queue_order: i64,
    pub retry_of: Option<Uuid>,
    pub lease_owner: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub remote_job_id: Option<String>,
    /// The prompt folded to lower case, what search compares (`app::domain::search`; the
    /// prompt itself is inside `params`).
    pub search_text: Option<String>,
    /// Who submitted it (a guest's tasks have no one).
    pub submitted_by: Option<Uuid>,
    /// Their username (usernames never change).
    pub author: Option<String>,
    /// One more at every change of the row: two views of the task are ordered by it.
    pub version: i64,
    /// The owner's creation number it was made with (`owners.seq`).
    pub seq: i64,
    /// Where the running attempt's job waits in its service's own queue (1: next).
    pub service_queue_position: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
