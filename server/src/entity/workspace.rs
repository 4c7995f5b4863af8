//! A row of `workspaces`: a queue, a board and their tasks, shared by its members; its id
//! is the owner id of everything in it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "workspaces")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    /// The account's own workspace (made with it): never shared.
    pub personal: bool,
    /// Units its members may send to paid services per UTC day, all together, if its
    /// owners set a budget (lower than the server's per-person one).
    pub daily_budget: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
