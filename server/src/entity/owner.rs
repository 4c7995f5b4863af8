//! A row of `owners`: per-owner queue state (paused, last turn on the scheduler).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "owners")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub owner_id: Uuid,
    pub paused: bool,
    pub last_served_at: Option<DateTimeUtc>,
    /// One more at every pause or resume: orders the queue's paused state.
    pub version: i64,
    /// The last creation number given to the owner's tasks and board items.
    pub seq: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
