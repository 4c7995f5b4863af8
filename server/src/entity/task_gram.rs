//! A row of `task_grams`: one CJK gram of one or two characters found in a task's folded
//! prompt (`app::domain::cjk_grams`), the index of searches that short, by owner (so a
//! search reads its own workspace's rows; the owner follows the task's when a guest's
//! tasks are adopted).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "task_grams")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub owner_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub gram: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
