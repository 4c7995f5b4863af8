//! A row of `board_items`: a result placed on an owner's whiteboard, or a frame waiting
//! for a task's result.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "board_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    /// The task that made (or will make) what the item shows.
    pub task_id: Option<Uuid>,
    pub kind: String,
    pub content_id: Option<Uuid>,
    /// The file shown, under the content folder; kept when the task is deleted.
    pub storage_key: Option<String>,
    pub media_type: Option<String>,
    pub media_width: Option<i32>,
    pub media_height: Option<i32>,
    pub has_still: bool,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Stacking order: higher is in front.
    pub z: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// One more at every change of the row.
    pub version: i64,
    /// The owner's creation number it was made with (`owners.seq`).
    pub seq: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
