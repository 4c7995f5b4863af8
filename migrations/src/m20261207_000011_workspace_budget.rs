//! `workspaces.daily_budget`: a budget an owner sets for one workspace, lower than the
//! server's per-person one, in the same units; none by default.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Workspaces {
    Table,
    DailyBudget,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = big_integer_null(Workspaces::DailyBudget);
        manager.alter_table(Table::alter().table(Workspaces::Table).add_column(column).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = Table::alter().table(Workspaces::Table).drop_column(Workspaces::DailyBudget).to_owned();
        manager.alter_table(drop).await
    }
}
