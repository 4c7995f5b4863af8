//! Budgets: `spending`, the units each workspace sent to paid services on each UTC day
//! (`YYYY-MM-DD`), added when tasks are queued and never taken back (a deleted task was
//! still paid for), read against the optional daily budget.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Spending {
    Table,
    OwnerId,
    Day,
    Units,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Spending::Table)
                    .col(uuid(Spending::OwnerId))
                    .col(string_len(Spending::Day, 10))
                    .col(big_integer(Spending::Units))
                    .primary_key(Index::create().col(Spending::OwnerId).col(Spending::Day))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Spending::Table).to_owned()).await
    }
}
